"""The text of one set of minutes as lines, with what its markup said about each.

Extraction (`knowledge.extract`) marks what the layout made a heading ("# text",
"**text**") and where a PDF page begins ("\f"); here those marks become flags beside
markup-free lines. Two-column layouts (eDoc's tables, a number alone on its line) are
unfolded into the one-line item headings the parser reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.headings import CASE_LABEL, PAGE_NUMBER, clean_line

META_LINE = re.compile(
    r"^(?:(?:sagsbehandler|sagsansvarlig|ansvarlig|dok\.?\s*nr|dokumentnr|sags?\s*nr|sagsnummer|j\.?\s*nr)\.?\s*:.*"
    r"|åben|åbent|lukket|fortrolig)$",
    re.IGNORECASE,
)


@dataclass
class Lines:
    """The document's markup-free lines, with what the markup said about each."""

    text: list[str]
    strong: list[bool]  # a heading or a wholly bold line in the layout
    page: list[int]
    paged: bool  # whether the text had page breaks (PDF)
    rows: set[int] = field(default_factory=set)  # item headings unfolded from a table row


def prepare_lines(text: str) -> Lines:
    """The text's lines without markup, with their heading flags and pages."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\ufeff", "").replace("\u00ad", "").replace("\u00a0", " ")
    out = Lines([], [], [], "\f" in text)
    texts, strongs, pages = out.text, out.strong, out.page
    for page, chunk in enumerate(text.split("\f"), start=1):
        for raw in chunk.split("\n"):
            stripped = raw.strip()
            first = stripped[:1]
            if first == "#" or first == "*" or "**" in stripped or "__" in stripped:
                line = clean_line(stripped)
                strong = bool(line) and (first == "#" or (
                    stripped.startswith("**") and stripped.endswith("**") and len(stripped) > 4))
            else:
                line, strong = stripped, False
            # Only a short line can be a page number ("Side 3 af 9", "7").
            texts.append("" if len(line) <= 20 and PAGE_NUMBER.match(line) else line)
            strongs.append(strong)
            pages.append(page)
    return out


# In a table row the number has a cell of its own, so the title may start in lower case.
ROW_HEADING = re.compile(r"^(?P<number>[1-9]\d{0,3}(?:\.[1-9]\d?){0,2})\.?\s+(?P<title>\S.{0,240})$")
ROW_NUMBER = re.compile(r"^\d{1,4}(?:\.\d{1,2})*\.?$")


def unfold_rows(lines: Lines) -> Lines:
    """Item headings laid out in two columns, as lines: a table row "| 3. | Budget |" →
    "3. Budget", "| Sagsnr.: 12/345 | Sagsbehandler: NN | Lukket |" → a line per cell, and a
    number alone on its line with the title on the next ("3." / "Budget") → "3. Budget".
    eDoc, Acadre and Word-made minutes lay the heading and case data out as a table."""
    out = Lines([], [], [], lines.paged)
    text = lines.text
    skip = -1
    for index, (line, strong, page) in enumerate(zip(text, lines.strong, lines.page)):
        if index == skip:
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")] if line.startswith("|") else []
        filled = [cell for cell in cells if cell]
        if len(filled) >= 2 and ROW_NUMBER.match(filled[0]):
            out.rows.add(len(out.text))
            unfolded = [f"{filled[0]} {' '.join(filled[1:])}"]
        elif filled and (CASE_LABEL.match(filled[0]) or META_LINE.match(filled[0])):
            unfolded = filled
        elif ROW_NUMBER.match(line) and line.endswith(".") and _title_after(text, index):
            skip = index + 1 if text[index + 1] else index + 2
            strong = strong or lines.strong[skip]
            out.rows.add(len(out.text))
            unfolded = [f"{line} {text[skip]}"]
        else:
            unfolded = [line]
        for part in unfolded:
            out.text.append(part)
            out.strong.append(strong)
            out.page.append(page)
    return out


def _title_after(text: list[str], index: int) -> bool:
    """Whether a title follows a bare item number, at most one blank line below it."""
    following = [line for line in text[index + 1:index + 3]]
    title = following[0] if following and following[0] else (following[1] if len(following) > 1 else "")
    return bool(title) and len(title) <= 150 and title[:1].isupper() and not ROW_NUMBER.match(title)
