"""The numbers Word puts before numbered headings, which are not in the document's text.

Word minutes often number their items with a numbered "Heading 1" ("3. Budget 2026"): the
"3." is drawn by Word from the numbering definitions, and the paragraph's text holds only
"Budget 2026". To the reader the number is part of the heading, so it is counted here the
way Word counts it: per numbering list and level, from the level's start value, deeper
levels restarting under a new parent ("1", "1.1", "1.2", "2"). Bullets are not numbers.
"""

from __future__ import annotations

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_VAL = f"{_W}val"


class HeadingNumbers:
    """Counts the numbered headings of one document in order."""

    def __init__(self, document) -> None:
        try:
            self.numbering = document.part.numbering_part.element
        except (AttributeError, KeyError, NotImplementedError):
            self.numbering = None
        self.counters: dict[str, list[int]] = {}

    def label(self, paragraph) -> str | None:
        """"3" or "1.2" for a numbered heading paragraph, None if it has no number."""
        found = self._num_pr(paragraph)
        if found is None or self.numbering is None:
            return None
        num_id, level = found
        format_, start = self._level(num_id, level)
        if format_ in (None, "bullet", "none"):
            return None
        counters = self.counters.setdefault(num_id, [])
        while len(counters) <= level:
            counters.append(self._level(num_id, len(counters))[1] - 1)
        counters[level] += 1
        del counters[level + 1:]
        return ".".join(str(number) for number in counters)

    @staticmethod
    def _num_pr(paragraph) -> tuple[str, int] | None:
        """(numId, level) from the paragraph, or else from its style."""
        for holder in (paragraph._p, getattr(paragraph.style, "element", None)):
            num_pr = holder.find(f"{_W}pPr/{_W}numPr") if holder is not None else None
            if num_pr is None:
                continue
            num_id = num_pr.find(f"{_W}numId")
            level = num_pr.find(f"{_W}ilvl")
            if num_id is None or num_id.get(_VAL) in (None, "0"):
                return None
            return num_id.get(_VAL), int(level.get(_VAL)) if level is not None else 0
        return None

    def _level(self, num_id: str, level: int) -> tuple[str | None, int]:
        """The number format and start value of a list's level."""
        num = next((n for n in self.numbering.iterchildren(f"{_W}num") if n.get(f"{_W}numId") == num_id), None)
        abstract = num.find(f"{_W}abstractNumId") if num is not None else None
        if abstract is None:
            return None, 1
        definition = next((a for a in self.numbering.iterchildren(f"{_W}abstractNum")
                           if a.get(f"{_W}abstractNumId") == abstract.get(_VAL)), None)
        lvl = None if definition is None else next(
            (item for item in definition.iterchildren(f"{_W}lvl") if item.get(f"{_W}ilvl") == str(level)), None)
        if lvl is None:
            return None, 1
        format_ = lvl.find(f"{_W}numFmt")
        start = lvl.find(f"{_W}start")
        return (format_.get(_VAL) if format_ is not None else "decimal",
                int(start.get(_VAL)) if start is not None else 1)
