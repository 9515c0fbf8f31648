"""Webex events through the real server: a replay is never answered twice, a burst is
queued instead of refused, and what was accepted before a restart is answered after it.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from bot.server import create_app
from bot.webex.channel import WEBEX_BOT, WEBEX_RETRY
from tests.fakes.webex_api import Scripted
from tests.test_channels_end_to_end import QUICK, SECRET, Bot
from tools.payloads import message_webhook, signed_webhook


@pytest.fixture
async def bot(tmp_path, connector, fake, aiohttp_client):
    bot = Bot(tmp_path, connector, fake)
    bot.client = await aiohttp_client(bot.app)
    bot.make_client = aiohttp_client
    return bot


def webhook(bot: Bot, text: str, room: str, created: str | None = None) -> tuple[bytes, dict[str, str]]:
    """A signed webhook for a new message, as Webex would send it."""
    message = bot.webex.add_message(text, room_id=room, person_id="person-bo", person_email="bo@kommune.dk")
    if created is not None:
        message["created"] = created
    return signed_webhook(message_webhook(message), SECRET)


async def post(bot: Bot, signed: tuple[bytes, dict[str, str]]) -> int:
    body, headers = signed
    response = await bot.client.post("/api/webex", data=body, headers=headers)
    return response.status


async def restart(bot: Bot) -> None:
    """Stop the server (its cleanup runs) and start a new one on the same data folder."""
    await bot.client.close()
    bot.app = create_app(bot.settings, live=bot.live, clock=lambda: bot.now)
    bot.app[WEBEX_RETRY] = QUICK
    bot.client = await bot.make_client(bot.app)


async def settle(bot: Bot) -> None:
    await asyncio.wait_for(bot.app[WEBEX_BOT].drain(), 30)


async def test_a_replayed_webhook_is_not_answered_again_after_many_events_or_a_restart(bot):
    # Regression (issue 11.7): a replayed signed webhook was answered again once 512 other
    # events had pushed its id out of memory, or after a restart.
    question = webhook(bot, "hvad besluttede direktionen om hændelseslog", "room-a")
    assert await post(bot, question) == 200
    await settle(bot)
    assert len(bot.webex_texts("room-a")) == 1
    for number in range(520):
        assert await post(bot, webhook(bot, "hjælp", f"room-{number}")) == 200
    await settle(bot)
    assert await post(bot, question) == 200
    await settle(bot)
    assert len(bot.webex_texts("room-a")) == 1
    await restart(bot)
    assert await post(bot, question) == 200
    await settle(bot)
    assert len(bot.webex_texts("room-a")) == 1
    # A new question in the same room is answered as ever.
    assert await post(bot, webhook(bot, "hjælp", "room-a")) == 200
    await settle(bot)
    assert len(bot.webex_texts("room-a")) == 2


async def test_a_replay_of_a_message_older_than_a_day_is_not_answered(bot):
    two_days_ago = (datetime.now(timezone.utc) - timedelta(days=2)).isoformat().replace("+00:00", "Z")
    assert await post(bot, webhook(bot, "hjælp", "room-old", created=two_days_ago)) == 200
    await settle(bot)
    assert bot.webex_texts("room-old") == []
    assert bot.webex.calls_to("GET /messages/{id}") == []


async def test_a_burst_of_webhooks_is_queued_and_every_one_answered_once(bot):
    # Regression (issue 11.7): under overload, 168 of 1,000 webhooks got 503 (more than 256
    # waiting) and were never answered, with no word to the person who asked.
    burst = 600
    bot.webex.script("GET /messages/{id}", *[Scripted(200, delay=0.05) for _ in range(burst)])
    hooks = [webhook(bot, "hjælp", f"room-{number}") for number in range(burst)]
    statuses = await asyncio.gather(*(post(bot, hook) for hook in hooks))
    assert sorted(set(statuses)) == [200]
    await settle(bot)
    assert sorted(sent["roomId"] for sent in bot.webex.sent) == sorted(f"room-{number}" for number in range(burst))


async def test_questions_accepted_before_a_restart_are_answered_after_it(bot):
    stalled = 3
    bot.webex.script("GET /messages/{id}", *[Scripted(200, delay=60) for _ in range(stalled)])
    for number in range(stalled):
        assert await post(bot, webhook(bot, "hjælp", f"room-{number}")) == 200
    await bot.until(lambda: len(bot.webex.calls_to("GET /messages/{id}")) == stalled)
    await bot.app[WEBEX_BOT].close(grace=0.1)  # the server stops before it could answer
    await restart(bot)
    await bot.until(lambda: len(bot.webex.sent) == stalled)
    await settle(bot)
    assert sorted(sent["roomId"] for sent in bot.webex.sent) == [f"room-{number}" for number in range(stalled)]


def test_the_inbox_remembers_a_day_across_restarts_and_keeps_two_days_on_disk_at_most(tmp_path):
    from bot.webex.inbox import REMEMBER, WebexInbox

    clock = [1_800_000_000.0]
    path = tmp_path / "webex-inbox.jsonl"
    inbox = WebexInbox(path, now=lambda: clock[0])
    inbox.accept("messages", "early", "p", None)
    inbox.finish("messages", "early")
    inbox.accept("messages", "cut-off", "p", None)  # accepted, never finished: a kill
    for hour in range(72):
        clock[0] += 3600
        inbox.accept("messages", f"m{hour}", "p", clock[0])
        inbox.finish("messages", f"m{hour}")
        again = WebexInbox(path, now=lambda: clock[0])
        assert again.seen("messages", f"m{hour}")
        assert again.seen("messages", "early") == (hour < 24)
        again.close()
    inbox.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["webex-inbox.jsonl", "webex-inbox.jsonl.1"]
    restarted = WebexInbox(path, now=lambda: clock[0])
    assert len(restarted.entries) <= 2 * REMEMBER.total_seconds() / 3600 + 1
    assert restarted.unfinished() == []  # "cut-off" is older than a day: not answered any more
