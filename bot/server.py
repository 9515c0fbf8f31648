"""The aiohttp server that carries both channels: built by `create_app(settings)`.

Routes: `POST /api/messages` (Teams, `bot.teams.channel`), `POST /api/webex` (Webex webhooks,
`bot.webex.channel`), and `GET /healthz`, `GET /readyz` and `GET /metrics` (`bot.health`). One `Conversation` answers both channels, against the
`LiveIndex` of the configured data folder, which a background task keeps up to date when
another process rebuilds the index.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from aiohttp import web
from filelock import FileLock, Timeout

from bot import console, health
from bot.delivery import ChannelOutbox
from bot.health import HEALTH, Health
from bot.logs import RequestIdAccessLogger
from bot.metrics import Metrics
from bot.portal_sync import PortalSync, SyncScheduler
from bot.scheduler import DigestScheduler
from bot.settings import Settings
from handlers.channels import Channels
from handlers.clock import Clock, utc_now
from handlers.conversation import Conversation
from handlers.digests import Digests
from handlers.reindex import Reindexer
from handlers.state.store import StateStore
from knowledge import SAMPLES_DIR
from knowledge.errors import IndexingFailed
from knowledge.indexer import Reader, ensure_index, read_minutes
from knowledge.live import LiveIndex

log = logging.getLogger(__name__)

REFRESH_SECONDS = 2.0
# Held by the running server for its lifetime: one server per data folder.
SERVE_LOCK = "serve.lock"
SETTINGS = web.AppKey("settings", Settings)
LIVE = web.AppKey("live", LiveIndex)
STATE = web.AppKey("state", StateStore)
CONVERSATION = web.AppKey("conversation", Conversation)
DIGESTS = web.AppKey("digests", Digests)
REINDEXER = web.AppKey("reindexer", Reindexer)
OUTBOX = web.AppKey("outbox", ChannelOutbox)
CHANNELS = web.AppKey("channels", Channels)
SCHEDULER = web.AppKey("scheduler", DigestScheduler)
SYNC_SCHEDULER = web.AppKey("sync_scheduler", SyncScheduler)


def create_app(settings: Settings, live: LiveIndex | None = None, *, clock: Clock = utc_now,
               state: StateStore | None = None, reader: Reader = read_minutes,
               conversation: Conversation | None = None) -> web.Application:
    """The server for `settings`. Tests may pass the live index, a clock they move, the
    state store, the minutes reader or a whole conversation; the rest comes from the
    settings."""
    from bot.teams import channel as teams
    from bot.webex import channel as webex

    app = web.Application(client_max_size=1024 * 1024)
    live = live or LiveIndex(settings.store_path)
    state = state or StateStore(settings.state_path)
    # Each channel registers itself when it is set up (below); the console is always there.
    channels = Channels(console.CHANNEL)
    outbox = ChannelOutbox(channels)
    schedule = settings.digest_schedule
    metrics = Metrics()
    digests = Digests(live.get, state, schedule, clock, deliver=metrics.counted_deliver(outbox.deliver))
    portal = PortalSync(settings, live, finished=metrics.sync_finished) if settings.portal_url else None
    reindexer = Reindexer(settings.sources, live, state, clock, reader=reader, finished=metrics.reindex_finished,
                          fetch=portal.fetch if portal else None, last_sync=portal.last if portal else None)
    conversation = conversation or Conversation(
        live.get, state=state, admins=settings.admins, reindexer=reindexer,
        outbox=outbox, clock=clock, digests=digests, minutes_url=settings.minutes_url)
    app[SETTINGS] = settings
    app[LIVE] = live
    app[STATE] = state
    app[CONVERSATION] = conversation
    app[DIGESTS] = digests
    app[REINDEXER] = reindexer
    app[OUTBOX] = outbox
    app[CHANNELS] = channels
    if schedule is not None:
        app[SCHEDULER] = DigestScheduler(digests, schedule, state, clock)
    if portal is not None and settings.sync_schedule is not None:
        app[SYNC_SCHEDULER] = SyncScheduler(portal, settings.sync_schedule, state, clock)
    health.setup(app, Health(live, state, metrics, digests_on=schedule is not None, reindexer=reindexer))
    # Both channels call the conversation through the counter, so each message is counted once.
    counted = metrics.instrument(conversation)
    teams.setup(app, settings, counted, channels)
    metrics.count_teams_failures(app[teams.TEAMS_ADAPTER])
    webex.setup(app, settings, counted, channels)
    app.cleanup_ctx.append(_keep_index_fresh)
    app.cleanup_ctx.append(_run_scheduler)
    return app


async def _run_scheduler(app: web.Application):
    scheduler = app.get(SCHEDULER)
    task = asyncio.create_task(scheduler.loop()) if scheduler is not None else None
    app[HEALTH].scheduler_task = task
    syncing = app.get(SYNC_SCHEDULER)
    tasks = [task, asyncio.create_task(syncing.loop()) if syncing is not None else None]
    tasks = [task for task in tasks if task is not None]
    yield
    for task in tasks:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _keep_index_fresh(app: web.Application):
    live = app[LIVE]
    settings = app[SETTINGS]
    await asyncio.to_thread(_first_load, live, settings)
    task = asyncio.create_task(_refresh_loop(live))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def _first_load(live: LiveIndex, settings: Settings) -> None:
    """Load the index; on a fresh data folder, build it from the minutes first."""
    if live.path is not None:
        try:
            ensure_index(Path(live.path), settings.sources or [SAMPLES_DIR])
        except IndexingFailed as error:
            log.error("first indexing failed: %s", error.code)
    live.refresh()


async def _refresh_loop(live: LiveIndex) -> None:
    while True:
        await asyncio.sleep(REFRESH_SECONDS)
        try:
            await asyncio.to_thread(live.refresh)
        except Exception:
            log.exception("index refresh failed")


class DataFolderInUse(Exception):
    """Another server holds the data folder; `folder` names it."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))
        self.folder = folder


def hold_data_folder(folder: Path) -> FileLock:
    """Take the data folder for this server, for as long as the process lives.

    Two servers on one folder lose subscriptions between their state writes and both send
    every digest, so the second must not start. The lock is `SERVE_LOCK` in the folder, an
    exclusive flock: the kernel lets go of it when the process ends, even by kill -9, so a
    crashed server never blocks its restart. The index writers' own lock is a different
    file, so `beslutningsbot index` keeps working beside a running server. Raises
    DataFolderInUse while another process holds it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(folder / SERVE_LOCK), timeout=0)
    try:
        lock.acquire()
    except Timeout as error:
        raise DataFolderInUse(folder) from error
    return lock


def run(settings: Settings) -> None:
    """Serve until stopped, holding the data folder (DataFolderInUse when another does)."""
    lock = hold_data_folder(settings.data_dir)
    try:
        web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None,
                    access_log_class=RequestIdAccessLogger)
    finally:
        lock.release()
