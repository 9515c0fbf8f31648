"""Turning a search result into the reply a person reads: text, markdown and card data.

Each shape of result has its reply: one item is an `Answer` (`handlers.answer_message`),
a meeting or a case a `Listing` (`handlers.listing`), a choice or a reason why nothing
answers a list too (`handlers.choices`), nothing found a few lines saying how else to ask.

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

from handlers import choices, feedback, listing, markup, texts
from handlers.answer_message import Answer, LinkFor, item_title
from handlers.approval import body_of, when_approved, yes_no_lead
from handlers.compose import Composer
from handlers.messages import Reply
from handlers.next_steps import next_steps
from knowledge import outcome
from knowledge.dates import danish
from knowledge.search import Hit, Result

SEE_ALSO_COUNT = 4


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


def answer_reply(result: Result, decision_limit: int = 3000, link: LinkFor | None = None) -> Reply:
    """The reply for any shape of result. It can render itself shorter (`Reply.refit`) for a
    channel whose limit it does not fit: the channel fits it when it sends (`handlers.fit`)."""
    reply = _render(result, decision_limit, link)
    reply.refit = lambda budget: _render(result, min(budget, decision_limit), link)
    return reply


def _render(result: Result, decision_limit: int, link: LinkFor | None) -> Reply:
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
    answer = Answer(best, decision_limit, lead, related, link(best) if link else None,
                    name_body=getattr(result, "several_bodies", False),
                    # What a follow-up ("og hvad koster det?") will be about.
                    remembered=True, next_steps=next_steps(best, question.topic),
                    feedback=feedback.button_data(best, question.raw))
    return answer.reply()


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
