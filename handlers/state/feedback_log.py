"""Feedback on answers ("Rigtigt svar" / "Forkert svar"), appended to `feedback.jsonl` in the
data folder, and its export as a question file the bench reads.

A row holds what is needed to judge the answer again and nothing else of the chat: the
verdict, the question as asked, the item shown (id, meeting date, item number, body) and
the time. No sender, no conversation, no other message text.

The export writes one question per asked question (the newest verdict wins), in the format
of `tests/data/questions.jsonl` (see `tools.evaluate`): a right answer as `top1` with
the item shown as expected; a wrong one as `none` with the item shown kept as `shown`, so
the bench counts it until someone writes the right item into `expect` and makes it `top1`.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

FEEDBACK_FILE = "feedback.jsonl"
RIGHT, WRONG = "right", "wrong"
# A question longer than a chat question may be is no question the bot asked back.
MAX_QUESTION = 500


class FeedbackLog:
    """Feedback rows on disk (or in memory when `path` is None), with their counts."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.lock = threading.Lock()
        self.rows: list[dict[str, Any]] = _read(path) if path is not None else []

    def append(self, row: dict[str, Any]) -> None:
        with self.lock:
            self.rows.append(row)
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with open(self.path, "a", encoding="utf-8") as out:
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")

    def counts(self) -> tuple[int, int]:
        """(right, wrong)."""
        with self.lock:
            right = sum(1 for row in self.rows if row["verdict"] == RIGHT)
            return right, len(self.rows) - right

    def last_wrong(self, count: int) -> list[dict[str, Any]]:
        """The newest `count` wrong answers, newest first."""
        with self.lock:
            return [row for row in self.rows if row["verdict"] == WRONG][-count:][::-1] if count > 0 else []


def row(verdict: str, question: str, item: dict[str, Any], when: str) -> dict[str, Any] | None:
    """A feedback row from a pressed button's data, or None when the data is not one."""
    if verdict not in (RIGHT, WRONG) or not isinstance(question, str) or not isinstance(item, dict):
        return None
    question = " ".join(question.split())
    date, number, body = item.get("date"), str(item.get("number") or ""), item.get("body")
    if not question or len(question) > MAX_QUESTION or not isinstance(date, str) or len(date) != 10:
        return None
    if not number.isdigit() or len(number) > 4:
        return None
    shown = {"id": str(item.get("item") or "")[:100], "date": date, "number": int(number),
             "body": body[:100] if isinstance(body, str) else ""}
    return {"verdict": verdict, "question": question, "item": shown, "when": when}


def export(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bench's questions from feedback rows (see the module docstring)."""
    newest: dict[str, dict[str, Any]] = {}
    for entry in rows:
        newest.pop(entry["question"], None)
        newest[entry["question"]] = entry
    questions = []
    for number, entry in enumerate(newest.values(), start=1):
        item = entry["item"]
        shown = [item["date"], item["number"], item["body"]] if item.get("body") else [item["date"], item["number"]]
        if entry["verdict"] == RIGHT:
            questions.append({"id": f"f{number:03d}", "kind": "feedback", "q": entry["question"],
                              "mode": "top1", "expect": [shown]})
        else:
            questions.append({"id": f"f{number:03d}", "kind": "feedback-wrong", "q": entry["question"],
                              "mode": "none", "expect": [], "shown": shown})
    return questions


def _read(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    rows = []
    for line in lines:
        try:
            rows.append(json.loads(line))
        except ValueError:
            continue  # a line cut by a crash
    return rows
