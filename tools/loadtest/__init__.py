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
asserted. The people are `tools.loadtest.people`, the counting `tools.loadtest.figures`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from pathlib import Path

from tools import evaluate
from tools.loadtest.figures import Figures
from tools.loadtest.people import SECRET, TOKEN, people, receive, serve

REPLY_TIMEOUT = 10.0
SEED = 20260409


class _ErrorLog(logging.Handler):
    """Counts log records at ERROR and above while the load runs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"log {record.name}: {record.getMessage()[:200]}")


def load_questions(path: Path | None = None) -> list[str]:
    """The question texts of a JSONL question file (default: the development set)."""
    return [question["q"] for question in evaluate.load(path or evaluate.DEFAULT_QUESTIONS)]


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
    child = context.Process(target=people, args=(theirs, plan), name="loadtest-people", daemon=True)
    errors = _ErrorLog()
    logging.getLogger().addHandler(errors)
    runner = None
    child.start()
    try:
        with tempfile.TemporaryDirectory(prefix="beslutningsbot-load-") as scratch:
            ready = await receive(ours, 60.0)
            settings = Settings(data_dir=data_dir or Path(scratch), digest="off", teams_noauth="local",
                                webex_token=TOKEN, webex_secret=SECRET, webex_api_url=f"{ready['webex_url']}/v1")
            runner, bot_url = await serve(create_app(settings))
            ours.send({"bot_url": bot_url})
            result = await receive(ours, seconds + 2 * reply_timeout + 60.0)
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
    """`python -m tools.loadtest`."""
    parser = argparse.ArgumentParser(prog="beslutningsbot")
    add_parser(parser.add_subparsers(dest="command", required=True))
    arguments = parser.parse_args(["loadtest", *(sys.argv[1:] if argv is None else argv)])
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return arguments.run(arguments)

