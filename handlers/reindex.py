"""Reindexing from the chat: one run at a time, in the background, reported to the admin.

The run uses the same `build_index` as `beslutningsbot index`, in a worker thread, so
questions go on being answered from the live index; the new index is swapped in only
after the indexer has written it whole. Progress goes to the admin at most every
`progress_every` seconds, and the report (or the reason it failed) when it ends.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Awaitable, Callable

from handlers import markup, texts
from handlers.clock import Clock, local_time
from handlers.messages import Incoming, Reply
from handlers.report import failure_reason, index_summary, skipped_meetings, sync_failed
from handlers.state.store import StateStore
from handlers.tasks import Tasks
from knowledge.errors import IndexingFailed, SyncFailed
from knowledge.index.build import Reader, build_index, read_minutes
from knowledge.index.live import LiveIndex

log = logging.getLogger(__name__)
Notify = Callable[[Reply], Awaitable[None]]
Progress = Callable[[int, int, str], None]
# Fetches what is new on the agenda portal into the minutes folder (`knowledge.sync`);
# raises SyncFailed. Given by the server when a portal is configured.
Fetch = Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class ReindexRun:
    """The reindex under way: who asked for it (as `Incoming.who`) and when it started."""

    by: str
    started: datetime


class Reindexer:
    """Runs reindexes of the configured minutes into the live index's store."""

    def __init__(self, sources: list[Path], live: LiveIndex, state: StateStore, clock: Clock, *, tasks: Tasks,
                 reader: Reader = read_minutes, progress_every: float = 10.0,
                 finished: Callable[[bool, float], None] | None = None,
                 fetch: Fetch | None = None, last_sync: Callable[[], dict | None] | None = None) -> None:
        self.sources = sources
        self.live = live
        self.state = state
        self.clock = clock
        self.tasks = tasks
        self.reader = reader
        self.progress_every = progress_every
        # Told (ok, seconds) when a run ends: the server counts runs for /metrics.
        self.finished = finished
        self.fetch = fetch
        self.last_sync = last_sync
        self.running: ReindexRun | None = None
        self.task: asyncio.Task | None = None
        # When the last run failed because the data folder's disk is full (None otherwise):
        # /healthz and the admin's status say so until a run succeeds.
        self.disk_full_since: datetime | None = None

    async def start(self, message: Incoming, notify: Notify) -> tuple[Reply, str]:
        """Start a run for `message`'s sender, or say who runs one. Returns the reply and
        the audit result."""
        if self.running is not None:
            when = local_time(self.running.started)
            who = self.running.by
            return (Reply(texts.REINDEX_BUSY.format(who=markup.plain(who), when=when),
                          texts.REINDEX_BUSY.format(who=markup.markdown_line(who), when=when)), texts.RESULT_BUSY)
        self.running = ReindexRun(message.who, self.clock())
        self.task = self.tasks.start("reindex", self._run(message, notify))
        return Reply(texts.REINDEX_STARTED), texts.RESULT_STARTED

    def free_bytes(self) -> int | None:
        """Free space on the disk of the index's folder, in bytes (None when unknown)."""
        if self.live.path is None:
            return None
        try:
            return shutil.disk_usage(Path(self.live.path).parent).free
        except OSError:
            return None

    async def wait(self) -> None:
        """Wait for the running reindex, if any (tests and shutdown)."""
        if self.task is not None:
            await asyncio.shield(self.task)

    async def _run(self, message: Incoming, notify: Notify) -> None:
        assert self.running is not None
        started = time.monotonic()
        run = {"when": self.running.started.isoformat(timespec="seconds"), "by": self.running.by}
        reply, run["result"] = await self._reindex(run, self._progress(notify), started)
        run["seconds"] = round(time.monotonic() - started, 1)
        if self.finished is not None:
            self.finished(run["result"] == texts.RESULT_OK, time.monotonic() - started)
        try:
            await asyncio.to_thread(self.state.record_run, run)
            await asyncio.to_thread(self.state.audit, self.clock(), message, "genindekser", run["result"])
        except Exception:
            log.exception("could not record the reindex run")
        finally:
            self.running = None
        try:
            await notify(reply)
        except Exception:
            log.exception("could not deliver the reindex report")

    def _progress(self, notify: Notify) -> Progress:
        """The indexer's progress callback (called from its worker thread): a line to the
        admin at most every `progress_every` seconds."""
        loop = asyncio.get_running_loop()
        last = [time.monotonic()]

        def progress(done: int, total: int, name: str) -> None:
            now = time.monotonic()
            if now - last[0] >= self.progress_every and done < total:
                last[0] = now
                line = Reply(texts.REINDEX_PROGRESS.format(done=done, total=total))
                asyncio.run_coroutine_threadsafe(notify(line), loop)
        return progress

    async def _reindex(self, run: dict, progress: Progress, started: float) -> tuple[Reply, str]:
        """Fetch (with a portal), build and load the index: the report for the admin and the
        run's result; the files and warnings counted go into `run`."""
        try:
            skipped = []
            if self.fetch is not None:
                # The portal first, so the reindex includes what it published since the
                # last sync; when the portal fails, the index stays as it is.
                fetched = await self.fetch()
                skipped = list(getattr(fetched, "skipped", None) or [])
            report = await asyncio.to_thread(
                build_index, self.sources, self.live.path, progress=progress, reader=self.reader
            )
            await asyncio.to_thread(self.live.refresh)
            # File names and warnings come from the minutes folder: shown as written.
            text = index_summary(report, time.monotonic() - started)
            if skipped:
                text += "\n" + skipped_meetings(skipped)
            run["files"], run["warnings"] = len(report.files), len(report.warnings)
            self.disk_full_since = None
            return Reply(text, markup.markdown(text)), texts.RESULT_OK
        except SyncFailed as error:
            return Reply(sync_failed(error)), f"{texts.RESULT_FAILED}: {error.code}"
        except IndexingFailed as error:
            if error.disk_full:
                self.disk_full_since = self.disk_full_since or self.clock()
                log.error("reindex failed: the data folder's disk is full (%s)", error.detail)
            if error.__cause__ is not None:
                log.error("reindex failed", exc_info=error.__cause__)
            text = texts.REINDEX_FAILED.format(reason=failure_reason(error))
            return Reply(text, markup.markdown(text)), f"{texts.RESULT_FAILED}: {error.code}"
        except Exception:
            log.exception("reindex failed unexpectedly")
            return (Reply(texts.REINDEX_FAILED.format(reason=texts.REINDEX_UNEXPECTED)),
                    f"{texts.RESULT_FAILED}: crashed")
