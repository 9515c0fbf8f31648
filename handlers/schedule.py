"""When the weekly digest goes out: "mon 08:00" in Copenhagen time, summer time included.

Times are worked out in local time with zoneinfo and turned into UTC only at the end, so
08:00 stays 08:00 on the Mondays after the clocks change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from handlers import texts

DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
        "man": 0, "tir": 1, "ons": 2, "tor": 3, "fre": 4, "lør": 5, "søn": 6}
_SPEC = re.compile(r"^\s*(?P<day>[a-zø]{3})[a-zø]*\s+(?P<hour>\d{1,2})[:.](?P<minute>\d{2})\s*$", re.IGNORECASE)


class ScheduleError(ValueError):
    """A digest schedule that cannot be read; the message says what is expected."""


@dataclass(frozen=True)
class WeeklySchedule:
    weekday: int
    at: time
    zone: ZoneInfo

    @classmethod
    def parse(cls, spec: str, zone: str = "Europe/Copenhagen") -> "WeeklySchedule | None":
        """A schedule from "mon 08:00" (or "mandag 8:00"); None for "off"."""
        if spec.strip().lower() in ("off", "fra", "nej", ""):
            return None
        match = _SPEC.match(spec)
        day = DAYS.get(match["day"].lower()) if match else None
        if match is None or day is None or int(match["hour"]) > 23 or int(match["minute"]) > 59:
            raise ScheduleError(f"expected a weekday and a time such as 'mon 08:00' or 'off', not {spec!r}")
        return cls(day, time(int(match["hour"]), int(match["minute"])), ZoneInfo(zone))

    def _at_local(self, day) -> datetime:
        return datetime.combine(day, self.at, tzinfo=self.zone).astimezone(timezone.utc)

    def next_after(self, moment: datetime) -> datetime:
        """The first scheduled time strictly after `moment` (UTC)."""
        local = moment.astimezone(self.zone).date()
        start = local - timedelta(days=(local.weekday() - self.weekday) % 7)
        for week in range(0, 3):
            candidate = self._at_local(start + timedelta(weeks=week))
            if candidate > moment:
                return candidate
        raise AssertionError("unreachable")

    def last_at_or_before(self, moment: datetime) -> datetime:
        """The latest scheduled time not after `moment` (UTC)."""
        local = moment.astimezone(self.zone).date()
        start = local - timedelta(days=(local.weekday() - self.weekday) % 7)
        for week in range(0, 3):
            candidate = self._at_local(start - timedelta(weeks=week))
            if candidate <= moment:
                return candidate
        raise AssertionError("unreachable")

    def describe(self, moment: datetime) -> str:
        """"mandag 30. november 2026 kl. 08:00" for a scheduled UTC time."""
        from knowledge.dates import danish

        local = moment.astimezone(self.zone)
        return f"{texts.WEEKDAYS[local.weekday()]} {danish(local.date())} kl. {local:%H:%M}"


_DAILY = re.compile(r"^\s*(?:(?:daily|dagligt?|hver dag)\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class DailySchedule:
    """Every day at one time ("daily 06:00"), in Copenhagen time: when `serve` syncs."""

    at: time
    zone: ZoneInfo

    def _at_local(self, day) -> datetime:
        return datetime.combine(day, self.at, tzinfo=self.zone).astimezone(timezone.utc)

    def last_at_or_before(self, moment: datetime) -> datetime:
        local = moment.astimezone(self.zone).date()
        for back in range(0, 3):
            candidate = self._at_local(local - timedelta(days=back))
            if candidate <= moment:
                return candidate
        raise AssertionError("unreachable")


def parse_sync_schedule(spec: str, zone: str = "Europe/Copenhagen") -> "DailySchedule | WeeklySchedule | None":
    """"daily 06:00" (or just "06:00"), "mon 07:00", or None for "off"."""
    match = _DAILY.match(spec or "")
    if match:
        if int(match["hour"]) > 23 or int(match["minute"]) > 59:
            raise ScheduleError(f"expected a time such as 'daily 06:00', not {spec!r}")
        return DailySchedule(time(int(match["hour"]), int(match["minute"])), ZoneInfo(zone))
    try:
        return WeeklySchedule.parse(spec, zone)
    except ScheduleError as error:
        raise ScheduleError(f"expected 'daily 06:00', a weekday and a time such as 'mon 07:00', or 'off', not {spec!r}") from error
