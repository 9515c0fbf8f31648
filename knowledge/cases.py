"""Case numbers: one case's items across meetings and bodies, and what a number that is not
in the index may have meant.

A portal case goes fagudvalg → Økonomiudvalget → Byrådet under one number, so a case is
the list of its items in date order, each with its body (`stages`). A question may give
the whole number in any common form (KLE "85.02.02P35-106-24", "EMN-2025-003383",
Greve's "23-013356" and "20-054308K") or only its start ("85.13.00G01"): the whole number
gives the case, a start the cases it begins, and a number the index does not hold the
nearest numbers it does hold, never a guess.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Callable

from rapidfuzz import fuzz, process

from knowledge.bodies import display_name

# How many cases a partial number lists, and how many near numbers an unknown one offers.
MAX_CASES = 20
NEAREST = 3
# A near number must share this much (rapidfuzz ratio) with the number asked for.
NEAR_CUTOFF = 60.0


def normalise_case(value: str) -> str:
    return "".join(value.split()).upper()


class Cases:
    """The case numbers of one index: item docs per number, newest first."""

    def __init__(self, items: list[dict], dates, times: dict[str, str] | None = None,
                 item: Callable[[int], dict] | None = None) -> None:
        self.items = items
        # The item with its whole decision (the rows in memory may hold only its beginning).
        self.item = item or items.__getitem__
        self.dates = dates
        # Meeting times order the stages of one day (fagudvalg 15:30, Byrådet 19:00).
        self.times = times or {}
        self.by_case: dict[str, list[int]] = {}
        for doc, row in enumerate(items):
            case = row.get("case_number")
            # A closed item's journal number would tie the case to it: more than title and date.
            if case and not row.get("closed"):
                # Stored journal numbers are already upper case without spaces (the parser's
                # doing), so the full normalisation is only needed for the question side.
                self.by_case.setdefault(case, []).append(doc)
        self._sorted: list[str] | None = None

    def docs(self, case: str) -> list[int]:
        """The items of one case, newest first (then by item number)."""
        return self.order(self.by_case.get(case, []))

    def order(self, docs) -> list[int]:
        """Items newest first: by date, then by the meeting's time, then by item number."""
        docs = sorted(set(docs), key=lambda doc: self.items[doc]["number"])
        return sorted(docs, key=lambda doc: (int(self.dates[doc]), self.times.get(self.items[doc]["meeting_id"]) or ""),
                      reverse=True)

    def keys(self) -> list[str]:
        if self._sorted is None:
            self._sorted = sorted(self.by_case)
        return self._sorted

    def beginning_with(self, prefix: str) -> list[str]:
        """Every case number that starts with `prefix`, newest case first."""
        keys = self.keys()
        found = []
        for position in range(bisect_left(keys, prefix), len(keys)):
            if not keys[position].startswith(prefix):
                break
            found.append(keys[position])
        return sorted(found, key=lambda case: -max(int(self.dates[doc]) for doc in self.by_case[case]))

    def nearest(self, number: str) -> list[str]:
        """The case numbers most like `number` (a typo, a digit too many or too few)."""
        matches = process.extract(number, self.keys(), scorer=fuzz.ratio, score_cutoff=NEAR_CUTOFF, limit=NEAREST)
        return [match[0] for match in matches]

    def stages(self, case: str | None) -> list[dict]:
        """Every stage of a case, oldest first: which body treated it when, and what it decided."""
        if not case:
            return []
        stages = []
        for doc in reversed(self.docs(case)):
            row = self.item(doc)
            stages.append({
                "id": row["id"], "date": row["date"], "number": int(row["number"]),
                "body": row.get("body", ""), "body_name": display_name(row.get("body", "") or ""),
                "title": row.get("title", ""), "decision": row.get("decision", ""),
                "meeting_id": row.get("meeting_id", ""),
            })
        return stages

    def summary(self, case: str) -> dict:
        """One line's worth about a case: its number, newest title, how often and by whom."""
        docs = self.docs(case)
        newest = self.items[docs[0]]
        bodies: list[str] = []
        for doc in reversed(docs):
            name = display_name(self.items[doc].get("body", "") or "")
            if name not in bodies:
                bodies.append(name)
        return {
            "case_number": case, "title": newest.get("title", ""), "count": len(docs),
            "first_date": self.items[docs[-1]]["date"], "last_date": newest["date"],
            "bodies": bodies, "question": f"sag {case}",
        }
