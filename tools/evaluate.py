"""Checking answers against a question set, by the modes its README defines.

Used by the test that runs the development set and by `beslutningsbot bench`, so both
judge "right" the same way:
  top1          the first hit is one of `expect`
  all_in_top5   every item of `expect` is among the first five hits
  closed        the first hit is one of `expect`, closed, and carries no text
  none          the search answers nothing
  meetings      the answer is a pick list of meetings holding every [date, body] of `expect`
  cases         the answer lists the cases a partial number begins, each starting with it

An expected item is [date, number], or [date, number, body] where one day holds meetings
of several bodies (the body as people say it: "Byrådet", "Økonomiudvalget").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from knowledge.index.loaded import Index


@dataclass
class Check:
    question: dict
    ok: bool
    got: list[tuple[str, int]]
    coverage: float | None = None


# The development set: the bench's, the load test's and the tests' question file by default.
DEFAULT_QUESTIONS = Path(__file__).resolve().parents[1] / "tests" / "data" / "questions.jsonl"


def load(path: Path = DEFAULT_QUESTIONS) -> list[dict]:
    """The questions of a JSONL question file, one object a line."""
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def _key(hit, with_body: bool) -> tuple:
    return (hit.date, hit.number, hit.body_name) if with_body else (hit.date, hit.number)


def check(index: Index, question: dict) -> Check:
    mode = question["mode"]
    if mode in ("meetings", "cases"):
        return _check_list(index, question)
    hits = index.search(question["q"], limit=5)
    with_body = any(len(entry) == 3 for entry in question.get("expect", []))
    got = [_key(hit, with_body) for hit in hits]
    expect = {tuple(entry) for entry in question.get("expect", [])}
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


def _check_list(index: Index, question: dict) -> Check:
    result = index.answer(question["q"])
    if question["mode"] == "meetings":
        got = [(meeting["date"], meeting["body_name"]) for meeting in result.meetings]
        ok = result.kind == "meetings" and {tuple(entry) for entry in question["expect"]} <= set(got)
    else:
        got = [case["case_number"] for case in result.cases]
        prefix = question["expect"][0]
        ok = result.kind == "cases" and bool(got) and all(number.startswith(prefix) for number in got)
    return Check(question, ok, got)


def run(index: Index, questions: list[dict]) -> list[Check]:
    return [check(index, question) for question in questions]
