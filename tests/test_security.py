"""Who gets in, and what the bot never writes down.

The server is the real `create_app`, Teams talks to a fake Bot Connector and Webex to a fake
Webex API, both on 127.0.0.1. No test here may reach the internet: host names other than
loopback are refused at `socket.getaddrinfo` for the whole run (`tests/conftest.py`), and
the names asked for are recorded (`looked_up`) so a test can say none was.
Bot Framework tokens are signed with keys made here and put in botbuilder's key cache, as
after a real download. What the bot repeats is in test_repeated_text.py, what it never shows
of a closed item in test_closed_items.py; both use the server and the guard here.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import threading
import time
from datetime import datetime

import jwt
import pytest
from botframework.connector.auth import AuthenticationConstants, microsoft_app_credentials
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bot import cli
from bot.logs import secret_filter
from bot.server import COLLABORATORS, create_app
from bot.settings import Settings, SettingsError
from bot.teams.channel import TEAMS_ADAPTER
from bot.teams.connector import SigningKeys
from bot.webex.channel import WEBEX_BOT, WEBEX_RETRY
from bot.webex.client import RetryPolicy
from handlers import texts
from handlers.conversation import COMMANDS
from knowledge.index.build import build_index
from knowledge.index.live import LiveIndex
from knowledge.paths import SAMPLES_DIR
from tests.fakes.connector import FakeConnector
from tests.fakes.webex_api import FakeWebex
from tools.payloads import message_webhook, signed_webhook, teams_message, webex_signature

APP_ID = "00000000-0000-4000-8000-0000000a11ce"
TENANT = "tenant-1"
APP_PASSWORD = "app-password-Zq9!x7"
WEBEX_TOKEN = "webex-token-Kd82hs"
WEBHOOK_SECRET = "webhook-secret-Lp03mq"
SECRETS = (APP_PASSWORD, WEBEX_TOKEN, WEBHOOK_SECRET)
ADMIN_AAD, ADMIN_EMAIL = "aad-admin", "admin@kommune.dk"
QUICK = RetryPolicy(attempts=4, backoff=0.001, backoff_max=0.01, retry_after_max=0.05)
CHANNEL_KEYS = AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
BOT_FRAMEWORK = "https://api.botframework.com"
GUARD = 10.0  # seconds a request may take before the test calls it hanging

TRUSTED = rsa.generate_private_key(public_exponent=65537, key_size=2048)
STRANGER = rsa.generate_private_key(public_exponent=65537, key_size=2048)


# --- Bot Framework tokens -----------------------------------------------------------------------


def jwk(key: rsa.RSAPrivateKey, kid: str) -> dict:
    public = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    return public | {"kid": kid, "use": "sig", "endorsements": ["msteams"]}


@pytest.fixture
def trusted_keys(monkeypatch) -> SigningKeys:
    """botbuilder's key cache for Bot Framework tokens, holding our "Microsoft" key."""
    keys = SigningKeys(CHANNEL_KEYS)
    keys.keys, keys.last_updated = [jwk(TRUSTED, "bf-key-1")], datetime.now()
    monkeypatch.setitem(JwtTokenExtractor.metadataCache, CHANNEL_KEYS, keys)
    return keys


def token(service_url: str, *, key: rsa.RSAPrivateKey = TRUSTED, kid: str = "bf-key-1", **claims) -> str:
    now = int(time.time())
    body = {"iss": BOT_FRAMEWORK, "aud": APP_ID, "serviceurl": service_url,
            "nbf": now - 60, "iat": now - 60, "exp": now + 3600} | claims
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid})


class FakeMsal:
    """msal's ConfidentialClientApplication without AAD: hands out a token, remembers where."""

    made: list["FakeMsal"] = []

    def __init__(self, client_id: str, client_credential: str, authority: str) -> None:
        self.fetched_on_loop_thread: list[bool] = []
        self.token: str | None = None
        FakeMsal.made.append(self)

    def acquire_token_silent(self, scopes, account=None):
        return {"access_token": self.token} if self.token else None

    def acquire_token_for_client(self, scopes):
        self.fetched_on_loop_thread.append(threading.current_thread() is threading.main_thread())
        self.token = "outbound-token"
        return {"access_token": self.token, "expires_in": 3600}


# --- the server with its fakes ---------------------------------------------------------------------


def teams_activity(service_url: str, text: str, who: str = "ulla", personal: bool = True, name: str = "") -> dict:
    return teams_message(service_url, text, who=who, name=name or None, chat="personal" if personal else "groupChat",
                         conversation=f"a:{who}-{'personal' if personal else 'group'}", tenant=TENANT)


def signed(payload, secret: str = WEBHOOK_SECRET) -> tuple[bytes, dict[str, str]]:
    return signed_webhook(payload, secret)


class Server:
    """`create_app` with a fake Bot Connector, a fake Webex API and a data folder."""

    def __init__(self, client, connector: FakeConnector, webex: FakeWebex) -> None:
        self.client, self.connector, self.webex = client, connector, webex

    @property
    def app(self):
        return self.client.server.app

    async def teams(self, text: str, *, auth: str | None = None, **who) -> int:
        activity = teams_activity(self.connector.url, text, **who)
        headers = {"Authorization": auth} if auth is not None else {}
        response = await asyncio.wait_for(self.client.post("/api/messages", json=activity, headers=headers), GUARD)
        return response.status

    def teams_replies(self) -> list[dict]:
        return [posted.body for posted in self.connector.of_type("message")]

    async def webex_say(self, text: str, *, email: str = "ulla@kommune.dk", room: str = "room-ulla",
                        room_type: str = "direct", **claims) -> int:
        message = self.webex.add_message(text, room_id=room, room_type=room_type, person_id=f"person-{email}",
                                         person_email=email)
        body, headers = signed(message_webhook(message, **claims))
        response = await self.client.post("/api/webex", data=body, headers=headers)
        if response.status == 200:
            await asyncio.wait_for(self.app[WEBEX_BOT].drain(), GUARD)
        return response.status

    def webex_replies(self, room: str) -> list[str]:
        return [sent["markdown"] for sent in self.webex.sent if sent.get("roomId") == room]


@pytest.fixture
async def start(aiohttp_client, aiohttp_server, tmp_path):
    async def start(**overrides) -> Server:
        connector = FakeConnector()
        connector.url = str((await aiohttp_server(connector.app(), host="127.0.0.1")).make_url("/"))
        webex = FakeWebex(token=WEBEX_TOKEN)
        webex.server = await aiohttp_server(webex.app(), host="127.0.0.1")
        local = {} if overrides.get("app_id") else {"teams_noauth": "local"}
        settings = Settings(data_dir=tmp_path / "data", admins=(ADMIN_AAD, ADMIN_EMAIL),
                            webex_token=WEBEX_TOKEN, webex_secret=WEBHOOK_SECRET,
                            webex_api_url=str(webex.make_url("/v1")), **(local | overrides))
        build_index([SAMPLES_DIR], settings.store_path)
        app = create_app(settings, live=LiveIndex.open(settings.store_path))
        app[WEBEX_RETRY] = QUICK
        return Server(await aiohttp_client(app), connector, webex)

    return start


def with_auth() -> dict:
    return {"app_id": APP_ID, "app_password": APP_PASSWORD, "app_tenant_id": TENANT}


# --- Teams: who gets in --------------------------------------------------------------------------


@pytest.mark.parametrize("authorization", [None, "", "Bearer", "Bearer x.y", "Basic dXNlcjpwdw=="],
                         ids=["none", "empty", "no-token", "not-a-jwt", "basic"])
async def test_teams_without_a_token_is_401(start, trusted_keys, looked_up, authorization):
    server = await start(**with_auth())
    assert await server.teams("status", auth=authorization) == 401
    assert server.connector.posted == [] and looked_up == []


async def test_teams_token_signed_by_an_unknown_key_is_401(start, trusted_keys, looked_up):
    server = await start(**with_auth())
    forged = token(server.connector.url, key=STRANGER)  # the right key id, the wrong key
    unknown = token(server.connector.url, key=STRANGER, kid="attacker-key")
    assert await server.teams("status", auth=f"Bearer {forged}") == 401
    assert await server.teams("status", auth=f"Bearer {unknown}") == 401
    assert server.connector.posted == [] and looked_up == []


@pytest.mark.parametrize("claims", [
    {"aud": "11111111-2222-3333-4444-555555555555"},
    {"serviceurl": "https://smba.trafficmanager.net/other/"},
    {"iss": "https://sts.windows.net/attacker/"},
    {"exp": int(time.time()) - 3600, "nbf": int(time.time()) - 7200},
], ids=["another-audience", "another-service-url", "another-issuer", "expired"])
async def test_teams_token_for_someone_else_is_401(start, trusted_keys, looked_up, claims):
    server = await start(**with_auth())
    assert await server.teams("status", auth=f"Bearer {token(server.connector.url, **claims)}") == 401
    assert server.connector.posted == [] and looked_up == []


async def test_teams_token_from_the_bot_framework_is_answered(start, trusted_keys, looked_up, monkeypatch):
    # The control for the refusals above: the same keys let a right token in.
    monkeypatch.setattr(microsoft_app_credentials, "ConfidentialClientApplication", FakeMsal)
    server = await start(**with_auth())
    assert await server.teams("hvad besluttede direktionen om Hændelseslog?",
                              auth=f"Bearer {token(server.connector.url)}") == 201
    [reply] = server.teams_replies()
    assert "Hændelseslog" in json.dumps(reply, ensure_ascii=False)
    assert {posted.authorization for posted in server.connector.posted} == {"Bearer outbound-token"}
    assert looked_up == []


async def test_teams_outbound_token_is_fetched_once_and_off_the_event_loop(start, trusted_keys, monkeypatch):
    # Regression: botbuilder made new credentials for every activity, so every reply fetched a
    # new AAD token, synchronously, on the event loop.
    FakeMsal.made.clear()
    monkeypatch.setattr(microsoft_app_credentials, "ConfidentialClientApplication", FakeMsal)
    server = await start(**with_auth())
    for _ in range(3):
        assert await server.teams("hvad besluttede direktionen om Hændelseslog?",
                                  auth=f"Bearer {token(server.connector.url)}") == 201
    fetches = [on_loop for app in FakeMsal.made for on_loop in app.fetched_on_loop_thread]
    assert fetches == [False]
    assert len(server.teams_replies()) == 3


async def test_teams_without_downloadable_keys_is_refused_fast_without_the_internet(start, looked_up, monkeypatch):
    # No keys in the cache and none to be had: botbuilder would download them with no
    # timeout, on the event loop. The download is refused at the network layer here; the
    # answer must come at once, and the next request must not try again straight away.
    monkeypatch.setitem(JwtTokenExtractor.metadataCache, CHANNEL_KEYS, SigningKeys(CHANNEL_KEYS))
    server = await start(**with_auth())
    bearer = f"Bearer {token(server.connector.url)}"
    assert await server.teams("status", auth=bearer) == 401
    assert await server.teams("status", auth=bearer) == 401
    assert looked_up == ["login.botframework.com"]
    assert server.connector.posted == []


# --- Webex: who gets in --------------------------------------------------------------------------


@pytest.mark.parametrize("signature", [None, "", "0" * 40, "not-hex-æøå",
                                       webex_signature(b"{}", "other-secret")],
                         ids=["missing", "empty", "zeros", "garbage", "other-secret"])
async def test_webex_webhook_without_the_right_signature_is_401_and_calls_nothing(start, signature):
    server = await start()
    message = server.webex.add_message("status", person_email=ADMIN_EMAIL)
    headers = {"Content-Type": "application/json"} | ({"X-Spark-Signature": signature} if signature is not None else {})
    response = await server.client.post("/api/webex", data=json.dumps(message_webhook(message)).encode(),
                                        headers=headers)
    assert response.status == 401
    await asyncio.sleep(0.05)  # a wrongly started event would have called the API by now
    assert server.webex.calls == []


async def test_webex_signature_of_other_bytes_is_401(start):
    server = await start()
    message = server.webex.add_message("status", person_email=ADMIN_EMAIL)
    _, headers = signed(message_webhook(message))
    tampered = json.dumps(message_webhook(message) | {"name": "changed"}).encode()
    assert (await server.client.post("/api/webex", data=tampered, headers=headers)).status == 401
    assert server.webex.calls == []


# --- admin commands ---------------------------------------------------------------------------------

ADMIN_COMMANDS = ["genindekser", "reindex", "/genindekser", "GENINDEKSER", "status", "digest nu", "digest vis"]


def test_every_admin_command_is_in_the_list_above():
    words = {word for word, command in COMMANDS.items() if command.admin}
    assert words <= {command.lstrip("/").split()[0].lower() for command in ADMIN_COMMANDS}


@pytest.mark.parametrize("command", ADMIN_COMMANDS)
async def test_admin_commands_from_non_admins_are_refused_on_both_channels(start, command):
    server = await start()
    await server.teams("abonner", who="anna")  # a subscriber a digest run would reach
    assert await server.teams(command, who="ulla") == 201
    assert await server.webex_say(command, email="ulla@kommune.dk", room="room-ulla") == 200
    refusal = texts.NOT_ADMIN.format(command=command.lstrip("/").split()[0].lower())
    teams_texts = [reply["text"] for reply in server.teams_replies()]
    assert teams_texts[-1] == refusal
    assert server.webex_replies("room-ulla") == [refusal]
    assert server.app[COLLABORATORS].reindexer.task is None
    assert len(server.teams_replies()) == 2  # the subscription's confirmation and the refusal: no digest
    audit = server.app[COLLABORATORS].state.recent_audit()
    assert [entry["result"] for entry in audit] == [texts.RESULT_REFUSED] * 2


async def test_a_webhook_cannot_claim_to_come_from_an_admin(start):
    # The sender is who the Webex API says wrote the message, not what the webhook body says.
    server = await start()
    assert await server.webex_say("genindekser", email="ulla@kommune.dk", room="room-ulla",
                                  personEmail=ADMIN_EMAIL, personId=f"person-{ADMIN_EMAIL}") == 200
    assert server.webex_replies("room-ulla") == [texts.NOT_ADMIN.format(command="genindekser")]
    assert server.app[COLLABORATORS].reindexer.task is None


async def test_an_admin_is_let_in_on_both_channels(start):
    # The control for the refusals above.
    server = await start()
    await server.teams("status", who="admin")
    await server.webex_say("status", email=ADMIN_EMAIL, room="room-admin")
    assert server.teams_replies()[-1]["text"].startswith(texts.STATUS_HEADING)
    assert server.webex_replies("room-admin")[0].startswith(texts.STATUS_HEADING)


# --- secrets never logged --------------------------------------------------------------------------------


def assert_no_secret(*texts_seen: str) -> None:
    for text in texts_seen:
        for secret in SECRETS:
            assert secret not in text


def all_logged(caplog) -> str:
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
        if record.exc_text:
            parts.append(record.exc_text)
        parts.append(repr(record.args))
    return "\n".join(parts)


async def test_secrets_never_appear_in_logs(start, trusted_keys, caplog, capsys, monkeypatch):
    caplog.set_level(logging.DEBUG)
    server = await start(**with_auth())
    url = server.connector.url
    # Teams: refused tokens, a good token whose outbound AAD token cannot be fetched (msal
    # really runs, with the password, against a network that is not there), bad bodies.
    for bearer in (None, "Bearer x.y.z", f"Bearer {token(url, key=STRANGER)}", f"Bearer {token(url, aud='x')}",
                   f"Bearer {token(url)}"):
        await server.teams("hvad besluttede direktionen om Hændelseslog?", auth=bearer)
    await server.client.post("/api/messages", data=b"{broken", headers={"Content-Type": "application/json"})
    # Webex: calls that fail and are retried, one that fails for good, a bad signature.
    server.webex.fail("GET /people/me", 429, retry_after="0")
    server.webex.fail("GET /messages/{id}", 500, times=2)
    await server.webex_say("hvad besluttede direktionen om Hændelseslog?", room="room-a")
    server.webex.fail("POST /messages", 503, times=QUICK.attempts)
    await server.webex_say("status", email=ADMIN_EMAIL, room="room-b")
    await server.client.post("/api/webex", data=b"{}", headers={"X-Spark-Signature": "0" * 40})
    # Settings that are refused, with the secrets in the environment.
    for environment in ({"WEBEX_BOT_TOKEN": WEBEX_TOKEN},
                        {"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": APP_PASSWORD, "MicrosoftAppType": "Other"},
                        {"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": APP_PASSWORD},
                        {"WEBEX_BOT_TOKEN": WEBEX_TOKEN, "WEBEX_WEBHOOK_SECRET": WEBHOOK_SECRET,
                         "BESLUTNINGSBOT_PORT": "http"}):
        with pytest.raises(SettingsError) as refused:
            Settings.load(environment, env_file=None)
        assert_no_secret(str(refused.value))
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        with pytest.raises(SystemExit):
            cli.main(["ask", "hændelseslog"])
        for name in environment:
            monkeypatch.delenv(name)
    printed = capsys.readouterr()
    assert server.webex.calls and server.connector.refused == []
    assert len(caplog.records) > 20
    assert_no_secret(all_logged(caplog), printed.out, printed.err, repr(server.app[TEAMS_ADAPTER].__dict__))


def test_the_log_filter_masks_secrets_that_a_library_would_write(caplog):
    settings = Settings(app_password=APP_PASSWORD, webex_token=WEBEX_TOKEN, webex_secret=WEBHOOK_SECRET)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(secret_filter(settings))
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("tests.security.library")
    logger.addHandler(handler)
    try:
        logger.warning("header Authorization: Bearer %s", WEBEX_TOKEN)
        try:
            raise RuntimeError(f"login failed for secret {APP_PASSWORD}")
        except RuntimeError:
            logger.exception("body client_secret=%s", WEBHOOK_SECRET)
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "Bearer ***" in written and "client_secret=***" in written and "RuntimeError" in written
    assert_no_secret(written)
    assert_no_secret(repr(settings))
