"""A fake Bot Connector: the REST service a Teams bot posts its replies to.

`FakeConnector().app()` is a real aiohttp app; serve it with pytest-aiohttp's
`aiohttp_server` on 127.0.0.1 and put its URL in an activity's `serviceUrl`. It records
every `POST /v3/conversations/{id}/activities[/{activityId}]` and answers with an id, as
the real service does.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from aiohttp import web

MAX_ACTIVITY_BYTES = 40 * 1024


@dataclass(frozen=True)
class Posted:
    """One activity the bot sent: where to, in reply to what, and its JSON body."""

    conversation_id: str
    reply_to_id: str | None
    body: dict[str, Any]
    authorization: str | None

    @property
    def type(self) -> str:
        return self.body.get("type", "")


class FakeConnector:
    """Records what the bot sends; `posted` holds it in order of arrival."""

    def __init__(self) -> None:
        self.posted: list[Posted] = []
        self.url = ""  # set by whoever serves `app()`: the serviceUrl to give the bot
        self._ids = itertools.count(1)
        # conversation id (or "*" for any) -> statuses to answer before accepting again
        self.failures: dict[str, list[tuple[int, str | None]]] = {}
        self.refused: list[tuple[str, int]] = []

    def fail(self, conversation_id: str, status: int, times: int = 1, retry_after: str | None = None) -> None:
        """Answer the next `times` posts to `conversation_id` ("*": any) with `status`."""
        self.failures.setdefault(conversation_id, []).extend([(status, retry_after)] * times)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3/conversations/{conversation_id}/activities", self._post)
        app.router.add_post("/v3/conversations/{conversation_id}/activities/{activity_id}", self._post)
        return app

    def of_type(self, kind: str) -> list[Posted]:
        return [posted for posted in self.posted if posted.type == kind]

    async def _post(self, request: web.Request) -> web.Response:
        conversation_id = request.match_info["conversation_id"]
        queue = self.failures.get(conversation_id) or self.failures.get("*")
        if queue:
            status, retry_after = queue.pop(0)
            self.refused.append((conversation_id, status))
            headers = {"Retry-After": retry_after} if retry_after else {}
            return web.json_response({"error": {"code": "scripted", "message": "scripted failure"}},
                                     status=status, headers=headers)
        # Teams refuses an activity over 40 KB, counted in UTF-16 over the JSON it receives.
        raw = await request.text()
        if len(raw.encode("utf-16-le")) > MAX_ACTIVITY_BYTES:
            self.refused.append((conversation_id, 413))
            return web.json_response({"error": {"code": "MessageSizeTooBig", "message": "too big"}}, status=413)
        self.posted.append(Posted(
            conversation_id=request.match_info["conversation_id"],
            reply_to_id=request.match_info.get("activity_id"),
            body=await request.json(),
            authorization=request.headers.get("Authorization"),
        ))
        return web.json_response({"id": f"sent-{next(self._ids)}"})
