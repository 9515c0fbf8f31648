"""Replies that list: a meeting's items, a case's treatments, and the meetings of a day to
pick from. One line per entry, short enough for a phone; the card carries a button per
entry that opens it ("vis punkt 3 møde <id>", "vis møde <id>"). Each is a `Listing`
(`handlers.list_message`), rendered as text, markdown and card data from one list.
"""

from __future__ import annotations

from typing import Callable

from handlers import texts
from handlers.answer_message import item_title
from handlers.approval import body_of
from handlers.fit import cut
from handlers.list_message import Entry, Listing
from handlers.messages import Reply
from knowledge import outcome
from knowledge.bodies import display_name
from knowledge.dates import danish
from knowledge.search import Hit, Result

# A meeting line's decision: its first sentence, cut to this many characters.
SHORT_DECISION = 90
# A meeting of more items than this folds its formalities and closed items into a line each.
FOLD_FROM = 12
FOLDED_TITLE = 40
LinkFor = Callable[[Hit], "str | None"]


def short_decision(hit: Hit, limit: int = SHORT_DECISION) -> str:
    """A decision in one short line: its first sentence, cut with "…"."""
    if hit.closed:
        return ""
    text = " ".join((hit.decision or "").split())
    if not text:
        return texts.NO_DECISION_SHORT
    # The first sentence that says something: a numbering ("1.", "2.-4.") alone does not.
    said = [sentence for sentence in outcome.sentences(hit.decision or "") if len(sentence.split()) > 1]
    first = " ".join((said or [text])[0].split())
    more = len(first) < len(text)
    if len(first) > limit:
        first = first[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + " …"
    elif more:
        first += " …"
    return first


def open_item_question(hit: Hit) -> str:
    return f"{texts.OPEN_WORD} punkt {hit.number} {texts.MEETING_WORD} {hit.item.get('meeting_id') or hit.id}"


def open_meeting_question(meeting_id: str) -> str:
    return f"{texts.OPEN_WORD} {texts.MEETING_WORD} {meeting_id}"


def meeting_heading(result: Result) -> str:
    first = result.hits[0]
    meeting = result.meeting or {}
    details = ""
    if meeting.get("time") and meeting.get("place"):
        details = texts.MEETING_DETAILS.format(time=meeting["time"], place=meeting["place"])
    elif meeting.get("time"):
        details = texts.MEETING_TIME.format(time=meeting["time"])
    return texts.MEETING_HEADING.format(body=body_of(first), date=danish(first.date), details=details)


def meeting_reply(result: Result, decision_limit: int = 3000, link: LinkFor | None = None) -> Reply:
    """A meeting as one line per item: number, title and a short decision; the card has a
    button per open item."""
    # A long agenda (a council meeting has forty items) folds its formalities and closed
    # items into a line each, so what was decided stays in view.
    fold = len(result.hits) > FOLD_FROM
    formal = [hit for hit in result.hits if fold and not hit.closed
              and outcome.is_formality(hit.title, hit.decision or "")]
    closed = [hit for hit in result.hits if fold and hit.closed]
    entries = []
    for hit in result.hits:
        if hit in formal or hit in closed:
            continue
        # Told to be shorter (a channel's limit), a long agenda lists titles only.
        short = "" if fold and decision_limit < 800 else short_decision(
            hit, max(60, min(SHORT_DECISION, decision_limit // 4)))
        entries.append(Entry(item_title(hit), short, hit.closed, None if hit.closed else open_item_question(hit),
                             hit.number))
    for template, hits in ((texts.MEETING_FORMALITIES, formal), (texts.MEETING_CLOSED, closed)):
        if hits:
            line = template.format(items=", ".join(f"{hit.number} {cut(hit.title, FOLDED_TITLE)}".strip()
                                                   for hit in hits))
            entries.append(Entry(line, closed=True))
    listing = Listing(meeting_heading(result), entries, bold_heading=True,
                      url=link(result.hits[0]) if link else None,
                      hint=texts.OPEN_ITEM_HINT if any(not hit.closed for hit in result.hits) else "",
                      focus={"meeting_id": (result.meeting or {}).get("id")})
    return listing.reply()


def case_reply(result: Result, decision_limit: int = 3000, link: LinkFor | None = None) -> Reply:
    first = result.hits[0]
    case = first.case_number or (result.question.case_numbers[0] if result.question.case_numbers else "")
    heading = texts.CASE_HEADING.format(case=case, times=texts.counted(len(result.hits), texts.TIMES))
    entries = [Entry(f"{danish(hit.date)}, {body_of(hit)}, {item_title(hit)}",
                     short_decision(hit, max(60, min(SHORT_DECISION, decision_limit // 4))), hit.closed,
                     None if hit.closed else open_item_question(hit), hit.number)
               for hit in result.hits]
    newest = next((hit for hit in result.hits if not hit.closed), None)
    # A follow-up after a case listing is about its newest treatment.
    focus = {"item_id": newest.id if newest else None,
             "meeting_id": newest.item.get("meeting_id") if newest else None}
    return Listing(heading, entries, bold_heading=True, focus=focus).reply()


def pick_meeting_reply(day: str, meetings: list[dict]) -> Reply:
    """Several bodies met on one day: one line per meeting, and a button to open each."""
    entries = []
    for meeting in meetings:
        name = display_name(meeting.get("body", "")) or texts.SOME_BODY
        time = texts.MEETING_TIME.format(time=meeting["time"]) if meeting.get("time") else ""
        count = len(meeting.get("item_ids", ()))
        label = texts.PICK_LINE.format(body=name, details=time,
                                       items=texts.counted(count, texts.ITEMS) if count else "")
        entries.append(Entry(label.rstrip(": "), question=open_meeting_question(meeting["id"])))
    return Listing(texts.PICK_MEETING.format(date=danish(day)), entries, texts.OPEN_MEETING_BUTTON,
                   hint=texts.PICK_HINT).reply()
