"""GETs against one agenda portal, politely: the limits a sync keeps to, and the retries.

A few requests at a time at a bounded rate, retries with growing waits on 429, 5xx, a
dropped connection or a timeout, a timeout and a size limit per response. Everything else
(4xx, a response over the size limit, retries used up) is a `SyncFailed` with its code.
Split out of `knowledge.sync`, which decides what to fetch and where it goes.
"""

from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp
from aiolimiter import AsyncLimiter
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from knowledge.errors import SyncFailed

USER_AGENT = "beslutningsbot/0.1 (agenda portal sync)"


@dataclass(frozen=True)
class SyncLimits:
    """How hard the sync may press a portal. The defaults keep to a few requests at a time,
    as a person clicking through the portal in a few tabs would."""

    concurrency: int = 3
    per_second: float = 5.0
    timeout: float = 30.0  # seconds for one whole response, however slowly it trickles
    max_bytes: int = 25 * 1024 * 1024  # Greve's largest meeting is 0.6 MB; a budget meeting 5 MB
    attempts: int = 4
    backoff: float = 1.0  # seconds before the first retry, doubled for each next one
    max_backoff: float = 30.0


class _Transient(Exception):
    """A failure worth another try: 429, 5xx, a dropped connection, a timeout."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def portal_session(base: str) -> aiohttp.ClientSession:
    """A session for the portal at `base`, keeping the cookies it hands out."""
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json, text/html;q=0.5"}
    return aiohttp.ClientSession(cookie_jar=_cookie_jar(base), headers=headers)


def _cookie_jar(base: str) -> aiohttp.CookieJar:
    # aiohttp's jar drops cookies from hosts given as IP addresses unless it is "unsafe";
    # portals have names, stand-ins and intranet mirrors often have addresses.
    host = urlsplit(base).hostname or ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return aiohttp.CookieJar()
    return aiohttp.CookieJar(unsafe=True)


class PortalClient:
    """GETs against one portal with the limits applied."""

    def __init__(self, session: aiohttp.ClientSession, base: str, limits: SyncLimits) -> None:
        self.session = session
        self.base = base
        self.limits = limits
        self.slots = asyncio.Semaphore(limits.concurrency)
        self.rate = AsyncLimiter(max(limits.per_second, 0.001), 1.0)
        self.requests = 0

    async def get(self, path: str) -> bytes:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.limits.attempts),
            wait=wait_exponential(multiplier=self.limits.backoff, max=self.limits.max_backoff),
            retry=retry_if_exception_type(_Transient),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._once(path)
        except _Transient as error:
            raise SyncFailed(error.code, error.detail) from error
        raise AssertionError("unreachable")

    async def _once(self, path: str) -> bytes:
        url = self.base + path
        async with self.slots:
            await self.rate.acquire()
            self.requests += 1
            try:
                timeout = aiohttp.ClientTimeout(total=self.limits.timeout)
                async with self.session.get(url, timeout=timeout, allow_redirects=True) as response:
                    if response.status == 429 or response.status >= 500:
                        raise _Transient("http", f"{response.status} {path}")
                    if response.status >= 400:
                        raise SyncFailed("http", f"{response.status} {path}")
                    if (response.content_length or 0) > self.limits.max_bytes:
                        raise SyncFailed("too_large", path)
                    body = bytearray()
                    async for chunk in response.content.iter_chunked(1 << 16):
                        body += chunk
                        if len(body) > self.limits.max_bytes:
                            raise SyncFailed("too_large", path)
                    return bytes(body)
            except asyncio.TimeoutError as error:
                raise _Transient("timeout", path) from error
            except aiohttp.ClientError as error:
                raise _Transient("unreachable", f"{path}: {type(error).__name__}") from error
