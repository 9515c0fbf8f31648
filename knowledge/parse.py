"""Reads the text of one set of minutes into a `Meeting` with its `Item`s.

Both layouts of the customer's minutes go through here: markdown converted from PDF
(`#` headings, `**bold**`, tables) and plain text, and so does the text extracted from
PDF, DOCX and HTML files. The parser works line by line on markup-free lines: an agenda
item starts at "Punkt N: title"; inside an item, a line that is exactly a known section
name starts that section; "Beslutning fra <body>, den <date>, punkt N:" starts an
earlier decision. Anything else is content of the current section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from knowledge.dates import find_date, find_time
from knowledge.errors import DocumentError
from knowledge.model import EarlierDecision, Item, Meeting, item_id, stable_id

SECTION_NAMES = {
    "resumé": "resume",
    "resume": "resume",
    "indstilling": "indstilling",
    "indstillinger": "indstilling",
    "beslutning": "decision",
    "beslutninger": "decision",
    "sagsfremstilling": "sagsfremstilling",
    "supplerende sagsfremstilling": "supplerende",
    "økonomiske konsekvenser": "okonomi",
    "økonomi": "okonomi",
    "sagen afgøres endelig af": "afgoeres_af",
    "bilag": "bilag",
    # Sections the model does not name; their text still counts in the item's whole text.
    "lovgrundlag": "other",
    "vision, politikker og strategier": "other",
    "andre konsekvenser": "other",
    "høring": "other",
    "kommunikation": "other",
    "tidsplan": "other",
    "baggrund": "other",
}

# Case-sensitive on purpose: "pkt. 3." at the start of a wrapped sentence is not an item.
ITEM_HEADING = re.compile(r"^(?:Punkt|PUNKT|Pkt\.?)\s*(?P<number>\d{1,3})\s*[:.\-–]\s*(?P<title>.*)$")
CLOSED_PREFIX = re.compile(r"^lukket\s*:?\s*", re.IGNORECASE)
EARLIER_DECISION = re.compile(
    r"^beslutning(?:er)?\s+(?:fra|i|truffet i|truffet af)\s+(?P<rest>.+?)\s*:?$", re.IGNORECASE
)
EARLIER_ITEM = re.compile(r"\b(?:punkt|pkt)\.?\s*(?P<item>\d{1,3})\b", re.IGNORECASE)
RECOMMENDS = re.compile(r"^[^.]{0,80}\bindstiller\s*[:,]?$", re.IGNORECASE)
# Journal numbers: KLE-based (85.02.02P35-106-24), EMN-2025-003383, 12/27845, 2011-29298.
JOURNAL_NUMBER = re.compile(
    r"\d{2}\.\d{2}\.\d{2}[-.]?[A-ZÆØÅ]\d{2}-\d{1,6}-\d{2}"
    r"|[A-ZÆØÅ]{2,6}-(?:19|20)\d{2}-\d{3,8}"
    r"|\d{2}/\d{3,8}"
    r"|(?:19|20)\d{2}-\d{3,8}",
    re.IGNORECASE,
)
JOURNAL_LINE = re.compile(
    r"^(?:(?:sags?\s*(?:nr|nummer)|j\.?\s*nr|journal(?:nummer|nr))\.?\s*:?\s*)?"
    r"(?P<number>" + JOURNAL_NUMBER.pattern + r")\.?$",
    re.IGNORECASE,
)
HEADER = re.compile(
    r"^referat\s+(?:af\s+|fra\s+)?(?:møde\s+i\s+)?(?P<body>.+?)\s+(?:d\.|den)\s*(?P<date>.+)$",
    re.IGNORECASE,
)
MEETING_DATE = re.compile(r"^mødedato\s*:?\s*(?P<value>.+)$", re.IGNORECASE)
MEETING_PLACE = re.compile(r"^mødested\s*:?\s*(?P<value>.+)$", re.IGNORECASE)
TOC_HEADING = re.compile(r"^indholdsfortegnelse$", re.IGNORECASE)
TOC_LEADER = re.compile(r"(?:\.{3,}|…)\s*\|?\s*\d+\s*\|?\s*$|\t\s*\d+\s*$")
PAGE_NUMBER = re.compile(r"^(?:(?:side|page)\s+\d+(?:\s+(?:af|of|/)\s+\d+)?|\d{1,3})$", re.IGNORECASE)
TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}")
MARKUP = re.compile(r"\*\*|__")


@dataclass
class _Section:
    kind: str
    lines: list[str] = field(default_factory=list)
    heading: str = ""


@dataclass
class _ItemDraft:
    number: int
    title: str
    closed: bool
    case_number: str | None = None
    sections: list[_Section] = field(default_factory=list)
    title_done: bool = False

    def current(self) -> _Section:
        if not self.sections:
            self.sections.append(_Section("preamble"))
        return self.sections[-1]


def clean_line(line: str) -> str:
    """A line without markdown heading marks, bold marks and surrounding space."""
    line = line.strip()
    if line.startswith("#"):
        line = line.lstrip("#").strip()
    return MARKUP.sub("", line).strip()


_LONGEST_SECTION = max(len(name) for name in SECTION_NAMES) + 3


def _section_kind(line: str) -> str | None:
    if not line or len(line) > _LONGEST_SECTION:
        return None
    # A trailing full stop is not stripped: "Kommunikation." ends a sentence, not a heading.
    key = " ".join(line.rstrip(":, ").lower().split())
    return SECTION_NAMES.get(key)


def _join(lines: list[str]) -> str:
    """Lines as written, with runs of blank lines folded into one."""
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def _normalise_body(name: str) -> str:
    name = name.strip(" ,.")
    name = re.sub(r"\s+møde$", "", name, flags=re.IGNORECASE)
    if name.lower().endswith("ens") or name.lower().endswith("ets"):
        name = name[:-1]
    return name


def _earlier_decision(heading: str, rest: str, lines: list[str]) -> EarlierDecision:
    body = re.split(r",|\s+den\s+|\s+d\.\s", rest, maxsplit=1)[0]
    found = find_date(rest)
    item = EARLIER_ITEM.search(rest)
    return EarlierDecision(
        body=_normalise_body(body),
        date=found.isoformat() if found else None,
        item=int(item["item"]) if item else None,
        text=_join(lines),
        heading=heading.rstrip(":"),
    )


def _prepare_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.replace("\ufeff", "").replace("\u00ad", "").replace("\u00a0", " ")
    lines = [clean_line(line) for line in text.split("\n")]
    return ["" if PAGE_NUMBER.match(line) else line for line in lines]


def _header(lines: list[str]) -> tuple[str, date | None, str | None, str | None, int]:
    """Body, date, time, place and the index of the first agenda item line."""
    body, when, time, place = "", None, None, None
    first_item = len(lines)
    for index, line in enumerate(lines):
        if ITEM_HEADING.match(line) and not TOC_LEADER.search(line) and "|" not in line:
            first_item = index
            break
        header = HEADER.match(line)
        if header and not body:
            body = header["body"].strip()
            when = when or find_date(header["date"])
            continue
        meeting_date = MEETING_DATE.match(line)
        if meeting_date:
            when = find_date(meeting_date["value"]) or when
            time = find_time(meeting_date["value"]) or time
            continue
        meeting_place = MEETING_PLACE.match(line)
        if meeting_place and not place:
            place = meeting_place["value"].strip()
    return body, when, time, place, first_item


def _toc_entries(lines: list[str]) -> int:
    entries, inside = 0, False
    for line in lines:
        if TOC_HEADING.match(line):
            inside = True
            continue
        if inside and line and not TABLE_RULE.match(line) and re.search(r"[A-Za-zÆØÅæøå]", line):
            entries += 1
    return entries


def _start_item(match: re.Match[str]) -> _ItemDraft:
    title = match["title"].strip()
    closed = bool(CLOSED_PREFIX.match(title))
    if closed:
        title = CLOSED_PREFIX.sub("", title, count=1)
    return _ItemDraft(number=int(match["number"]), title=title.rstrip(".").strip(), closed=closed)


def _drafts(lines: list[str]) -> list[_ItemDraft]:
    drafts: list[_ItemDraft] = []
    item: _ItemDraft | None = None
    for index, line in enumerate(lines):
        heading = ITEM_HEADING.match(line)
        if heading and not TOC_LEADER.search(line) and "|" not in line:
            item = _start_item(heading)
            if drafts and drafts[-1].number == item.number and not drafts[-1].sections:
                drafts.pop()
            drafts.append(item)
            continue
        if item is None:
            continue
        if not item.title_done:
            if not line:
                item.title_done = bool(item.title) or item.case_number is not None
                continue
            journal = JOURNAL_LINE.match(line)
            if journal and item.case_number is None:
                item.case_number = journal["number"].upper()
                item.title_done = True
                continue
            if _continues_title(lines, index):
                # "IT-" at a line end is a word broken at its hyphen; " -" is a dash.
                glued = item.title.endswith("-") and not item.title.endswith(" -")
                item.title = item.title + line if glued else f"{item.title} {line}".strip()
                continue
            item.title_done = True
        if item.case_number is None and not item.sections:
            journal = JOURNAL_LINE.match(line)
            if journal:
                item.case_number = journal["number"].upper()
                continue
        _add_line(item, line)
    return drafts


def _continues_title(lines: list[str], index: int) -> bool:
    """Whether `lines[index]` is the wrapped rest of the title line before it.

    It is when it follows the title without a blank line, is short, and what comes after it
    (past blanks) is the journal number, a section heading or the next item.
    """
    line = lines[index]
    if not lines[index - 1] or len(line) > 120 or _section_kind(line) or RECOMMENDS.match(line):
        return False
    for following in lines[index + 1:index + 4]:
        if not following:
            continue
        return bool(
            JOURNAL_LINE.match(following) or _section_kind(following)
            or ITEM_HEADING.match(following) or EARLIER_DECISION.match(following)
        )
    return True


def _add_line(item: _ItemDraft, line: str) -> None:
    earlier = EARLIER_DECISION.match(line)
    if earlier:
        item.sections.append(_Section("earlier", heading=line, lines=[earlier["rest"]]))
        return
    kind = _section_kind(line)
    if kind:
        item.sections.append(_Section(kind, heading=line))
        return
    if RECOMMENDS.match(line) and item.current().kind != "indstilling":
        item.sections.append(_Section("indstilling", heading=""))
    item.current().lines.append(line)


def _finish(draft: _ItemDraft, meeting_id: str, when: str, time: str | None, body: str, source: str) -> Item:
    ident = item_id(body, when, time, draft.number)
    if draft.closed:
        return Item(
            id=ident, meeting_id=meeting_id, date=when, body=body, number=draft.number,
            title=draft.title, case_number=draft.case_number, closed=True, source=source,
        )
    texts: dict[str, list[str]] = {}
    earlier: list[EarlierDecision] = []
    whole: list[str] = [draft.title]
    for section in draft.sections:
        if section.kind == "earlier":
            rest, *content = section.lines
            earlier.append(_earlier_decision(section.heading, rest, content))
            whole.extend([section.heading, *content])
            continue
        if texts.get(section.kind):
            texts[section.kind].append("")
        texts.setdefault(section.kind, []).extend(section.lines)
        whole.extend([section.heading, *section.lines])
    bilag = tuple(line for line in texts.get("bilag", []) if line)
    return Item(
        id=ident, meeting_id=meeting_id, date=when, body=body, number=draft.number,
        title=draft.title, case_number=draft.case_number, closed=False,
        resume=_join(texts.get("resume", [])),
        indstilling=_join(texts.get("indstilling", [])),
        decision=_join(texts.get("decision", [])),
        sagsfremstilling=_join(texts.get("sagsfremstilling", []) + texts.get("preamble", [])),
        supplerende=_join(texts.get("supplerende", [])),
        okonomi=_join(texts.get("okonomi", [])),
        afgoeres_af=_join(texts.get("afgoeres_af", [])),
        bilag=bilag,
        earlier=tuple(earlier),
        text=_join(whole),
        source=source,
    )


def parse_minutes(text: str, source: str = "", checksum: str = "") -> Meeting:
    """The meeting in `text`, or DocumentError saying why there is none."""
    if not text or not text.strip():
        raise DocumentError("empty", source)
    lines = _prepare_lines(text)
    body, when, time, place, first_item = _header(lines)
    if when is None:
        raise DocumentError("no_meeting", source)
    drafts = _drafts(lines[first_item:])
    if not drafts:
        raise DocumentError("no_items", source)
    expected = _toc_entries(lines[:first_item])
    if expected > len(drafts):
        raise DocumentError("truncated", f"{source}: {len(drafts)} af {expected} punkter")
    open_items = [draft for draft in drafts if not draft.closed]
    last = drafts[-1]
    if not last.closed and not any(s.kind == "decision" for s in last.sections) and all(
        any(s.kind == "decision" for s in draft.sections) for draft in open_items[:-1]
    ) and len(open_items) > 1:
        raise DocumentError("truncated", f"{source}: punkt {last.number} mangler beslutning")
    body = body or "Ukendt organ"
    iso = when.isoformat()
    meeting_id = stable_id(body, iso, time or "")
    items = tuple(_finish(draft, meeting_id, iso, time, body, source) for draft in drafts)
    return Meeting(
        id=meeting_id, body=body, date=iso, time=time, place=place,
        source=source, checksum=checksum, items=items,
    )
