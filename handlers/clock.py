"""Time for the conversation: a clock that tests can set, and times shown in Danish local time."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable
from zoneinfo import ZoneInfo

from knowledge.dates import danish

Clock = Callable[[], datetime]
LOCAL = ZoneInfo("Europe/Copenhagen")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def local_time(moment: datetime | str) -> str:
    """"24. november 2026 kl. 08:00" in Copenhagen time, for an aware datetime or ISO string."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone(LOCAL)
    return f"{danish(local.date())} kl. {local:%H:%M}"
