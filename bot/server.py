"""The aiohttp server that carries both channels: built by `create_app(settings)`.

Routes: `POST /api/messages` (Teams, `bot.teams.channel`), `POST /api/webex` (Webex webhooks,
`bot.webex.channel`), and `GET /healthz`, `GET /readyz` and `GET /metrics` (`bot.health`). One `Conversation` answers both channels, against the
`LiveIndex` of the configured data folder, which a background task keeps up to date when
another process rebuilds the index.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from aiohttp import web
from filelock import FileLock, Timeout

from bot import console, health
from bot.health import HEALTH, Health
from bot.logs import RequestIdAccessLogger
from bot.settings import Settings
from bot.wiring import Collaborators, build
from handlers.clock import Clock, utc_now
from handlers.conversation import Conversation
from handlers.state.store import StateStore
from handlers.tasks import repeat
from knowledge import SAMPLES_DIR
from knowledge.errors import IndexingFailed
from knowledge.index.build import Reader, ensure_index, read_minutes
from knowledge.index.live import LiveIndex

log = logging.getLogger(__name__)

REFRESH_SECONDS = 2.0
# Held by the running server for its lifetime: one server per data folder.
SERVE_LOCK = "serve.lock"
COLLABORATORS = web.AppKey("collaborators", Collaborators)


def create_app(settings: Settings, live: LiveIndex | None = None, *, clock: Clock = utc_now,
               state: StateStore | None = None, reader: Reader = read_minutes,
               conversation: Conversation | None = None) -> web.Application:
    """The server for `settings`, over the collaborators of `bot.wiring.build`. Tests may
    pass the live index, a clock they move, the state store, the minutes reader or a whole
    conversation; the rest comes from the settings."""
    return app_for(build(settings, live=live, state=state, clock=clock, reader=reader, conversation=conversation))


def app_for(parts: Collaborators) -> web.Application:
    """The server over collaborators already built (a bench that needs them at hand builds
    them first)."""
    from bot.teams import channel as teams
    from bot.webex import channel as webex

    settings = parts.settings
    app = web.Application(client_max_size=1024 * 1024)
    # Each channel registers itself when it is set up (below); the console is always there.
    parts.channels.register(console.CHANNEL)
    app[COLLABORATORS] = parts
    health.setup(app, Health(parts.live, parts.state, parts.metrics, digests_on=parts.scheduler is not None,
                             reindexer=parts.reindexer))
    # Both channels call the conversation through the counter, so each message is counted once.
    counted = parts.metrics.instrument(parts.conversation)
    teams.setup(app, settings, counted, parts.channels)
    parts.metrics.count_teams_failures(app[teams.TEAMS_ADAPTER])
    webex.setup(app, settings, counted, parts.channels)
    app.cleanup_ctx.append(_background)
    return app


async def _background(app: web.Application):
    """The server's background work: the index kept fresh, the weekly digest and the portal
    sync on their schedules; at shutdown these and any reindex or `digest nu` still running
    are cancelled."""
    parts = app[COLLABORATORS]
    tasks, live = parts.tasks, parts.live
    await asyncio.to_thread(_first_load, live, parts.settings)
    tasks.start("index refresh", repeat("index refresh", lambda: asyncio.to_thread(live.refresh), REFRESH_SECONDS,
                                        wait_first=True))
    if parts.scheduler is not None:
        app[HEALTH].scheduler_task = tasks.start("digest scheduler", parts.scheduler.loop())
    if parts.sync_scheduler is not None:
        tasks.start("portal sync scheduler", parts.sync_scheduler.loop())
    yield
    await tasks.close()


def _first_load(live: LiveIndex, settings: Settings) -> None:
    """Load the index; on a fresh data folder, build it from the minutes first."""
    if live.path is not None:
        try:
            ensure_index(Path(live.path), settings.sources or [SAMPLES_DIR])
        except IndexingFailed as error:
            log.error("first indexing failed: %s", error.code)
    live.refresh()


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
