"""The data model of the minutes: a meeting, its agenda items and their earlier decisions.

Everything here is plain data that round-trips through the store as dicts. A closed item
("Lukket: ...") keeps its title, number and date and never any text: the parser leaves its
sections empty and `Item.from_dict` refuses to bring text back for it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields


def stable_id(*parts: object) -> str:
    """A short id that stays the same for the same parts across reindexes."""
    raw = "|".join(str(part) for part in parts).lower()
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def item_id(body: str, when: str, time: str | None, number: int | str) -> str:
    """An item's id: its body, date and number, and the meeting's time when there is one,
    because one body can meet twice on a day (Greve's committees met at 17:15 and 17:30)."""
    if time:
        return stable_id(body, when, time, number)
    return stable_id(body, when, number)


@dataclass(frozen=True)
class EarlierDecision:
    """A decision taken on the same case before this meeting, possibly by another body."""

    body: str
    date: str | None
    item: int | None
    text: str
    heading: str = ""

    def to_dict(self) -> dict:
        return {"body": self.body, "date": self.date, "item": self.item, "text": self.text, "heading": self.heading}

    @classmethod
    def from_dict(cls, data: dict) -> "EarlierDecision":
        return cls(
            body=data.get("body", ""),
            date=data.get("date"),
            item=data.get("item"),
            text=data.get("text", ""),
            heading=data.get("heading", ""),
        )


@dataclass(frozen=True)
class Item:
    """One agenda item ("Punkt N") of a meeting."""

    id: str
    meeting_id: str
    date: str
    body: str
    number: int
    title: str
    case_number: str | None = None
    closed: bool = False
    resume: str = ""
    indstilling: str = ""
    decision: str = ""
    sagsfremstilling: str = ""
    supplerende: str = ""
    okonomi: str = ""
    afgoeres_af: str = ""
    bilag: tuple[str, ...] = ()
    earlier: tuple[EarlierDecision, ...] = ()
    text: str = ""
    source: str = ""
    # Who was absent or sent apologies ("Fraværende: ..."), kept apart from the decision.
    attendance: str = ""
    # The number as the minutes write it when `number` cannot say it ("1.1"); `number` is
    # then the item's place in the meeting, for ordering and ids. Empty: str(number).
    label: str = ""
    # The PDF page the item starts on (1-based), for links with #page=N; None elsewhere.
    page: int | None = None

    @property
    def shown_number(self) -> str:
        """The item's number as the minutes write it."""
        return self.label or str(self.number)

    def to_dict(self) -> dict:
        # Written out rather than dataclasses.asdict, which deep-copies and is the slowest
        # step of indexing a large archive.
        data = {name: getattr(self, name) for name in _ITEM_FIELDS}
        data["bilag"] = list(self.bilag)
        data["earlier"] = [decision.to_dict() for decision in self.earlier]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Item":
        closed = bool(data.get("closed"))
        if not closed and not data.get("text"):
            data = {**data, "text": whole_text(data)}
        text_fields = {
            name: ("" if closed else data.get(name, "") or "")
            for name in (
                "resume", "indstilling", "decision", "sagsfremstilling",
                "supplerende", "okonomi", "afgoeres_af", "text", "attendance",
            )
        }
        return cls(
            id=data["id"],
            meeting_id=data["meeting_id"],
            date=data["date"],
            body=data.get("body", ""),
            number=int(data["number"]),
            title=data.get("title", ""),
            case_number=data.get("case_number"),
            closed=closed,
            bilag=() if closed else tuple(data.get("bilag", ())),
            earlier=() if closed else tuple(
                EarlierDecision.from_dict(entry) for entry in data.get("earlier", ())
            ),
            source=data.get("source", ""),
            label=data.get("label", "") or "",
            page=data.get("page"),
            **text_fields,
        )


@dataclass(frozen=True)
class Meeting:
    """One set of minutes: a body's meeting on a date, and where it was read from."""

    id: str
    body: str
    date: str
    time: str | None = None
    place: str | None = None
    source: str = ""
    checksum: str = ""
    indexed_at: str = ""
    # How the file was read: "items" (agenda items found by their structure) or "text"
    # (no structure found; the text is indexed by page or heading so it is still found).
    mode: str = "items"
    # Why it was read as it was, and what looks wrong: codes, some with ":detail".
    notes: tuple[str, ...] = ()
    items: tuple[Item, ...] = field(default=(), compare=False)
    # The meeting's public page on the agenda portal it was synced from; None for files.
    url: str | None = None
    # A supplementary agenda ("tillægsdagsorden"): its items join the meeting's own.
    supplementary: bool = False

    def to_dict(self) -> dict:
        data = {name: getattr(self, name) for name in _MEETING_FIELDS}
        data["notes"] = list(self.notes)
        data["item_ids"] = [item.id for item in self.items]
        return data

    @classmethod
    def from_dict(cls, data: dict, items: tuple[Item, ...] = ()) -> "Meeting":
        return cls(
            id=data["id"],
            body=data.get("body", ""),
            date=data["date"],
            time=data.get("time"),
            place=data.get("place"),
            source=data.get("source", ""),
            checksum=data.get("checksum", ""),
            indexed_at=data.get("indexed_at", ""),
            mode=data.get("mode", "items") or "items",
            notes=tuple(data.get("notes", ())),
            items=items,
            url=data.get("url"),
            supplementary=bool(data.get("supplementary")),
        )


_ITEM_FIELDS = tuple(entry.name for entry in fields(Item))
_MEETING_FIELDS = tuple(entry.name for entry in fields(Meeting) if entry.name != "items")


SECTION_ORDER = ("resume", "indstilling", "decision", "sagsfremstilling", "supplerende", "okonomi", "afgoeres_af")


def whole_text(row: dict) -> str:
    """An item's whole text from its stored sections (the store keeps no second copy)."""
    if row.get("closed"):
        return ""
    parts = [row.get("title", "")]
    parts += [row.get(name, "") for name in SECTION_ORDER]
    parts += [entry.get("text", "") for entry in row.get("earlier", ())]
    parts += list(row.get("bilag", ()))
    return "\n\n".join(part for part in parts if part)
