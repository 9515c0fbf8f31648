"""The agenda portal inside `beslutningsbot serve`: a sync on a schedule, and before `genindekser`.

With BESLUTNINGSBOT_PORTAL_URL set, `PortalSync` fetches what is new on the portal into
the minutes folder (`knowledge.sync`), indexes it and has the live index pick it up. One
sync at a time: the scheduled run and an admin's `genindekser` share one lock. The
scheduler works like the digest's: the last served slot is kept in the state store, a
missed slot is caught up once, and a first start syncs at once (there is nothing to
answer from until it has).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import datetime
from typing import Callable

from bot.settings import Settings
from handlers.clock import Clock
from handlers.state.store import StateStore
from handlers.tasks import repeat
from knowledge.errors import IndexingFailed, SyncFailed
from knowledge.index.live import LiveIndex
from knowledge.sync import FetchReport, SyncLimits, SyncReport, fetch_portal, last_sync, sync_portal

log = logging.getLogger(__name__)
LAST_SLOT = "sync_last_slot"


# Told (ok, seconds, what failed) when a sync ends: the server counts syncs for /metrics
# and /readyz.
Finished = Callable[[bool, float, str], None]


class PortalSync:
    def __init__(self, settings: Settings, live: LiveIndex, limits: SyncLimits = SyncLimits(),
                 finished: Finished | None = None) -> None:
        self.url = settings.portal_url
        self.folder = settings.sync_dir
        self.sources = settings.sources
        self.live = live
        self.limits = limits
        self.finished = finished
        self.lock = asyncio.Lock()

    async def fetch(self) -> FetchReport:
        """Only fetch; the caller indexes (an admin's `genindekser`)."""
        async with self.lock, self._timed():
            return await fetch_portal(self.url, self.folder, limits=self.limits)

    async def run(self) -> SyncReport:
        """Fetch, index what changed, and load the new index."""
        async with self.lock, self._timed():
            report = await sync_portal(self.url, self.folder, self.live.path, sources=self.sources, limits=self.limits)
        if report.index is not None:
            await asyncio.to_thread(self.live.refresh)
        return report

    @contextlib.asynccontextmanager
    async def _timed(self):
        started = time.monotonic()
        try:
            yield
        except (SyncFailed, IndexingFailed) as error:
            if self.finished is not None:
                self.finished(False, time.monotonic() - started, error.code)
            raise
        if self.finished is not None:
            self.finished(True, time.monotonic() - started, "")

    def last(self) -> dict | None:
        return last_sync(self.folder)


class SyncScheduler:
    def __init__(self, sync: PortalSync, schedule, state: StateStore, clock: Clock, poll: float = 60.0) -> None:
        self.sync = sync
        self.schedule = schedule
        self.state = state
        self.clock = clock
        self.poll = poll

    async def run_due(self) -> SyncReport | None:
        """Sync if a scheduled time has passed since the last sync (or there was none)."""
        slot = self.schedule.last_at_or_before(self.clock())
        done = await asyncio.to_thread(self.state.get_value, LAST_SLOT)
        if done is not None and datetime.fromisoformat(done) >= slot:
            return None
        try:
            report = await self.sync.run()
            log.info("portal sync: %d of %d meetings fetched", report.fetch.fetched, report.fetch.listed)
            return report
        except (SyncFailed, IndexingFailed) as error:
            # Recorded as served all the same: the next slot tries again, rather than every
            # poll hammering a portal that is down. `status` shows the failure.
            log.warning("portal sync failed: %s", error)
            return None
        finally:
            await asyncio.to_thread(self.state.set_value, LAST_SLOT, slot.isoformat())

    async def loop(self) -> None:
        await repeat("portal sync", self.run_due, self.poll)
