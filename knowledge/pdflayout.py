"""What a PDF's type says about its lines: which are bold or set larger than the body text.

Minutes from FirstAgenda, eDoc, Acadre and Word set item titles and section headings in
bold or in a larger size; in the extracted text alone "3. Budget 2026" looks like any
numbered line. pypdf's text extraction calls a visitor with each piece of text and its
font, and the pieces put together are exactly the extracted text, so each line can be
given the weight and size of the type it was set in without a second pass over the page.
"""

from __future__ import annotations

import math
import re
from collections import Counter

# Font names carry the weight: "ABCDEF+Calibri-Bold", "Arial,Bold", "Helvetica-Bold",
# "SegoeUI-Semibold", "Roboto-Black".
BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demibold|[-,]demi|[-,]sb\b", re.IGNORECASE)
# A line set this much larger than the body text is a heading even when it is not bold.
LARGER = 1.15
# Longer "headings" are bold paragraphs, which a parser must read as text.
HEADING_CHARS = 160

Line = tuple[str, bool, float]  # text, wholly bold, largest type size


def _size(size: float, tm, cm) -> float:
    try:
        scale = math.hypot(float(tm[2]), float(tm[3])) * math.hypot(float(cm[2]), float(cm[3]))
    except (TypeError, ValueError, IndexError):
        scale = 1.0
    return round(float(size) * (scale or 1.0), 1)


# A font descriptor's weight says bold where the name does not (400 normal, 700 bold).
BOLD_WEIGHT = 600


def _is_bold(font) -> bool:
    if not font:
        return False
    try:
        if BOLD_FONT.search(str(font.get("/BaseFont", ""))):
            return True
        descriptor = font.get("/FontDescriptor")
        descriptor = descriptor.get_object() if descriptor is not None else None
        weight = descriptor.get("/FontWeight") if descriptor is not None else None
        return weight is not None and float(weight) >= BOLD_WEIGHT
    except (AttributeError, TypeError, ValueError):
        return False


def page_lines(page) -> list[Line]:
    """The page's text lines, each with whether it is wholly bold and its largest type size."""
    pieces: list[tuple[str, bool, float]] = []
    weights: dict[int, bool] = {}  # a page uses a few fonts for many pieces of text

    def visit(text, cm, tm, font, size) -> None:
        if text:
            key = id(font)
            if key not in weights:
                weights[key] = _is_bold(font)
            pieces.append((text, weights[key], _size(size, tm, cm)))

    text = page.extract_text(visitor_text=visit) or ""
    if "".join(piece[0] for piece in pieces) != text:
        # A pypdf version whose visitor does not see every character: text without layout.
        return [(line, False, 0.0) for line in text.split("\n")]
    lines: list[Line] = []
    parts: list[str] = []
    chars = bold = 0
    largest = 0.0
    for piece, is_bold, size in pieces:
        for position, part in enumerate(piece.split("\n")):
            if position:
                lines.append(("".join(parts), chars > 0 and bold == chars, largest))
                parts, chars, bold, largest = [], 0, 0, 0.0
            parts.append(part)
            visible = sum(1 for char in part if not char.isspace())
            chars += visible
            if is_bold:
                bold += visible
            if visible:
                largest = max(largest, size)
    lines.append(("".join(parts), chars > 0 and bold == chars, largest))
    return lines


def strong_flags(pages: list[list[Line]]) -> list[list[bool]]:
    """For each line, whether the layout makes it a heading: wholly bold, or set larger
    than the body text (the size most characters are set in), and short."""
    sizes: Counter[float] = Counter()
    for lines in pages:
        for text, _, size in lines:
            if size:
                sizes[size] += len(text)
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    flags: list[list[bool]] = []
    for lines in pages:
        flags.append([
            bool(text.strip()) and len(text.strip()) <= HEADING_CHARS
            and (is_bold or (body > 0 and size >= LARGER * body))
            for text, is_bold, size in lines
        ])
    return flags
