"""One meeting from all the files that hold it: copies, formats and supplementary agendas.

A meeting is its body, date and time (`Meeting.id`). The same meeting often comes in more
than one file: the PDF and the DOCX of one set of minutes, a re-download under another
name, a portal's supplementary agenda ("tillægsdagsorden") beside the agenda itself. The
indexer reads each file on its own; `merge` puts them together:

- files that agree give one meeting, and no warning;
- a supplementary agenda joins the meeting of its body on its date (its own time, if it has
  one, need not match), its items after the meeting's own when their numbers collide;
- an agenda and the minutes of the same meeting (portals publish both, under two ids) give
  the minutes' items, the agenda's where the minutes lack one;
- files that disagree (two sets of minutes with another decision or title for one item, or
  different sets of items) are both named in the report, each with the other's name; every
  item of either is kept, and where two versions of one item differ, the first file's wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.model import item_id

CONFLICT = "conflict"


@dataclass
class Unit:
    """One file's reading: its result line in the report, its meeting and items as rows, and
    its row in the store's source table."""

    result: object  # indexer.FileResult
    meeting: dict
    items: list[dict]
    source: dict
    others: set[str] = field(default_factory=set)  # files it disagrees with
    spooled: object = None  # where its item rows wait on disk while others are read (indexer)


def merge(units: list[Unit]) -> tuple[dict[str, dict], dict[str, list[dict]]]:
    """The meetings (by id) and their item rows from the files' units, in file order."""
    meetings: dict[str, dict] = {}
    items: dict[str, list[dict]] = {}
    for meeting_id, members in group(units).items():
        meetings[meeting_id], items[meeting_id] = one_meeting(meeting_id, members)
    settle(units)
    return meetings, items


def group(units: list[Unit]) -> dict[str, list[Unit]]:
    """The units of each meeting, by its id: a supplementary agenda joined to its meeting.
    Needs the units' meetings only, not their items."""
    groups: dict[str, list[Unit]] = {}
    for unit in units:
        groups.setdefault(unit.meeting["id"], []).append(unit)
    _join_supplementary(groups)
    return groups


def settle(units: list[Unit]) -> None:
    """After every meeting is merged (`one_meeting`): each file's report line and source row
    say which meeting it went into and which files it disagrees with."""
    for unit in units:
        if unit.others:
            unit.result.code = CONFLICT
            unit.result.detail = ", ".join(sorted(unit.others))
        unit.source["meeting_id"] = unit.meeting["id"]
        # A file in disagreement is read again next time, so the report names it again.
        unit.source["conflict"] = bool(unit.others)


def _join_supplementary(groups: dict[str, list[Unit]]) -> None:
    for meeting_id in list(groups):
        members = groups[meeting_id]
        if not all(unit.meeting.get("supplementary") for unit in members):
            continue
        first = members[0].meeting
        hosts = [
            other_id for other_id, others in groups.items()
            if other_id != meeting_id and not all(unit.meeting.get("supplementary") for unit in others)
            and others[0].meeting["body"] == first["body"] and others[0].meeting["date"] == first["date"]
        ]
        if len(hosts) != 1:
            continue  # no meeting to join, or several and no telling which: its own meeting
        groups[hosts[0]].extend(groups.pop(meeting_id))


def one_meeting(meeting_id: str, members: list[Unit]) -> tuple[dict, list[dict]]:
    """One meeting's row and its item rows, from the units `group` put together."""
    # The meeting's own minutes first: not a supplementary agenda, the most decisions.
    members = sorted(members, key=lambda unit: (bool(unit.meeting.get("supplementary")), -_decisions(unit)))
    host = members[0]
    meeting = dict(host.meeting)
    meeting["id"] = meeting_id
    meeting["supplementary"] = False
    meeting["url"] = next((unit.meeting.get("url") for unit in members if unit.meeting.get("url")), None)
    meeting["indexed_at"] = min(unit.meeting.get("indexed_at") or "~" for unit in members)
    if len(members) > 1:
        meeting["sources"] = [unit.meeting.get("source", "") for unit in members]
    rows: dict[int, dict] = {}
    owner: dict[int, Unit] = {}
    for unit in members:
        supplementary = bool(unit.meeting.get("supplementary"))
        if unit is not host and not supplementary and _decisions(unit) and _decisions(host):
            if {row["number"] for row in unit.items} != {row["number"] for row in host.items}:
                _disagree(unit, host)
        own_ids = []
        for row in unit.items:
            row = dict(row, meeting_id=meeting_id)
            number = row["number"]
            if number in rows and supplementary:
                number = max(rows) + 1
                row["number"] = number
                row["id"] = item_id(meeting["body"], meeting["date"], meeting.get("time"), number)
            if number not in rows:
                rows[number], owner[number] = row, unit
            elif not rows[number].get("decision") and row.get("decision"):
                rows[number], owner[number] = row, unit  # the minutes of what was on the agenda
            elif row.get("decision") and not _same(rows[number], row):
                _disagree(unit, owner[number])
            own_ids.append(row["id"])
        unit.source["item_ids"] = own_ids
        unit.meeting["id"] = meeting_id
    return meeting, [rows[number] for number in sorted(rows)]


def _decisions(unit: Unit) -> int:
    return sum(1 for row in unit.items if row.get("decision"))


def _disagree(one: Unit, other: Unit) -> None:
    one.others.add(other.result.name)
    other.others.add(one.result.name)


def _words(text: str | None) -> list[str]:
    return re.findall(r"\w+", (text or "").casefold())


def _same(one: dict, other: dict) -> bool:
    """The same item, whatever the format: title, closed and decision in the same words
    (a PDF's line breaks and a DOCX's paragraphs differ; the words do not)."""
    return (
        bool(one.get("closed")) == bool(other.get("closed"))
        and _words(one.get("title")) == _words(other.get("title"))
        and _words(one.get("decision")) == _words(other.get("decision"))
    )
