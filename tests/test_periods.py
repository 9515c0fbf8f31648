"""The period helpers split out of the question parser, used directly."""

from __future__ import annotations

from datetime import date

from knowledge.periods import Dates, RANGE, SINGLE, months


def test_months_cover_whole_months_and_leap_years():
    assert months(2024, 2, 2) == (date(2024, 2, 1), date(2024, 2, 29))
    assert months(2025, 1, 12) == (date(2025, 1, 1), date(2025, 12, 31))


def test_a_range_and_a_single_period_are_collected_and_cut_out():
    dates = Dates()
    rest = RANGE.sub(dates.range, "budget mellem marts 2025 og maj 2025")
    assert (dates.date_from, dates.date_to) == (date(2025, 3, 1), date(2025, 5, 31))
    assert "2025" not in rest
    single = Dates()
    SINGLE.sub(single.single, "referat den 7. maj 2025")
    assert (single.date_from, single.date_to, single.kind) == (date(2025, 5, 7), date(2025, 5, 7), "day")


# --- relative and vague periods, read against a given today ------------------------------------

import pytest  # noqa: E402

from knowledge.periods import RELATIVE, relative_period  # noqa: E402

TODAY = date(2026, 11, 30)  # a Monday


@pytest.mark.parametrize(("said", "start", "end"), [
    ("i dag", date(2026, 11, 30), date(2026, 11, 30)),
    ("i går", date(2026, 11, 29), date(2026, 11, 29)),
    ("i forgårs", date(2026, 11, 28), date(2026, 11, 28)),
    ("i sidste uge", date(2026, 11, 23), date(2026, 11, 29)),
    ("denne uge", date(2026, 11, 30), date(2026, 12, 6)),
    ("sidste måned", date(2026, 10, 1), date(2026, 10, 31)),
    ("i år", date(2026, 1, 1), date(2026, 12, 31)),
    ("sidste år", date(2025, 1, 1), date(2025, 12, 31)),
    ("de seneste 3 måneder", date(2026, 8, 30), date(2026, 11, 30)),
    ("i foråret 2025", date(2025, 3, 1), date(2025, 5, 31)),
    ("efteråret 2024", date(2024, 9, 1), date(2024, 11, 30)),
    ("vinteren 2025", date(2024, 12, 1), date(2025, 2, 28)),
    ("før sommerferien", date(2026, 5, 15), date(2026, 6, 30)),
    ("før sommerferien 2024", date(2024, 5, 15), date(2024, 6, 30)),
    ("uge 12 2025", date(2025, 3, 17), date(2025, 3, 23)),
])
def test_a_relative_or_vague_period_is_read_from_today(said, start, end):
    match = RELATIVE.search(said)
    assert match and relative_period(match, TODAY)[:2] == (start, end)


def test_before_the_summer_holiday_in_spring_is_this_years():
    match = RELATIVE.search("før sommerferien")
    assert relative_period(match, date(2026, 5, 20))[:2] == (date(2026, 5, 15), date(2026, 6, 30))
    assert relative_period(match, date(2026, 2, 1))[:2] == (date(2025, 5, 15), date(2025, 6, 30))


@pytest.mark.parametrize("text", ["UniQ lederuddannelse forår", "sommerens havnefest", "sidste gang"])
def test_a_season_without_a_year_or_a_last_time_is_no_period(text):
    assert RELATIVE.search(text) is None
