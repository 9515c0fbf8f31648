"""The one place the bot is put together: `build(settings)` makes every collaborator.

The server (`bot.server.create_app`), the console (`bot.console`), the load test and the
benches (`tools/`) all start from `build`, so each collaborator is made one way and handed
to those that need it: the live index of the data folder, the state store, the clock, the
background tasks, the metrics, the digests, the portal sync, the reindexer and the
conversation. `build` only makes objects; starting them (the first index load, the
schedules, the channels) is the caller's. A test may give any of the keyword arguments
instead (a live index over an index in memory, a clock it moves, its own minutes reader,
a whole conversation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Protocol

from bot.delivery import ChannelOutbox
from bot.metrics import Metrics
from bot.portal_sync import PortalSync, SyncScheduler
from bot.scheduler import DigestScheduler
from bot.settings import Settings
from handlers.channels import Channels
from handlers.clock import Clock, utc_now
from handlers.conversation import Conversation
from handlers.digests import Digests
from handlers.messages import Outbox, Reply
from handlers.reindex import Reindexer
from handlers.state.store import StateStore
from handlers.tasks import Tasks
from knowledge.index.build import Reader, read_minutes
from knowledge.index.live import LiveIndex


class LaterReplies(Outbox, Protocol):
    """Where replies go that nobody is waiting for: the handlers' `Outbox` (a reindex report,
    the result of `digest nu`) and the digests' `deliver` (SENT, GONE or FAILED)."""

    async def deliver(self, subscription: dict[str, Any], reply: Reply) -> str: ...


@dataclass(frozen=True)
class Collaborators:
    """Everything a running bot is made of, built once from its settings."""

    settings: Settings
    live: LiveIndex
    state: StateStore
    clock: Clock
    tasks: Tasks
    metrics: Metrics
    # The channels that send later replies; each registers itself when the server sets it up.
    channels: Channels
    outbox: LaterReplies
    digests: Digests
    reindexer: Reindexer
    conversation: Conversation
    # Only in a serving process, and only when configured: the portal (BESLUTNINGSBOT_PORTAL_URL),
    # the weekly digest and the portal sync on their schedules.
    portal: PortalSync | None = None
    scheduler: DigestScheduler | None = None
    sync_scheduler: SyncScheduler | None = None


def build(settings: Settings, *, outbox: LaterReplies | None = None, serving: bool = True, admins: Iterable[str] = (),
          live: LiveIndex | None = None, state: StateStore | None = None, clock: Clock = utc_now,
          reader: Reader = read_minutes, conversation: Conversation | None = None) -> Collaborators:
    """The collaborators for `settings`. Later replies go through the registered channels,
    or through `outbox` when one is given (the console prints them).

    `serving` is true for the server; the console is one person's chat beside (or instead
    of) it, so with `serving=False` nothing runs on a schedule, no digest is sent (the
    conversation says the weekly digest is off) and no portal is fetched. `admins` are
    admins beyond the configured ones (the person at the console).
    """
    live = live if live is not None else LiveIndex(settings.store_path)
    state = state if state is not None else StateStore(settings.state_path)
    tasks = Tasks()
    metrics = Metrics()
    channels = Channels()
    outbox = outbox if outbox is not None else ChannelOutbox(channels)
    schedule = settings.digest_schedule if serving else None
    digests = Digests(live.get, state, schedule, clock, deliver=metrics.counted_deliver(outbox.deliver),
                      channels=channels)
    portal = PortalSync(settings, live, finished=metrics.sync_finished) if serving and settings.portal_url else None
    reindexer = Reindexer(settings.sources, live, state, clock, tasks=tasks, reader=reader,
                          finished=metrics.reindex_finished, fetch=portal.fetch if portal else None,
                          last_sync=portal.last if portal else None)
    if conversation is None:
        conversation = Conversation(live.get, state=state, digests=digests, reindexer=reindexer, outbox=outbox,
                                    tasks=tasks, clock=clock, admins=(*settings.admins, *admins),
                                    minutes_url=settings.minutes_url)
    scheduler = DigestScheduler(digests, schedule, state, clock) if schedule is not None else None
    syncing = settings.sync_schedule if portal is not None else None
    sync_scheduler = SyncScheduler(portal, syncing, state, clock) if portal is not None and syncing is not None else None
    return Collaborators(settings=settings, live=live, state=state, clock=clock, tasks=tasks, metrics=metrics,
                         channels=channels, outbox=outbox, digests=digests, reindexer=reindexer, conversation=conversation,
                         portal=portal, scheduler=scheduler, sync_scheduler=sync_scheduler)
