"""`beslutningsbot bench --flood N`: N concurrent large unauthenticated Teams posts beside a
Webex question, in figures (issue 11, point 1).

The real server (`create_app`, Teams authentication on, Webex on) runs in this process on
127.0.0.1 with a Webex API stand-in (`tools.fakes`). The Bot Framework's signing keys are a
key made here, put in botbuilder's key cache as after a download, so a forged token is
really checked (and fails) rather than refused for want of keys. First a Webex question is
asked alone `rounds` times: its reply latency, from the webhook's POST to the reply reaching
the stand-in, is the baseline. Then, for each kind of flood, N posts go to /api/messages at
once while the same question is asked again; each round waits for both. The figures: every
flood post's status and time to its answer, and the Webex latency under the flood against
the baseline. Nothing is asserted; the command prints what it measured.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any, AsyncIterator, Iterator

import aiohttp
from aiohttp import web

from tools.payloads import message_webhook, signed_webhook

TOKEN = "flood-webex-token"
SECRET = "flood-webhook-secret"
APP_ID = "00000000-0000-4000-8000-00000000f100"
TENANT = "flood-tenant"
QUESTION = "hvad besluttede direktionen om Hændelseslog?"
MEGABYTE = 1024 * 1024
# Seconds the Webex stand-in takes per call, as webexapis.com does from a Danish server; the
# issue's own baseline for a Webex question was 0.05 s. 0 measures the bot's CPU alone.
SERVICE_LATENCY = 0.02


def _flood_kinds(size: int) -> list[tuple[str, dict]]:
    """(name, how to send) of each flood: what an outsider without a valid token can send."""
    from bot.teams.guard import MAX_ACTIVITY_BYTES

    under = MAX_ACTIVITY_BYTES - 8 * 1024
    return [
        (f"{size // 1024} KB, no token", {"size": size, "token": None, "chunked": False}),
        (f"{size // 1024} KB, forged token", {"size": size, "token": "forged", "chunked": False}),
        (f"{size // 1024} KB chunked, forged token", {"size": size, "token": "forged", "chunked": True}),
        (f"{under // 1024} KB (under the limit), forged token", {"size": under, "token": "forged", "chunked": False}),
    ]


async def run_flood(posts: int = 10, size: int = MEGABYTE, rounds: int = 5,
                    service_latency: float = SERVICE_LATENCY) -> list[str]:
    """Run the bench; the lines of its report."""
    from bot.server import create_app
    from bot.settings import Settings
    from tools.fakes import WebexStandIn

    replies = _Replies()
    webex = WebexStandIn(TOKEN, replies.arrived, latency=service_latency)
    runners: list[web.AppRunner] = []
    lines: list[str] = []
    try:
        with _trusted_key() as stranger, tempfile.TemporaryDirectory(prefix="beslutningsbot-flood-") as scratch:
            webex_url = await _serve(webex.app(), runners)
            settings = Settings(data_dir=Path(scratch), digest="off", app_id=APP_ID, app_password="flood-password",
                                app_tenant_id=TENANT, webex_token=TOKEN, webex_secret=SECRET,
                                webex_api_url=f"{webex_url}/v1")
            bot_url = await _serve(create_app(settings), runners)
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
                question = _Question(session, bot_url, webex, replies)
                await question.ask()  # warm up: the bot's first Webex call learns who it is
                baseline = [await question.ask() for _ in range(rounds)]
                lines.append(f"beslutningsbot bench --flood {posts}: Teams authentication on, "
                             f"{rounds} rounds per kind, Webex API answering after {service_latency * 1000:g} ms")
                lines.append(f"Webex question alone          median {statistics.median(baseline):6.1f} ms, "
                             f"max {max(baseline):6.1f} ms")
                forged = _forged_token(stranger)
                for name, how in _flood_kinds(size):
                    flood = _Flood(bot_url, how, forged, posts)
                    lines += await _measure(name, flood, question, rounds, posts, baseline)
    finally:
        for runner in reversed(runners):
            await runner.cleanup()
    return lines


@contextlib.contextmanager
def _trusted_key() -> Iterator[Any]:
    """Put a signing key made here in botbuilder's key cache, as after a download, so a
    forged token is really checked (and fails) rather than refused for want of keys; yields
    a stranger's key to forge with. The cache is put back afterwards."""
    from botframework.connector.auth import AuthenticationConstants
    from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    from bot.teams.connector import SigningKeys

    trusted = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    channel_keys = AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
    keys = SigningKeys(channel_keys)
    public = json.loads(RSAAlgorithm.to_jwk(trusted.public_key()))
    keys.keys, keys.last_updated = [public | {"kid": "bench-key", "endorsements": ["msteams"]}], datetime.now()
    saved = JwtTokenExtractor.metadataCache.get(channel_keys)
    JwtTokenExtractor.metadataCache[channel_keys] = keys
    try:
        yield stranger
    finally:
        if saved is None:
            JwtTokenExtractor.metadataCache.pop(channel_keys, None)
        else:
            JwtTokenExtractor.metadataCache[channel_keys] = saved


def _forged_token(stranger: Any) -> str:
    """A token that names the bench's key but is signed by a stranger's."""
    import jwt

    now = int(time.time())
    return jwt.encode({"iss": "https://api.botframework.com", "aud": APP_ID, "serviceurl": "http://x/",
                       "nbf": now - 60, "exp": now + 3600}, stranger, algorithm="RS256", headers={"kid": "bench-key"})


class _Replies:
    """When the first reply reached each Webex room, and who waits for one."""

    def __init__(self) -> None:
        self.first: dict[str, float] = {}
        self.waiting: dict[str, asyncio.Event] = {}

    def arrived(self, room: str, reply_to: Any, body: Any, at: float) -> None:
        self.first.setdefault(room, at)
        if room in self.waiting:
            self.waiting[room].set()


class _Question:
    """The Webex question, asked in a new room each time through a signed webhook."""

    def __init__(self, session: aiohttp.ClientSession, bot_url: str, webex: Any, replies: _Replies) -> None:
        self.session = session
        self.bot_url = bot_url
        self.webex = webex
        self.replies = replies
        self.numbers = itertools.count(1)

    async def ask(self) -> float:
        """Ms from the webhook's POST to the reply reaching the stand-in."""
        number = next(self.numbers)
        room, key = f"room-{number}", f"msg-{number}"
        self.webex.add_message(key, room, QUESTION, f"person-{number}", f"p{number}@kommune.dk")
        message = {"id": key, "roomId": room, "roomType": "direct", "personId": f"person-{number}"}
        body, headers = signed_webhook(message_webhook(message), SECRET)
        self.replies.waiting[room] = asyncio.Event()
        started = time.perf_counter()
        async with self.session.post(f"{self.bot_url}/api/webex", data=body, headers=headers) as response:
            await response.read()
        await asyncio.wait_for(self.replies.waiting[room].wait(), 60)
        return (self.replies.first[room] - started) * 1000


async def _measure(name: str, flood: "_Flood", question: _Question, rounds: int, posts: int,
                   baseline: list[float]) -> list[str]:
    """`rounds` volleys of one kind of flood, the question asked during each: the report's lines."""
    await flood.start()
    statuses: list[int] = []
    answer_ms: list[float] = []
    during: list[float] = []
    try:
        for _ in range(rounds):
            await flood.fire()
            during.append(await question.ask())
            answered = await flood.results()
            statuses += [status for status, _ in answered]
            answer_ms += [elapsed for _, elapsed in answered]
    finally:
        await flood.stop()
    counts = ", ".join(f"{count}x {status}" for status, count in sorted(
        {s: statuses.count(s) for s in statuses}.items()))
    return [f"{posts} x {name}, at once:",
            f"  answered {counts}; each in median {statistics.median(answer_ms):6.1f} ms, "
            f"max {max(answer_ms):6.1f} ms",
            f"  Webex question meanwhile    median {statistics.median(during):6.1f} ms, "
            f"max {max(during):6.1f} ms "
            f"({statistics.median(during) / statistics.median(baseline):.2f}x the baseline, "
            f"{statistics.median(during) - statistics.median(baseline):+.1f} ms)"]


class _Flood:
    """A child process that sends `posts` posts to /api/messages at once, each time it is
    told to, so that making the flood does not take the server's CPU."""

    def __init__(self, bot_url: str, how: dict, forged: str, posts: int) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self.ours, theirs = context.Pipe()
        self.process = context.Process(target=_flood_process, args=(theirs, bot_url, how, forged, posts),
                                       name="flood", daemon=True)

    async def start(self) -> None:
        self.process.start()
        await asyncio.to_thread(self.ours.recv)  # "ready": the body is made, the session open

    async def fire(self) -> None:
        """Start one volley; returns once its posts are on their way."""
        self.ours.send("go")
        await asyncio.to_thread(self.ours.recv)

    async def results(self) -> list[tuple[int, float]]:
        """(status, ms to the answer) of each post of the last volley."""
        return await asyncio.to_thread(self.ours.recv)

    async def stop(self) -> None:
        self.ours.send("stop")
        await asyncio.to_thread(self.process.join, 10)


def _flood_process(connection, bot_url: str, how: dict, forged: str, posts: int) -> None:
    async def flood() -> None:
        body = _body(how["size"])
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
            connection.send("ready")
            while await asyncio.to_thread(connection.recv) == "go":
                volley = [asyncio.create_task(_post(session, bot_url, body, how, forged)) for _ in range(posts)]
                await asyncio.sleep(0.001)  # let every post open its connection and start writing
                connection.send("fired")
                connection.send(await asyncio.gather(*volley))

    asyncio.run(flood())
    connection.close()


async def _serve(app: web.Application, runners: list[web.AppRunner]) -> str:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    runners.append(runner)
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return f"http://127.0.0.1:{runner.addresses[0][1]}"


def _body(size: int) -> bytes:
    """An activity of `size` bytes, made before the clock starts."""
    activity = {"type": "message", "channelId": "msteams", "serviceUrl": "http://x/",
                "conversation": {"id": "a:flood"}, "from": {"id": "29:flood"}, "text": ""}
    activity["text"] = "x" * max(size - len(json.dumps(activity)), 0)
    return json.dumps(activity).encode()


async def _post(session: aiohttp.ClientSession, bot_url: str, body: bytes, how: dict,
                forged: str) -> tuple[int, float]:
    headers = {"Content-Type": "application/json"}
    if how["token"]:
        headers["Authorization"] = f"Bearer {forged}"
    data = _chunks(body) if how["chunked"] else body
    started = time.perf_counter()
    try:
        async with session.post(f"{bot_url}/api/messages", data=data, headers=headers) as response:
            status = response.status
    except aiohttp.ClientError:
        status = 0  # the connection went away before an answer: counted as status 0
    return status, (time.perf_counter() - started) * 1000


async def _chunks(body: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start:start + size]


def run_flood_bench(posts: int, service_latency: float = SERVICE_LATENCY) -> int:
    for line in asyncio.run(run_flood(posts, service_latency=service_latency)):
        print(line)
    return 0
