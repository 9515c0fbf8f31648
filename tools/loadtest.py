"""`beslutningsbot loadtest`: the real server under many concurrent conversations, in figures.

`run()` starts the server of `bot.server.create_app` in this process on 127.0.0.1, over an
index of the bundled sample minutes in a temporary data folder. A child process plays the
people and serves a stand-in Bot Connector and Webex API (`tools.fakes`), so that making the
load does not take the server's CPU. It holds N conversations open for a bounded time, in
turn Teams chats (activities to `/api/messages`, authentication off) and Webex rooms
(signed webhooks to `/api/webex`). Each conversation asks the development questions in
turn, waits for the reply, and pauses for a think time (`think` seconds on average, drawn
between half and one and a half times that) before the next, as a person would. The
stand-ins may take `service_latency` seconds per call, as the real services do over the
internet. A reply's latency runs from just before the POST to the moment the reply
reaches the stand-in, which is where the person would see it.

It counts questions, replies, questions left without a reply within `reply_timeout`
("lost"), replies beyond the first to one question or that nobody asked for
("duplicates") and errors: an HTTP answer other than the channel's success status, a
request that fails, a reply that is an apology or says the index is unavailable, and any
log record at ERROR or above in the server. `Figures.ok` is true when every question got
exactly one reply and nothing went wrong; the latency percentiles are printed, never
asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import itertools
import json
import logging
import math
import random
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_QUESTIONS = Path(__file__).resolve().parents[1] / "tests" / "data" / "questions.jsonl"
TOKEN = "loadtest-webex-token"
SECRET = "loadtest-webhook-secret"
REPLY_TIMEOUT = 10.0
# After the last reply, how long to keep listening for a second reply to any question.
SETTLE = 1.0
SEED = 20260409


@dataclass
class Question:
    """One question sent: where, when, and the replies it got (arrival times)."""

    key: str
    channel: str
    text: str
    sent: float
    replies: list[float] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class Figures:
    """What one load test run measured."""

    conversations: int
    seconds: float
    think: float
    channels: tuple[str, ...] = ("teams", "webex")
    service_latency: float = 0.0
    questions: int = 0
    replies: int = 0
    lost: int = 0
    duplicates: int = 0
    errors: int = 0
    elapsed: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    by_channel: dict[str, list[float]] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.questions > 0 and self.lost == 0 and self.duplicates == 0 and self.errors == 0

    def percentile(self, share: float, values: list[float] | None = None) -> float:
        """Nearest-rank percentile of the reply latencies, in ms (0 without replies)."""
        ordered = sorted(self.latencies_ms if values is None else values)
        if not ordered:
            return 0.0
        return ordered[max(0, math.ceil(share * len(ordered)) - 1)]

    def report(self) -> str:
        shares = [f"{len(range(start, self.conversations, len(self.channels)))} {name.title()}"
                  for start, name in enumerate(self.channels)]
        lines = [
            f"beslutningsbot loadtest: {self.conversations} conversations ({', '.join(shares)}) "
            f"for {self.seconds:g} s, think time {self.think:g} s, "
            f"Bot Connector and Webex API answering after {self.service_latency * 1000:g} ms",
            f"questions sent      {self.questions}",
            f"replies             {self.replies}",
            f"replies lost        {self.lost}",
            f"duplicate replies   {self.duplicates}",
            f"errors              {self.errors}",
            f"throughput          {self.replies / self.elapsed if self.elapsed else 0:.1f} replies/s",
            f"latency p50         {self.percentile(0.50):.0f} ms",
            f"latency p95         {self.percentile(0.95):.0f} ms",
            f"latency p99         {self.percentile(0.99):.0f} ms",
            f"latency max         {max(self.latencies_ms, default=0):.0f} ms",
        ]
        for channel, values in sorted(self.by_channel.items()):
            lines.append(f"  {channel:<6} p50 {self.percentile(0.5, values):.0f} ms, "
                         f"p95 {self.percentile(0.95, values):.0f} ms, "
                         f"p99 {self.percentile(0.99, values):.0f} ms ({len(values)} replies)")
        lines += [f"  error: {sample}" for sample in self.error_samples[:10]]
        lines.append("result              " + ("OK" if self.ok else "FAILED"))
        return "\n".join(lines)


class _ErrorLog(logging.Handler):
    """Counts log records at ERROR and above while the load runs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"log {record.name}: {record.getMessage()[:200]}")


class _Ledger:
    """Every question asked and every reply that arrived, matched to each other."""

    def __init__(self) -> None:
        self.questions: dict[str, Question] = {}
        self.open_in_room: dict[str, list[str]] = defaultdict(list)
        self.last_in_room: dict[str, str] = {}
        self.unmatched = 0
        self.errors: list[str] = []
        self.apologies: tuple[str, ...] = ()

    def asked(self, question: Question, room: str | None = None) -> None:
        self.questions[question.key] = question
        if room is not None:
            self.open_in_room[room].append(question.key)
            self.last_in_room[room] = question.key

    def teams_reply(self, conversation_id: str, reply_to: str | None, body: dict[str, Any], at: float) -> None:
        self._arrived(self.questions.get(reply_to or ""), _teams_text(body), at)

    def webex_reply(self, room: str, reply_to: str | None, body: dict[str, Any], at: float) -> None:
        waiting = self.open_in_room.get(room)
        # A reply to a room answers its oldest open question; one more is a duplicate.
        key = waiting.pop(0) if waiting else self.last_in_room.get(room, "")
        self._arrived(self.questions.get(key), body.get("markdown", ""), at)

    def _arrived(self, question: Question | None, text: str, at: float) -> None:
        if question is None:
            self.unmatched += 1
            return
        question.replies.append(at)
        question.done.set()
        if any(text.startswith(apology) for apology in self.apologies):
            self.errors.append(f"{question.channel} {question.text!r} got {text[:80]!r}")


def _teams_text(body: dict[str, Any]) -> str:
    if body.get("text"):
        return body["text"]
    for attachment in body.get("attachments") or ():
        content = attachment.get("content") or {}
        if isinstance(content, dict) and content.get("fallbackText"):
            return content["fallbackText"]
    return ""


def load_questions(path: Path | None = None) -> list[str]:
    """The question texts of a JSONL question file (default: the development set)."""
    lines = (path or DEFAULT_QUESTIONS).read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["q"] for line in lines if line.strip()]


async def _serve(app, host: str = "127.0.0.1"):
    from aiohttp import web

    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://{host}:{port}"


async def run(conversations: int = 200, seconds: float = 30.0, *, think: float = 1.0,
              questions: list[str] | None = None, reply_timeout: float = REPLY_TIMEOUT,
              data_dir: Path | None = None, seed: int = SEED,
              channels: tuple[str, ...] = ("teams", "webex"), service_latency: float = 0.0) -> Figures:
    """Run the load test and return its figures; see the module docstring."""
    import multiprocessing

    from bot.server import create_app
    from bot.settings import Settings

    if conversations < 1 or seconds <= 0:
        raise ValueError("conversations must be at least 1 and seconds more than 0")
    if not channels or set(channels) - {"teams", "webex"}:
        raise ValueError("channels must be teams, webex or both")
    plan = {"conversations": conversations, "seconds": seconds, "think": think, "channels": list(channels),
            "service_latency": service_latency, "questions": questions or load_questions(),
            "reply_timeout": reply_timeout, "seed": seed}
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    child = context.Process(target=_people, args=(theirs, plan), name="loadtest-people", daemon=True)
    errors = _ErrorLog()
    logging.getLogger().addHandler(errors)
    runner = None
    child.start()
    try:
        with tempfile.TemporaryDirectory(prefix="beslutningsbot-load-") as scratch:
            ready = await _receive(ours, 60.0)
            settings = Settings(data_dir=data_dir or Path(scratch), digest="off", teams_noauth="local",
                                webex_token=TOKEN, webex_secret=SECRET, webex_api_url=f"{ready['webex_url']}/v1")
            runner, bot_url = await _serve(create_app(settings))
            ours.send({"bot_url": bot_url})
            result = await _receive(ours, seconds + 2 * reply_timeout + 60.0)
            await runner.cleanup()
            runner = None
    finally:
        if runner is not None:
            await runner.cleanup()
        logging.getLogger().removeHandler(errors)
        child.join(10.0)
        if child.is_alive():
            child.kill()
            child.join(5.0)
    figures = Figures(conversations, seconds, think, channels=tuple(channels), service_latency=service_latency,
                      **result["figures"])
    figures.errors += len(errors.records)
    figures.error_samples += errors.records[:10]
    return figures


async def _receive(connection, timeout: float) -> dict:
    """The next message from the other process; TimeoutError after `timeout` seconds."""
    if not await asyncio.to_thread(connection.poll, timeout):
        raise TimeoutError(f"the load process said nothing for {timeout:.0f} s")
    message = connection.recv()
    if "error" in message and "figures" not in message:
        raise RuntimeError(f"the load process failed: {message['error']}")
    return message


def _people(connection, plan: dict) -> None:
    """The child process: serve the stand-ins, then play the people against the bot."""
    try:
        figures = asyncio.run(_play(connection, plan))
        connection.send({"figures": figures})
    except BaseException as error:  # reported to the parent, which raises it
        connection.send({"error": f"{type(error).__name__}: {error}"})
    finally:
        connection.close()


async def _play(connection, plan: dict) -> dict:
    import aiohttp

    from handlers import texts
    from tools.fakes import ConnectorStandIn, WebexStandIn

    ledger = _Ledger()
    ledger.apologies = (texts.SORRY, *texts.INDEX_UNAVAILABLE.values())
    connector = ConnectorStandIn(ledger.teams_reply, latency=plan["service_latency"])
    webex_api = WebexStandIn(TOKEN, ledger.webex_reply, latency=plan["service_latency"])
    runners = []
    try:
        connector_runner, connector_url = await _serve(connector.app())
        runners.append(connector_runner)
        webex_runner, webex_url = await _serve(webex_api.app())
        runners.append(webex_runner)
        connection.send({"connector_url": connector_url, "webex_url": webex_url})
        bot_url = (await _receive(connection, 60.0))["bot_url"]
        conversations, reply_timeout = plan["conversations"], plan["reply_timeout"]
        limits = aiohttp.TCPConnector(limit=conversations + 8)
        async with aiohttp.ClientSession(connector=limits,
                                         timeout=aiohttp.ClientTimeout(total=reply_timeout)) as session:
            driver = _Driver(session, bot_url, connector_url, webex_api, ledger, plan["questions"],
                             plan["think"], reply_timeout, random.Random(plan["seed"]), plan["channels"])
            started = time.perf_counter()
            deadline = started + plan["seconds"]
            await asyncio.gather(*(driver.conversation(number, deadline) for number in range(conversations)))
            elapsed = time.perf_counter() - started
            await asyncio.sleep(SETTLE)
    finally:
        for runner in reversed(runners):
            await runner.cleanup()
    figures = Figures(conversations, plan["seconds"], plan["think"], elapsed=elapsed)
    _tally(figures, ledger, driver.failures)
    return {name: getattr(figures, name) for name in (
        "questions", "replies", "lost", "duplicates", "errors", "elapsed", "latencies_ms", "by_channel",
        "error_samples")}


def _tally(figures: Figures, ledger: _Ledger, failures: list[str]) -> None:
    for question in ledger.questions.values():
        figures.questions += 1
        figures.replies += len(question.replies)
        if not question.replies:
            figures.lost += 1
            continue
        figures.duplicates += len(question.replies) - 1
        latency = (question.replies[0] - question.sent) * 1000
        figures.latencies_ms.append(latency)
        figures.by_channel.setdefault(question.channel, []).append(latency)
    figures.replies += ledger.unmatched
    figures.duplicates += ledger.unmatched
    problems = ledger.errors + failures
    figures.errors = len(problems)
    figures.error_samples = problems[:10]


class _Driver:
    """Plays the people: one coroutine per conversation, Teams and Webex alternately."""

    def __init__(self, session, bot_url: str, connector_url: str, webex_api, ledger: _Ledger,
                 questions: list[str], think: float, reply_timeout: float, rng: random.Random,
                 channels: list[str]) -> None:
        self.session = session
        self.bot_url = bot_url
        self.connector_url = connector_url + "/"
        self.webex_api = webex_api
        self.ledger = ledger
        self.questions = questions
        self.think = think
        self.reply_timeout = reply_timeout
        self.rng = rng
        self.channels = channels
        self.failures: list[str] = []
        self._numbers = itertools.count(1)

    async def conversation(self, number: int, deadline: float) -> None:
        channel = self.channels[number % len(self.channels)]
        # People do not all press enter in the same millisecond.
        await asyncio.sleep(self.rng.uniform(0, self.think))
        turn = 0
        while time.perf_counter() < deadline:
            text = self.questions[(number + turn * 7) % len(self.questions)]
            question = await (self._teams if channel == "teams" else self._webex)(number, text)
            if question is not None:
                try:
                    await asyncio.wait_for(question.done.wait(), self.reply_timeout)
                except asyncio.TimeoutError:
                    pass  # counted as lost
            turn += 1
            if self.think:
                await asyncio.sleep(self.think * self.rng.uniform(0.5, 1.5))

    async def _teams(self, number: int, text: str) -> Question | None:
        key = f"lt-{number}-{next(self._numbers)}"
        activity = {
            "type": "message", "id": key, "channelId": "msteams", "serviceUrl": self.connector_url,
            "text": text, "textFormat": "plain",
            "from": {"id": f"29:user-{number}", "name": f"Bruger {number}", "aadObjectId": f"aad-user-{number}"},
            "conversation": {"id": f"a:load-{number}", "conversationType": "personal", "tenantId": "tenant-load"},
            "recipient": {"id": "28:beslutningsbot", "name": "Beslutningsbot"},
            "channelData": {"tenant": {"id": "tenant-load"}},
        }
        question = Question(key, "teams", text, time.perf_counter())
        self.ledger.asked(question)
        await self._post("/api/messages", json.dumps(activity).encode(), {"Content-Type": "application/json"},
                         (200, 201), question)
        return question

    async def _webex(self, number: int, text: str) -> Question | None:
        key = f"msg-{number}-{next(self._numbers)}"
        room, person = f"room-load-{number}", f"person-{number}"
        self.webex_api.add_message(key, room, text, person, f"bruger{number}@kommune.dk")
        body = json.dumps({"id": "webhook-load", "resource": "messages", "event": "created",
                           "data": {"id": key, "roomId": room, "roomType": "direct", "personId": person}}).encode()
        signature = hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest()
        question = Question(key, "webex", text, time.perf_counter())
        self.ledger.asked(question, room)
        await self._post("/api/webex", body, {"Content-Type": "application/json", "X-Spark-Signature": signature},
                         (200,), question)
        return question

    async def _post(self, path: str, body: bytes, headers: dict[str, str], expected: tuple[int, ...],
                    question: Question) -> None:
        try:
            async with self.session.post(self.bot_url + path, data=body, headers=headers) as response:
                await response.read()
                if response.status not in expected:
                    self.failures.append(f"{question.channel} {path} answered {response.status}")
        except Exception as error:  # a failed request is an error in the figures, not a crash
            self.failures.append(f"{question.channel} {path} failed: {type(error).__name__}")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register `loadtest` on the `beslutningsbot` command line."""
    parser = subparsers.add_parser("loadtest", help="drive the server with many concurrent conversations")
    parser.add_argument("--conversations", type=int, default=200, help="concurrent conversations (half Teams, half Webex)")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long to keep asking")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean pause in seconds between a reply and the next question (0: none)")
    parser.add_argument("--channels", default="teams,webex",
                        help="channels the conversations take turns on: teams, webex or teams,webex")
    parser.add_argument("--service-latency", type=float, default=0.0,
                        help="seconds the stand-in Bot Connector and Webex API take to answer each call")
    parser.add_argument("--questions", type=Path, default=None,
                        help="question file (default: tests/data/questions.jsonl)")
    parser.set_defaults(run=cmd_loadtest)


def cmd_loadtest(args: argparse.Namespace) -> int:
    questions = load_questions(args.questions) if args.questions else None
    channels = tuple(name.strip().lower() for name in args.channels.split(",") if name.strip())
    figures = asyncio.run(run(args.conversations, args.seconds, think=args.think, questions=questions,
                              channels=channels, service_latency=args.service_latency))
    print(figures.report())
    return 0 if figures.ok else 1


def main(argv: list[str] | None = None) -> int:
    """`python -m tools.loadtest`, until the subcommand is wired into `bot.cli`."""
    parser = argparse.ArgumentParser(prog="beslutningsbot")
    add_parser(parser.add_subparsers(dest="command", required=True))
    arguments = parser.parse_args(["loadtest", *(sys.argv[1:] if argv is None else argv)])
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return arguments.run(arguments)


if __name__ == "__main__":
    raise SystemExit(main())
