"""The people of `beslutningsbot loadtest`, in a process of their own so that making the
load does not take the server's CPU: the Bot Connector and Webex API stand-ins
(`tools.fakes`), and one coroutine per conversation that asks, waits for the reply and
thinks. The two processes talk over a pipe: the stand-ins' addresses one way, the bot's
address the other, then the figures back.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import time

from tools.loadtest.figures import Figures, Ledger, Question, tally
from tools.payloads import message_webhook, signed_webhook, teams_message

TOKEN = "loadtest-webex-token"
SECRET = "loadtest-webhook-secret"
# After the last reply, how long to keep listening for a second reply to any question.
SETTLE = 1.0


async def serve(app, host: str = "127.0.0.1"):
    from aiohttp import web

    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://{host}:{port}"


async def receive(connection, timeout: float) -> dict:
    """The next message from the other process; TimeoutError after `timeout` seconds."""
    if not await asyncio.to_thread(connection.poll, timeout):
        raise TimeoutError(f"the load process said nothing for {timeout:.0f} s")
    message = connection.recv()
    if "error" in message and "figures" not in message:
        raise RuntimeError(f"the load process failed: {message['error']}")
    return message


def people(connection, plan: dict) -> None:
    """The child process: serve the stand-ins, then play the people against the bot."""
    try:
        figures = asyncio.run(play(connection, plan))
        connection.send({"figures": figures})
    except BaseException as error:  # reported to the parent, which raises it
        connection.send({"error": f"{type(error).__name__}: {error}"})
    finally:
        connection.close()


async def play(connection, plan: dict) -> dict:
    import aiohttp

    from handlers import texts
    from tools.fakes import ConnectorStandIn, WebexStandIn

    ledger = Ledger()
    ledger.apologies = (texts.SORRY, *texts.INDEX_UNAVAILABLE.values())
    connector = ConnectorStandIn(ledger.teams_reply, latency=plan["service_latency"])
    webex_api = WebexStandIn(TOKEN, ledger.webex_reply, latency=plan["service_latency"])
    runners = []
    try:
        connector_runner, connector_url = await serve(connector.app())
        runners.append(connector_runner)
        webex_runner, webex_url = await serve(webex_api.app())
        runners.append(webex_runner)
        connection.send({"connector_url": connector_url, "webex_url": webex_url})
        bot_url = (await receive(connection, 60.0))["bot_url"]
        conversations, reply_timeout = plan["conversations"], plan["reply_timeout"]
        limits = aiohttp.TCPConnector(limit=conversations + 8)
        async with aiohttp.ClientSession(connector=limits,
                                         timeout=aiohttp.ClientTimeout(total=reply_timeout)) as session:
            driver = Driver(session, bot_url, connector_url, webex_api, ledger, plan["questions"],
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
    tally(figures, ledger, driver.failures)
    return {name: getattr(figures, name) for name in (
        "questions", "replies", "lost", "duplicates", "errors", "elapsed", "latencies_ms", "by_channel",
        "error_samples")}


class Driver:
    """Plays the people: one coroutine per conversation, Teams and Webex alternately."""

    def __init__(self, session, bot_url: str, connector_url: str, webex_api, ledger: Ledger,
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
        activity = teams_message(self.connector_url, text, who=f"user-{number}", name=f"Bruger {number}",
                                 conversation=f"a:load-{number}", tenant="tenant-load", activity_id=key)
        question = Question(key, "teams", text, time.perf_counter())
        self.ledger.asked(question)
        await self._post("/api/messages", json.dumps(activity).encode(), {"Content-Type": "application/json"},
                         (200, 201), question)
        return question

    async def _webex(self, number: int, text: str) -> Question | None:
        key = f"msg-{number}-{next(self._numbers)}"
        room, person = f"room-load-{number}", f"person-{number}"
        self.webex_api.add_message(key, room, text, person, f"bruger{number}@kommune.dk")
        message = {"id": key, "roomId": room, "roomType": "direct", "personId": person}
        body, headers = signed_webhook(message_webhook(message), SECRET)
        question = Question(key, "webex", text, time.perf_counter())
        self.ledger.asked(question, room)
        await self._post("/api/webex", body, headers, (200,), question)
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
