"""Dates and periods in a Danish question, and the pattern helpers the question parser shares.

"den 7. maj 2025", "10-12-2025", "marts 2025", "i 2025", "1. kvartal 2025", "siden 2025",
"mellem marts og maj 2025": `Dates` collects the period such phrases name while the
patterns cut them out of the question (`RANGE`, `SINGLE`). Split out of `knowledge.question`,
which owns the rest of understanding a question.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from knowledge.dates import MONTH_ABBREVIATIONS, MONTHS, month_number

_SPACES = re.compile(r"\s+")


def da(fragment: str) -> str:
    # People on keyboards without æøå write ae/oe/aa; plain o/a would collide with real
    # words ("for" is not "før"), so only the two-letter spellings are accepted.
    return fragment.replace("æ", "(?:æ|ae)").replace("ø", "(?:ø|oe)").replace("å", "(?:å|aa)")


def word_alternation(spec: str) -> str:
    """An alternation of the space-separated words in `spec`; "_" stands for a space."""
    words = {word.replace("_", r"\s+") for word in spec.split()}
    # Longest first so "fra og med" wins over "fra".
    return "(?:" + "|".join(da(w) for w in sorted(words, key=len, reverse=True)) + ")"


def compile_ci(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


WORD_END = r"(?=[\s,:;]|$)"  # a frame word ends here (so "MED-udvalget" never loses its "MED")

# --- dates and periods -------------------------------------------------------------------------

_YEAR = r"(?:19[5-9]\d|20\d\d)"
_MONTH = "(?:" + "|".join(sorted({*MONTHS, *MONTH_ABBREVIATIONS}, key=len, reverse=True)) + ")"
# "budget på 2000 kr." is an amount, not a year.
_NOT_AMOUNT = r"(?!\s*(?:%|(?:kr|kroner|mio|mia|millioner|milliarder|procent|stk|timer|ansatte)(?!\w)))"


def _unit(t: str) -> str:
    """One day, month, quarter or year; `t` keeps group names unique when used twice."""
    return (
        rf"(?:(?<![\d.])(?P<wd{t}>\d{{1,2}})\.?\s*(?P<wm{t}>{_MONTH})(?!\w)\.?,?\s+(?P<wy{t}>{_YEAR})"
        rf"|(?<![\d./-])(?P<nd{t}>\d{{1,2}})[-./](?P<nm{t}>\d{{1,2}})(?:[-./]|\s)(?P<ny{t}>{_YEAR})"
        rf"|(?<![\d./-])(?P<iy{t}>{_YEAR})-(?P<im{t}>\d{{1,2}})-(?P<id{t}>\d{{1,2}})"
        rf"|(?<!\w)(?P<mm{t}>{_MONTH})(?!\w)\.?\s+(?P<my{t}>{_YEAR})"
        rf"|(?<![\d./-])(?P<om{t}>\d{{1,2}})[/-](?P<oy{t}>{_YEAR})"
        rf"|(?<!\w)(?:(?P<q{t}>[1-4])\.\s*kvartal|q(?P<qq{t}>[1-4]))\s+(?P<qy{t}>{_YEAR})"
        rf"|(?<![\w./-])(?P<yy{t}>{_YEAR}){_NOT_AMOUNT}"
        r")(?!\d|[-/–.]\d)"  # "Budget 2027-2030" and "2025/26" are titles, not dates
    )


_DAY_WORD = r"(?:(?<!\w)(?:den|d\.)\s+)?"
_WEEKDAY = word_alternation("mandag tirsdag onsdag torsdag fredag lørdag søndag")
# How a preposition opens the period; any other preposition means the unit itself.
_OPEN = {"siden": "from", "fra og med": "from", "efter": "after", "før": "before", "inden": "before",
         "til og med": "until", "indtil": "until", "frem til": "until", "op til": "until"}
_PREPS = word_alternation(
    r"fra_og_med til_og_med i_løbet_af i_perioden i_året i_år året år frem_til op_til siden efter"
    r" før inden indtil fra til i på per pr\."
)
RANGE = compile_ci(
    r"(?<!\w)(?:mellem|fra og med|fra|i perioden fra|i perioden|perioden fra|perioden)\s+"
    + _DAY_WORD + _unit("a") + r"\s+(?:og|til og med|til|-|–)\s+" + _DAY_WORD + _unit("b")
)
SINGLE = compile_ci(
    rf"(?:(?<!\w)(?P<prep>{_PREPS})\s+)?(?:(?<!\w){_WEEKDAY}(?:en)?\s+)?" + _DAY_WORD + _unit("s")
    + r"(?:\s+kl\.?\s*\d{1,2}(?:[:.]\d{2})?)?"
)


def months(year: int, first: int, last: int) -> tuple[date, date]:
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


def _bounds(match: re.Match[str], t: str) -> tuple[date, date, str] | None:
    """First and last day of the unit matched with tag `t`, and its kind."""
    g = lambda name: match.group(name + t)  # noqa: E731
    try:
        if g("wd") or g("nd") or g("iy"):
            parts = (g("wy"), month_number(g("wm")), g("wd")) if g("wd") else (
                (g("ny"), g("nm"), g("nd")) if g("nd") else (g("iy"), g("im"), g("id")))
            day = date(*(int(part) for part in parts))  # type: ignore[arg-type]
            return day, day, "day"
        if g("mm") or g("om"):
            month = month_number(g("mm")) if g("mm") else int(g("om"))
            return (*months(int(g("my") or g("oy")), month, month), "month")  # type: ignore[arg-type]
        if g("qy"):
            quarter = int(g("q") or g("qq"))
            return (*months(int(g("qy")), 3 * quarter - 2, 3 * quarter), "quarter")
        if g("yy"):
            return (*months(int(g("yy")), 1, 12), "year")
    except (TypeError, ValueError):
        pass  # "31. februar 2025" or an unknown month word: not a date after all
    return None


def lookup_key(word: str) -> str:
    """`word` as a key for set look-ups: lower-cased, spaces squashed, ae/oe/aa read as æ/ø/å."""
    return _SPACES.sub(" ", word.lower()).replace("ae", "æ").replace("oe", "ø").replace("aa", "å")


class Dates:
    """Collects what the date patterns find while they are cut out of the text."""

    def __init__(self) -> None:
        self.date_from: date | None = None
        self.date_to: date | None = None
        self.kind = ""  # day/month/quarter/year of a single period; "" for open ranges
        self.found = False
        self.bare_year: int | None = None

    def range(self, match: re.Match[str]) -> str:
        first, last = _bounds(match, "a"), _bounds(match, "b")
        if not first or not last:
            return match.group(0)
        if not self.found:
            self.found = True
            self.date_from, self.date_to = min(first[0], last[0]), max(first[1], last[1])
        return " "

    def single(self, match: re.Match[str]) -> str:
        if not (span := _bounds(match, "s")):
            return match.group(0)
        start, end, kind = span
        prep = lookup_key(match["prep"] or "")
        if kind == "year" and not prep:
            # A year standing with topic words ("FBV 2024"); decided later whether it is a
            # hint or, when nothing else is asked, the period itself.
            if self.bare_year is not None:
                return match.group(0)
            self.bare_year = start.year
            return " "
        if not self.found:
            self.found = True
            opens = _OPEN.get(prep)
            if opens == "from":
                self.date_from = start
            elif opens == "after":  # "efter marts 2025": from the first day after March
                self.date_from = end + timedelta(days=1)
            elif opens == "before":  # "inden maj 2025": up to the day before May
                self.date_to = start - timedelta(days=1)
            elif opens == "until":
                self.date_to = end
            else:
                self.date_from, self.date_to, self.kind = start, end, kind
        return " "


# --- relative and vague periods ------------------------------------------------------------------
# "i går", "sidste uge", "de seneste 3 måneder", "i foråret 2025", "før sommerferien": read
# against today's date in Copenhagen (given by the caller, so tests can set the clock).
# A season without a year stays a topic word: "UniQ forår" is a title, and which spring
# someone means in November is a guess.

_N = r"(?P<n>\d{1,2}|to|tre|fire|fem|seks)"
_NUMBER_WORDS = {"to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6}
_SEASONS = {"forår": (3, 5), "sommer": (6, 8), "efterår": (9, 11), "vinter": (12, 2)}
_SEASON_WORD = da(r"(?P<season>forår|sommer|efterår|vinter)(?:et|en)?")
RELATIVE = compile_ci(
    r"(?<!\w)(?:"
    r"(?P<day>" + da(r"i\s+dag|i\s+går|igår|i\s+forgårs|i\s+morgen") + r")"
    r"|(?:i\s+|fra\s+|inden\s+for\s+)?(?:de|den|det)\s+(?:sidste|seneste)\s+" + _N
    + r"\s+(?P<nunit>dage|dag|uger|uge|" + da(r"måneder|måned") + r"|år)"
    r"|(?:i\s+|inden\s+for\s+)?(?:den|det)\s+(?:sidste|seneste)\s+(?P<lunit>uge|" + da("måned") + r"|år)"
    r"|(?:i\s+)?(?P<which>denne|dette|sidste|forrige|næste|" + da("førstkommende") + r")\s+(?P<unit>uge|"
    + da("måned") + r"|år|kvartal)"
    r"|(?P<thisyear>i\s+" + da("år") + r"|i\s+fjor)"
    r"|(?:i\s+)?uge\s+(?P<week>\d{1,2})(?:\s+(?:i\s+)?(?P<wyear>" + _YEAR + r"))?"
    r"|(?:i\s+(?:løbet\s+af\s+)?)?" + _SEASON_WORD + r"\s+(?:i\s+)?(?P<syear>" + _YEAR + r")"
    r"|(?P<edge>" + da(r"før|inden|efter|op\s+til") + r")\s+(?P<holiday>sommerferien|" + da("jul|julen|nytår")
    + r")(?:\s+(?P<hyear>" + _YEAR + r"))?"
    r")(?!\w)"
)


def _week(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def _shift_months(day: date, count: int) -> date:
    index = day.year * 12 + day.month - 1 + count
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _unit_period(unit: str, today: date, offset: int) -> tuple[date, date, str]:
    if unit == "uge":
        start, end = _week(today + timedelta(weeks=offset))
        return start, end, "week"
    if unit == "år":
        return (*months(today.year + offset, 1, 12), "year")
    if unit == "kvartal":
        first = _shift_months(date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), 3 * offset)
        return (*months(first.year, first.month, first.month + 2), "quarter")
    first = _shift_months(date(today.year, today.month, 1), offset)
    return (*months(first.year, first.month, first.month), "month")


def relative_period(match: re.Match[str], today: date) -> tuple[date, date, str] | None:
    """The period a RELATIVE match names, seen from `today`, and its kind."""
    g = match.group
    if g("day"):
        word = lookup_key(g("day")).replace(" ", "")
        shift = {"idag": 0, "igår": -1, "iforgårs": -2, "imorgen": 1}.get(word, 0)
        day = today + timedelta(days=shift)
        return day, day, "day"
    if g("n") or g("lunit"):
        count = _NUMBER_WORDS.get((g("n") or "1").lower()) or int(g("n") or 1)
        unit = lookup_key(g("nunit") or g("lunit"))
        if unit.startswith("dag"):
            start = today - timedelta(days=count)
        elif unit.startswith("uge"):
            start = today - timedelta(weeks=count)
        elif unit.startswith("måned"):
            start = _shift_months(today, -count)
        else:
            start = _shift_months(today, -12 * count)
        return start, today, "span"
    if g("which"):
        which = lookup_key(g("which"))
        offset = {"denne": 0, "dette": 0, "sidste": -1, "forrige": -1}.get(which, 1)
        return _unit_period(lookup_key(g("unit")), today, offset)
    if g("thisyear"):
        return _unit_period("år", today, 0 if "år" in lookup_key(g("thisyear")) else -1)
    if g("week"):
        year = int(g("wyear") or today.year)
        try:
            start = date.fromisocalendar(year, int(g("week")), 1)
        except ValueError:
            return None
        return start, start + timedelta(days=6), "week"
    if g("season"):
        year = int(g("syear"))
        first, last = _SEASONS[lookup_key(g("season"))]
        if first > last:  # the winter of 2025 runs from December 2024 to February 2025
            return date(year - 1, first, 1), months(year, last, last)[1], "season"
        return (*months(year, first, last), "season")
    if g("holiday"):
        holiday = lookup_key(g("holiday"))
        before = lookup_key(g("edge")) in ("før", "inden", "op til")
        if g("hyear"):
            return _holiday(holiday, before, int(g("hyear")))
        # This year's, once it has begun; else last year's.
        span = _holiday(holiday, before, today.year)
        return span if span[0] <= today else _holiday(holiday, before, today.year - 1)
    return None


def _holiday(holiday: str, before: bool, year: int) -> tuple[date, date, str]:
    """The weeks before or after a holiday of `year`: the meetings people mean by it."""
    if holiday == "sommerferien":
        return (date(year, 5, 15), date(year, 6, 30), "span") if before else (date(year, 8, 1), date(year, 9, 15), "span")
    if holiday.startswith("jul"):
        return (date(year, 11, 15), date(year, 12, 23), "span") if before else (date(year, 12, 27), date(year + 1, 1, 31), "span")
    return (date(year - 1, 11, 15), date(year - 1, 12, 23), "span") if before else (date(year, 1, 2), date(year, 2, 15), "span")


# --- a month or a day without a year --------------------------------------------------------------
# "byrådets møde i april", "referat fra byrådet 7. marts": the latest such month or day that
# is not in the future. Only full month names ("mar", "jun" are too often something else), and
# not after a word opening a range or a bound ("mellem marts og maj", "fra april"), which a
# yearless month cannot say alone.

MONTH_ALONE = compile_ci(
    r"(?:(?<!\w)(?P<prep>i|" + da("på") + r"|i\s+" + da("løbet") + r"\s+af)\s+)?(?:(?<!\w)(?:den|d\.)\s+)?"
    r"(?:(?<![\w./-])(?P<day>\d{1,2})\.?\s*)?(?<!\w)(?P<month>"
    + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")(?!\w)(?!\.?\s*\d)"
)
_BOUND_BEFORE = compile_ci(
    r"(?<!\w)(?:" + da("mellem|fra|til|og|eller|siden|efter|før|inden|indtil|end|med") + r")\s*$"
)


def month_alone_period(match: re.Match[str], today: date, with_day: bool) -> tuple[date, date, str] | None:
    """The latest month (or day, when `with_day`) a MONTH_ALONE match names up to `today`."""
    bound = _BOUND_BEFORE.search(match.string[:match.start()])
    if bound and not (match["day"] and lookup_key(bound.group(0)).strip() == "fra"):  # "referat fra 7. marts"
        return None
    month = month_number(match["month"])
    if month is None:
        return None
    if match["day"]:
        if not with_day:
            return None
        for year in (today.year, today.year - 1, today.year - 2):
            try:
                day = date(year, month, int(match["day"]))
            except ValueError:  # "29. februar" in a year without it, or "32. marts"
                continue
            if day <= today:
                return day, day, "day"
        return None
    year = today.year if month <= today.month else today.year - 1
    return (*months(year, month, month), "month")
