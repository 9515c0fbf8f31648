"""Reads one meeting as an agenda portal serves it (FirstAgenda's JSON) into a `Meeting`.

A municipality's portal (dagsordener.<kommune>.dk) answers `GET /api/agenda/dagsorden/<id>`
with the meeting as JSON: the body in `Udvalg.Navn`, the date, time and place in `Moede`, and
the items in `Dagsordenpunkter`, each item's sections as one HTML field with a heading per
section. This module turns that JSON, as it comes, into the same `Meeting` and `Item`s the
text parser gives, so the rest of the bot cannot tell a portal meeting from a PDF.

What the portal data taught (55 real Greve meetings):
- `IsOpen` is false on every item of Greve's; a closed item is known by its caption,
  "Lukket: ...". Portals that do set `IsOpen` (Hvidovre's) are believed when it is false.
  A closed item's field still holds its decision as HTML: it is never read, let alone stored.
- Sections are headed by `<h3>`, or `<h2>` inside an outer "Fremstilling", or a paragraph
  in bold that says nothing but the section's name; headings are sometimes split by markup
  ("<b>I</b>ndstilling") or nested inside another heading by a broken editor.
- "Sagens forløb" lists the earlier treatment as "<u>DD-MM-YYYY Body</u> text" entries.
- The decision ends with attendance ("Fraværende: ...", "Afbud: ..."), kept apart from it.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from knowledge.bodies import display_name
from knowledge.errors import DocumentError
from knowledge.extract import html_fragment_lines
from knowledge.model import EarlierDecision, Item, Meeting, item_id, stable_id

# A file in the folder of synced meetings that names the portal they came from, so that a
# reindex, online or off, can link each meeting to its public page.
PORTAL_MANIFEST = ".portal.json"
# Every public FirstAgenda portal shows a meeting at this path.
MEETING_PAGE = "{base}/vis?id={id}"

# Section headings as the portals write them, folded to lower case with single spaces.
SECTIONS = {
    "beslutning": "decision",
    "resume": "resume",
    "resumé": "resume",
    "indstilling": "indstilling",
    "sagsfremstilling": "sagsfremstilling",
    "sagsbeskrivelse": "sagsfremstilling",
    "fremstilling": "sagsfremstilling",
    "supplerende sagsfremstilling": "supplerende",
    "økonomiske konsekvenser": "okonomi",
    "økonomi": "okonomi",
    # Greve's "Sagsprocedure" names the bodies that treat the case, the deciding one last.
    "sagsprocedure": "afgoeres_af",
    "sagen afgøres endelig af": "afgoeres_af",
    "beslutningen træffes af": "afgoeres_af",
    "sagens forløb": "earlier",
    # Known sections without a field of their own; their text stays searchable.
    "lovgrundlag": "other",
    "kommunikation": "other",
    "tidsplan": "other",
    "øvrige konsekvenser": "other",
    "øvrige forhold": "other",
    "høring": "other",
    "baggrund": "other",
    "retsgrundlag": "other",
    "politiske beslutninger og aftaler": "other",
    # Hvidovre's summary of what is to be decided.
    "beslutningstema": "resume",
}
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5")
BLOCK_TAGS = ("div", "p", "table", "ul", "ol", "span") + HEADING_TAGS
# Marks a heading's line in the flattened text; no portal text contains it.
MARK = "\u2063§"
CLOSED_CAPTION = re.compile(r"^\s*lukket\s*(?:punkt\s*)?[:.\-–]?\s*", re.IGNORECASE)
ATTENDANCE = re.compile(r"^(?:fraværende|afbud|fravær|deltog ikke|forlod mødet|mødt)\b", re.IGNORECASE)
EARLIER_HEAD = re.compile(r"^\s*(?P<day>\d{1,2})-(?P<month>\d{1,2})-(?P<year>\d{4})\s+(?P<body>.+?)\s*$")
TRAILING_YEAR = re.compile(r"\s+(?:19|20)\d\d$")
NOT_RELEASED = "beslutning ikke frigivet"
DECISION_OF = re.compile(
    r"^beslutning(?:er)?\s+(?:i|fra|truffet i)\s+(?P<body>.+?)"
    r"(?:\s+(?:den|d\.)\s*(?P<day>\d{1,2})[-./](?P<month>\d{1,2})[-./](?P<year>\d{4}))?\s*:?$",
    re.IGNORECASE,
)


def read_portal_file(path: Path, digest: str) -> Meeting:
    """The meeting in one saved portal JSON file; DocumentError when it is not one."""
    try:
        data = json.loads(Path(path).read_bytes())
    except (OSError, ValueError) as error:
        raise DocumentError("unreadable", Path(path).name) from error
    return parse_portal_meeting(data, source=Path(path).name, checksum=digest, base_url=portal_base(path))


def portal_base(path: Path) -> str | None:
    """The portal's address from the manifest the sync leaves beside its files, if any."""
    manifest = Path(path).parent / PORTAL_MANIFEST
    try:
        return str(json.loads(manifest.read_text(encoding="utf-8"))["url"]).rstrip("/") or None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def is_portal_meeting(data: object) -> bool:
    return isinstance(data, dict) and isinstance(data.get("Moede"), dict) and isinstance(
        data.get("Dagsordenpunkter"), list
    )


def parse_portal_meeting(
    data: object, source: str = "", checksum: str = "", base_url: str | None = None
) -> Meeting:
    """The `Meeting` in one portal answer (the parsed JSON of `/api/agenda/dagsorden/<id>`)."""
    if not is_portal_meeting(data):
        raise DocumentError("unreadable", source)
    moede = data["Moede"]
    body = " ".join(str((data.get("Udvalg") or {}).get("Navn") or "").split()) or "Ukendt organ"
    stamp = str(moede.get("Dato") or moede.get("MeetingBeginUtc") or "")
    when, time = _date_and_time(stamp)
    if when is None:
        raise DocumentError("no_meeting", source)
    points = [point for point in data["Dagsordenpunkter"] if isinstance(point, dict)]
    if not points:
        raise DocumentError("no_items", source)
    meeting_id = stable_id(body, when, time or "")
    # A portal that marks open items says something by leaving one unmarked.
    flags_open = any(point.get("IsOpen") is True for point in points)
    items = []
    for position, point in enumerate(sorted(points, key=_order), start=1):
        number = _number(point, position)
        items.append(_item(point, number, meeting_id, body, when, time, source, flags_open))
    portal_id = str(data.get("Id") or "")
    url = MEETING_PAGE.format(base=base_url, id=portal_id) if base_url and portal_id else None
    place = " ".join(str(moede.get("Sted") or "").split()) or None
    return Meeting(
        id=meeting_id, body=body, date=when, time=time, place=place, source=source,
        checksum=checksum, items=tuple(items), url=url,
        # Hvidovre lists a supplementary agenda as "Tillægsdagsorden" with the flag unset.
        supplementary=bool(data.get("TillaegsDagsorden") or moede.get("IsSupplementaryAgenda")
                           or "tillæg" in str(moede.get("Navn") or "").lower()),
    )


def _date_and_time(stamp: str) -> tuple[str | None, str | None]:
    # The portal writes local time with its offset ("2022-01-14T08:00:00+01:00"): the
    # date and time as written are the ones on the agenda.
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?", stamp.strip())
    if not match:
        return None, None
    try:
        when = date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError:
        return None, None
    time = f"{match[4]}:{match[5]}" if match[4] else None
    return when, time


def _order(point: dict) -> tuple[int, int]:
    sorting = point.get("Sorting")
    return (int(sorting) if isinstance(sorting, int) else 10**6, _number(point, 10**6))


def _number(point: dict, fallback: int) -> int:
    for key in ("Punktnummer", "Number"):
        value = str(point.get(key) or "").strip().rstrip(".")
        if value.isdigit():
            return int(value)
    return fallback


def _item(point: dict, number: int, meeting_id: str, body: str, when: str, time: str | None,
          source: str, flags_open: bool = False) -> Item:
    caption = " ".join(str(point.get("Caption") or point.get("Navn") or "").split())
    case_number = " ".join(str(point.get("SagsNummer") or point.get("CaseNumber") or "").split()) or None
    ident = item_id(body, when, time, number)
    closed = bool(CLOSED_CAPTION.match(caption)) or (flags_open and point.get("IsOpen") is False)
    if closed:
        # Title, number and date only: the decision HTML a closed item carries is not read.
        title = CLOSED_CAPTION.sub("", caption) or caption
        return Item(id=ident, meeting_id=meeting_id, date=when, body=body, number=number,
                    title=title, case_number=case_number, closed=True, source=source)
    html = "".join(str(field.get("Html") or "") for field in point.get("Felter") or () if isinstance(field, dict))
    sections, earlier = split_sections(html, when, body)
    decision, attendance = _split_attendance(sections.get("decision", []))
    texts = {kind: "\n".join(lines).strip() for kind, lines in sections.items()}
    whole = [caption] + [heading_and_text for heading_and_text in sections.get("_whole", [])]
    return Item(
        id=ident, meeting_id=meeting_id, date=when, body=body, number=number, title=caption,
        case_number=case_number, closed=False,
        resume=texts.get("resume", ""), indstilling=texts.get("indstilling", ""),
        decision=decision, sagsfremstilling=_join(texts.get("sagsfremstilling", ""), texts.get("other", "")),
        supplerende=texts.get("supplerende", ""), okonomi=texts.get("okonomi", ""),
        afgoeres_af=texts.get("afgoeres_af", ""), earlier=tuple(earlier), bilag=_attachments(point),
        attendance=attendance, text="\n".join(part for part in whole if part), source=source,
    )


def _attachments(point: dict) -> tuple[str, ...]:
    """The names of an open item's attachments, in the portal's order: searchable, as the
    samples' "Bilag" lines are."""
    entries = [entry for entry in point.get("Bilag") or () if isinstance(entry, dict)]
    entries.sort(key=lambda entry: entry.get("Order") if isinstance(entry.get("Order"), int) else 0)
    names = (" ".join(str(entry.get("Navn") or "").split()) for entry in entries)
    return tuple(name for name in names if name)


def _join(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part)


def _split_attendance(lines: list[str]) -> tuple[str, str]:
    """The decision without its attendance lines, and those lines."""
    kept, attendance = [], []
    for line in lines:
        (attendance if ATTENDANCE.match(line.strip()) else kept).append(line)
    return "\n".join(kept).strip(), "\n".join(line.strip() for line in attendance)


def heading_kind(text: str) -> str | None:
    """The section a heading's text names, or None for text that is no known heading."""
    name = " ".join(text.replace("\xa0", " ").split()).strip(" :.").lower()
    if name in SECTIONS:
        return SECTIONS[name]
    if name.startswith("supplerende sagsfremstilling"):
        return "supplerende"
    return None


def split_sections(html: str, when: str, body: str) -> tuple[dict[str, list[str]], list[EarlierDecision]]:
    """An item's HTML as lines per section kind, and its earlier treatment.

    Text before any heading, and under a heading this module does not know, is kept (as
    "sagsfremstilling" and "other"), so that nothing the item says is lost to the search.
    """
    # lxml builds the tree three times faster than html.parser (python-docx brings it).
    soup = BeautifulSoup(html, "lxml")
    for junk in soup.find_all(("meta", "title", "style", "script")):
        junk.decompose()  # Word exports embed a whole <head> in each section
    earlier = _take_earlier(soup, when, body)
    _mark_headings(soup)
    sections: dict[str, list[str]] = {}
    whole: list[str] = []
    kind = "sagsfremstilling"
    others: list[tuple[str, str | None, str, list[str]]] = []  # decisions of other meetings
    for line in html_fragment_lines(soup):
        if line.startswith(MARK):
            heading = line[len(MARK):].strip()
            kind = heading_kind(heading) or _decision_of(heading, when, body, others) or "other"
            if kind == "other" and heading:
                sections.setdefault("other", []).append(heading)
            whole.append(heading)
            continue
        found = heading_kind(line)
        if found and found != "earlier" and len(line) < 60:
            kind = found
            whole.append(line)
            continue
        if kind == "elsewhere":
            others[-1][3].append(line)
        else:
            sections.setdefault(kind, []).append(line)
        whole.append(line)
    earlier += [
        EarlierDecision(body=other, date=day, item=None, text="\n".join(lines).strip(), heading=heading)
        for heading, day, other, lines in others
    ]
    for entry in earlier:
        whole += [entry.heading, entry.text]
    sections["_whole"] = whole
    return sections, earlier


def _decision_of(heading: str, when: str, body: str, others: list) -> str | None:
    """For "Beslutning i Økonomiudvalget den 16-03-2026" (Hvidovre's layout): "decision"
    when it is this meeting's, else "elsewhere", with a new entry in `others`."""
    match = DECISION_OF.match(heading)
    if not match:
        return None
    day = None
    if match["day"]:
        try:
            day = date(int(match["year"]), int(match["month"]), int(match["day"])).isoformat()
        except ValueError:
            day = None
    other = TRAILING_YEAR.sub("", match["body"]).strip()
    if (day is None or day == when) and display_name(other).lower() == display_name(body).lower():
        return "decision"
    others.append((heading, day, other, []))
    return "elsewhere"


def _mark_headings(soup: BeautifulSoup) -> None:
    """Replace each real heading by a marked paragraph of its text, innermost first."""
    for heading in reversed(soup.find_all(HEADING_TAGS)):
        if heading.find(BLOCK_TAGS[:5] + HEADING_TAGS):
            # A heading wrapped around content (a broken editor's nesting) is no heading.
            heading.unwrap()
            continue
        text = " ".join(heading.get_text("").replace("\xa0", " ").split())
        marked = soup.new_tag("p")
        marked.string = MARK + text if text else ""
        heading.replace_with(marked)


def _take_earlier(soup: BeautifulSoup, when: str, body: str) -> list[EarlierDecision]:
    """The "Sagens forløb" entries, taken out of the soup; the meeting's own entry is left
    out (it says "Beslutning ikke frigivet" or repeats the decision)."""
    entries: list[EarlierDecision] = []
    for heading in soup.find_all(HEADING_TAGS):
        if heading_kind(heading.get_text("")) != "earlier":
            continue
        content: list = []
        for sibling in list(heading.next_siblings):
            if isinstance(sibling, Tag) and (sibling.name in HEADING_TAGS or sibling.find(HEADING_TAGS)):
                break
            content.append(sibling)
        heading.decompose()
        holder = soup.new_tag("div")
        for node in content:
            holder.append(node.extract())
        entries += _earlier_entries(soup, holder, when, body)
    return entries


def _earlier_entries(soup: BeautifulSoup, holder: Tag, when: str, body: str) -> list[EarlierDecision]:
    entries: list[tuple[str, Tag]] = []
    current: Tag | None = None
    for node in _flatten(holder):
        if isinstance(node, Tag) and node.name == "u":
            current = soup.new_tag("div")
            entries.append((" ".join(node.get_text(" ").split()), current))
        elif current is not None:
            current.append(node)
    result = []
    for heading, content in entries:
        match = EARLIER_HEAD.match(heading)
        if not match:
            continue
        try:
            day = date(int(match["year"]), int(match["month"]), int(match["day"])).isoformat()
        except ValueError:
            day = None
        other = TRAILING_YEAR.sub("", match["body"]).strip()
        text = "\n".join(html_fragment_lines(content)).strip()
        if day == when and (text.lower().startswith(NOT_RELEASED) or other.lower() == body.lower()):
            continue
        if text.lower().startswith(NOT_RELEASED):
            text = ""
        result.append(EarlierDecision(body=other, date=day, item=None, text=text, heading=heading))
    return result


def _flatten(holder: Tag) -> list:
    """The nodes of a "Sagens forløb" block with each <u> lifted to the top level, so that
    the text between two <u> headings belongs to the first, however the block is nested."""
    out: list = []
    for child in list(holder.children):
        if isinstance(child, Tag) and child.name != "u" and child.find("u"):
            out += _flatten(child)
        else:
            out.append(child.extract())
    return out
