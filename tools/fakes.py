"""Stand-ins for the Bot Connector and the Webex API, for `beslutningsbot loadtest`.

Both are real aiohttp apps that the load test serves on 127.0.0.1 next to the bot. They
answer the few calls the bot makes as the real services do, after `latency` seconds if
asked to (the round trip to the real services over the internet), and tell the load test
the moment each reply arrives (`on_reply`), so reply latency is measured where the person
would see it. They are deliberately small: the fuller fakes the test suite uses (scripted
failures, call logs) live in `tests/fakes`, which nothing under `bot/` imports.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import time
from typing import Any, Callable

from aiohttp import web

# (conversation or room id, the id of the message replied to or None, body, arrival time)
OnReply = Callable[[str, "str | None", dict[str, Any], float], None]

WEBEX_BOT_ID = base64.b64encode(b"ciscospark://us/PEOPLE/00000000-0000-4000-8000-00000000b0b0").decode().rstrip("=")
WEBEX_BOT_EMAIL = "beslutningsbot@webex.bot"


def _ignore(conversation_id: str, reply_to: str | None, body: dict[str, Any], at: float) -> None:
    pass


class ConnectorStandIn:
    """The Bot Connector's `POST /v3/conversations/{id}/activities[/{replyToId}]`.

    Typing indicators are counted apart; every other activity is a reply.
    """

    def __init__(self, on_reply: OnReply = _ignore, latency: float = 0.0) -> None:
        self.on_reply = on_reply
        self.latency = latency
        self.typing = 0
        self.replies = 0
        self._ids = itertools.count(1)

    def app(self) -> web.Application:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_post("/v3/conversations/{conversation_id}/activities", self._post)
        app.router.add_post("/v3/conversations/{conversation_id}/activities/{activity_id}", self._post)
        return app

    async def _post(self, request: web.Request) -> web.Response:
        body = await request.json()
        arrived = time.perf_counter()
        if self.latency:
            await asyncio.sleep(self.latency)
        if body.get("type") == "typing":
            self.typing += 1
        else:
            self.replies += 1
            self.on_reply(request.match_info["conversation_id"], request.match_info.get("activity_id"), body, arrived)
        return web.json_response({"id": f"sent-{next(self._ids)}"})


class WebexStandIn:
    """The Webex API's `people/me`, `GET messages/{id}` and `POST messages`.

    `add_message` makes a message the bot can fetch when the webhook names it.
    """

    def __init__(self, token: str, on_reply: OnReply = _ignore, latency: float = 0.0) -> None:
        self.token = token
        self.on_reply = on_reply
        self.latency = latency
        self.messages: dict[str, dict[str, Any]] = {}
        self.fetches = 0
        self.replies = 0
        self.refused = 0
        self._ids = itertools.count(1)

    def app(self) -> web.Application:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_get("/v1/people/me", self._me)
        app.router.add_get("/v1/messages/{id}", self._get_message)
        app.router.add_post("/v1/messages", self._post_message)
        return app

    def add_message(self, message_id: str, room_id: str, text: str, person_id: str, email: str) -> dict[str, Any]:
        message = {"id": message_id, "roomId": room_id, "roomType": "direct", "text": text,
                   "personId": person_id, "personEmail": email, "created": "2026-04-09T08:00:00.000Z"}
        self.messages[message_id] = message
        return message

    async def _wait(self) -> None:
        if self.latency:
            await asyncio.sleep(self.latency)

    def _authorized(self, request: web.Request) -> bool:
        if request.headers.get("Authorization") == f"Bearer {self.token}":
            return True
        self.refused += 1
        return False

    async def _me(self, request: web.Request) -> web.Response:
        await self._wait()
        if not self._authorized(request):
            return web.json_response({"message": "invalid token"}, status=401)
        return web.json_response({"id": WEBEX_BOT_ID, "emails": [WEBEX_BOT_EMAIL],
                                  "displayName": "Beslutningsbot", "type": "bot"})

    async def _get_message(self, request: web.Request) -> web.Response:
        await self._wait()
        if not self._authorized(request):
            return web.json_response({"message": "invalid token"}, status=401)
        self.fetches += 1
        message = self.messages.get(request.match_info["id"])
        if message is None:
            return web.json_response({"message": "not found"}, status=404)
        return web.json_response(message)

    async def _post_message(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return web.json_response({"message": "invalid token"}, status=401)
        body = await request.json()
        arrived = time.perf_counter()
        await self._wait()
        room_id = body.get("roomId")
        if not room_id or not body.get("markdown"):
            return web.json_response({"message": "roomId and markdown required"}, status=400)
        self.replies += 1
        self.on_reply(room_id, None, body, arrived)
        return web.json_response({"id": f"reply-{next(self._ids)}", "roomId": room_id, "personId": WEBEX_BOT_ID})
