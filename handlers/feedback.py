"""Feedback on answers: what the "Rigtigt svar" / "Forkert svar" buttons carry, recording a
press, and the lines an admin's `status` shows.

A button carries `{"feedback": "right"|"wrong", "asked": <question>, "item": <id>, "date",
"number", "body"}` (flat strings: a Webex submit brings its data back as inputs): the
question as asked and the item the answer showed, so the press is stored without looking
anything up (`handlers.state.feedback_log`).
"""

from __future__ import annotations

from typing import Any

from handlers import texts
from handlers.messages import Reply
from handlers.state.feedback_log import RIGHT, WRONG, FeedbackLog, row
from knowledge.search import Hit

WRONG_SHOWN = 5


def button_data(hit: Hit, asked: str) -> dict[str, Any]:
    """What the answer card keeps for its feedback buttons."""
    return {"asked": asked, "item": hit.id, "date": hit.date, "number": str(hit.number),
            "body": getattr(hit, "body_name", "") or ""}


def buttons(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The two Action.Submit buttons for an answer card's `feedback` data."""
    return [{"type": "Action.Submit", "title": title, "data": {"feedback": verdict, **data}}
            for verdict, title in ((RIGHT, texts.FEEDBACK_RIGHT), (WRONG, texts.FEEDBACK_WRONG))]


def submitted(value: Any) -> dict[str, Any] | None:
    """A feedback button's data from a card submit, or None when the submit is something else."""
    if isinstance(value, dict) and value.get("feedback") in (RIGHT, WRONG):
        return value
    return None


def record(log: FeedbackLog, data: dict[str, Any], when: str) -> Reply:
    entry = row(data.get("feedback"), data.get("asked"), data, when)
    if entry is None:
        return Reply(texts.FEEDBACK_UNREADABLE)
    log.append(entry)
    return Reply(texts.FEEDBACK_THANKS)


def status_lines(log: FeedbackLog, shown) -> list[str]:
    """The counts and the last wrong answers, each question shown as text (`shown`)."""
    right, wrong = log.counts()
    lines = [texts.STATUS_FEEDBACK.format(right=right, wrong=wrong)]
    for entry in log.last_wrong(WRONG_SHOWN):
        item = entry["item"]
        lines.append(texts.STATUS_FEEDBACK_WRONG.format(
            question=shown(entry["question"], 200), item=item["number"], date=item["date"],
            body=shown(item.get("body") or "-", 80)))
    return lines

