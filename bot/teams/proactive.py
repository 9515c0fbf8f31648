"""Sending to Teams without being asked: reindex reports and digests.

A send goes proactively through `continue_conversation` with the stored
ConversationReference and the bot's app id, at most 7 a second per conversation and 30 a
second in all, and 429, 412, 502, 503 and 504 are retried with backoff (honouring
Retry-After) a bounded number of times. A 403 or 404 means the bot was removed from that
conversation: the digest marks it gone.
"""

from __future__ import annotations

import logging
from typing import Any

from aiolimiter import AsyncLimiter
from botbuilder.core import BotAdapter, TurnContext
from botbuilder.schema import ConversationReference
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt, wait_exponential

from bot.teams.render import reply_activities
from handlers.channels import FAILED, GONE, GONE_STATUSES, SENT
from handlers.messages import Reply

log = logging.getLogger(__name__)

RETRY_STATUSES = {412, 429, 502, 503, 504}
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


class TeamsSender:
    """The Teams channel's `send`: one reply, paced and retried, into a stored conversation."""

    def __init__(self, adapter: BotAdapter, app_id: str, attempts: int = ATTEMPTS,
                 per_conversation: float = PER_CONVERSATION_RATE, overall: float = OVERALL_RATE) -> None:
        self.adapter = adapter
        self.app_id = app_id
        self.attempts = attempts
        self.per_conversation = per_conversation
        # One token refilled every 1/rate seconds: aiolimiter's bucket would otherwise let a
        # full second's worth through at once on top of the steady rate, and Teams counts
        # any one-second window.
        self.overall = AsyncLimiter(1, 1 / overall)
        self.limiters: dict[str, AsyncLimiter] = {}

    def _limiter(self, conversation_id: str) -> AsyncLimiter:
        limiter = self.limiters.get(conversation_id)
        if limiter is None:
            limiter = self.limiters[conversation_id] = AsyncLimiter(1, 1 / self.per_conversation)
        return limiter

    async def send(self, conversation_id: str, address: dict[str, Any], reply: Reply) -> str:
        """SENT, GONE (the bot was removed from the conversation) or FAILED."""
        if not address:
            log.error("no Teams conversation reference for %s", conversation_id)
            return FAILED
        reference = ConversationReference().deserialize(address)
        activities = reply_activities(reply)
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
                            await self.adapter.continue_conversation(reference, callback, self.app_id)
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
