"""Sending without being asked: reindex reports and digests, to Teams, Webex or the console.

`ChannelOutbox` is the handlers' `Outbox` and the digests' `deliver`. Teams messages go
proactively through `continue_conversation` with the stored ConversationReference and the
bot's app id, at most 7 a second per conversation and 30 a second in all, and 429, 412,
502, 503 and 504 are retried with backoff (honouring Retry-After) a bounded number of
times. Webex goes through the same client as replies, which retries on its own. A 403 or
404 means the bot was removed from that conversation: the digest marks it gone.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from aiolimiter import AsyncLimiter
from botbuilder.core import TurnContext
from botbuilder.schema import ConversationReference
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt, wait_exponential

from bot.teams import channel as teams
from bot.webex import channel as webex
from bot.webex.client import WebexError
from handlers.digests import FAILED, GONE, SENT
from handlers.messages import Incoming, Reply

log = logging.getLogger(__name__)

RETRY_STATUSES = {412, 429, 502, 503, 504}
GONE_STATUSES = {403, 404}
ATTEMPTS = 5
# Teams allows about 7 messages a second per conversation and 30 per app and tenant; sends
# are paced a little below, so network jitter cannot push a one-second window over.
PER_CONVERSATION_RATE = 6
OVERALL_RATE = 25


class DeliveryError(Exception):
    def __init__(self, status: int | None, retry_after: float | None = None) -> None:
        super().__init__(f"status {status}")
        self.status = status
        self.retry_after = retry_after


def _status_of(error: BaseException) -> tuple[int | None, float | None]:
    """The HTTP status (and Retry-After) of a Bot Connector error, however it was raised."""
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None) or getattr(response, "status", None) or getattr(error, "status", None)
    headers = getattr(response, "headers", None) or {}
    retry_after = headers.get("Retry-After") if hasattr(headers, "get") else None
    try:
        seconds = float(retry_after) if retry_after is not None else None
    except ValueError:
        seconds = None
    return (int(status) if status else None), seconds


def _retryable(error: BaseException) -> bool:
    return isinstance(error, DeliveryError) and error.status in RETRY_STATUSES


def _wait(state: RetryCallState) -> float:
    error = state.outcome.exception() if state.outcome else None
    if isinstance(error, DeliveryError) and error.retry_after is not None:
        return min(error.retry_after, 60.0)
    return wait_exponential(multiplier=0.5, max=8)(state)


class ChannelOutbox:
    """Delivers replies outside a request, through whichever channel a conversation is on."""

    def __init__(self, app: web.Application, attempts: int = ATTEMPTS,
                 per_conversation: float = PER_CONVERSATION_RATE, overall: float = OVERALL_RATE) -> None:
        self.app = app
        self.attempts = attempts
        self.per_conversation = per_conversation
        # One token refilled every 1/rate seconds: aiolimiter's bucket would otherwise let a
        # full second's worth through at once on top of the steady rate, and Teams counts
        # any one-second window.
        self.overall = AsyncLimiter(1, 1 / overall)
        self.limiters: dict[str, AsyncLimiter] = {}

    async def send(self, to: Incoming, reply: Reply) -> None:
        """The handlers' Outbox: a reply to the conversation `to` came from."""
        outcome = await self._send(to.channel, to.conversation_id, to.address, reply)
        if outcome != SENT:
            log.warning("could not deliver a later reply to %s conversation (%s)", to.channel, outcome)

    async def deliver(self, subscription: dict[str, Any], reply: Reply) -> str:
        """The digests' deliver: SENT, GONE (bot removed) or FAILED."""
        return await self._send(subscription["channel"], subscription["conversation_id"],
                                subscription.get("address") or {}, reply)

    async def _send(self, channel: str, conversation_id: str, address: dict, reply: Reply) -> str:
        if channel == teams.CHANNEL:
            return await self._teams(conversation_id, address, reply)
        if channel == "webex":
            return await self._webex(conversation_id, reply)
        if channel == "console":
            print(reply.full_text, flush=True)
            return SENT
        log.error("no way to send to channel %r", channel)
        return FAILED

    def _limiter(self, conversation_id: str) -> AsyncLimiter:
        limiter = self.limiters.get(conversation_id)
        if limiter is None:
            limiter = self.limiters[conversation_id] = AsyncLimiter(1, 1 / self.per_conversation)
        return limiter

    async def _teams(self, conversation_id: str, address: dict, reply: Reply) -> str:
        adapter = self.app.get(teams.TEAMS_ADAPTER)
        if adapter is None or not address:
            log.error("no Teams conversation reference for %s", conversation_id)
            return FAILED
        reference = ConversationReference().deserialize(address)
        activities = teams.reply_activities(reply)

        failures: list[BaseException] = []

        async def callback(turn_context: TurnContext) -> None:
            # Kept here rather than raised: the adapter would hand it to its turn-error
            # handler, which apologises into the chat and swallows it.
            try:
                await turn_context.send_activities(activities)
            except Exception as error:
                failures.append(error)

        try:
            async for attempt in AsyncRetrying(stop=stop_after_attempt(self.attempts), wait=_wait,
                                               retry=retry_if_exception(_retryable), reraise=True):
                with attempt:
                    # The conversation's own limit first: waiting on it must not hold a
                    # token of the overall rate, or sends would bunch up behind it.
                    async with self._limiter(conversation_id), self.overall:
                        failures.clear()
                        try:
                            await adapter.continue_conversation(reference, callback, self.app[teams.TEAMS_APP_ID])
                            if failures:
                                raise failures[0]
                        except Exception as error:
                            status, retry_after = _status_of(error)
                            if status is None:
                                raise
                            raise DeliveryError(status, retry_after) from error
        except DeliveryError as error:
            return GONE if error.status in GONE_STATUSES else FAILED
        except Exception:
            log.exception("Teams delivery to %s failed", conversation_id)
            return FAILED
        return SENT

    async def _webex(self, room_id: str, reply: Reply) -> str:
        client = self.app.get(webex.WEBEX_CLIENT)
        if client is None:
            log.error("Webex is not configured; cannot send to %s", room_id)
            return FAILED
        try:
            async with self.overall:
                await webex.send_reply(client, reply, room_id=room_id)
        except WebexError as error:
            return GONE if error.status in GONE_STATUSES else FAILED
        return SENT
