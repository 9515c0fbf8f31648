"""A stand-in for a municipality's agenda portal, for the sync's tests and its benchmark.

A real aiohttp app that answers the three calls the sync makes the way a FirstAgenda portal
does: the front page hands out the anonymous session cookie, and without it the API calls
get 401; `/api/agenda/udvalgsliste` lists the committees and their meetings with a
`ReleasedDate` each; `/api/agenda/dagsorden/<id>` serves a meeting's JSON. It can pace its
answers (`latency`, at most `parallel` at a time, as a real portal's server does) and play
the failures the sync must survive: down (503), a malformed listing, an answer that never
ends. `multiply` makes a few hundred meetings out of the real ones for `bench --sync`.
"""

from __future__ import annotations

import asyncio
import copy
import json
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from aiohttp import web

COOKIE = "ASP.NET_SessionId"
GROUP = "Aktuelle politiske udvalg"


class PortalStandIn:
    def __init__(self, meetings: list[dict], latency: float = 0.0, parallel: int = 4) -> None:
        self.meetings = {str(meeting["Id"]): meeting for meeting in meetings}
        self.released = {ident: "2022-07-01T12:00:00" for ident in self.meetings}
        self.latency = latency
        self.gate = asyncio.Semaphore(parallel)
        self.calls: list[str] = []
        self.status: int | None = None  # every API call answers this status when set
        self.listing_body: bytes | None = None  # the listing's answer when set (malformed)
        self.endless: set[str] = set()  # paths whose answer never ends
        self.broken: dict[str, bytes] = {}  # meeting id -> the answer given instead of the meeting
        self.gone: set[str] = set()  # listed meetings whose page answers 404
        self.flaky = 0  # this many API calls answer 503 before the portal recovers

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self._front)
        app.router.add_get("/api/agenda/udvalgsliste", self._listing)
        app.router.add_get("/api/agenda/dagsorden/{id}", self._meeting)
        return app

    def meeting_calls(self) -> list[str]:
        return [call for call in self.calls if call.startswith("/api/agenda/dagsorden/")]

    def change(self, ident: str, decision: str) -> None:
        """Publish the meeting again with a new decision on its first open item."""
        meeting = self.meetings[ident]
        for point in meeting["Dagsordenpunkter"]:
            html = point["Felter"][0]["Html"]
            if "<h3>Beslutning</h3>" in html:
                start = html.index("<h3>Beslutning</h3>") + len("<h3>Beslutning</h3>")
                end = html.index("</span>", start)
                point["Felter"][0]["Html"] = html[:start] + f"\n<span>{decision}" + html[end:]
                break
        self.released[ident] = datetime.now().isoformat(timespec="seconds")

    def listing(self) -> dict:
        committees: dict[str, dict] = {}
        for ident, meeting in self.meetings.items():
            body = meeting["Udvalg"]
            entry = committees.setdefault(body["Navn"], {"Id": body["Id"], "Navn": body["Navn"], "Moeder": []})
            moede = meeting["Moede"]
            entry["Moeder"].append({
                "Id": ident, "Dato": moede["Dato"], "MeetingBeginUtc": moede.get("MeetingBeginUtc"),
                "MeetingEndUtc": moede.get("MeetingEndUtc"), "ReleasedDate": self.released[ident],
                "Sted": moede.get("Sted"), "IsSupplementaryAgenda": bool(meeting.get("TillaegsDagsorden")),
            })
        return {"Udvalg": {GROUP: list(committees.values()), "Øvrige": []}}

    async def _front(self, request: web.Request) -> web.Response:
        self.calls.append("/")
        response = web.Response(text="<html><body>Dagsordener</body></html>", content_type="text/html")
        response.set_cookie(COOKIE, uuid.uuid4().hex, httponly=True)
        return response

    async def _api(self, request: web.Request, body) -> web.StreamResponse:
        self.calls.append(request.path)
        if request.path in self.endless:
            return await self._never_ends(request)
        async with self.gate:
            if self.latency:
                await asyncio.sleep(self.latency)
            if self.flaky:
                self.flaky -= 1
                return web.Response(status=503, text="Service Unavailable")
            if self.status is not None:
                return web.Response(status=self.status, text="Service Unavailable")
            if COOKIE not in request.cookies:
                return web.Response(status=401, text="no session")
            data = body() if callable(body) else body
            if data is None:
                return web.Response(status=404, text="not found")
            raw = data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode("utf-8")
            return web.Response(body=raw, content_type="application/json")

    async def _listing(self, request: web.Request) -> web.StreamResponse:
        return await self._api(request, self.listing_body if self.listing_body is not None else self.listing)

    async def _meeting(self, request: web.Request) -> web.StreamResponse:
        ident = request.match_info["id"]
        return await self._api(request, lambda: None if ident in self.gone else (
            self.broken.get(ident) or self.meetings.get(ident)))

    async def _never_ends(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        await response.prepare(request)
        await response.write(b'{"Dagsordenpunkter": [')
        try:
            while True:
                await asyncio.sleep(0.05)
                await response.write(b" ")
        except (ConnectionResetError, asyncio.CancelledError):
            return response


def load_meetings(folder: Path) -> list[dict]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(Path(folder).glob("*.json"))]


def multiply(meetings: list[dict], count: int) -> list[dict]:
    """`count` meetings made from `meetings`: copy k of a meeting is held 52 weeks times k
    earlier (the same weekday), under a new id."""
    result: list[dict] = []
    round_ = 0
    while len(result) < count:
        for meeting in meetings:
            if len(result) == count:
                break
            copied = copy.deepcopy(meeting)
            if round_:
                copied["Id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{meeting['Id']}/{round_}"))
                for key in ("Dato", "MeetingBeginUtc"):
                    if copied["Moede"].get(key):
                        moment = datetime.fromisoformat(copied["Moede"][key]) - timedelta(weeks=52 * round_)
                        copied["Moede"][key] = moment.isoformat()
            result.append(copied)
        round_ += 1
    return result
