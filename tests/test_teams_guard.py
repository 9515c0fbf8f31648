"""What a Teams request must show before the bot spends anything on it (issue 11, points 1
and 2): no token, no body read; too large, no parse; unauthenticated, no deserialization;
no app id, no route, unless the operator opts in for tools on this machine; another
tenant, no entry.

The server is the real `create_app` on 127.0.0.1 (the fixtures of `tests/test_security.py`:
a fake Bot Connector, a fake Webex API, no internet). Some requests are written by hand on
a raw socket, so that a test can hold the body back and see whether the answer came
before it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time

import jwt
import pytest
from aiohttp import web
from botbuilder.schema import Activity
from botframework.connector.auth import AuthenticationConstants, microsoft_app_credentials
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor

from bot.server import COLLABORATORS
from bot.teams.connector import SigningKeys
from bot.teams.guard import MAX_ACTIVITY_BYTES
from tests.test_security import (  # noqa: F401 (fixtures)
    APP_ID,
    APP_PASSWORD,
    GUARD,
    STRANGER,
    TENANT,
    TRUSTED,
    FakeMsal,
    jwk,
    start,
    teams_activity,
    token,
    trusted_keys,
    with_auth,
)

# The Bot Framework's own Entra ID tenant: botbuilder accepts tokens it issues for any bot
# (the Emulator's path), signed with the keys of login.microsoftonline.com/common.
BOT_FRAMEWORK_TENANT = "d6d49420-f39b-4df7-a1dc-d59a935871db"
EMULATOR_KEYS = AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL


async def raw_request(server, head: str, body: bytes = b"") -> tuple[int, asyncio.StreamWriter]:
    """Send `head` and `body` (maybe only part of what the head promises) on a new
    connection; the status of the answer, which must come within GUARD seconds."""
    reader, writer = await asyncio.open_connection(server.client.server.host, server.client.server.port)
    writer.write(head.encode("latin-1") + b"\r\n" + body)
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), GUARD)
    return int(status_line.split()[1]), writer


def head(extra: str = "") -> str:
    return ("POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"{extra}")


def big_activity(service_url: str, size: int) -> bytes:
    activity = teams_activity(service_url, "status", who="admin")
    activity["text"] = "x" * size
    return json.dumps(activity).encode()


# --- point 1: no token, no body; too large, no parse ---------------------------------------------


async def test_a_post_without_a_bearer_token_is_refused_before_its_body_arrives(start, trusted_keys):
    # Regression: the whole body was read and parsed into an Activity before the
    # Authorization header was looked at, so anyone could make the server work.
    server = await start(**with_auth())
    status, writer = await raw_request(server, head("Content-Length: 1000000\r\n"), b'{"type": "mess')
    writer.close()
    assert status == 401
    assert server.connector.posted == []


async def test_a_body_announced_over_the_limit_is_413_before_it_arrives(start, trusted_keys):
    server = await start(**with_auth())
    bearer = f"Bearer {token(server.connector.url, key=STRANGER)}"
    status, writer = await raw_request(
        server, head(f"Authorization: {bearer}\r\nContent-Length: {MAX_ACTIVITY_BYTES + 1}\r\n"), b"{")
    writer.close()
    assert status == 413


async def test_a_chunked_body_is_413_as_soon_as_it_passes_the_limit(start, trusted_keys):
    # No Content-Length to go by: the server stops reading at the limit and answers, while
    # the caller would go on sending.
    server = await start(**with_auth())
    bearer = f"Bearer {token(server.connector.url, key=STRANGER)}"
    chunk = b"x" * 32768
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(MAX_ACTIVITY_BYTES // len(chunk) + 1))
    status, writer = await raw_request(
        server, head(f"Authorization: {bearer}\r\nTransfer-Encoding: chunked\r\n"), chunks)
    writer.close()
    assert status == 413
    assert server.connector.posted == []


async def test_an_unauthenticated_activity_is_never_deserialized(start, trusted_keys, monkeypatch):
    # Regression: botbuilder's Activity deserialization (seconds for a large body, on the
    # event loop) ran for every caller; now only for one whose token checked out.
    deserialized = []
    original = Activity.deserialize
    monkeypatch.setattr(Activity, "deserialize", lambda self, data: deserialized.append(1) or original(data))
    monkeypatch.setattr(microsoft_app_credentials, "ConfidentialClientApplication", FakeMsal)
    server = await start(**with_auth())
    body = big_activity(server.connector.url, MAX_ACTIVITY_BYTES - 4096)
    for bearer in (f"Bearer {token(server.connector.url, key=STRANGER)}",
                   f"Bearer {token(server.connector.url, aud='someone-else')}"):
        response = await server.client.post("/api/messages", data=body,
                                            headers={"Authorization": bearer, "Content-Type": "application/json"})
        assert response.status == 401
    assert deserialized == []
    # The control: the same body with the right token is deserialized and answered.
    response = await server.client.post("/api/messages", data=body, headers={
        "Authorization": f"Bearer {token(server.connector.url)}", "Content-Type": "application/json"})
    assert response.status == 201
    assert deserialized and server.connector.of_type("message")


# --- point 2: no app id, no route ---------------------------------------------------------------------


async def test_without_an_app_id_teams_is_not_served_at_all(start, tmp_path):
    # Regression: with MicrosoftAppId empty, /api/messages trusted every caller from
    # 127.0.0.1, and behind a reverse proxy on the same machine every caller is 127.0.0.1.
    server = await start(teams_noauth="")
    assert await server.teams("status", who="admin") == 404
    assert await server.teams("abonner", who="ulla") == 404
    assert server.connector.posted == []
    assert server.app[COLLABORATORS].state.subscriptions() == []


@pytest.mark.parametrize("header", [("X-Forwarded-For", "203.0.113.9"), ("Forwarded", "for=203.0.113.9"),
                                    ("X-Real-IP", "203.0.113.9")], ids=["x-forwarded-for", "forwarded", "x-real-ip"])
async def test_local_teams_refuses_a_request_that_came_through_a_proxy(start, header):
    server = await start(teams_noauth="local")
    response = await server.client.post("/api/messages", json=teams_activity(server.connector.url, "status", who="admin"),
                                        headers=dict([header]))
    assert response.status == 403
    assert server.connector.posted == []


@pytest.mark.parametrize("service_url", ["https://smba.trafficmanager.net/emea/", "http://10.0.0.7:8080/",
                                         "http://localhost.evil.example/", "http://[::ffff:10.0.0.7]/"])
async def test_local_teams_refuses_a_service_url_off_this_machine_and_stores_no_subscription(
        start, looked_up, service_url):
    # Regression: an outsider made the bot post the admin's status report, and later every
    # digest, to a serviceUrl of his choosing, and made it POST to internal hosts.
    server = await start(teams_noauth="local")
    for text, who in (("abonner", "ulla"), ("status", "admin")):
        response = await server.client.post("/api/messages", json=teams_activity(service_url, text, who=who))
        assert response.status == 403
    assert server.app[COLLABORATORS].state.subscriptions() == []
    assert server.connector.posted == [] and looked_up == []


async def test_local_teams_still_answers_this_machine(start):
    # The control for the refusals above: what the Agents Playground and Emulator do.
    server = await start(teams_noauth="local")
    assert await server.teams("abonner", who="ulla") == 201
    assert len(server.app[COLLABORATORS].state.subscriptions()) == 1
    assert server.teams_replies()


# --- point 2: a single-tenant bot and other tenants ----------------------------------------------------


@pytest.fixture
async def entra_keys(aiohttp_server, monkeypatch) -> SigningKeys:
    """An OpenID configuration and JWKS on 127.0.0.1, standing in for
    login.microsoftonline.com, holding the key the test signs "Entra ID" tokens with."""
    app = web.Application()

    async def configuration(request: web.Request) -> web.Response:
        return web.json_response({"jwks_uri": str(request.url.with_path("/keys"))})

    async def keys(request: web.Request) -> web.Response:
        return web.json_response({"keys": [jwk(TRUSTED, "entra-key-1") | {"endorsements": []}]})

    app.router.add_get("/.well-known/openid-configuration", configuration)
    app.router.add_get("/keys", keys)
    server = await aiohttp_server(app, host="127.0.0.1")
    signing = SigningKeys(str(server.make_url("/.well-known/openid-configuration")))
    monkeypatch.setitem(JwtTokenExtractor.metadataCache, EMULATOR_KEYS, signing)
    return signing


def entra_token(tenant: str) -> str:
    """A v2.0 token Entra ID would issue in `tenant` to our app (as the Emulator gets one)."""
    now = int(time.time())
    claims = {"iss": f"https://login.microsoftonline.com/{tenant}/v2.0", "aud": APP_ID, "azp": APP_ID,
              "ver": "2.0", "tid": tenant, "nbf": now - 60, "iat": now - 60, "exp": now + 3600}
    return jwt.encode(claims, TRUSTED, algorithm="RS256", headers={"kid": "entra-key-1"})


async def test_a_single_tenant_bot_refuses_a_token_from_another_tenant(start, trusted_keys, entra_keys, monkeypatch):
    # Regression: botbuilder accepts a token Entra ID issued in the Bot Framework's tenant
    # (the Emulator's path) whatever MicrosoftAppTenantId says.
    monkeypatch.setattr(microsoft_app_credentials, "ConfidentialClientApplication", FakeMsal)
    server = await start(**with_auth())
    assert await server.teams("status", who="admin", auth=f"Bearer {entra_token(BOT_FRAMEWORK_TENANT)}") == 401
    # A Bot Connector token that names another tenant, and one whose activity does.
    assert await server.teams("status", who="admin",
                              auth=f"Bearer {token(server.connector.url, tid='other-tenant')}") == 401
    activity = teams_activity(server.connector.url, "status", who="admin")
    activity["channelData"] = {"tenant": {"id": "other-tenant"}}
    response = await server.client.post("/api/messages", json=activity,
                                        headers={"Authorization": f"Bearer {token(server.connector.url)}"})
    assert response.status == 401
    assert server.connector.posted == []
    # The control: the same Bot Connector token for an activity of our own tenant.
    assert await server.teams("status", who="admin", auth=f"Bearer {token(server.connector.url)}") == 201


async def test_a_multi_tenant_bot_takes_the_same_entra_token(start, trusted_keys, entra_keys, monkeypatch):
    # The control for the refusal above: the token itself checks out against the stand-in.
    monkeypatch.setattr(microsoft_app_credentials, "ConfidentialClientApplication", FakeMsal)
    server = await start(**(with_auth() | {"app_type": "MultiTenant"}))
    assert await server.teams("status", who="admin", auth=f"Bearer {entra_token(BOT_FRAMEWORK_TENANT)}") == 201


async def test_a_caller_who_hangs_up_mid_body_is_not_an_error(start, trusted_keys, caplog, monkeypatch):
    # Anyone can start a post and go away; that is no failure of the server's.
    monkeypatch.setattr(microsoft_app_credentials, "ConfidentialClientApplication", FakeMsal)
    server = await start(**with_auth())
    bearer = f"Bearer {token(server.connector.url, key=STRANGER)}"
    reader, writer = await asyncio.open_connection(server.client.server.host, server.client.server.port)
    writer.write((head(f"Authorization: {bearer}\r\nContent-Length: 5000\r\n") + "\r\n").encode() + b'{"type"')
    await writer.drain()
    await asyncio.sleep(0.1)
    writer.close()
    await asyncio.sleep(0.3)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert server.connector.posted == []
    # The control: the server still answers.
    assert await server.teams("status", who="admin", auth=f"Bearer {token(server.connector.url)}") == 201


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("127.8.9.10", True), ("::1", True),
                                            ("::ffff:127.0.0.1", True), ("[::1]", True), ("::ffff:10.0.0.7", False),
                                            ("10.0.0.7", False), ("localhost", False), ("", False)])
def test_loopback_is_told_apart_also_on_a_dual_stack_socket(host, loopback):
    # A server listening on "::" sees a local IPv4 caller as ::ffff:127.0.0.1. ("localhost"
    # is a name, not an address: only a serviceUrl may use it.)
    from bot.teams.guard import is_loopback_host

    assert is_loopback_host(host) is loopback
