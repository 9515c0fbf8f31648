"""The Webex REST client: authenticated calls with timeouts, retries and one error type.

`WebexClient` is a thin layer over `aiohttp.ClientSession` that returns the API's JSON
objects as dicts. Every call has a timeout. A 429 waits the `Retry-After` the API asks
for (capped), a 5xx, a timeout or a broken connection backs off exponentially, and after
a bounded number of attempts the call raises `WebexError` with the last status. Other
4xx answers are final at once. The token goes only into the `Authorization` header; no
log line or error message here contains it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable
from urllib.parse import quote

import aiohttp
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=20, connect=5, sock_read=15)
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    """How hard a call tries: attempts in all, exponential backoff and the Retry-After cap."""

    attempts: int = 5
    backoff: float = 0.5
    backoff_max: float = 8.0
    retry_after_max: float = 60.0

    def backoff_for(self, attempt: int) -> float:
        """The wait after failed attempt number `attempt` (1-based) without a Retry-After."""
        return min(self.backoff * 2 ** (attempt - 1), self.backoff_max)


class WebexError(Exception):
    """A Webex call that failed for good; `status` is None when no answer came back."""

    def __init__(self, status: int | None, message: str, *, retryable: bool = False,
                 retry_after: float | None = None) -> None:
        super().__init__(f"Webex API {status or 'no answer'}: {message}")
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after


class WebexClient:
    """Calls the Webex REST API at `api_url` (e.g. https://webexapis.com/v1) as the bot."""

    def __init__(self, api_url: str, token: str, session: aiohttp.ClientSession, *,
                 retry: RetryPolicy = RetryPolicy(), timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
                 sleep: Sleep = asyncio.sleep) -> None:
        self.api_url = api_url.rstrip("/")
        self.retry = retry
        self.timeout = timeout
        self._session = session
        self._headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        # Injectable so tests can see the waits without spending them.
        self._sleep = sleep

    def __repr__(self) -> str:
        return f"WebexClient({self.api_url!r})"

    async def me(self) -> dict[str, Any]:
        """The bot's own person: id, emails, displayName."""
        return await self.request("GET", "people/me")

    async def get_message(self, message_id: str) -> dict[str, Any]:
        return await self.request("GET", f"messages/{_segment(message_id)}")

    async def get_attachment_action(self, action_id: str) -> dict[str, Any]:
        return await self.request("GET", f"attachment/actions/{_segment(action_id)}")

    async def send_message(self, room_id: str | None = None, person_id: str | None = None, *,
                           markdown: str, attachments: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """Post `markdown` (and cards) to a room, or directly to a person; exactly one target."""
        if (room_id is None) == (person_id is None):
            raise ValueError("send_message needs exactly one of room_id and person_id")
        payload: dict[str, Any] = {"roomId": room_id} if room_id is not None else {"toPersonId": person_id}
        payload["markdown"] = markdown
        if attachments:
            payload["attachments"] = attachments
        return await self.request("POST", "messages", json=payload)

    async def request(self, method: str, path: str, *, json: dict[str, Any] | None = None) -> dict[str, Any]:
        """One API call with retries; the answer's JSON object ({} for an empty answer).

        Raises WebexError when the call fails for good.
        """
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.retry.attempts),
            wait=self._wait,
            retry=retry_if_exception(lambda error: isinstance(error, WebexError) and error.retryable),
            before_sleep=lambda state: _log_retry(method, path, state),
            sleep=self._sleep,
            reraise=True,
        )
        return await retrying(self._once, method, path, json)

    async def _once(self, method: str, path: str, payload: dict[str, Any] | None) -> dict[str, Any]:
        url = f"{self.api_url}/{path}"
        try:
            async with self._session.request(method, url, json=payload, headers=self._headers,
                                             timeout=self.timeout) as response:
                if response.status == 429:
                    raise WebexError(429, "rate limited", retryable=True,
                                     retry_after=_seconds(response.headers.get("Retry-After")))
                if response.status >= 500:
                    raise WebexError(response.status, await _reason(response), retryable=True)
                if response.status >= 400:
                    raise WebexError(response.status, await _reason(response))
                body = await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as error:
            # Connection trouble is worth another try; the error's text never holds the token.
            raise WebexError(None, type(error).__name__, retryable=True) from error
        if not body.strip():
            return {}
        try:
            data = json.loads(body)
        except ValueError as error:
            raise WebexError(status, "the answer is not JSON") from error
        if not isinstance(data, dict):
            raise WebexError(status, "the answer is not a JSON object")
        return data

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, WebexError) and error.retry_after is not None:
            return min(error.retry_after, self.retry.retry_after_max)
        return self.retry.backoff_for(state.attempt_number)


def _segment(value: str) -> str:
    # Ids come from webhook bodies; quoting keeps one id one path segment.
    return quote(value, safe="")


def _seconds(value: str | None) -> float | None:
    """Retry-After in seconds; None when absent or not a number (then backoff applies)."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return max(seconds, 0.0) if seconds == seconds else None  # NaN is not a wait


async def _reason(response: aiohttp.ClientResponse) -> str:
    """The API's own message and tracking id, short; these help support and hold no secret."""
    try:
        data = json.loads(await response.read())
    except (ValueError, aiohttp.ClientError):
        return response.reason or "error"
    if not isinstance(data, dict):
        return response.reason or "error"
    message = str(data.get("message") or response.reason or "error")[:200]
    tracking = data.get("trackingId")
    return f"{message} (trackingId {tracking})" if tracking else message


def _log_retry(method: str, path: str, state: RetryCallState) -> None:
    error = state.outcome.exception() if state.outcome else None
    wait = state.next_action.sleep if state.next_action else 0.0
    log.warning("webex %s %s failed (%s), attempt %d; retrying in %.1f s",
                method, path, error, state.attempt_number, wait)
