"""The weekly schedule and the scheduler: Copenhagen time, summer time, missed weeks."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.scheduler import DigestScheduler
from handlers.schedule import ScheduleError, WeeklySchedule
from handlers.state.store import StateStore

UTC = timezone.utc


def test_monday_eight_is_eight_local_before_and_after_the_clocks_change():
    schedule = WeeklySchedule.parse("mon 08:00")
    # Summer time starts Sunday 29 March 2026 and ends Sunday 25 October 2026.
    assert schedule.next_after(datetime(2026, 3, 27, 12, tzinfo=UTC)) == datetime(2026, 3, 30, 6, tzinfo=UTC)
    assert schedule.next_after(datetime(2026, 3, 20, 12, tzinfo=UTC)) == datetime(2026, 3, 23, 7, tzinfo=UTC)
    assert schedule.next_after(datetime(2026, 10, 23, 12, tzinfo=UTC)) == datetime(2026, 10, 26, 7, tzinfo=UTC)
    assert schedule.next_after(datetime(2026, 10, 16, 12, tzinfo=UTC)) == datetime(2026, 10, 19, 6, tzinfo=UTC)


def test_exactly_at_the_time_the_next_is_a_week_later():
    schedule = WeeklySchedule.parse("mon 08:00")
    at = datetime(2026, 11, 23, 7, tzinfo=UTC)
    assert schedule.next_after(at) == at + timedelta(days=7)
    assert schedule.last_at_or_before(at) == at
    assert schedule.describe(at) == "mandag 23. november 2026 kl. 08:00"


@pytest.mark.parametrize("spec", ["off", "OFF", "fra"])
def test_off(spec):
    assert WeeklySchedule.parse(spec) is None


@pytest.mark.parametrize("spec", ["monday", "mon 25:00", "xyz 08:00", "mon 8"])
def test_bad_schedules_say_what_is_expected(spec):
    with pytest.raises(ScheduleError, match="mon 08:00"):
        WeeklySchedule.parse(spec)


class CountingDigests:
    """Counts runs: the scheduler's only business is when to run, not what."""

    def __init__(self):
        self.runs = 0

    async def run(self):
        from handlers.digests import RunResult

        self.runs += 1
        return RunResult(sent=1)


@pytest.mark.parametrize("where", ["memory", "disk"])
async def test_the_scheduler_fires_once_per_slot_and_once_after_downtime(tmp_path, where):
    now = [datetime(2026, 11, 20, 12, tzinfo=UTC)]
    state = StateStore(None if where == "memory" else tmp_path / "state.json")
    digests = CountingDigests()
    scheduler = DigestScheduler(digests, WeeklySchedule.parse("mon 08:00"), state, lambda: now[0])
    assert await scheduler.run_due() is None  # first start: nothing for the past
    now[0] = datetime(2026, 11, 23, 6, 59, tzinfo=UTC)
    assert await scheduler.run_due() is None
    now[0] = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    assert (await scheduler.run_due()).sent == 1
    assert await scheduler.run_due() is None
    # Down for two weeks and a bit: one digest at start-up, not two.
    now[0] = datetime(2026, 12, 9, 10, 0, tzinfo=UTC)
    restarted = DigestScheduler(digests, WeeklySchedule.parse("mon 08:00"), state, lambda: now[0])
    assert (await restarted.run_due()).sent == 1
    assert await restarted.run_due() is None
    assert digests.runs == 2


async def test_a_failed_run_still_records_its_slot(tmp_path):
    # Regression (review): a run that raised left the slot unrecorded, so every 30 s poll
    # ran the digest again and repeated it to those it had reached.
    class Failing:
        runs = 0

        async def run(self):
            Failing.runs += 1
            raise RuntimeError("state file unwritable")

    now = [datetime(2026, 11, 20, 12, tzinfo=UTC)]
    state = StateStore(tmp_path / "state.json")
    scheduler = DigestScheduler(Failing(), WeeklySchedule.parse("mon 08:00"), state, lambda: now[0])
    await scheduler.run_due()
    now[0] = datetime(2026, 11, 23, 7, 5, tzinfo=UTC)
    with pytest.raises(RuntimeError):
        await scheduler.run_due()
    assert await scheduler.run_due() is None
    assert Failing.runs == 1
