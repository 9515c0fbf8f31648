"""`beslutningsbot serve` killed with SIGKILL in the middle of a digest run, then started again.

The server runs as a real subprocess against a fake Webex API on 127.0.0.1 (in this test's
process). Twenty Webex rooms subscribe; an admin writes `digest nu`; the fake lets five
digests through and then holds every further one unanswered, so the run's eight slots are
all in the middle of a send when the process is killed. The next start and the next
`digest nu` must give every room its digest, and the only rooms that may get it twice are
those whose send was under way at the kill, each marked as perhaps sent before.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from handlers import texts
from handlers.state.store import StateStore
from knowledge.index.build import build_index
from knowledge.index.loaded import Index
from knowledge.new_decisions import newest_indexing_time
from knowledge.paths import SAMPLES_DIR
from tests.conftest import NEW_MEETING, free_port
from tests.fakes.webex_api import FakeWebex
from tools.payloads import message_webhook, signed_webhook

SECRET = "webhook-secret"
ROOMS = 20
LET_THROUGH = 5
CONCURRENCY = 8  # Digests.run's default


class HoldingWebex(FakeWebex):
    """Posts to subscriber rooms: the first `let_through` are answered, the rest held."""

    let_through: int = LET_THROUGH
    arrived: list

    async def _post_message(self, request: web.Request) -> web.Response:
        body = await request.json()
        room = body.get("roomId", "")
        if room.startswith("room-sub-"):
            self.arrived.append((room, body.get("markdown", "")))
            if len(self.arrived) > self.let_through:
                await asyncio.sleep(3600)
        return await super()._post_message(request)


class Server:
    """`python -m bot serve` on a data folder, started and killed by the test."""

    def __init__(self, tmp_path: Path, api_url: str) -> None:
        self.port = free_port()
        self.env = {key: value for key, value in os.environ.items()
                    if not key.startswith(("BESLUTNINGSBOT_", "WEBEX_", "Microsoft"))}
        self.env.update({
            "BESLUTNINGSBOT_DATA_DIR": str(tmp_path / "data"), "BESLUTNINGSBOT_MINUTES_DIR": str(tmp_path / "minutes"),
            "BESLUTNINGSBOT_HOST": "127.0.0.1", "BESLUTNINGSBOT_PORT": str(self.port),
            "BESLUTNINGSBOT_ADMINS": "admin@kommune.dk", "BESLUTNINGSBOT_DIGEST": "off",
            "WEBEX_BOT_TOKEN": "test-token", "WEBEX_WEBHOOK_SECRET": SECRET, "WEBEX_API_URL": api_url,
        })
        self.tmp_path = tmp_path
        self.process: subprocess.Popen | None = None

    async def start(self) -> None:
        log = open(self.tmp_path / "serve.log", "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "bot", "serve"], cwd=self.tmp_path, env=self.env,
                                        stdout=log, stderr=log)
        async with aiohttp.ClientSession() as session:
            for _ in range(300):
                try:
                    async with session.get(f"http://127.0.0.1:{self.port}/healthz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                assert self.process.poll() is None, (self.tmp_path / "serve.log").read_text()
                await asyncio.sleep(0.1)
        raise AssertionError("serve did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    async def say(self, webex: FakeWebex, text: str) -> None:
        message = webex.add_message(text, room_id="room-admin", person_id="person-admin",
                                    person_email="admin@kommune.dk")
        body, headers = signed_webhook(message_webhook(message), SECRET)
        async with aiohttp.ClientSession() as session:
            async with session.post(f"http://127.0.0.1:{self.port}/api/webex", data=body, headers=headers) as response:
                assert response.status == 200


async def until(condition, timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.05)


@pytest.fixture
def data_folder(tmp_path) -> Path:
    """Twenty subscribed rooms, and a new meeting indexed after they subscribed."""
    minutes = tmp_path / "minutes"
    shutil.copytree(SAMPLES_DIR, minutes)
    store = tmp_path / "data" / "index.json"
    now = datetime.now(timezone.utc)
    build_index([minutes], store, now=now - timedelta(days=8))
    watermark = newest_indexing_time(Index.open(store))
    state = StateStore(tmp_path / "data" / "state.json")
    state.add_subscriptions([
        {"channel": "webex", "conversation_id": f"room-sub-{number:02}", "address": {}, "direct": True,
         "subscriber_id": f"person-{number}", "subscriber_name": f"p{number}@kommune.dk",
         "created": (now - timedelta(days=8)).isoformat(timespec="seconds"), "topic": None,
         "watermark": watermark, "active": True}
        for number in range(ROOMS)])
    state.close()
    (minutes / "new.txt").write_text(NEW_MEETING, encoding="utf-8")
    build_index([minutes], store, now=now - timedelta(days=1))
    return tmp_path


async def test_a_digest_run_killed_with_sigkill_repeats_only_the_sends_under_way_and_says_so(
        data_folder, aiohttp_server):
    # Regression (issue 11.7): kill -9 during a digest run repeated the digest for 8 rooms,
    # unmarked, while the README said a crash "neither repeats nor skips anyone".
    webex = HoldingWebex()
    webex.arrived = []
    webex.server = await aiohttp_server(webex.app(), host="127.0.0.1")
    server = Server(data_folder, str(webex.make_url("/v1")))
    await server.start()
    try:
        await server.say(webex, "digest nu")
        await until(lambda: len(webex.arrived) == LET_THROUGH + CONCURRENCY)
        delivered = [room for room, _ in webex.arrived[:LET_THROUGH]]
        await until(lambda: sum(1 for sent in webex.sent if sent.get("roomId", "").startswith("room-sub-"))
                    == LET_THROUGH)
        await asyncio.sleep(0.5)  # the five watermarks are written
    finally:
        server.kill()
    under_way = [room for room, _ in webex.arrived[LET_THROUGH:]]

    first_run = len(webex.arrived)
    webex.let_through = 10_000
    await server.start()
    try:
        await server.say(webex, "digest nu")
        await until(lambda: any(sent.get("roomId") == "room-admin" and "Ugeoversigten er sendt" in sent["markdown"]
                                for sent in webex.sent))
    finally:
        server.kill()
    second = {}
    for room, markdown in webex.arrived[first_run:]:
        second.setdefault(room, []).append(markdown)

    rooms = {f"room-sub-{number:02}" for number in range(ROOMS)}
    assert rooms == set(delivered) | set(under_way) | set(second)
    assert not set(delivered) & set(second), "a digest that was delivered and recorded came again"
    for room, copies in second.items():
        assert len(copies) == 1
        if room in under_way:
            assert copies[0].startswith(texts.DIGEST_MAYBE_AGAIN)
        else:
            assert texts.DIGEST_MAYBE_AGAIN not in copies[0]
    assert len(set(under_way) & set(second)) <= CONCURRENCY
