"""Turns the text pypdf extracts page by page into minutes lines the parser can read.

PDF has no paragraphs, only positioned lines: pypdf gives one line per visual line, with
each page's running header and footer in between. This module owns the two repairs:
dropping page furniture (a line repeated at the same place on most pages, "Side N af M")
and re-flowing wrapped paragraphs into one line each. The parser finds structure by
exact line text, so the re-flow is deliberately timid: a wrong join can hide a heading,
while a missed join only leaves a line break inside a paragraph.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from knowledge.headings import (
    EARLIER_DECISION, HEADER, ITEM_HEADING, JOURNAL_LINE, MEETING_DATE, MEETING_PLACE,
    PAGE_NUMBER, RECOMMENDS, SECTION_NAMES, TOC_HEADING, TOC_LEADER, clean_line,
)

# "Side 2 af 7" cannot be body text, so it goes wherever it is; a bare "7" or "- 7 -" only
# goes from a page's edge, because elsewhere it may be a table cell.
SIDE_LABEL = re.compile(r"^(?:side|page)\s+\d{1,4}(?:\s*(?:af|of|/)\s*\d{1,4})?$", re.IGNORECASE)
PAGE_LABEL = re.compile(r"^(?:[-–]\s*\d{1,4}\s*[-–]|\d{1,4}\s*(?:af|of|/)\s*\d{1,4})$", re.IGNORECASE)
LIST_ITEM = re.compile(r"^(?:[-•–▪◦*]\s|\d{1,3}[.)]\s|[a-zæøå][.)]\s)", re.IGNORECASE)
# A line that opens with a date ("29.04.26 Budgettemadag") is an entry, not a wrapped sentence.
DATE_START = re.compile(r"^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b")
# Words a Danish sentence cannot end on; a line ending on one goes on, even into a name.
OPEN_WORDS = frozenset(
    "og eller samt men i af til på med for fra om ved hos under over mellem efter inden uden mod "
    "at som der den det de en et hvor hvis når så jævnfør bl.a. f.eks. jf. ca. kl. pkt.".split()
)
LEADER_END = re.compile(r"(?:\.{3,}|…)$")
ORDINAL_END = re.compile(r"(?:^|\s)\d{1,2}\.$")
LIGATURES = str.maketrans({
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
    # Word's bullets in the Symbol and Wingdings fonts come out in the private use area.
    "\uf0b7": "•", "\uf0a7": "▪",
})

EDGE_LINES = 2  # how deep into a page's top and bottom a running header or footer may sit
REPEATED_SHARE = 0.6  # on how many of the pages a line must recur to count as furniture
LONG_LINE = 0.6  # a line this close to the typical full line width may have wrapped


def pdf_text(pages: list[str], strong: list[list[bool]] | None = None) -> str:
    """The minutes text of a PDF, from pypdf's text of each page.

    `strong` says, line by line (the page's text split at "\n"), which lines the layout
    sets as headings; they come out as "**line**". A new page starts with "\f", so the
    parser knows on which page an item starts.
    """
    page_lines: list[list[str]] = []
    page_flags: list[list[bool]] = []
    for number, page in enumerate(pages):
        flags = strong[number] if strong else []
        lines, marks = [], []
        for position, raw in enumerate(page.split("\n")):
            line = raw.translate(LIGATURES).strip()
            if line:
                lines.append(line)
                marks.append(position < len(flags) and flags[position])
        page_lines.append(lines)
        page_flags.append(marks)
    drops = furniture(page_lines)
    flat: list[str] = []
    flat_strong: list[bool] = []
    flat_pages: list[int] = []
    for number, (lines, marks) in enumerate(zip(page_lines, page_flags), start=1):
        for position, line in enumerate(lines):
            if position not in drops[number - 1]:
                flat.append(line)
                flat_strong.append(marks[position])
                flat_pages.append(number)
    lines, starts = reflow_pages(flat, flat_pages, flat_strong)
    out: list[str] = []
    last = starts[0] if starts else 1
    for line, page in zip(lines, starts):
        out.append(("\f" if page != last else "") + line)
        last = page
    return "\n".join(out)


def _is_page_label(line: str) -> bool:
    return bool(PAGE_NUMBER.match(line) or PAGE_LABEL.match(line))


def _furniture_key(line: str) -> str:
    # Page numbers and dates in a running header change from page to page; the rest does not.
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def _edge_positions(count: int) -> list[tuple[str, int, int]]:
    """(side, depth, index) for the lines at the top and bottom edges of a page."""
    positions = [("top", depth, depth) for depth in range(min(EDGE_LINES, count))]
    positions += [("bottom", depth, count - 1 - depth) for depth in range(min(EDGE_LINES, count))]
    return positions


def strip_page_furniture(pages: list[list[str]]) -> list[list[str]]:
    """The pages without page labels and without lines repeated at a page edge."""
    drops = furniture(pages)
    return [[line for index, line in enumerate(lines) if index not in drop] for lines, drop in zip(pages, drops)]


def furniture(pages: list[list[str]]) -> list[set[int]]:
    """For each page, the positions of its page labels and of lines repeated at its edges."""
    labels = [{index for index, line in enumerate(lines) if SIDE_LABEL.match(line)} for lines in pages]
    if len(pages) < 2:
        return labels
    positions = [[index for index in range(len(lines)) if index not in drop] for lines, drop in zip(pages, labels)]
    pages = [[lines[index] for index in kept] for lines, kept in zip(pages, positions)]
    counts: Counter[tuple[str, int, str]] = Counter()
    for lines in pages:
        counts.update({(side, depth, _furniture_key(lines[index])) for side, depth, index in _edge_positions(len(lines))})
    needed = max(2, math.ceil(REPEATED_SHARE * len(pages)))
    repeated = {key for key, seen in counts.items() if seen >= needed}
    drops: list[set[int]] = []
    for lines, kept, label_drop in zip(pages, positions, labels):
        drop: set[int] = set()
        for side, depth, index in _edge_positions(len(lines)):
            # Furniture sits at the very edge: a second line only goes with the one outside it.
            outer = index - 1 if side == "top" else index + 1
            if depth and outer not in drop:
                continue
            if (side, depth, _furniture_key(lines[index])) in repeated or _is_page_label(lines[index]):
                drop.add(index)
        drops.append(label_drop | {kept[index] for index in drop})
    return drops


def _typical_width(lines: list[str]) -> int:
    """The length of a full line of body text: a high quantile, so stray long lines do not count."""
    lengths = sorted(len(line) for line in lines if line)
    if not lengths:
        return 0
    return lengths[int(0.9 * (len(lengths) - 1))]


def _stands_alone(line: str) -> bool:
    """Whether the parser needs `line` to start a line of its own.

    Headings are capitalised; the same words in lower case ("pkt. 3.", "beslutning fra
    Direktionen") are the middle of a sentence that wrapped, which the parser, matching
    without regard to case, would otherwise take for a new item or an earlier decision.
    """
    plain = clean_line(line)
    if plain.startswith("|") or LIST_ITEM.match(plain):
        return True
    if JOURNAL_LINE.match(plain) or _is_page_label(plain) or DATE_START.match(plain):
        return True
    if plain[:1].islower():
        return False
    return bool(
        ITEM_HEADING.match(plain)
        or _section_name(plain)
        or EARLIER_DECISION.match(plain)
        or RECOMMENDS.match(plain)
        or HEADER.match(plain)
        or MEETING_DATE.match(plain)
        or MEETING_PLACE.match(plain)
        or TOC_HEADING.match(plain)
    )


def _continues(previous: str, line: str, threshold: float) -> bool:
    """Whether `line` is the wrapped rest of the sentence on `previous`."""
    if not previous or not line:
        return False
    if LEADER_END.search(previous) and line.isdigit():
        return True  # a table of contents entry whose page number wrapped
    if len(previous) < threshold:
        return False
    if TOC_LEADER.search(line) and not TOC_LEADER.search(previous) and not TOC_HEADING.match(previous):
        return True  # the rest of a table of contents entry that wrapped
    if ORDINAL_END.search(previous) and line[0].islower() and not _stands_alone(line):
        return True  # "den 26." + "februar 2026": a date or an ordinal, not a sentence's end
    if previous[-1] in ".:!?" and not _open_ended(previous):
        return False  # an abbreviation like "f.eks." ends in a full stop but not a sentence
    if previous.startswith("|") or TOC_LEADER.search(previous):
        return False
    if JOURNAL_LINE.match(previous) or _section_name(previous):
        return False
    if _sentence_tail(line):
        return True
    first = line[0]
    if not (first.islower() or first.isdigit() or _open_ended(previous)):
        return False
    return not _stands_alone(line)


def _open_ended(line: str) -> bool:
    """Whether `line` stops where no sentence or heading can: on a comma or a word like "og"."""
    words = line.split()
    return line.endswith(",") or bool(words) and (words[-1] in OPEN_WORDS or words[-1] in ("-", "–", "&"))


def _sentence_tail(line: str) -> bool:
    """Whether `line` is a wrapped sentence's last word that happens to be a section name.

    "Anmodningen behandles af / Kommunikation." would otherwise give the parser a heading;
    headings do not end with a full stop, so with one the line is text. Other short tails
    are left alone: a line break there costs nothing.
    """
    return line.endswith(".") and not line.endswith("..") and _section_name(line)


def _section_name(line: str) -> bool:
    return re.sub(r"\s+", " ", clean_line(line).rstrip(":,. ").lower()) in SECTION_NAMES


# "IT-" / "udgifter": a compound of an acronym or a number broken at its own hyphen. After an
# ordinary word the hyphen stands for a shared ending ("social- og sundhedsområdet").
COMPOUND_BREAK = re.compile(r"(?:^|[\s(/])[A-ZÆØÅ0-9]{1,6}-$")


def _joined(previous: str, line: str) -> str:
    """A wrapped line put back on the one before it."""
    if previous.endswith("\u00ad"):
        return previous[:-1] + line  # a soft hyphen marks a word the writer split
    if line[:1].isdigit() and previous[-2:-1].isdigit() and previous.endswith("-"):
        return previous + line  # "08-04-" + "2026": a date broken at a dash
    if COMPOUND_BREAK.search(previous) and line[:1].islower():
        return previous + line  # "IT-" + "udgifter"
    return f"{previous} {line}"


def reflow(lines: list[str]) -> list[str]:
    """The lines with each wrapped paragraph joined back into one line."""
    return reflow_pages(lines, [1] * len(lines), [False] * len(lines))[0]


def reflow_pages(lines: list[str], pages: list[int], strong: list[bool]) -> tuple[list[str], list[int]]:
    """`reflow` that keeps the page each paragraph starts on and the layout's headings:
    a heading joins only the wrapped rest of itself, and comes out as "**heading**"."""
    threshold = LONG_LINE * _typical_width(lines)
    out: list[str] = []
    out_pages: list[int] = []
    out_strong: list[bool] = []
    physical = ""  # the last visual line, whose width says whether it wrapped
    for line, page, heading in zip(lines, pages, strong):
        if out and (heading or out_strong[-1]):
            # A heading goes on when its line was full or stopped where no heading ends.
            wrapped = len(physical) >= threshold or physical.endswith("-") or _open_ended(physical)
            joins = heading and out_strong[-1] and wrapped and not _stands_alone(line)
        else:
            joins = bool(out) and _continues(physical, line, threshold)
        if joins:
            out[-1] = _joined(out[-1], line)
        else:
            out.append(line)
            out_pages.append(page)
            out_strong.append(heading)
        physical = line
    marked = [f"**{line}**" if heading else line for line, heading in zip(out, out_strong)]
    return marked, out_pages
