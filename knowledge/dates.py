"""Danish dates: reading them from minutes and questions, and writing them for people.

Minutes write dates as "Onsdag d. 08. april 2026 kl. 09:00", "den 20. marts 2024" or
"08-04-2026"; this module turns those into `datetime.date` and back into the form a
Danish reader expects ("8. april 2026").
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    "januar": 1, "februar": 2, "marts": 3, "april": 4, "maj": 5, "juni": 6,
    "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}
# Abbreviations seen in minutes and chat ("7. feb. 2025", "okt 2024").
MONTH_ABBREVIATIONS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "okt": 10, "nov": 11, "dec": 12,
}
MONTH_NAMES = {number: name for name, number in MONTHS.items()}

_MONTH_WORD = r"(?P<month>[a-zæøå]{3,9})\.?"
# "8. april 2026", "d. 08. april 2026", "den 7 maj 2025"
WRITTEN_DATE = re.compile(
    r"\b(?P<day>\d{1,2})\.?\s+" + _MONTH_WORD + r"\s+(?P<year>(?:19|20)\d{2})\b",
    re.IGNORECASE,
)
# "08-04-2026", "8.4.2026", "8/4-2026"
NUMERIC_DATE = re.compile(
    r"(?<![\d.\-/])(?P<day>\d{1,2})[-./](?P<month>\d{1,2})[-./](?P<year>(?:19|20)\d{2})(?![\d])"
)
# "2026-04-08"
ISO_DATE = re.compile(r"(?<![\d.\-/])(?P<year>(?:19|20)\d{2})-(?P<month>\d{2})-(?P<day>\d{2})(?![\d\-])")
TIME_OF_DAY = re.compile(r"\bkl\.?\s*(?P<hour>\d{1,2})[:.](?P<minute>\d{2})\b", re.IGNORECASE)


def month_number(word: str) -> int | None:
    """The month number of a Danish month name or abbreviation, or None."""
    word = word.lower().rstrip(".")
    return MONTHS.get(word) or MONTH_ABBREVIATIONS.get(word)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_date(text: str) -> date | None:
    """The first date written in `text` in any of the forms above, or None."""
    found: list[tuple[int, date]] = []
    for match in WRITTEN_DATE.finditer(text):
        month = month_number(match["month"])
        if month:
            value = _safe_date(int(match["year"]), month, int(match["day"]))
            if value:
                found.append((match.start(), value))
                break
    for pattern in (NUMERIC_DATE, ISO_DATE):
        match = pattern.search(text)
        if match:
            value = _safe_date(int(match["year"]), int(match["month"]), int(match["day"]))
            if value:
                found.append((match.start(), value))
    return min(found)[1] if found else None


def find_time(text: str) -> str | None:
    """The time of day written as "kl. 09:00" in `text`, as "09:00", or None."""
    match = TIME_OF_DAY.search(text)
    if not match:
        return None
    hour, minute = int(match["hour"]), int(match["minute"])
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def danish(value: date | str) -> str:
    """A date as a Danish reader writes it: "8. april 2026"."""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return f"{value.day}. {MONTH_NAMES[value.month]} {value.year}"
