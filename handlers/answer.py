"""Turning a search result into the reply a person reads: text, markdown and card data.

The decision is quoted as written, lists and line breaks kept. A closed item shows its
title and date and that it is closed, nothing more: this module reads a closed hit's
title and date only, and `knowledge.search.make_hit` has already emptied the rest.
"""

from __future__ import annotations

import re

from handlers import texts
from handlers.messages import Reply
from knowledge.dates import danish
from knowledge.search import Hit, Result

SEE_ALSO_COUNT = 4
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~@])")


def escape_markdown(text: str) -> str:
    """User text made inert: no markup, links or mentions survive being repeated back."""
    text = text.replace("&", "&amp;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


_CONTENT_SPECIAL = re.compile(r"([\[\]<>])")


def content_markdown(text: str) -> str:
    """Text from the minutes for markdown: written as is, but no link or HTML can form."""
    return _CONTENT_SPECIAL.sub(r"\\\1", text)


def plain_quote(text: str) -> str:
    """User text for a plain-text reply: one line, control characters dropped, bounded."""
    cleaned = "".join(char if char.isprintable() else " " for char in text)
    cleaned = " ".join(cleaned.split())
    return cleaned[:200] + ("…" if len(cleaned) > 200 else "")


def item_title(hit: Hit) -> str:
    if hit.closed:
        title = texts.CLOSED_TITLE.format(title=hit.title) if hit.title else texts.CLOSED_EMPTY_TITLE
    else:
        title = hit.title
    return texts.ITEM_LINE.format(number=hit.number, title=title)


def see_also_label(hit: Hit) -> str:
    return f"{danish(hit.date)}, {item_title(hit)}"


def see_also_question(hit: Hit) -> str:
    """The question a "Se også" button asks: the item's meeting day and title."""
    if hit.closed or not hit.title:
        return f"referat fra {hit.body.lower()} {danish(hit.date)}"
    return f"{hit.title} {danish(hit.date)}"


def shorten(text: str, limit: int, hit: Hit) -> str:
    if len(text) <= limit:
        return text
    note = texts.SHORTENED.format(date=danish(hit.date), number=hit.number)
    cut = text[: max(0, limit - len(note))].rsplit(" ", 1)[0].rstrip()
    return cut + note


def _history_lines(hit: Hit) -> list[str]:
    lines = []
    for entry in hit.item.get("earlier", ()):
        when = danish(entry["date"]) if entry.get("date") else ""
        item = texts.HISTORY_ITEM.format(item=entry["item"]) if entry.get("item") else ""
        body_text = " ".join(entry.get("text", "").split())
        lines.append(texts.HISTORY_LINE.format(body=entry.get("body", ""), date=when, item=item, text=body_text))
    return lines


def answer_reply(result: Result, decision_limit: int = 3000, max_bytes: int | None = None) -> Reply:
    """The reply for any shape of result; with `max_bytes`, its markdown fits in that many
    UTF-8 bytes (Webex: 7,439), the decision cut with "…" and the meeting and item named."""
    reply = _render(result, decision_limit)
    while max_bytes and len(reply.markdown.encode("utf-8")) > max_bytes and decision_limit > 200:
        decision_limit //= 2
        reply = _render(result, decision_limit)
    if max_bytes and len(reply.markdown.encode("utf-8")) > max_bytes:
        reply.markdown = reply.markdown.encode("utf-8")[: max_bytes - 3].decode("utf-8", "ignore") + "…"
    return reply


def _render(result: Result, decision_limit: int) -> Reply:
    if result.kind == "case":
        return _case_reply(result, decision_limit)
    if result.kind == "meeting":
        return _meeting_reply(result, decision_limit)
    if result.kind in ("none", "empty"):
        return none_reply(result)
    return _answer(result, decision_limit)


def _answer(result: Result, decision_limit: int) -> Reply:
    best, others = result.hits[0], result.hits[1:1 + SEE_ALSO_COUNT]
    text_lines, md_lines = [], []
    if result.question.when and not best.closed:
        sentence = texts.WHEN_ANSWER.format(body=best.body, date=danish(best.date))
        text_lines += [sentence, ""]
        md_lines += [sentence, ""]
    if best.closed:
        heading = f"{danish(best.date)}: {item_title(best)}"
        text_lines += [heading, texts.CLOSED_NOTE]
        md_lines += [f"**{content_markdown(heading)}**", "", texts.CLOSED_NOTE]
    else:
        decided = texts.DECIDED.format(body=best.body, date=danish(best.date))
        title = item_title(best)
        case = texts.CASE_LINE.format(case=best.case_number) if best.case_number else ""
        decision = shorten(best.decision or texts.NO_DECISION, decision_limit, best)
        text_lines += [f"{decided}, {title}", *([case] if case else []), "", decision]
        md_lines += [
            f"**{content_markdown(title)}**",
            f"{decided}" + (f" · {case}" if case else ""),
            "",
            *[f"> {line}" if line else ">" for line in decision.split("\n")],
        ]
        history = _history_lines(best)
        if history:
            text_lines += ["", texts.HISTORY_HEADING + ":", *[f"- {line}" for line in history]]
            md_lines += ["", f"**{texts.HISTORY_HEADING}**", *[f"- {content_markdown(line)}" for line in history]]
    if others:
        text_lines += ["", texts.SEE_ALSO + ":", *[f"- {see_also_label(hit)}" for hit in others]]
        md_lines += ["", f"**{texts.SEE_ALSO}**", *[f"- {content_markdown(see_also_label(hit))}" for hit in others]]
    return Reply("\n".join(text_lines), "\n".join(md_lines), card_data(best, others, decision_limit))


def card_data(best: Hit, others: list[Hit], decision_limit: int = 3000) -> dict:
    """Channel-neutral card content; the channels render it as Adaptive Cards."""
    return {
        "kind": "answer",
        "title": item_title(best),
        "date": danish(best.date),
        "body": best.body,
        "case_number": best.case_number,
        "closed": best.closed,
        "decision": texts.CLOSED_NOTE if best.closed else shorten(best.decision or texts.NO_DECISION, decision_limit, best),
        "history": [] if best.closed else _history_lines(best),
        "see_also": [{"label": see_also_label(hit), "question": see_also_question(hit)} for hit in others],
    }


def _case_reply(result: Result, decision_limit: int = 3000) -> Reply:
    first = result.hits[0]
    case = first.case_number or (result.question.case_numbers[0] if result.question.case_numbers else "")
    heading = texts.CASE_HEADING.format(case=case, times=texts.counted(len(result.hits), texts.TIMES))
    text_lines, md_lines = [heading], [f"**{content_markdown(heading)}**"]
    for hit in result.hits:
        line = f"{danish(hit.date)}, {item_title(hit)}"
        decision = "" if hit.closed else _one_line(hit, decision_limit // 4)
        text_lines.append(f"- {line}" + (f": {decision}" if decision else ""))
        md_lines.append(f"- **{content_markdown(line)}**" + (f": {content_markdown(decision)}" if decision else ""))
    return Reply("\n".join(text_lines), "\n".join(md_lines))


def _meeting_reply(result: Result, decision_limit: int = 3000) -> Reply:
    first = result.hits[0]
    meeting = result.meeting or {}
    details = ""
    if meeting.get("time") and meeting.get("place"):
        details = texts.MEETING_DETAILS.format(time=meeting["time"], place=meeting["place"])
    heading = texts.MEETING_HEADING.format(body=first.body, date=danish(first.date), details=details)
    text_lines, md_lines = [heading], [f"**{content_markdown(heading)}**"]
    for hit in result.hits:
        decision = "" if hit.closed else _one_line(hit, decision_limit // 4)
        text_lines.append(f"- {item_title(hit)}" + (f": {decision}" if decision else ""))
        md_lines.append(f"- **{content_markdown(item_title(hit))}**" + (f": {content_markdown(decision)}" if decision else ""))
    return Reply("\n".join(text_lines), "\n".join(md_lines))


def _one_line(hit: Hit, limit: int) -> str:
    return shorten(" ".join((hit.decision or texts.NO_DECISION).split()), max(limit, 80), hit)


def _period(result: Result) -> str:
    question = result.question
    if question.date_from and question.date_to:
        if question.date_from == question.date_to:
            return danish(question.date_from)
        return texts.PERIOD_RANGE.format(start=danish(question.date_from), end=danish(question.date_to))
    if question.date_from:
        return danish(question.date_from)
    if question.date_to:
        return danish(question.date_to)
    return ""


def none_reply(result: Result) -> Reply:
    question = result.question
    if result.kind == "empty":
        return Reply(texts.EMPTY_QUESTION)
    if question.case_numbers:
        case = ", ".join(question.case_numbers)
        return Reply(texts.NONE_CASE.format(case=plain_quote(case)), texts.NONE_CASE.format(case=escape_markdown(case)))
    if question.meeting or not question.topic.strip():
        sentence = texts.NONE_MEETING.format(period=_period(result))
        lines = [sentence]
        if result.suggestions:
            lines += ["", texts.NEAREST_MEETINGS, *[f"- {danish(hit.date)}" for hit in result.suggestions]]
        return Reply("\n".join(lines))
    topic = question.topic
    period = _period(result)
    template = texts.NONE_IN_PERIOD if period else texts.NONE_FOUND
    text_lines = [template.format(topic=plain_quote(topic), period=period)]
    md_lines = [template.format(topic=escape_markdown(plain_quote(topic)), period=period)]
    if result.suggestions:
        text_lines += ["", texts.CLOSEST, *[f"- {see_also_label(hit)}" for hit in result.suggestions]]
        md_lines += ["", texts.CLOSEST, *[f"- {content_markdown(see_also_label(hit))}" for hit in result.suggestions]]
    return Reply("\n".join(text_lines), "\n".join(md_lines))
