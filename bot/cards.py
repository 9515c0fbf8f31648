"""Adaptive Cards from the handlers' channel-neutral card data, for Teams (v1.5) and Webex (v1.3).

The card shows the item's title, date, journal number and decision, earlier decisions
under it, and one "Se også" button per related item. A button submits
`{"question": ...}`; both channels bring that back as a question for the conversation.
Nothing here uses an element newer than 1.3, so one builder serves both versions.

TextBlocks and FactSet values render a markdown subset, so every text in them passes
`handlers.markup.markdown` (in `text_block` and `fact`): a date such as "8. april 2026"
stays a date, not a numbered list, and no link or mention can come from the minutes.
Button titles are plain text and only lose invisible formatting characters.
"""

from __future__ import annotations

from typing import Any

from handlers import markup, texts

CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
MAX_BUTTONS = 4
MAX_BUTTON_TITLE = 60


def answer_card(data: dict[str, Any], version: str = "1.5") -> dict[str, Any]:
    """The Adaptive Card for one answer (see `handlers.answer.card_data`)."""
    facts = [fact(texts.CARD_DATE, data["date"])]
    if data.get("body"):
        facts.append(fact(texts.CARD_BODY, data["body"]))
    if data.get("case_number"):
        facts.append(fact(texts.CARD_CASE, data["case_number"]))
    body: list[dict[str, Any]] = [
        text_block(data["title"], weight="Bolder", size="Medium"),
        {"type": "FactSet", "facts": facts},
        text_block(data["decision"], **({"isSubtle": True} if data.get("closed") else {})),
    ]
    if data.get("history"):
        body.append(text_block(texts.HISTORY_HEADING, weight="Bolder", spacing="Medium"))
        body += [text_block(line, isSubtle=True, size="Small") for line in data["history"]]
    card: dict[str, Any] = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": version, "body": body}
    related = data.get("see_also", [])[:MAX_BUTTONS]
    if related:
        body.append(text_block(texts.SEE_ALSO, weight="Bolder", spacing="Medium"))
        card["actions"] = [
            {"type": "Action.Submit", "title": _short(entry["label"]), "data": {"question": entry["question"]}}
            for entry in related
        ]
    return card


def text_block(text: str, **style: Any) -> dict[str, Any]:
    """A wrapping TextBlock showing `text` as written (see the module docstring)."""
    return {"type": "TextBlock", "text": markup.markdown(text), "wrap": True, **style}


def fact(title: str, value: str) -> dict[str, str]:
    """A FactSet fact; its value is shown as written."""
    return {"title": markup.markdown(title), "value": markup.markdown(value)}


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
    text = " ".join(markup.clean(text).split())
    return text if len(text) <= MAX_BUTTON_TITLE else text[: MAX_BUTTON_TITLE - 1].rstrip() + "…"
