"""The Teams channel's own way to the Bot Connector and to the signing keys: regressions for
the parts of botbuilder 4.17.1 that held up the whole server while they waited."""

from __future__ import annotations

import asyncio
import threading

import pytest
import requests
from botframework.connector.auth import AuthenticationConstants
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor
from msrest.universal_http.requests import ClientRetryPolicy

from bot.server import create_app
from bot.settings import Settings
from bot.teams import connector as teams_connector
from bot.teams.channel import TEAMS_ADAPTER
from bot.teams.connector import KEY_TIMEOUT, SigningKeys
from knowledge.index.live import LiveIndex
from tests.fakes.connector import FakeConnector
from tools.payloads import teams_message

QUESTION = "hvad besluttede direktionen om Hændelseslog?"
APP_ID = "00000000-0000-4000-8000-00000000c0de"
CHANNEL_KEYS = AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
# A token with the Bot Framework's issuer: enough to make botbuilder want the keys.
BOT_FRAMEWORK_TOKEN = ("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiSldUIn0."
                       "eyJpc3MiOiJodHRwczovL2FwaS5ib3RmcmFtZXdvcmsuY29tIiwiYXVkIjoieCJ9.c2ln")


class PeerRecordingConnector(FakeConnector):
    """The fake Bot Connector, also noting which client port each post came from."""

    def __init__(self) -> None:
        super().__init__()
        self.peers: list[int] = []

    async def _post(self, request):
        self.peers.append(request.transport.get_extra_info("peername")[1])
        return await super()._post(request)


@pytest.fixture
async def connector(aiohttp_server) -> PeerRecordingConnector:
    fake = PeerRecordingConnector()
    fake.url = str((await aiohttp_server(fake.app(), host="127.0.0.1")).make_url("/"))
    return fake


@pytest.fixture
def serve(aiohttp_client, sample_index, tmp_path):
    async def start(**settings):
        settings = {"teams_noauth": "local"} | settings if not settings.get("app_id") else settings
        app = create_app(Settings(data_dir=tmp_path, **settings), live=LiveIndex(None, sample_index))
        return await aiohttp_client(app)

    return start


def activity(service_url: str, number: int) -> dict:
    return teams_message(service_url, QUESTION, who="anne", activity_id=f"m{number}")


def test_msrest_retry_codes_are_unchanged_by_the_speed_fix():
    # Regression: msrest worked these out with 999 list look-ups for every connector and user
    # token client, 11 ms of the event loop's time per Teams message.
    safe = [code for code in range(500) if code != 408] + [501, 505]
    expected = [code for code in range(999) if code not in safe]
    assert ClientRetryPolicy().policy.status_forcelist == expected


async def test_replies_reuse_one_connector_client_and_connection(serve, connector, monkeypatch):
    # Regression: botbuilder made a new connector client for every activity, and with it a new
    # HTTP session: a new connection (a TLS handshake in production) for every reply, sent with
    # `requests` in a thread of the event loop's executor.
    def no_requests(*args, **kwargs):
        raise AssertionError("a reply went through requests")

    monkeypatch.setattr(requests.Session, "request", no_requests)
    client = await serve()
    for number in range(3):
        assert (await client.post("/api/messages", json=activity(connector.url, number))).status == 201
    assert [posted.type for posted in connector.posted] == ["typing", "message"] * 3
    assert len(set(connector.peers)) == 1
    authentication = client.server.app[TEAMS_ADAPTER].bot_framework_authentication
    assert len(authentication.clients) == 1
    await client.close()
    assert authentication._session is None and authentication.clients == {}


async def test_a_slow_key_download_does_not_hold_up_other_requests(serve, connector, monkeypatch):
    # Regression: botbuilder downloaded the signing keys with requests.get, without a
    # timeout, on the event loop: while the download hung, so did every other request.
    release, started, timeouts = threading.Event(), threading.Event(), []

    def hanging_download(url, **kwargs):
        timeouts.append(kwargs.get("timeout"))
        started.set()
        release.wait(10)
        raise requests.ConnectionError("key service unreachable")

    monkeypatch.setattr(teams_connector.requests, "get", hanging_download)
    monkeypatch.setitem(JwtTokenExtractor.metadataCache, CHANNEL_KEYS, SigningKeys(CHANNEL_KEYS))
    client = await serve(app_id=APP_ID, app_password="pw", app_tenant_id="t")
    teams = asyncio.create_task(client.post("/api/messages", json=activity(connector.url, 1),
                                            headers={"Authorization": f"Bearer {BOT_FRAMEWORK_TOKEN}"}))
    assert await asyncio.to_thread(started.wait, 10)
    health = await asyncio.wait_for(client.get("/healthz"), 10)
    assert health.status == 200 and not teams.done()
    release.set()
    assert (await asyncio.wait_for(teams, 10)).status == 401
    assert timeouts == [KEY_TIMEOUT]
    assert connector.posted == []


async def test_after_a_failed_key_download_the_next_requests_do_not_download_again(serve, connector, monkeypatch):
    # Regression: after a failed download botbuilder tried again for every request.
    downloads = []

    def failing_download(url, **kwargs):
        downloads.append(url)
        raise requests.ConnectionError("key service unreachable")

    monkeypatch.setattr(teams_connector.requests, "get", failing_download)
    monkeypatch.setitem(JwtTokenExtractor.metadataCache, CHANNEL_KEYS, SigningKeys(CHANNEL_KEYS))
    client = await serve(app_id=APP_ID, app_password="pw", app_tenant_id="t")
    statuses = [(await client.post("/api/messages", json=activity(connector.url, number),
                                   headers={"Authorization": f"Bearer {BOT_FRAMEWORK_TOKEN}"})).status
                for number in range(3)]
    assert statuses == [401, 401, 401]
    assert downloads == [CHANNEL_KEYS]


def test_signing_keys_replace_botbuilders_cache_entry_once(monkeypatch):
    monkeypatch.setitem(JwtTokenExtractor.metadataCache, CHANNEL_KEYS, object())
    SigningKeys.install((CHANNEL_KEYS,))
    installed = JwtTokenExtractor.metadataCache[CHANNEL_KEYS]
    SigningKeys.install((CHANNEL_KEYS,))
    assert isinstance(installed, SigningKeys) and JwtTokenExtractor.metadataCache[CHANNEL_KEYS] is installed
