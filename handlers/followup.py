"""What a conversation is about right now, and the answers to follow-ups about it.

Each conversation remembers the item (or meeting) it was just shown, for FOCUS_MINUTES.
A short follow-up ("og hvad koster det?", "blev den godkendt?", "hvornår?", "hvem
deltog?", "punkt 3") is answered from that item's own sections with the passage that
holds the answer (see `knowledge.passages`); anything else is a new question. The memory
is per conversation, in this process only, and bounded.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers import texts
from handlers.answer_message import LinkFor, first_lines, history_lines, item_reply, item_title, shorten
from handlers.approval import body_of
from handlers.approval import yes_no_lead
from handlers.compose import Composer
from handlers.examples import empty_question_reply
from handlers.listing import meeting_reply
from handlers.messages import Reply
from knowledge import passages
from knowledge.dates import danish
from knowledge.question import parse_question
from knowledge.search import Hit, Result, make_hit

FOCUS_MINUTES = 30
# A follow-up's passage, in lines: the answer to one question, not the whole section.
PASSAGE_LINES = 5
PASSAGE_CHARS = 700
# Conversations remembered at once; the least recently used is forgotten first.
MAX_CONVERSATIONS = 10_000
SECTION_NAMES = {
    "okonomi": "Økonomiske konsekvenser", "sagsfremstilling": "Sagsfremstilling", "decision": "Beslutning",
    "indstilling": "Indstilling", "resume": "Resumé", "supplerende": "Supplerende sagsfremstilling",
}


@dataclass(frozen=True)
class Focus:
    item_id: str | None
    meeting_id: str | None
    at: datetime


class FocusMemory:
    """The item or meeting each conversation was last shown, for a while."""

    def __init__(self, minutes: int = FOCUS_MINUTES) -> None:
        self.ttl = timedelta(minutes=minutes)
        self._focus: OrderedDict[str, Focus] = OrderedDict()

    def get(self, conversation: str, now: datetime) -> Focus | None:
        focus = self._focus.get(conversation)
        if focus is None or now - focus.at > self.ttl:
            return None
        return focus

    def remember(self, conversation: str, card: dict | None, now: datetime) -> None:
        """Keep what a reply showed (its card data names it) as this conversation's focus."""
        if not card or not (card.get("item_id") or card.get("meeting_id")):
            return
        self._focus[conversation] = Focus(card.get("item_id"), card.get("meeting_id"), now)
        self._focus.move_to_end(conversation)
        while len(self._focus) > MAX_CONVERSATIONS:
            self._focus.popitem(last=False)


def find_item(index, item_id: str) -> dict | None:
    """The item with its texts (Økonomiske konsekvenser, Sagsfremstilling, ...)."""
    return index.item_by_id(item_id)


def meeting_result(index, meeting_id: str) -> Result | None:
    docs = index.searcher.by_meeting.get(meeting_id)
    if not docs:
        return None
    docs = sorted(docs, key=lambda doc: index.items[doc]["number"])
    hits = [make_hit(index.item(doc), 1.0) for doc in docs]
    return Result("meeting", parse_question(""), hits, meeting=index.meetings.get(meeting_id))


def open_item(index, meeting_id: str, number: int, link: LinkFor | None) -> Reply | None:
    """Item `number` of a meeting, as a full answer."""
    result = meeting_result(index, meeting_id)
    if result is None:
        return None
    hit = next((hit for hit in result.hits if hit.number == number), None)
    if hit is None:
        return Reply(texts.NO_SUCH_ITEM.format(number=number))
    return with_focus(item_reply(hit, link=link), hit)


def open_meeting(index, meeting_id: str, link: LinkFor | None) -> Reply | None:
    result = meeting_result(index, meeting_id)
    if result is None:
        return None
    reply = meeting_reply(result, link=link)
    reply.card["meeting_id"] = meeting_id
    return reply


def with_focus(reply: Reply, hit: Hit) -> Reply:
    if reply.card is not None and not hit.closed:
        reply.card["item_id"] = hit.id
        reply.card["meeting_id"] = hit.item.get("meeting_id")
    return reply


def answer_follow_up(index, focus: Focus | None, question: str, link: LinkFor | None) -> Reply | None:
    """The answer to `question` as a follow-up on `focus`, or None when it is not one. A
    follow-up with nothing shown before ("og hvad koster det?" first) says how to ask."""
    asked = passages.follow_up(question)
    if asked is None:
        return None
    if asked.aspect == passages.ITEM:
        if focus is None or not focus.meeting_id:
            return None
        return open_item(index, focus.meeting_id, asked.number, link)
    if focus is None:
        return empty_question_reply(index, texts.FOLLOW_UP_ALONE)
    if not focus.item_id:
        return Reply(texts.WHICH_ITEM)
    row = find_item(index, focus.item_id)
    if row is None or row.get("closed"):
        return None
    hit = make_hit(row, 1.0)
    if asked.aspect == passages.OUTCOME:
        return with_focus(item_reply(hit, link=link, lead=[yes_no_lead(hit, asked.asked)]), hit)
    if asked.aspect == passages.DECISION:
        return with_focus(item_reply(hit, link=link), hit)
    if asked.aspect == passages.WHEN:
        return _short_reply(hit, link, [texts.WHEN_ANSWER_ITEM.format(
            body=body_of(hit), date=danish(hit.date), number=hit.number)], history_lines(hit))
    if asked.aspect == passages.WHO_DECIDED:
        sentence = texts.WHO_DECIDED.format(body=body_of(hit), date=danish(hit.date), number=hit.number)
        decided_by = " ".join(row.get("afgoeres_af", "").split()).rstrip(".")
        if decided_by:
            sentence += " " + texts.DECIDED_BY.format(who=decided_by)
        return _short_reply(hit, link, [sentence], history_lines(hit, 220)[-2:])
    if asked.aspect == passages.CASE:
        sentence = (texts.CASE_ANSWER.format(case=hit.case_number) if hit.case_number else texts.NO_CASE_NUMBER)
        return _short_reply(hit, link, [sentence])
    found = passages.passage(row, asked.aspect)
    if found is None:
        return _short_reply(hit, link, [texts.NOTHING_ON[asked.aspect]])
    return _short_reply(hit, link, [], quote=found)


def _short_reply(hit: Hit, link: LinkFor | None, lead: list[str], history: list[str] | None = None,
                 quote: passages.Passage | None = None) -> Reply:
    return with_focus(FollowUp(hit, link(hit) if link else None, lead, history or [], quote).reply(), hit)


@dataclass
class FollowUp:
    """A follow-up's answer: the sentences or the passage, under the item it is about;
    rendered as text and markdown (`compose`) and as answer card data (`card`)."""

    hit: Hit
    url: str | None
    lead: list[str]
    history: list[str]
    quote: passages.Passage | None = None

    def reply(self) -> Reply:
        text, markdown = self.compose().done()
        return Reply(text, markdown, self.card())

    def _section(self) -> str:
        section = self.quote.section if self.quote is not None else ""
        return texts.FROM_SECTION.format(section=SECTION_NAMES.get(section, section))

    def compose(self) -> Composer:
        hit, out = self.hit, Composer()
        out.line(texts.ABOUT_ITEM.format(title=item_title(hit), body=body_of(hit), date=danish(hit.date)), bold=True)
        for sentence in self.lead:
            out.line(sentence)
        if self.quote is not None:
            out.line(self._section())
            out.quote(first_lines(shorten(self.quote.text, PASSAGE_CHARS, hit), PASSAGE_LINES, hit))
        if self.history:
            out.blank()
            out.bullets(self.history, texts.HISTORY_HEADING)
        out.blank()
        out.link(texts.SOURCE_LINK, self.url)
        return out

    def card(self) -> dict:
        """The card leads with where the passage is from and shows the passage whole, or
        shows the sentence that answers."""
        said = " ".join(self.lead)
        if self.quote is not None:
            said, shown = (f"{said} {self._section()}" if said else self._section()), self.quote.text
        else:
            said, shown = "", said
        hit = self.hit
        return {"kind": "answer", "lead": said, "title": item_title(hit), "date": danish(hit.date),
                "body": body_of(hit), "case_number": hit.case_number, "closed": False,
                "decision": shown, "history": self.history, "url": self.url, "see_also": []}
