"""One item as an answer: built once as an `Answer`, rendered as text, markdown and card data.

An answer reads on its own: who decided what, when, on which case, what it approved,
earlier treatment, a link to the minutes and related items. Its parts are worked out once
from the hit (`Answer`); the text and markdown (`Answer.compose`) are cut to read on a
phone (PHONE_LINES), the card data (`Answer.card`, rendered by `bot.cards.answer_card`)
carries the decision up to `decision_limit` and the rest as buttons. A closed item shows
its title and date and that it is closed, nothing more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable

from handlers import markup, texts
from handlers.approval import body_of
from handlers.compose import Composer
from handlers.fit import cut
from handlers.messages import Reply
from knowledge import outcome
from knowledge.bodies import display_name
from knowledge.dates import danish
from knowledge.search import Hit
from knowledge.text import fold

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


@dataclass
class Answer:
    """One item as an answer, and what goes with it."""

    hit: Hit
    decision_limit: int = 3000
    # Sentences before the item: yes or no, when it was approved.
    lead: list[str] = field(default_factory=list)
    # "Se også": the related items to offer (`handlers.answer.see_also`).
    related: list[dict] = field(default_factory=list)
    url: str | None = None
    # Where the index holds several bodies, a closed item says whose it is.
    name_body: bool = False
    # Whether the card names the item, for a follow-up on it (`handlers.followup`).
    remembered: bool = False
    # Buttons under an answer to a question: what to ask next, and right or wrong.
    next_steps: list[dict] | None = None
    feedback: dict | None = None

    @cached_property
    def title(self) -> str:
        return item_title(self.hit)

    @cached_property
    def decision(self) -> str:
        """The decision cut to `decision_limit`; the text shows its first DECISION_LINES lines."""
        return shorten(self.hit.decision or texts.NO_DECISION, self.decision_limit, self.hit)

    @cached_property
    def proposal(self) -> list[str]:
        return proposal_of(self.hit)

    def reply(self) -> Reply:
        text, markdown = self.compose().done()
        return Reply(text, markdown, self.card())

    def compose(self) -> Composer:
        """The text and markdown, about PHONE_LINES long."""
        out = Composer()
        for sentence in self.lead:
            out.line(sentence)
        if self.lead:
            out.blank()
        if self.hit.closed:
            when = danish(self.hit.date)
            when = f"{when}, {body_of(self.hit)}" if self.name_body else when
            out.line(f"{when}: {self.title}", bold=True)
            out.line(texts.CLOSED_NOTE)
        else:
            self._compose_decision(out)
        out.blank()
        out.link(texts.SOURCE_LINK, self.url)
        room = _room(out, None)
        if self.related and room >= 2:
            out.blank()
            out.bullets([entry["label"] for entry in self.related][: min(SEE_ALSO_SHOWN, room - 1)], texts.SEE_ALSO)
        return out

    def _compose_decision(self, out: Composer) -> None:
        """Who decided when, the case, the decision, what it approved and earlier treatment."""
        hit = self.hit
        decided = texts.DECIDED.format(body=body_of(hit), date=danish(hit.date))
        case = texts.CASE_LINE.format(case=hit.case_number) if hit.case_number else ""
        # The markdown leads with the title in bold and says who decided under it.
        out.raw(f"{decided}, {self.title}", f"**{markup.markdown(self.title)}**")
        if case:
            out.raw(case, markup.markdown(f"{decided} · {case}"))
        else:
            out.markdown_only(markup.markdown(decided))
        out.blank()
        out.quote(first_lines(self.decision, DECISION_LINES, hit))
        room = _room(out, self.url)
        if self.proposal and room >= 2:
            out.blank()
            shown = self.proposal if len(self.proposal) <= room - 1 else [*self.proposal[: max(1, room - 2)], "…"]
            out.bullets(shown, texts.PROPOSAL_HEADING)
        history = history_lines(hit, min(HISTORY_CHARS, self.decision_limit // 3))
        # A recommendation shown as what was approved is not repeated as earlier treatment.
        approved = {line.split(":")[0] for line in self.proposal}
        history = [line for line in history if line.split(":")[0] not in approved][-HISTORY_SHOWN:]
        room = _room(out, self.url)
        if history and room >= 2:
            out.blank()
            out.bullets(history[-min(HISTORY_IN_TEXT, room - 1):], texts.HISTORY_HEADING)

    def card(self) -> dict[str, Any]:
        """Channel-neutral card data; the channels render it as Adaptive Cards."""
        hit, closed = self.hit, self.hit.closed
        card: dict[str, Any] = {
            "kind": "answer", "lead": " ".join(self.lead), "title": self.title, "date": danish(hit.date),
            "body": body_of(hit), "case_number": hit.case_number, "closed": closed,
            "decision": texts.CLOSED_NOTE if closed else self.decision,
            "proposal": [] if closed else self.proposal,
            "history": [] if closed else history_lines(hit, self.decision_limit // 3)[-HISTORY_SHOWN:],
            "url": self.url, "see_also": self.related,
        }
        if self.remembered and not closed:
            card["item_id"], card["meeting_id"] = hit.id, hit.item.get("meeting_id")
        if self.next_steps is not None:
            card["next_steps"] = self.next_steps
        if self.feedback is not None:
            card["feedback"] = self.feedback
        return card


def _room(out: Composer, url: str | None) -> int:
    """Lines left of PHONE_LINES, with one kept for the link still to come."""
    used = sum(1 for line in out.text if line.strip()) + (1 if url else 0)
    return PHONE_LINES - used


def item_reply(best: Hit, decision_limit: int = 3000, link: LinkFor | None = None,
               lead: list[str] | None = None, related: list[dict] | None = None, name_body: bool = False) -> Reply:
    """One item as a reply that reads on its own."""
    return Answer(best, decision_limit, list(lead or ()), related or [], link(best) if link else None,
                  name_body).reply()


def card_data(best: Hit, related: list[dict], decision_limit: int = 3000, lead: list[str] | None = None,
              url: str | None = None) -> dict:
    """An item's card data alone (a card inserted from the compose box)."""
    return Answer(best, decision_limit, list(lead or ()), related, url).card()
