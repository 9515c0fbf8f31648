"""Which meeting a question means: by day, period, body and time of day.

Several bodies may meet on one day (and one body twice, at 17:15 and 17:30). A question
that names a body gets that body's meeting; one that does not, when several meetings
qualify, gets the list of them, each with its body, date, time and number of items, so the
user can pick one (`MeetingChoice.question` is what picking it asks).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date

from knowledge.bodies import display_name
from knowledge.dates import danish

# The longest pick list of meetings; more than this is a period, not a choice.
MAX_CHOICES = 12
NEAREST = 3


class Meetings:
    """The meetings of one index, oldest first."""

    def __init__(self, items: list[dict], meetings: dict[str, dict]) -> None:
        self.item_ids = [row["id"] for row in items]
        self.items_of: dict[str, list[int]] = {}
        for doc, row in enumerate(items):
            self.items_of.setdefault(row["meeting_id"], []).append(doc)
        self.rows: dict[str, dict] = {}
        for meeting_id, docs in self.items_of.items():
            first = items[docs[0]]
            stored = meetings.get(meeting_id, {})
            self.rows[meeting_id] = {
                "id": meeting_id,
                "body": stored.get("body") or first.get("body", ""),
                "date": stored.get("date") or first["date"],
                "time": stored.get("time"),
                "place": stored.get("place"),
            }
        self.ordered = sorted(self.rows.values(), key=lambda row: (row["date"], row.get("time") or "", row["id"]))
        self._dates = [row["date"] for row in self.ordered]

    def select(self, low: str, high: str, bodies: tuple[str, ...] = (), time: str | None = None) -> list[dict]:
        """Meetings from `low` to `high` (ISO dates), of `bodies` if given, at `time` if given."""
        # By bisection on the dates: a long archive holds a hundred thousand meetings.
        within = self.ordered[bisect_left(self._dates, low):bisect_right(self._dates, high)]
        chosen = [row for row in within if not bodies or row["body"] in bodies]
        if time:
            timed = [row for row in chosen if (row.get("time") or "")[:5] == time]
            chosen = timed or chosen
        return chosen

    def nearest(self, target: date, bodies: tuple[str, ...] = ()) -> list[dict]:
        rows = [row for row in self.ordered if not bodies or row["body"] in bodies]
        day = target.toordinal()
        rows = sorted(rows, key=lambda row: (abs(date.fromisoformat(row["date"]).toordinal() - day), row["date"]))
        return rows[:NEAREST]  # nearest first

    def choice(self, row: dict, with_time: bool) -> dict:
        """A meeting as one line of a pick list, with the question that opens it."""
        name = display_name(row["body"] or "")
        question = f"referat fra {name.lower()} {danish(row['date'])}"
        if with_time and row.get("time"):
            question += f" kl. {row['time'][:5]}"
        docs = self.items_of.get(row["id"], ())
        return {**row, "body_name": name, "items": len(docs), "item_ids": [self.item_ids[doc] for doc in docs],
                "question": question}

    def choices(self, rows: list[dict], newest_first: bool = True) -> list[dict]:
        """Pick-list entries, newest first (or in the given order); the time is part of the
        question only when one body met twice that day."""
        seen: dict[tuple[str, str], int] = {}
        for row in rows:
            seen[(row["body"], row["date"])] = seen.get((row["body"], row["date"]), 0) + 1
        if newest_first:
            rows = sorted(rows, key=lambda row: (row["date"], row.get("time") or ""), reverse=True)
        return [self.choice(row, seen[(row["body"], row["date"])] > 1) for row in rows[:MAX_CHOICES]]
