"""Adaptive Cards from the handlers' channel-neutral card data, for Teams (v1.5) and Webex (v1.3).

An answer card shows the lead (yes/no, when), the item's title, date, body and journal
number, the decision, the Indstilling it approved, earlier decisions, one "Se også"
button per related item and a button to the minutes. A list card (a meeting's items, a
case's treatments, the meetings of a day) shows one line per entry with an "Åbn" button
beside each. A button submits `{"question": ...}`; both channels bring that back as a
question for the conversation. Nothing here uses an element newer than 1.3, so one
builder serves both versions.

TextBlocks and FactSet values render a markdown subset, so every text in them passes
`handlers.markup.markdown` (in `text_block` and `fact`): a date such as "8. april 2026"
stays a date, not a numbered list, and no link or mention can come from the minutes.
Button titles are plain text and only lose invisible formatting characters.
"""

from __future__ import annotations

from typing import Any

from handlers import feedback, markup, texts

CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
MAX_BUTTONS = 4
MAX_BUTTON_TITLE = 60
# A list card's entries: enough for any meeting's agenda, few enough for a card's size.
MAX_ENTRIES = 60
# Up to this many entries get a button each; a longer list gets one pick list and one button.
MAX_ROW_BUTTONS = 12


def answer_card(data: dict[str, Any], version: str = "1.5", steps: bool = True) -> dict[str, Any]:
    """The Adaptive Card for one answer (see `handlers.answer_message.Answer.card`), or for a list
    when the data is one (`kind` "list", see `handlers.listing`). With `steps` the suggested
    next steps (`handlers.next_steps`) are buttons at the card's foot; Teams' personal chats
    show them as suggested actions instead (`bot.teams.channel`)."""
    if data.get("kind") == "list":
        return list_card(data, version)
    if data.get("kind") == "digest":
        return digest_card(data, version)
    facts = [fact(texts.CARD_DATE, data["date"])]
    if data.get("body"):
        facts.append(fact(texts.CARD_BODY, data["body"]))
    if data.get("case_number"):
        facts.append(fact(texts.CARD_CASE, data["case_number"]))
    body: list[dict[str, Any]] = []
    if data.get("lead"):
        body.append(text_block(data["lead"], weight="Bolder"))
    body += [
        text_block(data["title"], weight="Bolder", size="Medium"),
        {"type": "FactSet", "facts": facts},
        text_block(data["decision"], **({"isSubtle": True} if data.get("closed") else {})),
    ]
    if data.get("proposal"):
        body.append(text_block(texts.PROPOSAL_HEADING, weight="Bolder", spacing="Medium"))
        body += [text_block(f"• {part}", spacing="Small") for part in data["proposal"]]
    if data.get("history"):
        body.append(text_block(texts.HISTORY_HEADING, weight="Bolder", spacing="Medium"))
        body += [text_block(line, isSubtle=True, size="Small") for line in data["history"]]
    card: dict[str, Any] = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": version, "body": body}
    actions: list[dict[str, Any]] = []
    related = data.get("see_also", [])[:MAX_BUTTONS]
    if related:
        body.append(text_block(texts.SEE_ALSO, weight="Bolder", spacing="Medium"))
        actions += [{"type": "Action.Submit", "title": _label(entry), "data": {"question": entry["question"]}}
                    for entry in related]
    if data.get("url"):
        actions.append(open_url(data["url"]))
    if steps and data.get("next_steps"):
        body.append(text_block(texts.NEXT_STEPS_HEADING, weight="Bolder", spacing="Medium"))
        body.append({"type": "ActionSet", "actions": [
            {"type": "Action.Submit", "title": _short(step["title"]), "data": {"question": step["question"]}}
            for step in data["next_steps"]]})
    if data.get("feedback"):
        # In the body, not among the card's actions: Teams shows at most six of those.
        body.append({"type": "ActionSet", "spacing": "Medium", "actions": feedback.buttons(data["feedback"])})
    if actions:
        card["actions"] = actions
    return card


def list_card(data: dict[str, Any], version: str = "1.5") -> dict[str, Any]:
    """One line per entry, each with a button that opens it (see `handlers.listing`); a
    long list (a council's forty items) as its lines and one pick list with one button, as
    forty rows of buttons would not fit a Teams or Webex message."""
    body: list[dict[str, Any]] = [text_block(data["heading"], weight="Bolder", size="Medium")]
    button = _short(data.get("open_label") or texts.OPEN_ITEM_BUTTON)
    entries = data.get("entries", [])[:MAX_ENTRIES]
    if sum(1 for entry in entries if entry.get("question")) > MAX_ROW_BUTTONS:
        return _long_list_card(data, body, entries, button, version)
    body += [entry_row(entry, button) for entry in entries]
    card: dict[str, Any] = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": version, "body": body}
    if data.get("url"):
        card["actions"] = [open_url(data["url"])]
    return card


def entry_row(entry: dict[str, Any], button: str) -> dict[str, Any]:
    """One entry of a list: its title and decision, and a button that asks its question."""
    lines = [text_block(entry["title"], weight="Bolder", spacing="None")]
    if entry.get("decision"):
        lines.append(text_block(entry["decision"], isSubtle=True, spacing="None", size="Small"))
    columns: list[dict[str, Any]] = [{"type": "Column", "width": "stretch", "items": lines}]
    if entry.get("question"):
        columns.append({"type": "Column", "width": "auto", "verticalContentAlignment": "Center", "items": [
            {"type": "ActionSet", "actions": [
                {"type": "Action.Submit", "title": button, "data": {"question": entry["question"]}}]}]})
    return {"type": "ColumnSet", "columns": columns, "spacing": "Small", "separator": True}


def digest_card(data: dict[str, Any], version: str = "1.5") -> dict[str, Any]:
    """The weekly digest (see `handlers.digest_card`): a section per meeting, a row per
    decision with a button that asks about it, the meeting's formalities as a line."""
    body: list[dict[str, Any]] = []
    if data.get("note"):
        body.append(text_block(data["note"], isSubtle=True))
    body.append(text_block(data["heading"], weight="Bolder", size="Medium"))
    button = _short(texts.OPEN_ITEM_BUTTON)
    for meeting in data.get("meetings", []):
        body.append(text_block(meeting["heading"], weight="Bolder", spacing="Large"))
        body += [entry_row(entry, button) for entry in meeting["entries"]]
        if meeting.get("formalities"):
            body.append(text_block(meeting["formalities"], isSubtle=True, size="Small", spacing="Small"))
    if data.get("more"):
        body.append(text_block(data["more"], spacing="Medium"))
    return {"type": "AdaptiveCard", "$schema": SCHEMA, "version": version, "body": body}


def _long_list_card(data: dict[str, Any], body: list[dict[str, Any]], entries: list[dict[str, Any]],
                    button: str, version: str) -> dict[str, Any]:
    lines = [entry["title"] + (f": {entry['decision']}" if entry.get("decision") else "") for entry in entries]
    body.append(text_block("\n".join(lines), size="Small"))
    choices = [{"title": _short(entry["title"]), "value": entry["question"]} for entry in entries if entry.get("question")]
    body.append({"type": "Input.ChoiceSet", "id": "question", "style": "compact", "value": choices[0]["value"],
                 "choices": choices})
    # The chosen entry's question arrives as the submitted input "question", as a button's would.
    actions: list[dict[str, Any]] = [{"type": "Action.Submit", "title": button}]
    if data.get("url"):
        actions.append(open_url(data["url"]))
    return {"type": "AdaptiveCard", "$schema": SCHEMA, "version": version, "body": body, "actions": actions}


def text_block(text: str, **style: Any) -> dict[str, Any]:
    """A wrapping TextBlock showing `text` as written, line by line (see the module docstring).

    A TextBlock renders a single line break as a space (seen in the Agents Playground: a
    decision's dated lines ran together), so each line becomes a paragraph of its own.
    """
    lines = [line for line in markup.markdown(text).split("\n") if line.strip()]
    return {"type": "TextBlock", "text": "\n\n".join(lines), "wrap": True, **style}


def fact(title: str, value: str) -> dict[str, str]:
    """A FactSet fact; its value is shown as written."""
    return {"title": markup.markdown(title), "value": markup.markdown(value)}


def open_url(url: str) -> dict[str, str]:
    """The button to the minutes; `url` is an http(s) address (`knowledge.links`)."""
    return {"type": "Action.OpenUrl", "title": texts.SOURCE_BUTTON, "url": url}


def attachment(card: dict[str, Any]) -> dict[str, Any]:
    return {"contentType": CONTENT_TYPE, "content": card}


def submitted_question(value: Any) -> str | None:
    """The question a pressed button carries, from a card submit's data."""
    if isinstance(value, dict):
        question = value.get("question")
        if isinstance(question, str) and question.strip():
            return question.strip()
    return None


def _label(entry: dict[str, Any]) -> str:
    """A button's label within MAX_BUTTON_TITLE: the title is shortened, never the date and
    body after it, which tell two items of the same title apart."""
    title, when = entry.get("title"), entry.get("when")
    if not title or not when:
        return _short(entry["label"])
    title, when = " ".join(markup.clean(title).split()), " ".join(markup.clean(when).split())
    room = MAX_BUTTON_TITLE - len(when) - 2
    if room < 12:
        return _short(entry["label"])
    if len(title) > room:
        title = title[: room - 1].rstrip() + "…"
    return f"{title}, {when}"


def _short(text: str) -> str:
    text = " ".join(markup.clean(text).split())
    return text if len(text) <= MAX_BUTTON_TITLE else text[: MAX_BUTTON_TITLE - 1].rstrip() + "…"
