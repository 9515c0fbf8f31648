"""The period a question names, through `parse_question`: days, ranges and months, a bare
year as a hint or a period, the latest meeting, whole meetings, and relative time counted from
a given today. The period patterns themselves are tested in test_periods.py; split out of
test_question.py, which keeps the topic, the frames and the journal numbers.
"""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.question import parse_question

D = date


# --- dates and periods ----------------------------------------------------------------------------

DAYS = [
    "10-12-2025",
    "10.12.2025",
    "10/12/2025",
    "2025-12-10",
    "den 10. december 2025",
    "d. 10. december 2025",
    "10. december 2025",
    "10 december 2025",
    "10. dec. 2025",
    "10. dec 2025",
    "onsdag den 10. december 2025",
    "onsdag d. 10. december 2025 kl. 09:00",
]


@pytest.mark.parametrize("text", DAYS)
def test_a_specific_day(text: str) -> None:
    q = parse_question(text)
    assert (q.date_from, q.date_to) == (D(2025, 12, 10), D(2025, 12, 10))
    assert q.exact_day is True
    assert q.year_hint is None
    assert q.topic == ""
    assert q.meeting is True  # a date alone asks for that meeting


PERIODS = [
    ("8/4-2026", D(2026, 4, 8), D(2026, 4, 8), True),
    ("8/4 2026", D(2026, 4, 8), D(2026, 4, 8), True),
    ("8. april 2026", D(2026, 4, 8), D(2026, 4, 8), True),
    ("7. feb. 2025", D(2025, 2, 7), D(2025, 2, 7), True),
    ("den 7. maj 2025", D(2025, 5, 7), D(2025, 5, 7), True),
    ("marts 2025", D(2025, 3, 1), D(2025, 3, 31), False),
    ("i marts 2025", D(2025, 3, 1), D(2025, 3, 31), False),
    ("december 2025", D(2025, 12, 1), D(2025, 12, 31), False),
    ("i dec. 2025", D(2025, 12, 1), D(2025, 12, 31), False),
    ("februar 2024", D(2024, 2, 1), D(2024, 2, 29), False),
    ("12/2025", D(2025, 12, 1), D(2025, 12, 31), False),
    ("i 2025", D(2025, 1, 1), D(2025, 12, 31), False),
    ("fra 2025", D(2025, 1, 1), D(2025, 12, 31), False),
    ("år 2025", D(2025, 1, 1), D(2025, 12, 31), False),
    ("i året 2025", D(2025, 1, 1), D(2025, 12, 31), False),
    ("i løbet af 2025", D(2025, 1, 1), D(2025, 12, 31), False),
    ("i loebet af 2025", D(2025, 1, 1), D(2025, 12, 31), False),
    ("2025", D(2025, 1, 1), D(2025, 12, 31), False),
    ("1. kvartal 2025", D(2025, 1, 1), D(2025, 3, 31), False),
    ("Q4 2025", D(2025, 10, 1), D(2025, 12, 31), False),
    ("siden 2025", D(2025, 1, 1), None, False),
    ("siden den 7. maj 2025", D(2025, 5, 7), None, False),
    ("fra og med 1. marts 2025", D(2025, 3, 1), None, False),
    ("efter marts 2025", D(2025, 4, 1), None, False),  # after the month: from the 1st of the next
    ("før 2025", None, D(2024, 12, 31), False),
    ("foer 2025", None, D(2024, 12, 31), False),
    ("inden maj 2025", None, D(2025, 4, 30), False),
    ("før 1. maj 2025", None, D(2025, 4, 30), False),
    ("til og med maj 2025", None, D(2025, 5, 31), False),
    ("mellem marts 2025 og maj 2025", D(2025, 3, 1), D(2025, 5, 31), False),
    ("fra marts 2025 til maj 2025", D(2025, 3, 1), D(2025, 5, 31), False),
    ("fra og med 1. marts 2025 til og med 30. april 2025", D(2025, 3, 1), D(2025, 4, 30), False),
    ("mellem 10-12-2025 og 8/4-2026", D(2025, 12, 10), D(2026, 4, 8), False),
    ("mellem maj 2025 og marts 2025", D(2025, 3, 1), D(2025, 5, 31), False),
]


@pytest.mark.parametrize(("text", "start", "end", "exact"), PERIODS)
def test_dates_and_periods(text: str, start: date | None, end: date | None, exact: bool) -> None:
    q = parse_question(text)
    assert (q.date_from, q.date_to, q.exact_day) == (start, end, exact)
    assert q.topic == ""
    assert q.year_hint is None


TOPIC_WITH_DATE = [
    ("hvad besluttede direktionen om hændelseslog den 8. april 2026", "hændelseslog", D(2026, 4, 8), D(2026, 4, 8)),
    ("Hændelseslog 8. april 2026", "Hændelseslog", D(2026, 4, 8), D(2026, 4, 8)),
    ("hvad er der besluttet om cykelstier i 2025?", "cykelstier", D(2025, 1, 1), D(2025, 12, 31)),
    ("hvad besluttede ledelsen om hjemmearbejde i december 2025", "hjemmearbejde", D(2025, 12, 1), D(2025, 12, 31)),
    ("hvad blev besluttet om budget før 1. maj 2025", "budget", None, D(2025, 4, 30)),
    ("beslutninger om AI siden marts 2025", "AI", D(2025, 3, 1), None),
    (
        "hvad besluttede direktionen mellem 1. marts 2025 og 30. april 2025 om budget",
        "budget", D(2025, 3, 1), D(2025, 4, 30),
    ),
    ("hvad besluttede direktionen om visionsdag på mødet den 8. april 2026", "visionsdag", D(2026, 4, 8), D(2026, 4, 8)),
    ("Budget 2027-2030 i marts 2025", "Budget 2027-2030", D(2025, 3, 1), D(2025, 3, 31)),
]


@pytest.mark.parametrize(("text", "topic", "start", "end"), TOPIC_WITH_DATE)
def test_topic_with_a_date_is_not_a_meeting_question(text: str, topic: str, start: date | None, end: date | None) -> None:
    q = parse_question(text)
    assert (q.topic, q.date_from, q.date_to) == (topic, start, end)
    assert q.meeting is False


def test_impossible_day_is_not_a_date() -> None:
    q = parse_question("31. februar 2025")
    assert q.date_from is None and q.date_to is None and q.exact_day is False


# --- year hints ------------------------------------------------------------------------------------

YEAR_HINTS = [
    ("FBV 2024", "FBV", 2024),
    ("strategiske spor 2025", "strategiske spor", 2025),
    ("budget 2027", "budget", 2027),
    ("hvad har man besluttet om FBV 2024", "FBV", 2024),
    ("Status på OS2sofd 2025", "Status på OS2sofd", 2025),
]


@pytest.mark.parametrize(("text", "topic", "year"), YEAR_HINTS)
def test_bare_year_with_topic_is_a_hint_not_a_filter(text: str, topic: str, year: int) -> None:
    q = parse_question(text)
    assert (q.topic, q.year_hint) == (topic, year)
    assert (q.date_from, q.date_to, q.exact_day, q.meeting) == (None, None, False, False)


@pytest.mark.parametrize("text", ["Budget 2027-2030", "hvad besluttede direktionen om Budget 2027-2030?"])
def test_year_range_in_a_title_stays(text: str) -> None:
    q = parse_question(text)
    assert q.topic == "Budget 2027-2030"
    assert (q.year_hint, q.date_from, q.date_to) == (None, None, None)


def test_year_with_preposition_is_a_period_not_a_hint() -> None:
    q = parse_question("strategiske spor i 2025")
    assert (q.topic, q.year_hint) == ("strategiske spor", None)
    assert (q.date_from, q.date_to) == (D(2025, 1, 1), D(2025, 12, 31))


# --- latest ------------------------------------------------------------------------------------------

LATEST = [
    ("seneste beslutning om projektporteføljen", "projektporteføljen"),
    ("den seneste beslutning om projektporteføljen", "projektporteføljen"),
    ("de seneste beslutninger om AI", "AI"),
    ("sidste beslutning om AI", "AI"),
    ("nyeste beslutning om AI", "AI"),
    ("den nyeste beslutning om AI", "AI"),
    ("hvad besluttede direktionen senest om AI", "AI"),
    ("hvornår blev AI sidst behandlet", "AI"),
    ("AI seneste", "AI"),
    ("hvad er det seneste om AI", "AI"),
    ("hvad blev besluttet sidste gang om AI", "AI"),
]


@pytest.mark.parametrize(("text", "topic"), LATEST)
def test_latest(text: str, topic: str) -> None:
    q = parse_question(text)
    assert q.latest is True
    assert q.topic == topic
    assert q.meeting is False


# --- meetings --------------------------------------------------------------------------------------

MEETINGS = [
    ("hvad blev besluttet på mødet den 7. maj 2025", D(2025, 5, 7), D(2025, 5, 7)),
    ("referat fra direktionen 8. april 2026", D(2026, 4, 8), D(2026, 4, 8)),
    ("referatet fra mødet 10-12-2025", D(2025, 12, 10), D(2025, 12, 10)),
    ("dagsorden 8. april 2026", D(2026, 4, 8), D(2026, 4, 8)),
    ("dagsordenen for mødet 8. april 2026", D(2026, 4, 8), D(2026, 4, 8)),
    ("direktionsmødet den 19. marts 2025", D(2025, 3, 19), D(2025, 3, 19)),
    ("hvad skete der på mødet i marts 2025", D(2025, 3, 1), D(2025, 3, 31)),
    ("vis mødet 8/4-2026", D(2026, 4, 8), D(2026, 4, 8)),
    ("hvilke punkter var der på mødet den 7. maj 2025", D(2025, 5, 7), D(2025, 5, 7)),
    ("hvad besluttede direktionen den 7. maj 2025?", D(2025, 5, 7), D(2025, 5, 7)),
    ("hvad blev besluttet på moedet den 7. maj 2025", D(2025, 5, 7), D(2025, 5, 7)),
    ("8. april 2026", D(2026, 4, 8), D(2026, 4, 8)),
    ("10-12-2025", D(2025, 12, 10), D(2025, 12, 10)),
    ("marts 2025", D(2025, 3, 1), D(2025, 3, 31)),
]


@pytest.mark.parametrize(("text", "start", "end"), MEETINGS)
def test_meeting_questions(text: str, start: date, end: date) -> None:
    q = parse_question(text)
    assert q.meeting is True
    assert q.topic == ""
    assert (q.date_from, q.date_to) == (start, end)


@pytest.mark.parametrize("text", ["seneste referat", "hvad blev besluttet på sidste møde", "hvad besluttede direktionen sidst?"])
def test_latest_meeting(text: str) -> None:
    q = parse_question(text)
    assert (q.meeting, q.latest, q.topic) == (True, True, "")
    assert (q.date_from, q.date_to) == (None, None)


@pytest.mark.parametrize(
    "text",
    [
        "hvad besluttede direktionen om hændelseslog den 8. april 2026",
        "møde med borgmesteren",
        "i 2025",  # a year is many meetings, not one
        "sagsnummer 14.00.08A00-2-24",
        "seneste beslutning om projektporteføljen",
    ],
)
def test_not_meeting_questions(text: str) -> None:
    assert parse_question(text).meeting is False


# --- relative time and a day's meetings (issue 14) -------------------------------------------------


def test_yesterday_is_a_day_counted_from_the_given_today():
    q = parse_question("hvad besluttede direktionen i går?", today=D(2026, 4, 9))
    assert (q.date_from, q.date_to, q.exact_day, q.meeting, q.relative) == (
        D(2026, 4, 8), D(2026, 4, 8), True, True, "i går")


def test_a_meeting_time_picks_one_of_a_days_meetings():
    assert parse_question("referat fra byrådet 20. juni 2022 kl. 17:00").time == "17:00"


@pytest.mark.parametrize(("text", "start", "end"), [
    ("byrådets møde i april", D(2022, 4, 1), D(2022, 4, 30)),
    ("hvad skete der i juni", D(2022, 6, 1), D(2022, 6, 30)),  # this month, though not over yet
    ("møder i december", D(2021, 12, 1), D(2021, 12, 31)),  # a month still to come: last year's
    ("referat 7. marts", D(2022, 3, 7), D(2022, 3, 7)),
    ("referat 7. juli", D(2021, 7, 7), D(2021, 7, 7)),
])
def test_a_month_or_day_without_a_year_is_the_latest_one_up_to_today(text, start, end):
    q = parse_question(text, today=D(2022, 6, 21))
    assert (q.date_from, q.date_to) == (start, end)


@pytest.mark.parametrize("text", ["mellem marts og maj", "fra april", "den 7. maj"])
def test_a_yearless_month_opening_a_range_or_a_day_without_meeting_words_is_no_period(text):
    q = parse_question(text, today=D(2022, 6, 21))
    assert (q.date_from, q.date_to) == (None, None)
