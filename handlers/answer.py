"""Turning a search result into the reply a person reads: text, markdown and card data.

A reply to a decision question reads on its own: who decided what, when, on which case,
and what it means. A short decision ("Indstillingerne godkendt.") comes with the points
of the Indstilling it approved; a yes/no question ("blev X godkendt?") is answered yes or
no first, from what the decision says, or plainly neither; "hvornår blev X godkendt?"
names the meeting that approved X, or says the minutes show it treated but not approved.
Every answer links to the minutes when there is somewhere to link.

A closed item shows its title and date and that it is closed, nothing more: this module
reads a closed hit's title and date only, and `knowledge.search.make_hit` has already
emptied the rest.
"""

from __future__ import annotations

import re
from typing import Callable

from handlers import markup, texts
from handlers.approval import body_of, when_approved, yes_no_lead
from handlers.compose import Composer
from handlers.fit import cut, fit_reply, utf8_size
from handlers.messages import Reply
from handlers.next_steps import next_steps
from handlers import feedback
from knowledge import outcome
from knowledge.bodies import display_name
from knowledge.dates import danish
from knowledge.search import Hit, Result
from knowledge.text import fold

SEE_ALSO_COUNT = 4
# A reply to a decision question should read on a phone without scrolling far: about this
# many lines of text (blank lines not counted). The decision gets at most DECISION_LINES of
# them (the rest is in the minutes, linked); earlier treatment and "Se også" get what is left.
PHONE_LINES = 15
DECISION_LINES = 8
SEE_ALSO_SHOWN = 3
# An earlier treatment under an answer is a line's worth; the whole is in the case listing.
HISTORY_CHARS = 220
HISTORY_IN_TEXT = 2
# Earlier treatment shown under an answer; older ones are in the case listing.
HISTORY_SHOWN = 3
# A title longer than this is not a title but a parsing accident; it is cut, not shown whole.
TITLE_LIMIT = 300
LinkFor = Callable[[Hit], "str | None"]



def item_title(hit: Hit) -> str:
    title = cut(hit.title, TITLE_LIMIT)
    if re.search(r"\w{4,}\.$", title):
        title = title[:-1]  # "Godkendelse af dagsorden." reads "...: decision" without ".:"
    if hit.closed:
        title = texts.CLOSED_TITLE.format(title=title) if title else texts.CLOSED_EMPTY_TITLE
    return texts.ITEM_LINE.format(number=hit.label or hit.number, title=title)


def shorten(text: str, limit: int, hit: Hit) -> str:
    """`text` in at most `limit` characters, cut with "…" and the meeting and item named."""
    return cut(text, limit, texts.SHORTENED.format(date=danish(hit.date), number=hit.number))


def first_lines(text: str, count: int, hit: Hit) -> str:
    """`text` with at most `count` non-empty lines, cut with "…" and the meeting and item named."""
    lines = text.split("\n")
    filled = [number for number, line in enumerate(lines) if line.strip()]
    if len(filled) <= count:
        return text
    kept = lines[: filled[count - 1] + 1]
    kept[-1] = kept[-1].rstrip() + " " + texts.SHORTENED.format(date=danish(hit.date), number=hit.number)
    return "\n".join(kept)


def history_lines(hit: Hit, limit: int = 3000) -> list[str]:
    """Earlier decisions on the case, one line each, each cut to `limit` characters with the
    meeting where it stands in full."""
    lines = []
    for entry in hit.item.get("earlier", ()):
        when = danish(entry["date"]) if entry.get("date") else ""
        item = texts.HISTORY_ITEM.format(item=entry["item"]) if entry.get("item") else ""
        note = texts.HISTORY_SHORTENED.format(date=when, item=item)
        body_text = cut(" ".join(entry.get("text", "").split()), max(limit, 80), note)
        body = display_name(entry.get("body", "")) if entry.get("body") else ""
        lines.append(texts.HISTORY_LINE.format(body=body, date=when, item=item, text=body_text))
    return lines


# --- "Se også" -------------------------------------------------------------------------------


def _distinct_title(hit: Hit, shared: set[str]) -> str:
    """The part of a title that tells it apart: "Handleplan for digitalisering -
    Projektportefølje" is "Projektportefølje (Handleplan for digitalisering)" when another
    shown item also starts with "Handleplan for digitalisering"."""
    if hit.closed:
        return texts.CLOSED_TITLE.format(title=hit.title) if hit.title else texts.CLOSED_EMPTY_TITLE
    head, sep, tail = hit.title.partition(" - ")
    if sep and tail and head.lower() in shared:
        return f"{tail} ({head})"
    return hit.title


def see_also(hits: list[Hit], best: Hit, include_closed: bool = False) -> list[dict]:
    """The related items to offer, the part that tells them apart first: title, then date,
    and the body when the items come from more than one body. Closed items only when the
    question asks for them."""
    chosen = [hit for hit in hits if hit.id != best.id and (include_closed or not hit.closed)][:SEE_ALSO_COUNT]
    heads = [hit.title.partition(" - ")[0].lower() for hit in [best, *chosen] if " - " in hit.title]
    shared = {head for head in heads if heads.count(head) > 1}
    several_bodies = len({hit.body for hit in [best, *chosen]}) > 1
    entries = []
    for hit in chosen:
        title = _distinct_title(hit, shared)
        when = danish(hit.date)
        if several_bodies and not _names_body(hit.title, hit):
            when = f"{when}, {body_of(hit)}"
        entries.append({"title": title, "when": when, "label": f"{title}, {when}",
                        "question": see_also_question(hit)})
    return entries


def _names_body(title: str, hit: Hit) -> bool:
    """Whether the title already names the item's body ("Budgetopfølgning 1 2022,
    Kultur- og Fritidsudvalget")."""
    folded = title.casefold()
    return any(name and name.casefold() in folded for name in (hit.body, body_of(hit)))


def see_also_label(hit: Hit) -> str:
    return f"{hit.title or item_title(hit)}, {danish(hit.date)}"


def see_also_question(hit: Hit) -> str:
    """The question a "Se også" button asks: the item's meeting day and title."""
    if hit.closed or not hit.title:
        return f"referat fra {body_of(hit).lower()} {danish(hit.date)}"
    return f"{hit.title} {danish(hit.date)}"


# --- the reply ---------------------------------------------------------------------------------


def answer_reply(result: Result, decision_limit: int = 3000, max_bytes: int | None = None,
                 link: LinkFor | None = None) -> Reply:
    """The reply for any shape of result. It can render itself shorter (`Reply.refit`) for a
    channel whose limit it does not fit; with `max_bytes` its markdown is fitted to that many
    UTF-8 bytes here already."""
    reply = _render(result, decision_limit, link)
    reply.refit = lambda budget: _render(result, min(budget, decision_limit), link)
    if max_bytes:
        reply = fit_reply(reply, lambda part: utf8_size(part.markdown) <= max_bytes)
    return reply


def _render(result: Result, decision_limit: int, link: LinkFor | None) -> Reply:
    from handlers import choices, listing

    if result.kind == "case":
        reply = listing.case_reply(result, decision_limit, link)
    elif result.kind == "meetings":
        reply = choices.meetings_reply(result)
    elif result.kind == "cases":
        reply = choices.cases_reply(result)
    elif result.reason == "unknown_case":
        reply = choices.unknown_case_reply(result)
    elif result.reason == "unknown_body":
        reply = choices.unknown_body_reply(result)
    elif result.reason == "body_has_nothing":
        reply = choices.body_has_nothing_reply(result, _period(result))
    elif result.reason == "no_meetings_in_period":
        reply = choices.no_meetings_reply(result, _period(result))
    elif result.kind == "meeting":
        reply = listing.meeting_reply(result, decision_limit, link)
    elif result.kind in ("none", "empty"):
        reply = none_reply(result)
    else:
        reply = _answer(result, decision_limit, link)
    # The plain text goes to the console and into Teams' notifications and card fallback.
    reply.text = markup.clean(reply.text)
    return reply


def _answer(result: Result, decision_limit: int, link: LinkFor | None) -> Reply:
    question = result.question
    best, lead = result.hits[0], []
    if outcome.asks_when_approved(question.raw):
        best, lead = when_approved(result)
    elif not best.closed and outcome.asked_outcome(question.raw):
        lead = [yes_no_lead(best, outcome.asked_outcome(question.raw))]
    elif question.when and not best.closed:
        lead = [texts.WHEN_ANSWER.format(body=body_of(best), date=danish(best.date))]
    include_closed = "lukket" in question.raw.lower()
    # The search offers one item per case (a case's stages at other bodies are one subject).
    related = see_also(result.see_also or result.hits, best, include_closed)
    reply = item_reply(best, decision_limit, link, lead=lead, related=related,
                       name_body=getattr(result, "several_bodies", False))
    if not best.closed:
        # What a follow-up ("og hvad koster det?") will be about.
        reply.card["item_id"] = best.id
        reply.card["meeting_id"] = best.item.get("meeting_id")
    reply.card["next_steps"] = next_steps(best, question.topic)
    reply.card["feedback"] = feedback.button_data(best, question.raw)
    return reply


def item_reply(best: Hit, decision_limit: int = 3000, link: LinkFor | None = None,
               lead: list[str] | None = None, related: list[dict] | None = None, name_body: bool = False) -> Reply:
    """One item as a reply that reads on its own: lead, title, who and when, the case,
    the decision, what it approved, earlier treatment, a link and related items."""
    out = Composer()
    for sentence in lead or ():
        out.line(sentence)
    if lead:
        out.blank()
    url = link(best) if link else None
    if best.closed:
        # Where the index holds several bodies, a closed item says whose it is.
        when = f"{danish(best.date)}, {body_of(best)}" if name_body else danish(best.date)
        heading = f"{when}: {item_title(best)}"
        out.line(heading, bold=True)
        out.line(texts.CLOSED_NOTE)
    else:
        decided = texts.DECIDED.format(body=body_of(best), date=danish(best.date))
        case = texts.CASE_LINE.format(case=best.case_number) if best.case_number else ""
        out.raw(f"{decided}, {item_title(best)}", f"**{markup.markdown(item_title(best))}**")
        if case:
            out.raw(case, markup.markdown(f"{decided} · {case}"))
        else:
            out.markdown.append(markup.markdown(decided))
        out.blank()
        decision = first_lines(shorten(best.decision or texts.NO_DECISION, decision_limit, best), DECISION_LINES, best)
        out.quote(decision)
        proposal = proposal_of(best)
        room = _room(out, url)
        if proposal and room >= 2:
            out.blank()
            fits = proposal if len(proposal) <= room - 1 else [*proposal[: max(1, room - 2)], "…"]
            out.bullets(fits, texts.PROPOSAL_HEADING)
        history = history_lines(best, min(HISTORY_CHARS, decision_limit // 3))
        # A recommendation shown as what was approved is not repeated as earlier treatment.
        shown = {line.split(":")[0] for line in proposal}
        history = [line for line in history if line.split(":")[0] not in shown][-HISTORY_SHOWN:]
        room = _room(out, url)
        if history and room >= 2:
            out.blank()
            out.bullets(history[-min(HISTORY_IN_TEXT, room - 1):], texts.HISTORY_HEADING)
    out.blank()
    out.link(texts.SOURCE_LINK, url)
    room = _room(out, None)
    if related and room >= 2:
        out.blank()
        out.bullets([entry["label"] for entry in related][: min(SEE_ALSO_SHOWN, room - 1)], texts.SEE_ALSO)
    text, markdown = out.done()
    return Reply(text, markdown, card_data(best, related or [], decision_limit, lead=lead, url=url))


def _room(out: Composer, url: str | None) -> int:
    """Lines left of PHONE_LINES, with one kept for the link still to come."""
    used = sum(1 for line in out.text if line.strip()) + (1 if url else 0)
    return PHONE_LINES - used


def proposal_of(hit: Hit) -> list[str]:
    """The Indstilling's points when the decision leans on them to say what was decided; when
    it approved another body's recommendation ("Økonomiudvalgets indstilling"), that body's
    decision at the stage before."""
    decision = hit.decision or ""
    body = outcome.proposing_body(decision)
    if body:
        wanted = fold(body)
        earlier = [(stage.get("body_name") or display_name(stage.get("body", "")), stage.get("date"), stage.get("decision", ""))
                   for stage in hit.stages if stage.get("date", "") <= hit.date and stage.get("id") != hit.id]
        earlier += [(display_name(entry.get("body", "")), entry.get("date"), entry.get("text", ""))
                    for entry in hit.item.get("earlier", ())]
        found = [entry for entry in earlier if entry[0] and fold(entry[0]) == wanted and entry[2].strip()]
        if found:
            name, when, text = max(found, key=lambda entry: entry[1] or "")
            said = cut(" ".join(text.split()), outcome.MAX_PART_CHARS * 2)
            return [texts.PROPOSED_BY.format(body=name, date=danish(when) if when else "", text=said)]
        # The administration's Indstilling is not that body's: show none rather than a wrong one.
        return []
    return outcome.what_was_decided(decision, hit.item.get("indstilling", ""))


def card_data(best: Hit, related: list[dict], decision_limit: int = 3000, lead: list[str] | None = None,
              url: str | None = None) -> dict:
    """Channel-neutral card content; the channels render it as Adaptive Cards."""
    return {
        "kind": "answer",
        "lead": " ".join(lead or ()),
        "title": item_title(best),
        "date": danish(best.date),
        "body": body_of(best),
        "case_number": best.case_number,
        "closed": best.closed,
        "decision": texts.CLOSED_NOTE if best.closed else shorten(best.decision or texts.NO_DECISION, decision_limit, best),
        "proposal": [] if best.closed else proposal_of(best),
        "history": [] if best.closed else history_lines(best, decision_limit // 3)[-HISTORY_SHOWN:],
        "url": url,
        "see_also": related,
    }


# --- nothing found ---------------------------------------------------------------------------


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
        return Reply(texts.EMPTY_RESULT)
    if question.case_numbers:
        case = ", ".join(question.case_numbers)
        return Reply(texts.NONE_CASE.format(case=markup.plain(case)), texts.NONE_CASE.format(case=markup.markdown_line(case)))
    if question.meeting or not question.topic.strip():
        sentence = texts.NONE_MEETING.format(period=_period(result))
        lines = [sentence]
        if result.suggestions:
            lines += ["", texts.NEAREST_MEETINGS,
                      *[f"- {danish(hit.date)}, {body_of(hit)}" for hit in result.suggestions]]
        return Reply("\n".join(lines), markup.markdown("\n".join(lines)))
    topic = question.topic
    period = _period(result)
    template = texts.NONE_IN_PERIOD if period else texts.NONE_FOUND
    out = Composer()
    out.raw(template.format(topic=markup.plain(topic), period=period),
            template.format(topic=markup.markdown_line(topic), period=markup.markdown(period)))
    if result.suggestions:
        out.blank()
        out.line(texts.CLOSEST)
        out.bullets([see_also_label(hit) for hit in result.suggestions])
    # Nothing near enough is not the end of the conversation: say how else to ask.
    out.blank()
    out.line(texts.ASK_HINT)
    text, markdown = out.done()
    return Reply(text, markdown)
