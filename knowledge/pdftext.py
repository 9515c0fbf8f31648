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

from knowledge.parse import (
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
LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"})

EDGE_LINES = 2  # how deep into a page's top and bottom a running header or footer may sit
REPEATED_SHARE = 0.6  # on how many of the pages a line must recur to count as furniture
LONG_LINE = 0.6  # a line this close to the typical full line width may have wrapped


def pdf_text(pages: list[str]) -> str:
    """The minutes text of a PDF, from pypdf's text of each page."""
    page_lines = [
        [line.translate(LIGATURES).strip() for line in page.splitlines()] for page in pages
    ]
    page_lines = [[line for line in lines if line] for lines in page_lines]
    kept = strip_page_furniture(page_lines)
    return "\n".join(reflow([line for lines in kept for line in lines]))


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
    pages = [[line for line in lines if not SIDE_LABEL.match(line)] for lines in pages]
    if len(pages) < 2:
        return pages
    counts: Counter[tuple[str, int, str]] = Counter()
    for lines in pages:
        counts.update({(side, depth, _furniture_key(lines[index])) for side, depth, index in _edge_positions(len(lines))})
    needed = max(2, math.ceil(REPEATED_SHARE * len(pages)))
    repeated = {key for key, seen in counts.items() if seen >= needed}
    kept: list[list[str]] = []
    for lines in pages:
        drop: set[int] = set()
        for side, depth, index in _edge_positions(len(lines)):
            # Furniture sits at the very edge: a second line only goes with the one outside it.
            outer = index - 1 if side == "top" else index + 1
            if depth and outer not in drop:
                continue
            if (side, depth, _furniture_key(lines[index])) in repeated or _is_page_label(lines[index]):
                drop.add(index)
        kept.append([line for index, line in enumerate(lines) if index not in drop])
    return kept


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


def reflow(lines: list[str]) -> list[str]:
    """The lines with each wrapped paragraph joined back into one line."""
    threshold = LONG_LINE * _typical_width(lines)
    out: list[str] = []
    physical = ""  # the last visual line, whose width says whether it wrapped
    for line in lines:
        if out and _continues(physical, line, threshold):
            # A soft hyphen at the break marks a word the writer split; anything else was a space.
            out[-1] = out[-1][:-1] + line if out[-1].endswith("\u00ad") else f"{out[-1]} {line}"
        else:
            out.append(line)
        physical = line
    return out
