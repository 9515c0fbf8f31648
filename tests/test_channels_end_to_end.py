"""Admin commands and weekly digests through the real server, end to end on both channels.

The server is `create_app` with a clock the tests move; Teams talks to a fake Bot Connector
and Webex to a fake Webex API, both real aiohttp servers on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import shutil
from datetime import datetime, timedelta, timezone

import pytest

from bot.server import COLLABORATORS, create_app
from bot.settings import Settings
from bot.webex.channel import WEBEX_RETRY
from bot.webex.client import RetryPolicy
from knowledge.index.build import build_index
from knowledge.index.live import LiveIndex
from knowledge.paths import SAMPLES_DIR
from tests.conftest import NEW_MEETING
from tests.fakes.connector import FakeConnector
from tests.fakes.webex_api import FakeWebex
from tools.payloads import message_webhook, signed_webhook, teams_message

SECRET = "webhook-secret"
QUICK = RetryPolicy(attempts=5, backoff=0.001, backoff_max=0.01, retry_after_max=1.0)
START = datetime(2026, 11, 18, 12, 0, tzinfo=timezone.utc)  # a Wednesday
MONDAY_8 = datetime(2026, 11, 23, 7, 0, tzinfo=timezone.utc)  # 08:00 in Copenhagen


class Bot:
    """The server with its fakes, minutes folder, index and a clock the test moves."""

    def __init__(self, tmp_path, connector: FakeConnector, webex: FakeWebex, samples: bool = True):
        self.now = START
        self.connector, self.webex = connector, webex
        self.minutes = tmp_path / "minutes"
        if samples:
            shutil.copytree(SAMPLES_DIR, self.minutes)
        self.settings = Settings(
            data_dir=tmp_path / "data", minutes_dir=self.minutes, teams_noauth="local",
            admins=("aad-admin", "admin@kommune.dk"),
            webex_token="test-token", webex_secret=SECRET, webex_api_url=str(webex.make_url("/v1")),
        )
        build_index([self.minutes], self.settings.store_path, now=START - timedelta(days=30))
        self.live = LiveIndex.open(self.settings.store_path)
        self.app = create_app(self.settings, live=self.live, clock=lambda: self.now)
        self.app[WEBEX_RETRY] = QUICK
        self.client = None

    # --- Teams ---------------------------------------------------------------------------

    async def teams(self, text: str, who: str = "anna", personal: bool = True, name: str | None = None):
        conversation = f"a:{who}-personal" if personal else "19:group@thread.v2"
        activity = teams_message(self.connector.url, text, who=who, name=name,
                                 chat="personal" if personal else "groupChat", conversation=conversation,
                                 tenant="tenant-1")
        response = await self.client.post("/api/messages", json=activity)
        assert response.status in (200, 201), await response.text()
        return conversation

    def teams_texts(self, conversation: str) -> list[str]:
        return [p.body.get("text") or p.body["attachments"][0]["content"]["fallbackText"]
                for p in self.connector.of_type("message") if p.conversation_id == conversation]

    # --- Webex ---------------------------------------------------------------------------

    async def webex_say(self, text: str, email: str = "bo@kommune.dk", room: str = "room-bo",
                        room_type: str = "direct"):
        message = self.webex.add_message(text, room_id=room, room_type=room_type,
                                         person_id=f"person-{email}", person_email=email)
        body, headers = signed_webhook(message_webhook(message), SECRET)
        response = await self.client.post("/api/webex", data=body, headers=headers)
        assert response.status == 200

    def webex_texts(self, room: str) -> list[str]:
        return [sent["markdown"] for sent in self.webex.sent if sent.get("roomId") == room]

    # --- waiting -------------------------------------------------------------------------

    async def until(self, condition, timeout: float = 10.0):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            if loop.time() > deadline:
                raise AssertionError("timed out")
            await asyncio.sleep(0.01)


@pytest.fixture
async def bot(tmp_path, connector, fake, aiohttp_client):
    bot = Bot(tmp_path, connector, fake)
    bot.client = await aiohttp_client(bot.app)
    return bot


# --- admins (issue: reindex from the chat) ---------------------------------------------


async def test_a_non_admin_is_refused_on_teams_and_on_webex(bot):
    conversation = await bot.teams("genindekser", who="ulla")
    await bot.webex_say("genindekser", email="ulla@kommune.dk", room="room-ulla")
    await bot.until(lambda: bot.webex_texts("room-ulla"))
    assert bot.teams_texts(conversation) == ["Det er kun administratorer, der kan bruge »genindekser«."]
    assert bot.webex_texts("room-ulla") == ["Det er kun administratorer, der kan bruge »genindekser«."]
    assert bot.app[COLLABORATORS].reindexer.task is None


async def test_an_admin_in_a_group_is_sent_to_a_direct_chat(bot):
    conversation = await bot.teams("status", who="admin", personal=False)
    await bot.webex_say("status", email="admin@kommune.dk", room="room-group", room_type="group")
    await bot.until(lambda: bot.webex_texts("room-group"))
    for text in (bot.teams_texts(conversation)[0], bot.webex_texts("room-group")[0]):
        assert text.startswith("Brug »status« i en 1:1-chat med mig.")


async def test_an_admin_gets_started_then_the_report_on_teams(bot):
    (bot.minutes / "new.txt").write_text(NEW_MEETING, encoding="utf-8")
    conversation = await bot.teams("genindekser", who="admin")
    await bot.until(lambda: len(bot.teams_texts(conversation)) >= 2)
    started, report = bot.teams_texts(conversation)
    assert started == "Genindeksering startet. Jeg skriver, når den er færdig."
    assert "Filer læst: 6. I indekset: 6 møder og 41 punkter." in report
    assert bot.live.get().stats()["items"] == 41


async def test_an_admin_gets_started_then_the_report_on_webex(bot):
    await bot.webex_say("genindekser", email="admin@kommune.dk", room="room-admin")
    await bot.until(lambda: len(bot.webex_texts("room-admin")) >= 2)
    started, report = bot.webex_texts("room-admin")
    assert started.startswith("Genindeksering startet")
    assert report.startswith("Genindeksering færdig")
    audit = bot.app[COLLABORATORS].state.recent_audit()
    assert [(entry["command"], entry["result"]) for entry in audit][:2] == [
        ("genindekser", "gennemført"), ("genindekser", "startet")]


# --- digests ---------------------------------------------------------------------------


async def reach_monday(bot) -> None:
    scheduler = bot.app[COLLABORATORS].scheduler
    await scheduler.run_due()  # the first start records the slot it starts in
    (bot.minutes / "new.txt").write_text(NEW_MEETING, encoding="utf-8")
    build_index([bot.minutes], bot.settings.store_path, now=START + timedelta(days=1))
    bot.live.refresh()
    bot.now = MONDAY_8
    await scheduler.run_due()


async def test_one_digest_per_subscriber_with_exactly_the_new_decisions(bot):
    teams_chat = await bot.teams("abonner", who="anna")
    await bot.webex_say("abonner", email="bo@kommune.dk", room="room-bo")
    await bot.until(lambda: bot.webex_texts("room-bo"))
    assert "Næste ugeoversigt kommer mandag 23. november 2026 kl. 08:00." in bot.teams_texts(teams_chat)[0]
    await reach_monday(bot)
    teams_digest = bot.teams_texts(teams_chat)[1:]
    webex_digest = bot.webex_texts("room-bo")[1:]
    assert len(teams_digest) == 1 and len(webex_digest) == 1
    # The digest is a card now; its plain-text fallback opens with the heading the card shows.
    assert teams_digest[0].startswith("Ugeoversigt: 2 nye beslutninger fra Direktionen\n")
    [posted] = [p.body for p in bot.connector.of_type("message") if p.conversation_id == teams_chat][1:]
    assert posted["attachments"][0]["content"]["body"][0]["text"] == "Ugeoversigt: 2 nye beslutninger fra Direktionen"
    assert "Punkt 1: Ny politik for digitalisering af arkivet" in teams_digest[0]
    assert "Politikken godkendes." in teams_digest[0]
    assert "Ny politik for digitalisering af arkivet" in webex_digest[0]
    assert "Personalesag" not in teams_digest[0] + webex_digest[0]
    # The next week: nothing new, nothing sent.
    bot.now = MONDAY_8 + timedelta(days=7)
    result = await bot.app[COLLABORATORS].scheduler.run_due()
    assert (result.sent, result.empty) == (0, 2)
    assert len(bot.teams_texts(teams_chat)) == 2 and len(bot.webex_texts("room-bo")) == 2


async def test_teams_429_then_success_gives_one_digest(bot):
    teams_chat = await bot.teams("abonner", who="anna")
    bot.connector.fail(teams_chat, 429, times=1, retry_after="0")
    await reach_monday(bot)
    assert bot.connector.refused == [(teams_chat, 429)]
    assert len(bot.teams_texts(teams_chat)) == 2


async def test_webex_429_then_success_gives_one_digest(bot):
    await bot.webex_say("abonner", email="bo@kommune.dk", room="room-bo")
    await bot.until(lambda: bot.webex_texts("room-bo"))
    bot.webex.fail("POST /messages", 429, times=1, retry_after="0")
    await reach_monday(bot)
    assert len(bot.webex_texts("room-bo")) == 2


async def test_a_403_makes_the_subscription_inactive_and_the_others_are_served(bot):
    removed = await bot.teams("abonner", who="removed")
    kept = await bot.teams("abonner", who="kept")
    bot.connector.fail(removed, 403, times=1)
    await reach_monday(bot)
    assert len(bot.teams_texts(kept)) == 2
    assert len(bot.teams_texts(removed)) == 1
    active = [s["conversation_id"] for s in bot.app[COLLABORATORS].state.subscriptions()]
    assert active == [kept]


async def test_teams_500_for_a_while_is_retried_and_sent_once(bot):
    teams_chat = await bot.teams("abonner", who="anna")
    bot.connector.fail(teams_chat, 503, times=2)
    await reach_monday(bot)
    assert len(bot.teams_texts(teams_chat)) == 2


async def test_digest_now_from_an_admin(bot):
    await bot.teams("abonner", who="anna")
    (bot.minutes / "new.txt").write_text(NEW_MEETING, encoding="utf-8")
    build_index([bot.minutes], bot.settings.store_path, now=START + timedelta(days=1))
    bot.live.refresh()
    admin = await bot.teams("digest nu", who="admin")
    assert bot.teams_texts(admin)[0].startswith("Ugeoversigten sendes nu til alle abonnenter.")
    await bot.until(lambda: len(bot.teams_texts(admin)) == 2)
    assert "Ugeoversigten er sendt: 1 sendt" in bot.teams_texts(admin)[1]
    assert bot.app[COLLABORATORS].digests is not None
