"""The case systems' publication XML, read as a source of its own.

Three formats occur. SBSYS eDagsorden and GetOrganized export a `<Publication>` with
`Agendas/Agenda`: the committee, the meeting's time and place, and `Items/Item` with a
number (GetOrganized writes "1.1"), a caption, `IsPublic`, the case number and the
sections as `Fields/ItemField` (a caption and HTML content). eDoc (Fujitsu) exports a
`Root/Committee/Meeting/Agenda/AgendaElements/AgendaElement` tree whose `HandlingItem` has
a serial number, title, case number, sections as `CasePresentations` and the decision in
the handling plan. Items, sections, case numbers and closed items come from this
structure, not from guessed text. Placeholders ("Tomt indhold", "Beslutning ikke
frigivet") are no decision. A closed item keeps its title and number and nothing else.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from datetime import date
from pathlib import Path

from knowledge.dates import find_date
from knowledge.errors import DocumentError
from knowledge.extract import html_fragment_lines
from knowledge.headings import BODY_DECISION, section_kind
from knowledge.model import EarlierDecision, Item, Meeting, item_id, stable_id

PLACEHOLDERS = {"tomt indhold", "beslutning ikke frigivet", "ingen", "-"}
# "18. september 2012:" at the start of a line in a decision field: one dated decision.
DATED_ENTRY = re.compile(r"^(?P<date>\d{1,2}\.\s*[a-zæøå]+\s+(?:19|20)\d{2})\s*:\s*(?P<rest>.*)$", re.IGNORECASE)
STAMP = re.compile(r"(?P<day>\d{1,2})-(?P<month>\d{1,2})-(?P<year>\d{4})(?:\s+(?P<hour>\d{1,2}):(?P<minute>\d{2}))?")
NUMBER = re.compile(r"^\d{1,4}(?:\.\d{1,3})*$")


def read_publication_file(path: Path, digest: str) -> Meeting:
    """The meeting in one publication XML file, or DocumentError."""
    try:
        root = ElementTree.fromstring(path.read_bytes())
    except (ElementTree.ParseError, OSError, ValueError) as error:
        raise DocumentError("unreadable", path.name) from error
    return parse_publication(root, source=path.name, checksum=digest)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(element: ElementTree.Element | None, *names: str) -> ElementTree.Element | None:
    """The first descendant path `names` (local names, any namespace)."""
    for name in names:
        if element is None:
            return None
        element = next((child for child in element if _local(child.tag) == name), None)
    return element


def _text(element: ElementTree.Element | None, *names: str) -> str:
    found = _find(element, *names) if names else element
    return (found.text or "").strip() if found is not None else ""


def _all(element: ElementTree.Element, name: str) -> list[ElementTree.Element]:
    return [child for child in element.iter() if _local(child.tag) == name]


def parse_publication(root: ElementTree.Element, source: str = "", checksum: str = "") -> Meeting:
    kind = _local(root.tag)
    if kind == "Publication":
        return _edagsorden(root, source, checksum)
    if _find(root, "Committee", "Meeting", "Agenda") is not None:
        return _edoc(root, source, checksum)
    raise DocumentError("publication", source)


def _stamp(value: str) -> tuple[date | None, str | None]:
    match = STAMP.search(value)
    if not match:
        return None, None
    try:
        when = date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        return None, None
    clock = f"{int(match['hour']):02d}:{match['minute']}" if match["hour"] else None
    return when, clock


def _body_name(name: str) -> str:
    """"FORRETNINGSUDVALGET" → "Forretningsudvalget"; a name in mixed case as written."""
    name = " ".join(name.split())
    return name.capitalize() if name.isupper() else name


def _lines(html: str) -> list[str]:
    if not html or not html.strip():
        return []
    lines = html_fragment_lines(html)
    return [] if " ".join(lines).strip().lower().rstrip(".") in PLACEHOLDERS else lines


class _Sections:
    """An item's sections as they are collected, field by field."""

    def __init__(self, body: str, when: str) -> None:
        self.body, self.when = body, when
        self.texts: dict[str, list[str]] = {}
        self.earlier: list[EarlierDecision] = []
        self.whole: list[str] = []

    def add(self, caption: str, lines: list[str], is_decision: bool = False) -> None:
        if not lines:
            return
        self.whole.extend([caption, *lines])
        kind = "decision" if is_decision else section_kind(caption) or "other"
        named = BODY_DECISION.match(caption)
        if named and not is_decision:
            if not _same_body(named["body"], self.body):
                self.earlier.append(EarlierDecision(
                    body=_body_name(named["body"].removesuffix("s")), date=None, item=None,
                    text="\n".join(lines), heading=caption,
                ))
                return
            kind = "decision"
        if kind == "decision":
            lines = self._dated(caption, lines)
        if lines:
            bucket = self.texts.setdefault(kind, [])
            bucket.extend(([""] if bucket else []) + lines)

    def _dated(self, caption: str, lines: list[str]) -> list[str]:
        """The part of a decision field dated this meeting; earlier dated parts go to history."""
        entries: list[tuple[str | None, list[str]]] = [(None, [])]
        for line in lines:
            match = DATED_ENTRY.match(line)
            if match and find_date(match["date"]):
                entries.append((find_date(match["date"]).isoformat(), [match["rest"]] if match["rest"] else []))
            else:
                entries[-1][1].append(line)
        if len(entries) == 1:
            return lines
        own: list[str] = list(entries[0][1])
        for when, content in entries[1:]:
            if when == self.when:
                own.extend(content)
            elif content:
                self.earlier.append(EarlierDecision(
                    body=self.body, date=when, item=None, text="\n".join(content), heading=caption,
                ))
        return own

    def item(self, **common) -> Item:
        join = lambda kind: "\n".join(self.texts.get(kind, []))  # noqa: E731
        return Item(
            resume=join("resume"), indstilling=join("indstilling"), decision=join("decision"),
            sagsfremstilling="\n".join(self.texts.get("sagsfremstilling", []) + self.texts.get("other", [])),
            supplerende=join("supplerende"), okonomi=join("okonomi"), afgoeres_af=join("afgoeres_af"),
            earlier=tuple(self.earlier), text="\n".join([common["title"], *self.whole]), **common,
        )


def _same_body(one: str, other: str) -> bool:
    def simple(name: str) -> str:
        return re.sub(r"(?:ets|ens|s)$", "", name.strip().lower())
    return simple(one) == simple(other) or simple(other).startswith(simple(one))


def _numbering(labels: list[str]) -> list[tuple[int, str, str]]:
    """(number, label, key) for each item: the number as written, or its place when any is
    "1.1"; the key for its id is unique even where two items share a label (GetOrganized's
    two "0" referat items)."""
    seen = {label: labels.count(label) for label in labels}
    keys = [label if seen[label] == 1 else f"{label}-{position}" for position, label in enumerate(labels, 1)]
    if any("." in label or not label.isdigit() for label in labels) or len(set(labels)) < len(labels):
        return [(position, label, key) for position, (label, key) in enumerate(zip(labels, keys), start=1)]
    return [(int(label), "", key) for label, key in zip(labels, keys)]


def _meeting(body: str, when: date | None, clock: str | None, place: str, source: str, checksum: str) -> Meeting:
    if when is None:
        raise DocumentError("no_meeting", source)
    iso = when.isoformat()
    return Meeting(id=stable_id(body, iso, clock or ""), body=body, date=iso, time=clock,
                   place=place or None, source=source, checksum=checksum)


def _edagsorden(root: ElementTree.Element, source: str, checksum: str) -> Meeting:
    agenda = _find(root, "Agendas", "Agenda")
    if agenda is None:
        raise DocumentError("no_items", source)
    body = _body_name(_text(agenda, "Committee", "Name") or _text(agenda, "Name") or "Ukendt organ")
    when, clock = _stamp(_text(agenda, "Meeting", "When"))
    meeting = _meeting(body, when, clock, _text(agenda, "Meeting", "Where"), source, checksum)
    listed = _find(agenda, "Items")
    elements = [item for item in (listed if listed is not None else ()) if _local(item.tag) == "Item"]
    numbering = _numbering([_text(item, "Number") or str(place) for place, item in enumerate(elements, 1)])
    items = []
    for element, (number, label, key) in zip(elements, numbering):
        common = dict(
            id=item_id(body, meeting.date, meeting.time, key), meeting_id=meeting.id,
            date=meeting.date, body=body, number=number, label=label,
            title=_text(element, "Caption"), case_number=_text(element, "Case", "Number") or None, source=source,
        )
        if _text(element, "IsPublic").lower() == "false":
            items.append(Item(closed=True, **common))
            continue
        sections = _Sections(body, meeting.date)
        for field in _all(element, "ItemField"):
            sections.add(_text(field, "Caption"), _lines(_text(field, "Content")))
        bilag = tuple(_text(enclosure, "Name") for enclosure in _all(element, "Enclosure") if _text(enclosure, "Name"))
        items.append(sections.item(bilag=bilag, **common))
    return Meeting(**{**_fields(meeting), "items": tuple(items)})


def _edoc(root: ElementTree.Element, source: str, checksum: str) -> Meeting:
    committee = _find(root, "Committee")
    body = _body_name(_text(committee, "Name") or "Ukendt organ")
    when, clock = _stamp(_text(committee, "Meeting", "MeetingDateTime"))
    meeting = _meeting(body, when, clock, _text(committee, "Meeting", "MeetingLocation"), source, checksum)
    # An element's truth is its number of children (and a DeprecationWarning): ask for None.
    agenda = _find(committee, "Meeting", "Agenda")
    elements = _all(agenda if agenda is not None else root, "AgendaElement")
    handlings = [_find(element, "HandlingItem") for element in elements]
    labels = [_text(handling, "SerialNo") or str(place) for place, handling in enumerate(handlings, 1)]
    items = []
    for element, handling, (number, label, key) in zip(elements, handlings, _numbering(labels)):
        title = _text(handling, "Title") or _text(handling, "NeutralTitle")
        common = dict(
            id=item_id(body, meeting.date, meeting.time, key), meeting_id=meeting.id,
            date=meeting.date, body=body, number=number, label=label, title=title,
            case_number=_text(handling, "CaseNumber") or None, source=source,
        )
        if _text(element, "AccessIsPublic").lower() == "false":
            items.append(Item(closed=True, **common))
            continue
        sections = _Sections(body, meeting.date)
        for presentation in _all(handling, "CasePresentation"):
            sections.add(_text(presentation, "Title"), _lines(_text(presentation, "Content")),
                         is_decision=_text(presentation, "IsDecision").lower() == "true")
        for plan in _all(handling, "Handling"):
            decision = _lines(_text(plan, "Decision"))
            if _text(plan, "Placement") == "This":
                sections.add("Beslutning", decision, is_decision=True)
            elif decision:
                sections.earlier.append(EarlierDecision(
                    body=_body_name(_text(plan, "CommitteeName")), date=_iso(_text(plan, "MeetingDate")),
                    item=None, text="\n".join(decision), heading=_text(plan, "CommitteeName"),
                ))
        bilag = tuple(_text(attachment, "Title") for attachment in _all(handling, "Attachment") if _text(attachment, "Title"))
        items.append(sections.item(bilag=bilag, **common))
    return Meeting(**{**_fields(meeting), "items": tuple(items)})


def _iso(value: str) -> str | None:
    when, _ = _stamp(value)
    return when.isoformat() if when else None


def _fields(meeting: Meeting) -> dict:
    return {name: getattr(meeting, name) for name in (
        "id", "body", "date", "time", "place", "source", "checksum", "indexed_at", "mode", "notes",
    )}
