"""Replies that offer a choice or say why nothing answers: several meetings to pick from,
the cases a partial number begins, a case number the minutes do not know, a body with
nothing on the subject, and a period without meetings.

Each is a list card (`handlers.listing`'s shape): one line per entry, and a button per
entry that asks the question opening it.
"""

from __future__ import annotations

from handlers import listing, texts
from handlers.answer_message import item_title
from handlers.fit import cut
from handlers.list_message import Entry, Listing
from handlers.messages import Reply
from knowledge.dates import danish
from knowledge.search import Hit, Result

MAX_CHOICES = 12
TITLE_LIMIT = 120
ELSEWHERE_SHOWN = 3


def _list(heading: str, lines: list[str], questions: list[str | None], button: str,
          note: str = "") -> Reply:
    entries = [Entry(line, question=question) for line, question in zip(lines, questions)]
    return Listing(heading, entries, button, notes=note.split("\n") if note else [], spaced=True).reply()


def meeting_line(meeting: dict) -> str:
    time = texts.MEETING_CHOICE_TIME.format(time=meeting["time"][:5]) if meeting.get("time") else ""
    return texts.MEETING_CHOICE.format(body=meeting.get("body_name") or meeting.get("body", ""),
                                       date=danish(meeting["date"]), time=time,
                                       items=texts.counted(meeting.get("items", 0), texts.ITEMS))


def meetings_reply(result: Result) -> Reply:
    """Several meetings answer a meeting question: one line each, and a button each."""
    meetings = result.meetings[:MAX_CHOICES]
    days = {meeting["date"] for meeting in meetings}
    if len(days) == 1:
        return listing.pick_meeting_reply(next(iter(days)), meetings)
    heading = texts.MEETINGS_IN_PERIOD.format(count=len(result.meetings))
    return _list(heading, [meeting_line(meeting) for meeting in meetings],
                 [listing.open_meeting_question(meeting["id"]) for meeting in meetings], texts.OPEN_MEETING_BUTTON)


def _case_line(case: dict) -> str:
    return texts.CASE_CHOICE.format(case=case["case_number"], title=cut(case["title"], TITLE_LIMIT),
                                    bodies=", ".join(case["bodies"]), date=danish(case["last_date"]))


def cases_reply(result: Result) -> Reply:
    """A partial case number: the cases it begins, newest first."""
    prefix = ", ".join(result.question.case_numbers)
    cases = result.cases[:MAX_CHOICES]
    heading = texts.CASES_HEADING.format(count=len(result.cases), prefix=prefix)
    return _list(heading, [_case_line(case) for case in cases], [case["question"] for case in cases],
                 texts.OPEN_CASE_BUTTON)


def unknown_case_reply(result: Result) -> Reply:
    """A case number the minutes do not hold: say so, and offer the nearest numbers."""
    heading = texts.NO_SUCH_CASE.format(case=", ".join(result.question.case_numbers))
    if not result.cases:
        return _list(heading, [], [], texts.OPEN_CASE_BUTTON)
    return _list(heading, [_case_line(case) for case in result.cases], [case["question"] for case in result.cases],
                 texts.OPEN_CASE_BUTTON, note=texts.NEAREST_CASES)


def _elsewhere_line(hit: Hit) -> str:
    decision = listing.short_decision(hit)
    line = texts.ELSEWHERE_LINE.format(body=hit.body_name or hit.body, date=danish(hit.date), title=item_title(hit))
    return line + (f": {decision}" if decision else "")


def body_has_nothing_reply(result: Result, period: str) -> Reply:
    """The body asked about has nothing on the subject; other bodies have."""
    bodies = f" {texts.AND} ".join(result.bodies)
    heading = texts.BODY_HAS_NOTHING.format(bodies=bodies, topic=result.question.topic,
                                            period=f" fra {period}" if period else "")
    return _list(heading, [_elsewhere_line(hit) for hit in result.elsewhere],
                 [listing.open_item_question(hit) for hit in result.elsewhere], texts.OPEN_ITEM_BUTTON,
                 note=texts.ELSEWHERE)


def unknown_body_reply(result: Result) -> Reply:
    """The body asked about holds no meetings in the minutes: say whose meetings they hold,
    and what others decided on the subject, if anything."""
    heading = texts.BODY_NOT_HELD.format(bodies=f" {texts.AND} ".join(result.unheld),
                                         held=", ".join(result.held))
    elsewhere = result.elsewhere[:ELSEWHERE_SHOWN]
    return _list(heading, [_elsewhere_line(hit) for hit in elsewhere],
                 [listing.open_item_question(hit) for hit in elsewhere], texts.OPEN_ITEM_BUTTON,
                 note=texts.ELSEWHERE if elsewhere else "")


def no_meetings_reply(result: Result, period: str) -> Reply:
    """A period without a meeting (of the body asked about): say so, name the nearest."""
    heading = texts.NO_MEETINGS_IN_PERIOD.format(period=result.question.relative or period)
    lines = [texts.NEAREST_MEETING_LINE.format(body=meeting["body_name"], date=danish(meeting["date"]))
             for meeting in result.meetings]
    return _list(heading, lines, [listing.open_meeting_question(meeting["id"]) for meeting in result.meetings],
                 texts.OPEN_MEETING_BUTTON, note=texts.NEAREST_MEETINGS if lines else "")
