"""`beslutningsbot loadtest`: the harness counts right, and a short run through the real
server comes out clean. The figures themselves are printed by the command, never asserted."""

from __future__ import annotations

import argparse
import asyncio

import aiohttp

from bot.webex.channel import MAX_CONCURRENT, Event, WebexBot
from bot.webex.client import WebexClient
from handlers.conversation import Conversation
from handlers.messages import Incoming, Reply
from tests.chat import make_conversation
from tools import loadtest
from tools.loadtest.figures import Figures, Ledger, Question, tally


def test_the_parser_takes_the_documented_options():
    parser = argparse.ArgumentParser()
    loadtest.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["loadtest", "--conversations", "20", "--seconds", "5", "--think", "0",
                              "--channels", "webex", "--service-latency", "0.05"])
    assert (args.conversations, args.seconds, args.think, args.channels, args.service_latency) == (
        20, 5.0, 0.0, "webex", 0.05)
    assert args.run is loadtest.cmd_loadtest
    defaults = parser.parse_args(["loadtest"])
    assert (defaults.conversations, defaults.seconds) == (200, 30.0)


async def test_the_ledger_counts_lost_and_duplicate_replies():
    ledger = Ledger()
    ledger.apologies = ("Beklager",)
    answered, twice, lost, room = (Question(key, "teams", "q", sent=1.0) for key in ("a", "b", "c", "d"))
    for question in (answered, twice, lost):
        ledger.asked(question)
    ledger.asked(room, room="room-1")
    ledger.teams_reply("conv", "a", {"text": "svar"}, 1.1)
    ledger.teams_reply("conv", "b", {"text": "svar"}, 1.2)
    ledger.teams_reply("conv", "b", {"text": "svar igen"}, 1.3)
    ledger.teams_reply("conv", "nobody-asked", {"text": "?"}, 1.4)
    ledger.webex_reply("room-1", None, {"markdown": "Beklager, noget gik galt"}, 1.5)
    figures = Figures(4, 1.0, 0.0)
    tally(figures, ledger, ["webex /api/webex answered 503"])
    assert (figures.questions, figures.replies, figures.lost, figures.duplicates) == (4, 5, 1, 2)
    assert figures.errors == 2  # the apology and the 503
    assert sorted(round(value) for value in figures.latencies_ms) == [100, 200, 500]
    assert not figures.ok
    assert "replies lost        1" in figures.report()


async def test_a_short_run_through_the_real_server_answers_every_question_once():
    figures = await loadtest.run(conversations=6, seconds=1.5, think=0.2)
    assert figures.ok, figures.report()
    assert figures.questions >= 6 and figures.replies == figures.questions
    assert set(figures.by_channel) == {"teams", "webex"}


async def test_webex_handles_more_than_eight_events_at_once(aiohttp_server):
    # Regression: at most 8 Webex events were handled at a time. Each waits on two API round
    # trips, so with 50 ms round trips Webex answered about 50 questions a second in all,
    # and under load its questions queued while Teams questions did not.
    inside, release = [], asyncio.Event()

    class Waiting(Conversation):
        async def handle(self, message: Incoming) -> Reply:
            inside.append(message.text)
            await release.wait()
            return Reply("svar")

    class Api(WebexClient):
        async def me(self):
            return {"id": "bot", "emails": [], "displayName": "Beslutningsbot"}

        async def get_message(self, message_id):
            return {"id": message_id, "roomId": f"room-{message_id}", "roomType": "direct", "text": message_id,
                    "personId": "person", "personEmail": "p@kommune.dk"}

        async def send_message(self, *args, **kwargs):
            return {}

    async with aiohttp.ClientSession() as session:
        bot = WebexBot(Api("http://127.0.0.1:9/v1", "token", session), make_conversation(lambda: None, kind=Waiting))
        for number in range(32):
            assert bot.dispatch(Event("messages", f"m{number}", "person"))
        for _ in range(500):
            if len(inside) == 32:
                break
            await asyncio.sleep(0.01)
        release.set()
        await asyncio.wait_for(bot.drain(), 10)
    assert len(inside) == 32 <= MAX_CONCURRENT
