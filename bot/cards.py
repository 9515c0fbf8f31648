"""Adaptive Cards from the handlers' channel-neutral card data, for Teams (v1.5) and Webex (v1.3).

The card shows the item's title, date, journal number and decision, earlier decisions
under it, and one "Se også" button per related item. A button submits
`{"question": ...}`; both channels bring that back as a question for the conversation.
Nothing here uses an element newer than 1.3, so one builder serves both versions.
"""

from __future__ import annotations

from typing import Any

from handlers import texts

CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
MAX_BUTTONS = 4
MAX_BUTTON_TITLE = 60


def answer_card(data: dict[str, Any], version: str = "1.5") -> dict[str, Any]:
    """The Adaptive Card for one answer (see `handlers.answer.card_data`)."""
    facts = [{"title": texts.CARD_DATE, "value": data["date"]}]
    if data.get("body"):
        facts.append({"title": texts.CARD_BODY, "value": data["body"]})
    if data.get("case_number"):
        facts.append({"title": texts.CARD_CASE, "value": data["case_number"]})
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": data["title"], "weight": "Bolder", "size": "Medium", "wrap": True},
        {"type": "FactSet", "facts": facts},
        {"type": "TextBlock", "text": data["decision"], "wrap": True,
         **({"isSubtle": True} if data.get("closed") else {})},
    ]
    if data.get("history"):
        body.append({"type": "TextBlock", "text": texts.HISTORY_HEADING, "weight": "Bolder", "wrap": True, "spacing": "Medium"})
        body += [{"type": "TextBlock", "text": line, "wrap": True, "isSubtle": True, "size": "Small"} for line in data["history"]]
    card: dict[str, Any] = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": version, "body": body}
    related = data.get("see_also", [])[:MAX_BUTTONS]
    if related:
        body.append({"type": "TextBlock", "text": texts.SEE_ALSO, "weight": "Bolder", "spacing": "Medium"})
        card["actions"] = [
            {"type": "Action.Submit", "title": _short(entry["label"]), "data": {"question": entry["question"]}}
            for entry in related
        ]
    return card


def attachment(card: dict[str, Any]) -> dict[str, Any]:
    return {"contentType": CONTENT_TYPE, "content": card}


def submitted_question(value: Any) -> str | None:
    """The question a pressed "Se også" button carries, from a card submit's data."""
    if isinstance(value, dict):
        question = value.get("question")
        if isinstance(question, str) and question.strip():
            return question.strip()
    return None


def _short(text: str) -> str:
    return text if len(text) <= MAX_BUTTON_TITLE else text[: MAX_BUTTON_TITLE - 1].rstrip() + "…"
