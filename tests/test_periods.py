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
