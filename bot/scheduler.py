"""The weekly digest inside `beslutningsbot serve`: fire at the scheduled time, catch up once.

The last slot that was served is kept in the state store. `run_due()` runs the digest
when a scheduled time has passed since then, once, however many slots were missed while
the bot was down, and then records the newest passed slot. The loop only calls it every
`poll` seconds, so a test drives the same code by moving its clock and calling
`run_due()` itself.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from handlers.clock import Clock
from handlers.digests import Digests, RunResult
from handlers.schedule import WeeklySchedule
from handlers.state.store import StateStore
from handlers.tasks import repeat

log = logging.getLogger(__name__)
LAST_SLOT = "digest_last_slot"


class DigestScheduler:
    def __init__(self, digests: Digests, schedule: WeeklySchedule, state: StateStore, clock: Clock,
                 poll: float = 30.0) -> None:
        self.digests = digests
        self.schedule = schedule
        self.state = state
        self.clock = clock
        self.poll = poll

    async def run_due(self) -> RunResult | None:
        """Run the digest if a scheduled time has passed since the last run; else None."""
        now = self.clock()
        slot = self.schedule.last_at_or_before(now)
        done = await asyncio.to_thread(self.state.get_value, LAST_SLOT)
        if done is None:
            # A first start sends nothing for the past: there was nobody to send to.
            await asyncio.to_thread(self.state.set_value, LAST_SLOT, slot.isoformat())
            return None
        if datetime.fromisoformat(done) >= slot:
            return None
        log.info("weekly digest for %s", slot.isoformat())
        try:
            result = await self.digests.run()
        finally:
            # Recorded even when the run failed: subscribers it did not reach keep their
            # watermarks and get theirs next week, instead of a retry every poll that could
            # repeat the digest to those it did reach.
            await asyncio.to_thread(self.state.set_value, LAST_SLOT, slot.isoformat())
        log.info("digest run: %d sent, %d without news, %d failed, %d gone",
                 result.sent, result.empty, result.failed, result.gone)
        return result

    async def loop(self) -> None:
        await repeat("digest run", self.run_due, self.poll)
