"""What a search gives back: the ranked items (`Hit`) and the shape of the answer (`Result`).

Both are plain data that the replies read; fields are only ever added, never renamed, so a
renderer written against an older shape keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge.bodies import display_name
from knowledge.question import Question


@dataclass
class Hit:
    """One ranked agenda item, in the shape the public API promises."""

    id: str
    date: str
    number: int
    title: str
    case_number: str | None
    decision: str | None
    closed: bool
    score: float
    source: str
    body: str
    item: dict = field(repr=False, default_factory=dict)
    body_name: str = ""  # the body as people say it ("Byrådet" for "Byråd 2022-2025")
    meeting_id: str = ""
    # The case's items in date order, this one included, each with its body: a portal case
    # goes fagudvalg → Økonomiudvalget → Byrådet under one number.
    stages: list[dict] = field(repr=False, default_factory=list)
    # The number as the minutes write it when it is not a plain number ("1.1"); empty else.
    label: str = ""

    def to_json(self) -> dict:
        return {
            "date": self.date, "number": self.number, "title": self.title,
            "case_number": self.case_number, "decision": self.decision,
            "closed": self.closed, "score": round(self.score, 4), "source": self.source,
            "body": self.body_name or self.body,
        }


@dataclass
class Result:
    """What the search found, and in what shape to show it.

    kind: answer (best item first), case (every item of a journal number, newest first),
    cases (the cases a partial journal number begins: `cases`, and their newest items in
    `hits`), meeting (one meeting's items in order), meetings (several meetings qualify:
    `meetings` is the pick list), none (nothing answers; `suggestions` holds the closest
    titles, `reason` says why when there is more to say), empty (no question at all).
    """

    kind: str
    question: Question
    hits: list[Hit] = field(default_factory=list)
    suggestions: list[Hit] = field(default_factory=list)
    meeting: dict | None = None
    coverage: float = 0.0  # share of the question the first hit covers (topic questions)
    # reason for "none": "body_has_nothing" (the body asked about has nothing on it;
    # `elsewhere` holds what other bodies decided), "no_meetings_in_period" (`meetings`
    # holds the nearest meetings), "unknown_case" (`cases` holds the nearest numbers).
    reason: str = ""
    bodies: list[str] = field(default_factory=list)  # the bodies asked about, as people say them
    elsewhere: list[Hit] = field(default_factory=list)
    # Pick list or nearest meetings: id, body, body_name, date, time, place, items, question.
    meetings: list[dict] = field(default_factory=list)
    # Partial or unknown case numbers: case_number, title, count, first_date, last_date,
    # bodies, question.
    cases: list[dict] = field(default_factory=list)
    # "Se også" for an answer: one item per case (the case's other stages are on the
    # first hit's `stages`), no closed items unless asked for.
    see_also: list[Hit] = field(default_factory=list)
    several_bodies: bool = False  # the index holds more than one body: name it everywhere
    # reason "unknown_body": the bodies asked about that the minutes hold no meetings of,
    # and the bodies they do hold (as people say them); `elsewhere` what others decided.
    unheld: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)


def make_hit(item: dict, score: float) -> Hit:
    """A hit for a stored item; a closed item carries its title and date, nothing else."""
    closed = bool(item.get("closed"))
    body = item.get("body", "") or ""
    return Hit(
        id=item["id"], date=item["date"], number=int(item["number"]), title=item.get("title", ""),
        case_number=None if closed else item.get("case_number"),
        decision=None if closed else item.get("decision", ""),
        closed=closed, score=float(score), source=item.get("source", ""),
        body=body, item={} if closed else item, body_name=display_name(body) if body else "",
        meeting_id=item.get("meeting_id", ""), label=item.get("label", "") or "",
    )
