"""The Teams side of HTTP: the Bot Framework adapter that checks and runs `POST /api/messages`.

`TeamsAdapter` is botbuilder's `CloudAdapter` with its own `process`: it refuses a request
without a well-formed `Bearer` token with 401 before reading its body, a body over
`bot.teams.guard.MAX_ACTIVITY_BYTES` with 413 before parsing it, one that is not a JSON
activity with 400, and checks the token against the activity's envelope before botbuilder
deserializes the rest (and before botbuilder would fetch any signing keys); a single-tenant
bot refuses other tenants. It returns an invoke's body as the bot made it
(4.17.1 serializes it a second time and fails with 500), and turns any unexpected failure
into a bare 500 with the traceback in the log. Its `on_turn_error` tells the person, in
Danish, that something went wrong. The credentials come from `Settings` only, through
`BotAuthConfig`, whose repr never shows the password.

The parts of botbuilder that would wait on the network on the event loop (the signing
keys, the connector clients and their tokens) are replaced in `bot.teams.connector`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from aiohttp import web
from botbuilder.core import Bot, InvokeResponse, TurnContext, serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ActivityTypes
from botframework.connector.auth import AuthenticationConstants
from msrest.serialization import Model

from bot.settings import Settings
from bot.teams.connector import KeysUnavailable, ReusingAuthentication, SigningKeys
from bot.teams.guard import (
    INLINE_PARSE_BYTES,
    Refused,
    envelope,
    foreign_tenant,
    is_loopback_url,
    parse_json,
    read_limited,
)
from handlers import texts

log = logging.getLogger(__name__)

# A compact JWT: three base64url parts. Anything else cannot be a Bot Framework token, so
# it is refused here rather than handed to botbuilder, which may first download keys.
_JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class BotAuthConfig:
    """The configuration object botbuilder reads its credentials from (by attribute name)."""

    APP_ID: str = ""
    APP_PASSWORD: str = field(default="", repr=False)
    APP_TYPE: str = "MultiTenant"
    APP_TENANTID: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> "BotAuthConfig":
        if not settings.app_id:
            # botbuilder's SingleTenant factory insists on an app id; MultiTenant with no
            # id is its way of saying "authentication off" (Emulator, Agents Playground).
            return cls()
        return cls(settings.app_id, settings.app_password, settings.app_type, settings.app_tenant_id)

    @property
    def auth_enabled(self) -> bool:
        return bool(self.APP_ID)


class TeamsAdapter(CloudAdapter):
    """CloudAdapter for one bot, with strict request checks and a Danish apology on errors."""

    def __init__(self, config: BotAuthConfig) -> None:
        SigningKeys.install((AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL,
                             AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL))
        super().__init__(ReusingAuthentication(config))
        self.app_id = config.APP_ID
        self.auth_enabled = config.auth_enabled
        # A single-tenant bot (and one with a managed identity, which lives in one tenant)
        # refuses other tenants; a multi-tenant one is meant for all.
        self.tenant_id = config.APP_TENANTID if config.APP_TYPE in ("SingleTenant", "UserAssignedMSI") else ""
        self.on_turn_error = self._on_turn_error

    async def close(self) -> None:
        """Close the connections to the Bot Connector (at the server's shutdown)."""
        await self.bot_framework_authentication.close()

    async def process(self, request: web.Request, bot: Bot, ws_response: Any = None) -> web.Response:
        """Answer one `POST /api/messages`; never raises and never shows an exception's text."""
        try:
            return await self._process(request, bot)
        except web.HTTPException as error:
            # e.g. 413 from aiohttp for a body over client_max_size: already a clean answer.
            return web.Response(status=error.status, text=error.reason)
        except Exception:
            log.exception("Teams request failed")
            return _status(HTTPStatus.INTERNAL_SERVER_ERROR)

    async def _process(self, request: web.Request, bot: Bot) -> web.Response:
        # The order is the point: what costs nothing first, the body only after the header,
        # and botbuilder's slow deserialization only for an authenticated caller.
        auth_header = request.headers.get("Authorization", "")
        if self.auth_enabled and not _looks_like_bearer(auth_header):
            return _refused("no bearer token")
        if request.content_type != "application/json":
            return _status(HTTPStatus.BAD_REQUEST, "Content-Type must be application/json")
        try:
            raw = await read_limited(request)
            body = await parse_json(raw)
        except Refused as refused:
            log.info("Teams request refused (%d): %s", refused.status, refused.reason)
            return _status(HTTPStatus(refused.status))
        except ValueError:
            return _status(HTTPStatus.BAD_REQUEST, "Body is not JSON")
        if not isinstance(body, dict):
            return _status(HTTPStatus.BAD_REQUEST, "Body is not a JSON object")
        sender = envelope(body)
        if sender is None:
            return _status(HTTPStatus.BAD_REQUEST, "Activity needs type, serviceUrl and conversation.id")
        if not self.auth_enabled and not is_loopback_url(sender.service_url):
            # Unauthenticated, the bot would post its reply (and later digests) wherever
            # the caller says: only to this machine.
            log.warning("Teams request refused (403): serviceUrl off this machine with MicrosoftAppId empty")
            return _status(HTTPStatus.FORBIDDEN)

        try:
            authenticated = await self.bot_framework_authentication.authenticate_request(
                Activity(channel_id=sender.channel_id, service_url=sender.service_url), auth_header)
        except PermissionError:
            return _refused("PermissionError")
        except KeysUnavailable as error:
            # The token cannot be checked, so the request is not authenticated: 401 at once
            # rather than waiting on a download that is not coming. The log says why.
            log.warning("Teams request refused, token not checked: %s", error)
            return _refused("keys unavailable")
        except OSError:
            # Other network trouble while checking (requests' errors are OSErrors): our
            # failure too, so it is a 500 and the channel may retry.
            raise
        except Exception as error:
            # botbuilder reports other bad tokens as jwt errors, KeyErrors or a bare Exception.
            return _refused(type(error).__name__)
        if self.auth_enabled and self.tenant_id:
            claims = authenticated.claims_identity.claims if authenticated.claims_identity else {}
            foreign = foreign_tenant(claims or {}, sender.tenant_id, self.tenant_id)
            if foreign:
                return _refused(foreign)

        try:
            activity = await _deserialize(body, len(raw))
        except ValueError:
            return _status(HTTPStatus.BAD_REQUEST, "Body is not an activity")
        invoke_response = await self.process_activity(authenticated, activity, bot.on_turn)
        if invoke_response is None:
            return _status(HTTPStatus.CREATED)
        return _invoke_answer(invoke_response)

    async def _on_turn_error(self, context: TurnContext, error: Exception) -> None:
        log.error("Teams turn failed (%s activity)", context.activity.type,
                  exc_info=(type(error), error, error.__traceback__))
        try:
            if context.activity.type == ActivityTypes.invoke:
                await context.send_activity(Activity(
                    type=ActivityTypes.invoke_response,
                    value=InvokeResponse(status=int(HTTPStatus.INTERNAL_SERVER_ERROR)),
                ))
            await context.send_activity(texts.SORRY)
        except Exception:
            log.exception("could not send the apology to Teams")


async def _deserialize(body: dict, size: int) -> Activity:
    # msrest takes seconds for a body near the limit; only authenticated callers get this
    # far, but a large activity is still deserialized off the event loop.
    if size > INLINE_PARSE_BYTES:
        return await asyncio.to_thread(Activity().deserialize, body)
    return Activity().deserialize(body)


def _looks_like_bearer(header: str) -> bool:
    scheme, _, token = header.partition(" ")
    return scheme == "Bearer" and bool(_JWT.match(token))


def _refused(reason: str) -> web.Response:
    # The kind of failure only: never the token, and no traceback for an outsider's mistake.
    # INFO, not WARNING: anyone on the internet can cause one.
    log.info("Teams request refused (401): %s", reason)
    return _status(HTTPStatus.UNAUTHORIZED)


def _invoke_answer(invoke_response: InvokeResponse) -> web.Response:
    body = invoke_response.body
    if isinstance(body, Model):
        # Only a botbuilder model still needs serializing; a dict is already the answer.
        body = serializer_helper(body)
    status = int(invoke_response.status or HTTPStatus.OK)
    if body is None:
        return web.Response(status=status)
    return web.json_response(body, status=status)


def _status(status: HTTPStatus, reason: str = "") -> web.Response:
    return web.Response(status=int(status), text=reason or status.phrase)
