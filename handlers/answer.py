"""Turning a search result into the reply a person reads: text, markdown and card data.

The decision is quoted as written, lists and line breaks kept. A closed item shows its
title and date and that it is closed, nothing more: this module reads a closed hit's
title and date only, and `knowledge.search.make_hit` has already emptied the rest.
"""

from __future__ import annotations

from handlers import markup, texts
from handlers.fit import cut, fit_reply, utf8_size
from handlers.messages import Reply
from knowledge.dates import danish
from knowledge.search import Hit, Result

SEE_ALSO_COUNT = 4
# A title longer than this is not a title but a parsing accident; it is cut, not shown whole.
TITLE_LIMIT = 300


def item_title(hit: Hit) -> str:
    title = cut(hit.title, TITLE_LIMIT)
    if hit.closed:
        title = texts.CLOSED_TITLE.format(title=title) if title else texts.CLOSED_EMPTY_TITLE
    return texts.ITEM_LINE.format(number=hit.number, title=title)


def see_also_label(hit: Hit) -> str:
    return f"{danish(hit.date)}, {item_title(hit)}"


def see_also_question(hit: Hit) -> str:
    """The question a "Se også" button asks: the item's meeting day and title."""
    if hit.closed or not hit.title:
        return f"referat fra {hit.body.lower()} {danish(hit.date)}"
    return f"{hit.title} {danish(hit.date)}"


def shorten(text: str, limit: int, hit: Hit) -> str:
    """`text` in at most `limit` characters, cut with "…" and the meeting and item named."""
    return cut(text, limit, texts.SHORTENED.format(date=danish(hit.date), number=hit.number))


def _history_lines(hit: Hit, limit: int = 3000) -> list[str]:
    """Earlier decisions on the case, one line each, each cut to `limit` characters with the
    meeting where it stands in full."""
    lines = []
    for entry in hit.item.get("earlier", ()):
        when = danish(entry["date"]) if entry.get("date") else ""
        item = texts.HISTORY_ITEM.format(item=entry["item"]) if entry.get("item") else ""
        note = texts.HISTORY_SHORTENED.format(date=when, item=item)
        body_text = cut(" ".join(entry.get("text", "").split()), max(limit, 80), note)
        lines.append(texts.HISTORY_LINE.format(body=entry.get("body", ""), date=when, item=item, text=body_text))
    return lines


def answer_reply(result: Result, decision_limit: int = 3000, max_bytes: int | None = None) -> Reply:
    """The reply for any shape of result. It can render itself shorter (`Reply.refit`) for a
    channel whose limit it does not fit; with `max_bytes` its markdown is fitted to that many
    UTF-8 bytes here already."""
    reply = _render(result, decision_limit)
    reply.refit = lambda budget: _render(result, min(budget, decision_limit))
    if max_bytes:
        reply = fit_reply(reply, lambda part: utf8_size(part.markdown) <= max_bytes)
    return reply


def _render(result: Result, decision_limit: int) -> Reply:
    if result.kind == "case":
        reply = _case_reply(result, decision_limit)
    elif result.kind == "meeting":
        reply = _meeting_reply(result, decision_limit)
    elif result.kind in ("none", "empty"):
        reply = none_reply(result)
    else:
        reply = _answer(result, decision_limit)
    # The plain text goes to the console and into Teams' notifications and card fallback.
    reply.text = markup.clean(reply.text)
    return reply


def _answer(result: Result, decision_limit: int) -> Reply:
    best, others = result.hits[0], result.hits[1:1 + SEE_ALSO_COUNT]
    text_lines, md_lines = [], []
    if result.question.when and not best.closed:
        sentence = texts.WHEN_ANSWER.format(body=best.body, date=danish(best.date))
        text_lines += [sentence, ""]
        md_lines += [markup.markdown(sentence), ""]
    if best.closed:
        heading = f"{danish(best.date)}: {item_title(best)}"
        text_lines += [heading, texts.CLOSED_NOTE]
        md_lines += [f"**{markup.markdown(heading)}**", "", texts.CLOSED_NOTE]
    else:
        decided = texts.DECIDED.format(body=best.body, date=danish(best.date))
        title = item_title(best)
        case = texts.CASE_LINE.format(case=best.case_number) if best.case_number else ""
        decision = shorten(best.decision or texts.NO_DECISION, decision_limit, best)
        text_lines += [f"{decided}, {title}", *([case] if case else []), "", decision]
        md_lines += [
            f"**{markup.markdown(title)}**",
            markup.markdown(decided + (f" · {case}" if case else "")),
            "",
            *[f"> {line}" if line else ">" for line in markup.markdown(decision).split("\n")],
        ]
        history = _history_lines(best, decision_limit // 3)
        if history:
            text_lines += ["", texts.HISTORY_HEADING + ":", *[f"- {line}" for line in history]]
            md_lines += ["", f"**{texts.HISTORY_HEADING}**", *[f"- {markup.markdown(line)}" for line in history]]
    if others:
        text_lines += ["", texts.SEE_ALSO + ":", *[f"- {see_also_label(hit)}" for hit in others]]
        md_lines += ["", f"**{texts.SEE_ALSO}**", *[f"- {markup.markdown(see_also_label(hit))}" for hit in others]]
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
        "history": [] if best.closed else _history_lines(best, decision_limit // 3),
        "see_also": [{"label": see_also_label(hit), "question": see_also_question(hit)} for hit in others],
    }


def _case_reply(result: Result, decision_limit: int = 3000) -> Reply:
    first = result.hits[0]
    case = first.case_number or (result.question.case_numbers[0] if result.question.case_numbers else "")
    heading = texts.CASE_HEADING.format(case=case, times=texts.counted(len(result.hits), texts.TIMES))
    text_lines, md_lines = [heading], [f"**{markup.markdown(heading)}**"]
    for hit in result.hits:
        line = f"{danish(hit.date)}, {item_title(hit)}"
        decision = "" if hit.closed else _one_line(hit, decision_limit // 4)
        text_lines.append(f"- {line}" + (f": {decision}" if decision else ""))
        md_lines.append(f"- **{markup.markdown(line)}**" + (f": {markup.markdown(decision)}" if decision else ""))
    return Reply("\n".join(text_lines), "\n".join(md_lines))


def _meeting_reply(result: Result, decision_limit: int = 3000) -> Reply:
    first = result.hits[0]
    meeting = result.meeting or {}
    details = ""
    if meeting.get("time") and meeting.get("place"):
        details = texts.MEETING_DETAILS.format(time=meeting["time"], place=meeting["place"])
    heading = texts.MEETING_HEADING.format(body=first.body, date=danish(first.date), details=details)
    text_lines, md_lines = [heading], [f"**{markup.markdown(heading)}**"]
    for hit in result.hits:
        decision = "" if hit.closed else _one_line(hit, decision_limit // 4)
        text_lines.append(f"- {item_title(hit)}" + (f": {decision}" if decision else ""))
        md_lines.append(f"- **{markup.markdown(item_title(hit))}**" + (f": {markup.markdown(decision)}" if decision else ""))
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
        return Reply(texts.NONE_CASE.format(case=markup.plain(case)), texts.NONE_CASE.format(case=markup.markdown_line(case)))
    if question.meeting or not question.topic.strip():
        sentence = texts.NONE_MEETING.format(period=_period(result))
        lines, md_lines = [sentence], [markup.markdown(sentence)]
        if result.suggestions:
            lines += ["", texts.NEAREST_MEETINGS, *[f"- {danish(hit.date)}" for hit in result.suggestions]]
            md_lines += ["", texts.NEAREST_MEETINGS, *[f"- {markup.markdown(danish(hit.date))}" for hit in result.suggestions]]
        return Reply("\n".join(lines), "\n".join(md_lines))
    topic = question.topic
    period = _period(result)
    template = texts.NONE_IN_PERIOD if period else texts.NONE_FOUND
    text_lines = [template.format(topic=markup.plain(topic), period=period)]
    md_lines = [template.format(topic=markup.markdown_line(topic), period=markup.markdown(period))]
    if result.suggestions:
        text_lines += ["", texts.CLOSEST, *[f"- {see_also_label(hit)}" for hit in result.suggestions]]
        md_lines += ["", texts.CLOSEST, *[f"- {markup.markdown(see_also_label(hit))}" for hit in result.suggestions]]
    # Nothing near enough is not the end of the conversation: say how else to ask.
    text_lines += ["", texts.ASK_HINT]
    md_lines += ["", texts.ASK_HINT]
    return Reply("\n".join(text_lines), "\n".join(md_lines))
