"""Reads the text of one set of minutes into a `Meeting` with its `Item`s.

Every text source goes through here: markdown converted from PDF (`#` headings,
`**bold**`, tables), plain text, and the text `knowledge.extract` takes from PDF, DOCX and
HTML files, where a line that was a heading in the layout (a Word heading, an HTML <h2>,
a bold PDF line) comes marked as `# ` or `**...**`. The parser works line by line: an
agenda item starts at "Punkt N: title", or, in minutes without those, at a numbered title
("3. Budget", "1.1 Status", "715. Kulturkommune") that the layout makes a heading or that a
case number or section heading follows. Inside an item a line that is a known section
name (`knowledge.headings`) starts that section; a party's proposal, attendance lines and
the signature sheet end a decision. A file whose items cannot be found is still read, as
text only (`knowledge.textonly`), so that nothing in it goes unfound.
"""

from __future__ import annotations

import re
from datetime import date

from knowledge.drafts import ItemDraft, Section, finish_item
from knowledge.errors import DocumentError
from knowledge.header import read_header
from knowledge.headings import (
    BODY_DECISION, BODY_WORD, CASE_LABEL, CLOSED_PREFIX, EARLIER_DECISION, ITEM_HEADING,
    JOURNAL_LINE, NUMBERED_HEADING, RECOMMENDS, TOC_HEADING,
    TOC_LEADER, ends_decision, inline_section, number_key, section_kind,
)
from knowledge.lines import META_LINE, ROW_HEADING, Lines, prepare_lines, unfold_rows
from knowledge.model import Meeting, stable_id
from knowledge.textonly import text_only_meeting

CLOSED_PART = re.compile(
    r"^(?:(?P<open>åbne sager|åbne punkter|åben dagsorden|åbent møde)|lukkede sager|lukkede punkter"
    r"|lukket dagsorden|lukket del|lukket møde)$",
    re.IGNORECASE,
)
# How far past a numbered title a case number or section heading may come for a plain-text
# line to count as an item heading: the title may wrap, then come the case number lines.
EVIDENCE_LINES = 6


def _section_kind(line: str) -> str | None:
    return section_kind(line)


def _is_punkt(line: str) -> bool:
    return bool(ITEM_HEADING.match(line)) and not TOC_LEADER.search(line) and "|" not in line


def _numbered(lines: Lines, index: int) -> re.Match[str] | None:
    line = lines.text[index]
    match = (ROW_HEADING if index in lines.rows else NUMBERED_HEADING).match(line)
    if not match or TOC_LEADER.search(line) or "|" in line:
        return None
    title = match["title"]
    if title[:3].lower() == "at " or title.rstrip().endswith((",", ";")) or len(title) > 200:
        return None  # "1. At budgettet godkendes": a recommendation's list, not an item
    if "." in match["number"] and len(match["number"]) == 5 and title[:2].isdigit():
        return None
    if lines.strong[index]:
        return match
    return match if _evidence_follows(lines, index) else None


def _evidence_follows(lines: Lines, index: int) -> bool:
    """Whether a case number or a section heading follows the numbered line at `index`."""
    seen = 0
    for line in lines.text[index + 1:]:
        if not line:
            continue
        seen += 1
        if seen > EVIDENCE_LINES or NUMBERED_HEADING.match(line) or ITEM_HEADING.match(line):
            return False
        if JOURNAL_LINE.match(line) or CASE_LABEL.match(line) or _section_kind(line):
            return True
        if inline_section(line) or EARLIER_DECISION.match(line) or BODY_DECISION.match(line):
            return True
    return False


def _item_starts(lines: Lines) -> tuple[str, Lines, list[int]]:
    """The item scheme ("punkt" or "numbered"), the lines, and those that may start an item."""
    punkt = [index for index, line in enumerate(lines.text) if _is_punkt(line)]
    if punkt:
        return "punkt", lines, punkt
    lines = unfold_rows(lines)
    return "numbered", lines, [index for index in range(len(lines.text)) if _numbered(lines, index)]


TOC_ENTRY = re.compile(r"^(?:\|\s*)?(?:punkt|pkt\.?|\d{1,4}(?:\.\d{1,2})*\.?\s)", re.IGNORECASE)


def _toc_entries(lines: list[str]) -> int:
    """How many items the table of contents lists: its lines with a leader ("....  3") or an
    item number; a title that wrapped, or a page number on a line of its own, is no entry."""
    entries, inside = 0, False
    for line in lines:
        if TOC_HEADING.match(line):
            inside = True
            continue
        if inside and line and (TOC_LEADER.search(line) or TOC_ENTRY.match(line)):
            entries += 1
    return entries


def _start_item(number: str, title: str, page: int | None) -> ItemDraft:
    title = title.strip()
    closed = bool(CLOSED_PREFIX.match(title))
    if closed:
        title = CLOSED_PREFIX.sub("", title, count=1)
    return ItemDraft(
        number=int(number.split(".")[0]), title=title.rstrip(".").strip(), closed=closed,
        label=number, page=page,
    )


def _heading_at(lines: Lines, index: int, scheme: str) -> re.Match[str] | None:
    if scheme == "punkt":
        return ITEM_HEADING.match(lines.text[index])
    return _numbered(lines, index)


def _drafts(lines: Lines, starts: list[int], scheme: str) -> list[ItemDraft]:
    drafts: list[ItemDraft] = []
    item: ItemDraft | None = None
    start_set = set(starts)
    closed_part = False  # after "Lukkede sager" every item is closed
    for index in range(starts[0] if starts else len(lines.text), len(lines.text)):
        line = lines.text[index]
        part = CLOSED_PART.match(line) if len(line) <= 20 else None
        if part:
            closed_part = not part["open"]
            continue
        heading = _heading_at(lines, index, scheme) if index in start_set else None
        if heading is not None:
            new = _start_item(heading["number"], heading["title"], lines.page[index] if lines.paged else None)
            new.closed = new.closed or closed_part
            if scheme == "punkt":
                if drafts and drafts[-1].number == new.number and not drafts[-1].sections:
                    drafts.pop()
                drafts.append(new)
                item = new
                continue
            key = number_key(heading["number"])
            if not drafts or key > number_key(drafts[-1].label):
                drafts.append(new)
                item = new
                continue
            if not any(draft.has_content() for draft in drafts):
                drafts[:] = [new]  # what came before was the table of contents
                item = new
                continue
        if item is None:
            continue
        if _before_sections(item) and META_LINE.match(line):
            # "Sagsbehandler: NN", "Lukket": the item's case data, not its text.
            item.closed = item.closed or line.lower() in ("lukket", "fortrolig")
            item.case_number = item.case_number or _case_number(line)
            item.title_done = True
            continue
        if not item.title_done:
            if _title_line(lines, index, item):
                continue
        if item.case_number is None and not item.sections:
            case = _case_number(line)
            if case:
                item.case_number = case
                continue
        _add_line(item, lines, index)
    return drafts


def _before_sections(item: ItemDraft) -> bool:
    """Whether nothing but blank lines has come after the item's title block."""
    sections = item.sections
    return not sections or (len(sections) == 1 and sections[0].kind == "preamble" and not any(sections[0].lines))


def _case_number(line: str) -> str | None:
    journal = JOURNAL_LINE.match(line)
    if journal:
        return journal["number"].upper()
    labelled = CASE_LABEL.match(line)
    return labelled["number"].rstrip(".").upper() if labelled else None


def _title_line(lines: Lines, index: int, item: ItemDraft) -> bool:
    """Whether line `index` belonged to the item's title block (and was used there)."""
    line = lines.text[index]
    if not line:
        item.title_done = bool(item.title) or item.case_number is not None
        return True
    case = _case_number(line)
    if case and item.case_number is None:
        item.case_number = case
        item.title_done = True
        return True
    if not item.title and not _section_kind(line) and not item.case_number:
        closed = CLOSED_PREFIX.match(line)
        item.closed = item.closed or bool(closed)
        item.title = (CLOSED_PREFIX.sub("", line, count=1) if closed else line).rstrip(".").strip()
        return True
    if _continues_title(lines.text, index):
        # "IT-" at a line end is a word broken at its hyphen; " -" is a dash.
        glued = item.title.endswith("-") and not item.title.endswith(" -")
        item.title = item.title + line if glued else f"{item.title} {line}".strip()
        return True
    item.title_done = True
    return False


def _continues_title(lines: list[str], index: int) -> bool:
    """Whether `lines[index]` is the wrapped rest of the title line before it.

    It is when it follows the title without a blank line, is short, and what comes after it
    (past blanks) is the journal number, a section heading or the next item.
    """
    line = lines[index]
    if not lines[index - 1] or len(line) > 120 or _section_kind(line) or RECOMMENDS.match(line):
        return False
    if CASE_LABEL.match(line) or inline_section(line):
        return False
    for following in lines[index + 1:index + 4]:
        if not following:
            continue
        return bool(
            JOURNAL_LINE.match(following) or CASE_LABEL.match(following) or _section_kind(following)
            or ITEM_HEADING.match(following) or EARLIER_DECISION.match(following)
        )
    return True


def _add_line(item: ItemDraft, lines: Lines, index: int) -> None:
    line = lines.text[index]
    current = item.current()
    if not line:
        current.lines.append(line)
        return
    kind = _section_kind(line)
    if current.kind == "bilag" and kind and kind != "bilag" and not _prose_follows(lines, index):
        current.lines.append(line)  # an attachment named like a section ("Indstilling")
        return
    # Both forms hold the word; most lines do not, and the test is far cheaper than the regexes.
    earlier = ("eslutning" in line or "ESLUTNING" in line) and (EARLIER_DECISION.match(line) or BODY_DECISION.match(line))
    if earlier and not kind:
        rest = earlier.groupdict().get("rest") or earlier["body"]
        item.sections.append(Section("earlier", heading=line, lines=[rest]))
        return
    if kind:
        item.sections.append(Section(kind, heading=line))
        return
    inline = inline_section(line) if ":" in line else None
    if inline and (lines.strong[index] or inline[0] in ("decision", "indstilling", "sagsfremstilling")):
        item.sections.append(Section(inline[0], heading=line.partition(":")[0], lines=[inline[1]]))
        return
    if line and current.kind in ("decision", "earlier") and (ends_decision(line) or _names_a_body(lines, index)):
        item.sections.append(Section("other", heading=line))
        return
    if "ndstiller" in line and current.kind != "indstilling" and RECOMMENDS.match(line):
        item.sections.append(Section("indstilling", heading=""))
        current = item.sections[-1]
    current.lines.append(line)


def _names_a_body(lines: Lines, index: int) -> bool:
    """A heading that is only a body's name ("Økonomiudvalget") is not part of a decision."""
    line = lines.text[index]
    return lines.strong[index] and BODY_WORD.search(line.rstrip(" :")) is not None and len(line) <= 60


def _prose_follows(lines: Lines, index: int) -> bool:
    """Whether a section-named line in an attachment list is followed by that section's text."""
    for line in lines.text[index + 1:index + 6]:
        if not line:
            continue
        if _section_kind(line) or ITEM_HEADING.match(line) or NUMBERED_HEADING.match(line):
            return False
        return len(line) > 60 or line.rstrip().endswith((".", ":")) or line[:3].lower() in ("at ", "- a")
    return False


def _truncation(drafts: list[ItemDraft], lines: Lines, first_item: int) -> str | None:
    """Why the minutes look cut off, or None: the table of contents lists more items than
    the document holds, or the last item stops in the middle of a sentence."""
    expected = _toc_entries(lines.text[:first_item])
    if expected > len(drafts):
        return f"{len(drafts)} af {expected} punkter"
    last = drafts[-1]
    if last.closed or not last.sections:
        return None
    tail = [line for line in last.sections[-1].lines if line]
    if tail and last.sections[-1].kind == "decision" and tail[-1][-1:].isalpha() and len(tail[-1]) > 40:
        return f"punkt {last.label} slutter midt i en sætning"
    return None


def parse_minutes(text: str, source: str = "", checksum: str = "", fallback_date: date | None = None) -> Meeting:
    """The meeting in `text`: its items by their structure, or the text by page or heading.

    Raises DocumentError only for a text with nothing in it (empty) or with no date at all
    and no `fallback_date` (no_meeting).
    """
    if not text or not text.strip():
        raise DocumentError("empty", source)
    lines = prepare_lines(text)
    scheme, lines, starts = _item_starts(lines)
    drafts = _drafts(lines, starts, scheme) if starts else []
    first_item = starts[0] if starts else len(lines.text)
    header = read_header(lines.text[:first_item] if drafts else lines.text[:80])
    notes: list[str] = []
    when = header.when
    if when is None:
        if fallback_date is None:
            raise DocumentError("no_meeting", source)
        when, notes = fallback_date, ["no_meeting_date"]
    body = header.body or "Ukendt organ"
    iso = when.isoformat()
    meeting_id = stable_id(body, iso, header.time or "")
    meeting = Meeting(
        id=meeting_id, body=body, date=iso, time=header.time, place=header.place,
        source=source, checksum=checksum,
    )
    if not drafts:
        return text_only_meeting(meeting, lines.text, lines.strong, lines.page if lines.paged else None,
                                 tuple(notes) + ("no_items",))
    cut = _truncation(drafts, lines, first_item)
    if cut:
        notes.append(f"truncated:{cut}")
    decimal = any("." in draft.label for draft in drafts)
    items = tuple(
        finish_item(draft, meeting_id, iso, header.time, body, source, position if decimal else None)
        for position, draft in enumerate(drafts, start=1)
    )
    return Meeting(**{**_meeting_fields(meeting), "items": items, "notes": tuple(notes)})


def _meeting_fields(meeting: Meeting) -> dict:
    return {name: getattr(meeting, name) for name in (
        "id", "body", "date", "time", "place", "source", "checksum", "indexed_at", "mode", "notes",
    )}
