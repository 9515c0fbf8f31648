"""Checking answers against a question set, by the modes its README defines.

Used by the test that runs the development set and by `beslutningsbot bench`, so both
judge "right" the same way:
  top1          the first hit is one of `expect`
  all_in_top5   every item of `expect` is among the first five hits
  closed        the first hit is one of `expect`, closed, and carries no text
  none          the search answers nothing
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from knowledge.index import Index


@dataclass
class Check:
    question: dict
    ok: bool
    got: list[tuple[str, int]]
    coverage: float | None = None


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def check(index: Index, question: dict) -> Check:
    hits = index.search(question["q"], limit=5)
    got = [(hit.date, hit.number) for hit in hits]
    expect = {(day, number) for day, number in question.get("expect", [])}
    mode = question["mode"]
    if mode == "none":
        ok = not hits
    elif not hits:
        ok = False
    elif mode == "top1":
        ok = got[0] in expect
    elif mode == "all_in_top5":
        ok = expect <= set(got[:5])
    elif mode == "closed":
        first = hits[0]
        ok = got[0] in expect and first.closed and not first.decision and not first.case_number
    else:
        raise ValueError(f"unknown mode {mode!r}")
    return Check(question, ok, got)


def run(index: Index, questions: list[dict]) -> list[Check]:
    return [check(index, question) for question in questions]
