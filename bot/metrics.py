"""What the server counts and measures, for `GET /metrics` in the Prometheus text format.

One `Metrics` per server, with its own `prometheus_client` registry (so two servers in one
process, as in the tests, never share counts). The server gives it to the parts that do the
work: `instrument(conversation)` wraps the conversation that both channels call, so every
message is counted and timed once; `counted_deliver` wraps the digests' deliver;
`reindex_finished` and `sync_finished` are called when a reindex or a portal sync ends;
`reply_failed` when a channel could not deliver a reply. Nothing here sees message text.

`last_sync` keeps the outcome of the newest sync for `/readyz`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from aiohttp import web
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
)
from prometheus_client.exposition import choose_encoder

from handlers.conversation import Answers
from handlers.messages import Incoming, Reply

log = logging.getLogger(__name__)

PREFIX = "beslutningsbot"
# Reply times from a cached lookup (milliseconds) to a slow first load of a large index (seconds).
REPLY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# Reindex and sync runs take from a second (the samples) to many minutes (a large archive).
RUN_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)
# A reply kind is one of a few words (handlers set it); anything else is counted as "other",
# so a bug can never make the label set grow without bound.
KINDS = frozenset({"answer", "case", "meeting", "none", "empty", "unavailable", "error", "command"})
DELIVERY_OUTCOMES = frozenset({"sent", "gone", "failed"})
Deliver = Callable[[dict[str, Any], Reply], Awaitable[str]]


@dataclass(frozen=True)
class SyncOutcome:
    ok: bool
    finished_at: float  # time.time()
    seconds: float
    detail: str = ""


class Metrics:
    """The server's counters and histograms, in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        reg = self.registry
        self.messages = Counter(f"{PREFIX}_messages", "Messages received, commands included.", ["channel"], registry=reg)
        self.questions = Counter(f"{PREFIX}_questions", "Messages that were questions for the search.", ["channel"], registry=reg)
        self.answers = Counter(f"{PREFIX}_answers", "Replies by kind: answer, case, meeting, none (nothing answers), "
                               "empty (no index content), unavailable, error, command.", ["kind"], registry=reg)
        self.nothing_answers = Counter(f"{PREFIX}_nothing_answers", "Questions nothing in the minutes answers.",
                                       ["channel"], registry=reg)
        self.reply_seconds = Histogram(f"{PREFIX}_reply_seconds", "Time from a message to its reply being ready.",
                                       ["channel"], buckets=REPLY_BUCKETS, registry=reg)
        self.replies_failed = Counter(f"{PREFIX}_replies_failed", "Replies a channel could not deliver.",
                                      ["channel"], registry=reg)
        self.digest_sends = Counter(f"{PREFIX}_digest_sends", "Digest messages by outcome: sent, gone (bot removed), failed.",
                                    ["outcome"], registry=reg)
        self.reindex_runs = Counter(f"{PREFIX}_reindex_runs", "Reindex runs by result: ok or failed.", ["result"], registry=reg)
        self.reindex_seconds = Histogram(f"{PREFIX}_reindex_seconds", "How long reindex runs took.",
                                         buckets=RUN_BUCKETS, registry=reg)
        self.sync_runs = Counter(f"{PREFIX}_sync_runs", "Portal sync runs by result: ok or failed.", ["result"], registry=reg)
        self.sync_seconds = Histogram(f"{PREFIX}_sync_seconds", "How long portal sync runs took.",
                                      buckets=RUN_BUCKETS, registry=reg)
        self.index_items = Gauge(f"{PREFIX}_index_items", "Agenda items in the loaded index.", registry=reg)
        self.index_built = Gauge(f"{PREFIX}_index_built_timestamp_seconds",
                                 "When the loaded index was built (Unix time).", registry=reg)
        ProcessCollector(registry=reg)
        for channel in ("msteams", "webex"):
            # Present from the start at zero, so rates and alerts work before the first event.
            for counter in (self.messages, self.questions, self.nothing_answers, self.replies_failed):
                counter.labels(channel)
        for outcome in DELIVERY_OUTCOMES:
            self.digest_sends.labels(outcome)
        for result in ("ok", "failed"):
            self.reindex_runs.labels(result)
            self.sync_runs.labels(result)
        self.last_sync: SyncOutcome | None = None

    # --- what the parts report -------------------------------------------------------------

    def message_answered(self, channel: str, kind: str, seconds: float) -> None:
        kind = kind or "command"
        self.messages.labels(channel).inc()
        if kind != "command":
            self.questions.labels(channel).inc()
        if kind == "none":
            self.nothing_answers.labels(channel).inc()
        self.answers.labels(kind if kind in KINDS else "other").inc()
        self.reply_seconds.labels(channel).observe(seconds)

    def reply_failed(self, channel: str) -> None:
        self.replies_failed.labels(channel).inc()

    def count_teams_failures(self, adapter: Any) -> None:
        """Count each Teams turn that failed (its reply could not be sent, or the bot broke),
        then let the adapter's own error handler apologise as before."""
        apologise = adapter.on_turn_error

        async def counted(context: Any, error: Exception) -> None:
            self.reply_failed("msteams")
            await apologise(context, error)

        adapter.on_turn_error = counted

    def reindex_finished(self, ok: bool, seconds: float) -> None:
        self.reindex_runs.labels("ok" if ok else "failed").inc()
        self.reindex_seconds.observe(seconds)

    def sync_finished(self, ok: bool, seconds: float, detail: str = "") -> None:
        """A portal sync ended; `detail` is a short code for `/readyz` (never a secret)."""
        self.sync_runs.labels("ok" if ok else "failed").inc()
        self.sync_seconds.observe(seconds)
        self.last_sync = SyncOutcome(ok, time.time(), seconds, detail)

    def index_loaded(self, items: int, built_at: float | None) -> None:
        self.index_items.set(items)
        if built_at is not None:
            self.index_built.set(built_at)

    # --- wrappers ------------------------------------------------------------------------------

    def instrument(self, conversation: Answers) -> "CountedConversation":
        return CountedConversation(conversation, self)

    def counted_deliver(self, deliver: Deliver) -> Deliver:
        """The digests' deliver, counting each send by its outcome."""
        async def counted(subscription: dict[str, Any], reply: Reply) -> str:
            try:
                outcome = await deliver(subscription, reply)
            except BaseException:
                self.digest_sends.labels("failed").inc()
                raise
            self.digest_sends.labels(outcome if outcome in DELIVERY_OUTCOMES else "failed").inc()
            return outcome
        return counted

    def exposition(self, accept: str | None = None) -> tuple[bytes, str]:
        """(body, content type) in the format the scraper's Accept header asks for: the
        Prometheus text format 0.0.4 by default, OpenMetrics when asked."""
        encode, content_type = choose_encoder(accept or "")
        return encode(self.registry), content_type


class CountedConversation:
    """The conversation as the channels see it (`handlers.conversation.Answers`): the same
    `handle`, counted and timed."""

    def __init__(self, conversation: Answers, metrics: Metrics) -> None:
        self.conversation = conversation
        self.metrics = metrics
        self.index = conversation.index
        self.minutes_url = conversation.minutes_url

    async def handle(self, message: Incoming) -> Reply:
        started = time.perf_counter()
        kind = "error"
        try:
            reply = await self.conversation.handle(message)
            kind = reply.kind or "command"
            return reply
        finally:
            seconds = time.perf_counter() - started
            self.metrics.message_answered(message.channel, kind, seconds)
            # The kind and the time, never the text: questions can name people and cases.
            log.info("%s message answered: %s in %.3f s", message.channel, kind, seconds)

    async def feedback(self, message: Incoming, data: dict) -> Reply:
        return await self.conversation.feedback(message, data)

    def welcome(self) -> str:
        return self.conversation.welcome()


METRICS = web.AppKey("metrics", Metrics)
