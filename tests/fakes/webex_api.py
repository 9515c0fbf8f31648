"""A fake Webex REST API: a real aiohttp app that tests serve on loopback.

It plays the few endpoints the bot uses (`people/me`, `messages`, `attachment/actions`, and
`webhooks` for `beslutningsbot webex-register`), records every call with its Authorization
header and JSON body, keeps the messages the bot posts in `sent` and the webhooks in
`webhooks`, and answers with scripted failures (429 with Retry-After, 5xx, a
slow answer) when a test asks for them. Serve it with pytest-aiohttp's `aiohttp_server`:

    fake = FakeWebex()
    fake.server = await aiohttp_server(fake.app())
    api_url = str(fake.make_url("/v1"))
"""

from __future__ import annotations

import asyncio
import base64
import itertools
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer
from yarl import URL

PREFIX = "/v1"


def _now() -> str:
    # A message is created when a test adds it: the bot does not answer messages older
    # than a day (bot/webex/inbox.py), so a fixed date in the past would never be answered.
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
TOKEN = "test-token"
BOT_UUID = "8a1b2c3d-0000-4000-8000-00000000b07"
BOT_ID = base64.b64encode(f"ciscospark://us/PEOPLE/{BOT_UUID}".encode()).decode().rstrip("=")
BOT_NAME = "Beslutningsbot"
BOT_EMAIL = "beslutningsbot@webex.bot"
PERSON_ID = "person-anna"
PERSON_EMAIL = "anna@kommune.dk"
MAX_MARKDOWN_BYTES = 7439


@dataclass
class Call:
    method: str
    path: str  # as sent, still percent-encoded
    route: str
    authorization: str | None
    json: Any = None


@dataclass
class Scripted:
    """One scripted answer in place of the real one."""

    status: int = 200
    retry_after: str | None = None
    delay: float = 0.0


@dataclass
class FakeWebex:
    token: str = TOKEN
    me: dict[str, Any] = field(default_factory=lambda: {
        "id": BOT_ID, "emails": [BOT_EMAIL], "displayName": BOT_NAME, "type": "bot"})
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    actions: dict[str, dict[str, Any]] = field(default_factory=dict)
    webhooks: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)
    server: TestServer | None = None
    _script: dict[str, deque[Scripted]] = field(default_factory=lambda: defaultdict(deque))
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_get(f"{PREFIX}/people/me", self._people_me)
        app.router.add_get(f"{PREFIX}/messages/{{id}}", self._get_message)
        app.router.add_post(f"{PREFIX}/messages", self._post_message)
        app.router.add_get(f"{PREFIX}/attachment/actions/{{id}}", self._get_action)
        app.router.add_get(f"{PREFIX}/webhooks", self._list_webhooks)
        app.router.add_post(f"{PREFIX}/webhooks", self._create_webhook)
        app.router.add_put(f"{PREFIX}/webhooks/{{id}}", self._update_webhook)
        app.router.add_delete(f"{PREFIX}/webhooks/{{id}}", self._delete_webhook)
        return app

    def make_url(self, path: str) -> URL:
        assert self.server is not None, "serve fake.app() first"
        return self.server.make_url(path)

    # --- what a test sets up -------------------------------------------------------

    def add_message(self, text: str, *, room_id: str = "room-direct", room_type: str = "direct",
                    person_id: str = PERSON_ID, person_email: str = PERSON_EMAIL,
                    html: str | None = None) -> dict[str, Any]:
        message = {"id": f"msg-{next(self._ids)}", "roomId": room_id, "roomType": room_type, "text": text,
                   "personId": person_id, "personEmail": person_email, "created": _now()}
        if html is not None:
            message["html"] = html
        self.messages[message["id"]] = message
        return message

    def add_action(self, inputs: Any, *, room_id: str = "room-group", person_id: str = PERSON_ID,
                   message_id: str = "msg-card", kind: str = "submit") -> dict[str, Any]:
        action = {"id": f"action-{next(self._ids)}", "type": kind, "messageId": message_id, "roomId": room_id,
                  "personId": person_id, "inputs": inputs, "created": _now()}
        self.actions[action["id"]] = action
        return action

    def add_webhook(self, name: str, resource: str, event: str = "created",
                    target_url: str = "https://old.example/api/webex", secret: str = "old",
                    status: str = "active") -> dict[str, Any]:
        """A webhook the bot already has, e.g. from an earlier deployment or made by hand."""
        hook = {"id": f"hook-{next(self._ids)}", "name": name, "targetUrl": target_url, "resource": resource,
                "event": event, "secret": secret, "status": status, "created": "2026-04-01T08:00:00.000Z"}
        self.webhooks[hook["id"]] = hook
        return hook

    def script(self, route: str, *answers: Scripted) -> None:
        """Answer the next calls to `route` (e.g. "POST /messages") with `answers`, in order."""
        self._script[route].extend(answers)

    def fail(self, route: str, status: int, times: int = 1, retry_after: str | None = None) -> None:
        self.script(route, *[Scripted(status, retry_after) for _ in range(times)])

    def calls_to(self, route: str) -> list[Call]:
        return [call for call in self.calls if call.route == route]

    async def wait_for_sent(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        """The posted messages once there are `count` of them; fails after `timeout`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.sent) < count:
            if loop.time() > deadline:
                raise AssertionError(f"expected {count} sent messages, got {len(self.sent)}")
            await asyncio.sleep(0.01)
        return self.sent

    # --- the API ----------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler) -> web.StreamResponse:
        resource = request.match_info.route.resource
        canonical = resource.canonical if resource is not None else request.path
        route = f"{request.method} {canonical.removeprefix(PREFIX)}"
        body = await request.json() if request.can_read_body else None
        self.calls.append(Call(request.method, request.raw_path, route, request.headers.get("Authorization"), body))
        queued = self._script.get(route)
        if queued:
            scripted = queued.popleft()
            if scripted.delay:
                await asyncio.sleep(scripted.delay)
            if scripted.status != 200:
                headers = {"Retry-After": scripted.retry_after} if scripted.retry_after is not None else {}
                return web.json_response({"message": "scripted failure", "trackingId": "fake-1"},
                                         status=scripted.status, headers=headers)
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"message": "The request requires a valid access token."}, status=401)
        return await handler(request)

    async def _people_me(self, request: web.Request) -> web.Response:
        return web.json_response(self.me)

    async def _get_message(self, request: web.Request) -> web.Response:
        message = self.messages.get(request.match_info["id"])
        if message is None:
            return web.json_response({"message": "not found"}, status=404)
        return web.json_response(message)

    async def _get_action(self, request: web.Request) -> web.Response:
        action = self.actions.get(request.match_info["id"])
        if action is None:
            return web.json_response({"message": "not found"}, status=404)
        return web.json_response(action)

    async def _post_message(self, request: web.Request) -> web.Response:
        body = await request.json()
        target = body.get("roomId") or body.get("toPersonId")
        markdown = body.get("markdown") or body.get("text")
        attachments = body.get("attachments") or []
        if not target or not markdown:
            return web.json_response({"message": "roomId or toPersonId, and text or markdown, required"}, status=400)
        if len(markdown.encode("utf-8")) > MAX_MARKDOWN_BYTES:
            return web.json_response({"message": "markdown too long"}, status=400)
        if len(attachments) > 1 or any(a.get("contentType") != "application/vnd.microsoft.card.adaptive"
                                       for a in attachments):
            return web.json_response({"message": "one Adaptive Card attachment at most"}, status=400)
        self.sent.append(body)
        message = {"id": f"msg-{next(self._ids)}", "roomId": body.get("roomId") or f"room-with-{target}",
                   "personId": BOT_ID, "personEmail": BOT_EMAIL, "markdown": markdown}
        return web.json_response(message)

    # Webhooks: the fields Webex requires, answers shaped like Webex's. A webhook's resource
    # and event cannot change; PUT sets name, targetUrl, secret and status.

    async def _list_webhooks(self, request: web.Request) -> web.Response:
        return web.json_response({"items": list(self.webhooks.values())})

    async def _create_webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        missing = [key for key in ("name", "targetUrl", "resource", "event") if not body.get(key)]
        if missing:
            return web.json_response({"message": f"missing {', '.join(missing)}"}, status=400)
        hook = {"id": f"hook-{next(self._ids)}", "name": body["name"], "targetUrl": body["targetUrl"],
                "resource": body["resource"], "event": body["event"], "status": "active",
                "created": "2026-04-09T08:00:00.000Z"}
        if body.get("secret"):
            hook["secret"] = body["secret"]
        self.webhooks[hook["id"]] = hook
        return web.json_response(hook)

    async def _update_webhook(self, request: web.Request) -> web.Response:
        hook = self.webhooks.get(request.match_info["id"])
        if hook is None:
            return web.json_response({"message": "not found"}, status=404)
        body = await request.json()
        if not body.get("name") or not body.get("targetUrl"):
            return web.json_response({"message": "name and targetUrl required"}, status=400)
        if "resource" in body or "event" in body:
            return web.json_response({"message": "resource and event cannot be changed"}, status=400)
        hook.update({key: body[key] for key in ("name", "targetUrl", "secret", "status") if key in body})
        return web.json_response(hook)

    async def _delete_webhook(self, request: web.Request) -> web.Response:
        if self.webhooks.pop(request.match_info["id"], None) is None:
            return web.json_response({"message": "not found"}, status=404)
        return web.Response(status=204)
