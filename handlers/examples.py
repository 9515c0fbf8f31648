"""Help, welcome and hints that speak of the bodies the index holds, with examples from it.

A bot over a Byråd and its committees must not tell people to ask about "direktionen".
The examples are taken from the index itself: its bodies by how often they meet, the
newest meeting's date, and a subject and case number from that meeting, so every
example in the help gets an answer. Without an index the texts speak of "the minutes".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from handlers import markup, texts
from handlers.messages import Reply
from knowledge import outcome
from knowledge.bodies import display_name
from knowledge.dates import danish

# Bodies named in a sentence before the rest are counted ("Byrådet, Økonomiudvalget og 7 andre").
NAMED_BODIES = 3


@dataclass(frozen=True)
class Examples:
    bodies: str  # "Direktionen", "Byrådet, Økonomiudvalget og 7 andre udvalg og råd"
    body: str  # the body to ask about, as typed in chat: "direktionen", "byrådet"
    topic: str  # a subject the newest meeting has an answer for
    case: str  # a case number of that meeting
    date: str  # "8. april 2026"


FALLBACK = Examples(bodies=texts.SOME_BODIES, body="byrådet", topic="budgettet", case="85.13.00G01-2-23",
                    date="8. april 2026")


def examples(index) -> Examples:
    """Examples from `index` (anything with `.meetings` and `.items`); FALLBACK without one."""
    try:
        meetings = list(index.meetings.values()) if index is not None else []
    except Exception:
        return FALLBACK
    if not meetings:
        return FALLBACK
    counts = Counter(display_name(row.get("body", "")) for row in meetings if row.get("body"))
    # The council first, then the finance committee, then by how often each body meets.
    names = sorted(counts, key=lambda name: (_rank(name), -counts[name], name))
    if not names:
        return FALLBACK
    if len(names) <= NAMED_BODIES:
        bodies = texts.join_and(names)
    else:
        bodies = texts.join_and([*names[:NAMED_BODIES - 1], texts.OTHER_BODIES.format(count=len(names) - NAMED_BODIES + 1)])
    newest = max(meetings, key=lambda row: (row["date"], row.get("time") or ""))
    body = display_name(newest.get("body", "")) or names[0]
    topic, case = _subject(index, newest["id"])
    return Examples(bodies=bodies, body=body.lower(), topic=topic or FALLBACK.topic,
                    case=case or FALLBACK.case, date=danish(newest["date"]))


def _rank(name: str) -> int:
    lower = name.lower()
    if lower.startswith(("byråd", "kommunalbestyrelse", "regionsråd")):
        return 0
    return 1 if lower.startswith("økonomiudvalg") else 2


def _subject(index, meeting_id: str) -> tuple[str, str]:
    """A subject and case number from the meeting: its first approved item, else its first
    item with a decision that matters."""
    rows = [index.item(doc) for doc in index.searcher.by_meeting.get(meeting_id, ())]
    rows = [row for row in rows if not row.get("closed")]
    rows = [row for row in sorted(rows, key=lambda row: row.get("number", 0))
            if row.get("title") and row.get("decision") and not outcome.is_formality(row["title"], row["decision"])]
    approved = [row for row in rows if outcome.classify(row["decision"]).kind == outcome.APPROVED]
    for row in approved + rows:
        # "Hændelseslog - TeamEffect" → "Hændelseslog": the part before a dash names the subject.
        subject = row["title"].split(" - ")[0].strip()
        if len(subject) > 50:
            subject = " ".join(subject.split()[:5])
        if subject[:2].istitle():
            subject = subject[0].lower() + subject[1:]
        return subject, row.get("case_number") or ""
    return "", ""


def _fill(template: str, index, markdown: bool = False) -> str:
    """`template` with the examples; for markdown the values (names and titles from the
    minutes) are made inert."""
    values = examples(index).__dict__
    if markdown:
        values = {key: markup.markdown(value) for key, value in values.items()}
    return template.format(**values)


def help_reply(index) -> Reply:
    return Reply(_fill(texts.HELP, index), _fill(texts.HELP, index, markdown=True))


def welcome_markdown(index) -> str:
    """The Teams welcome, in markdown."""
    return _fill(texts.WELCOME, index, markdown=True)


def console_welcome(index) -> str:
    return _fill(texts.CONSOLE_WELCOME, index)


def empty_question_reply(index, template: str = texts.EMPTY_QUESTION) -> Reply:
    return Reply(_fill(template, index), _fill(template, index, markdown=True))
