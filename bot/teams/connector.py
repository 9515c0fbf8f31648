"""How the Teams channel checks tokens and reaches the Bot Connector without holding up the
server: the parts of botbuilder 4.17.1 that would wait on the network on the event loop,
replaced.

- `SigningKeys`: botbuilder downloads the token signing keys with `requests.get`, with no
  timeout, on the event loop. Here the download runs in a worker thread with a timeout,
  one at a time, and after a failure the next one waits `KEY_RETRY_PAUSE` seconds.
- `ReusingAuthentication`: botbuilder makes a new connector client, with new credentials
  and a new HTTP session, for every activity and every proactive send. So every reply
  opened a new connection (a TLS handshake to the Bot Connector), and with authentication
  on, the new credentials' empty token cache made every reply fetch an AAD token first,
  synchronously, on the event loop. Here one client per service URL and audience is kept:
  its credentials keep the token, which is renewed in a worker thread before msrest asks
  for it, and it sends through one shared aiohttp session (`AiohttpSender`) instead of
  `requests` in the event loop's executor, which held one thread per send in flight. A
  send the Bot Connector refuses for the moment (429, 5xx) is retried a bounded number of
  times, as before.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import OrderedDict
from datetime import datetime
from typing import Any, Callable

import aiohttp
import requests
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import AuthenticateRequestResult, ClaimsIdentity, ConnectorFactory
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor, _OpenIdMetadata
from msrest.pipeline import AsyncHTTPSender, AsyncPipeline, Request, Response, SansIOHTTPPolicy
from msrest.pipeline.universal import RawDeserializer
from msrest.universal_http.async_abc import AsyncClientResponse
from msrest.universal_http.requests import ClientRetryPolicy

log = logging.getLogger(__name__)

# botbuilder still builds a user token client for every activity, and msrest's retry policy
# then lists the status codes to retry by testing each of 999 codes for membership in a
# 502-item list: 5 ms of CPU each time, on the event loop. From a set it takes microseconds
# and gives the same codes. (msrest is no longer developed; `safe_codes` is read nowhere else.)
ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)

# The signing keys: how long one download may take, and how long to wait after a failed one.
KEY_TIMEOUT = 10.0
KEY_RETRY_PAUSE = 30.0
# Connector clients kept (one per service URL and audience; Teams uses a handful).
CONNECTORS_KEPT = 32
# One send to the Bot Connector (msrest allowed 100 s through requests).
SEND_TIMEOUT = aiohttp.ClientTimeout(total=30, connect=10)
# A send the Bot Connector refuses with 429 or a 5xx, or that finds no connection, is tried
# again, as msrest's requests session did (3 more times): after SEND_BACKOFF, doubling, or
# the Retry-After asked for, up to RETRY_AFTER_MAX. A send that timed out is not: the
# Bot Connector may have taken it, and a second one would show twice.
SEND_ATTEMPTS = 4
SEND_BACKOFF = 0.25
RETRY_AFTER_MAX = 5.0


class KeysUnavailable(OSError):
    """The signing keys could not be downloaded: the server's trouble, not the caller's."""


class SigningKeys(_OpenIdMetadata):
    """botbuilder's cache of the signing keys behind one OpenID metadata URL.

    While the keys cannot be downloaded, a token that needs them fails at once with
    KeysUnavailable instead of holding every request (and the event loop) on a download
    without a timeout, and after a failure not every request starts a new download.
    """

    def __init__(self, url: str, timeout: float = KEY_TIMEOUT, retry_pause: float = KEY_RETRY_PAUSE) -> None:
        super().__init__(url)
        self.timeout = timeout
        self.retry_pause = retry_pause
        self._lock = threading.Lock()
        self._failed_at: float | None = None

    @classmethod
    def install(cls, urls: tuple[str, ...]) -> None:
        """Put a `SigningKeys` in botbuilder's process-wide cache for each URL."""
        for url in urls:
            if not isinstance(JwtTokenExtractor.metadataCache.get(url), cls):
                JwtTokenExtractor.metadataCache[url] = cls(url)

    async def _refresh(self) -> None:
        await asyncio.to_thread(self._download)

    def _download(self) -> None:
        with self._lock:
            started = datetime.now()
            if self._failed_at is not None and time.monotonic() - self._failed_at < self.retry_pause:
                raise KeysUnavailable(f"the last download of the signing keys failed: {self.url}")
            try:
                metadata = requests.get(self.url, timeout=self.timeout)
                metadata.raise_for_status()
                answer = requests.get(metadata.json()["jwks_uri"], timeout=self.timeout)
                answer.raise_for_status()
                keys = answer.json()["keys"]
            except (requests.RequestException, ValueError, KeyError, TypeError) as error:
                self._failed_at = time.monotonic()
                raise KeysUnavailable(f"the signing keys could not be downloaded ({type(error).__name__}): "
                                      f"{self.url}") from error
            self._failed_at = None
            self.keys, self.last_updated = keys, started


class _Answer(AsyncClientResponse):
    """An aiohttp answer, read whole, in the shape msrest's pipeline reads."""

    def __init__(self, request: Any, answer: aiohttp.ClientResponse, body: bytes) -> None:
        super().__init__(request, answer)
        self.status_code = answer.status
        self.headers = answer.headers
        self.reason = answer.reason
        self._body = body

    def body(self) -> bytes:
        return self._body


class AiohttpSender(AsyncHTTPSender):
    """msrest's last pipeline step, sending with an aiohttp session on the event loop."""

    def __init__(self, session: Callable[[], aiohttp.ClientSession]) -> None:
        self.session = session

    async def __aenter__(self) -> "AiohttpSender":
        return self

    async def __aexit__(self, *details: Any) -> None:
        return None

    async def send(self, request: Request, **config: Any) -> Response:
        http = request.http_request
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                async with self.session().request(http.method, http.url, headers=http.headers, data=http.data,
                                                  timeout=SEND_TIMEOUT) as answer:
                    body = await answer.read()
            except aiohttp.ClientConnectionError as error:
                if attempt == SEND_ATTEMPTS or isinstance(error, aiohttp.ServerTimeoutError):
                    raise
                log.warning("Teams send failed (%s), attempt %d; trying again", type(error).__name__, attempt)
                await asyncio.sleep(SEND_BACKOFF * 2 ** (attempt - 1))
                continue
            if (answer.status == 429 or answer.status >= 500) and attempt < SEND_ATTEMPTS:
                wait = _retry_after(answer.headers.get("Retry-After"), SEND_BACKOFF * 2 ** (attempt - 1))
                log.warning("Teams send answered %d, attempt %d; trying again in %.2f s", answer.status, attempt, wait)
                await asyncio.sleep(wait)
                continue
            return Response(request, _Answer(http, answer, body))
        raise AssertionError("unreachable")


def _retry_after(value: str | None, default: float) -> float:
    try:
        seconds = float(value) if value is not None else default
    except ValueError:
        return default
    return min(max(seconds, 0.0), RETRY_AFTER_MAX) if seconds == seconds else default


class _BearerToken(SansIOHTTPPolicy):
    """Puts the app's token on each request (none when authentication is off)."""

    def __init__(self, credentials: Any) -> None:
        self.credentials = credentials

    def on_request(self, request: Request, **kwargs: Any) -> None:
        if getattr(self.credentials, "microsoft_app_id", ""):
            # A cache hit: `_ReusedConnectors.create` renewed it in a thread just before.
            request.http_request.headers["Authorization"] = f"Bearer {self.credentials.get_access_token()}"


def send_with_aiohttp(client: ConnectorClient, session: Callable[[], aiohttp.ClientSession]) -> None:
    """Make `client` send through `session` instead of `requests` in the executor."""
    config = client.config
    config.pipeline = AsyncPipeline(
        [config.user_agent_policy, _BearerToken(config.credentials), RawDeserializer(), config.http_logger_policy],
        AiohttpSender(session),
    )


class _ReusedConnectors(ConnectorFactory):
    """A connector factory that hands out the client it made before for the same target."""

    def __init__(self, inner: ConnectorFactory, owner: "ReusingAuthentication") -> None:
        self.inner = inner
        self.owner = owner

    async def create(self, service_url: str, audience: str = None) -> ConnectorClient:
        clients = self.owner.clients
        key = (getattr(self.inner, "_app_id", ""), service_url, audience)
        client = clients.get(key)
        if client is None:
            client = await self.inner.create(service_url, audience)
            send_with_aiohttp(client, self.owner.http)
            clients[key] = client
            while len(clients) > CONNECTORS_KEPT:
                clients.popitem(last=False)
        else:
            clients.move_to_end(key)
        credentials = client.config.credentials
        if getattr(credentials, "microsoft_app_id", ""):
            # The pipeline asks for the token synchronously; getting it here in a thread
            # first means that call finds it in msal's cache.
            await asyncio.to_thread(credentials.get_access_token)
        return client


class ReusingAuthentication(ConfigurationBotFrameworkAuthentication):
    """botbuilder's authentication, handing out kept connector clients (see the module)."""

    def __init__(self, config: Any) -> None:
        super().__init__(config)
        self.clients: OrderedDict[tuple, ConnectorClient] = OrderedDict()
        self._session: aiohttp.ClientSession | None = None

    def http(self) -> aiohttp.ClientSession:
        """The session every kept client sends through, made on first use."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(trust_env=True)
        return self._session

    async def close(self) -> None:
        """Close the shared session (at the server's shutdown)."""
        self.clients.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        result = await super().authenticate_request(activity, auth_header)
        if result.connector_factory is not None:
            result.connector_factory = _ReusedConnectors(result.connector_factory, self)
        return result

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return _ReusedConnectors(super().create_connector_factory(claims_identity), self)
