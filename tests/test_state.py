"""The bot's own state through the real server: bounded subscriptions, one digest per chat,
writes that append instead of rewriting, and a damaged state file that is reported and
recovered instead of answering "Beklager".
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.server import COLLABORATORS, create_app
from handlers.digests import MAX_SUBSCRIPTIONS_PER_CHAT
from handlers.messages import Incoming
from handlers.state.journal import journal_path
from handlers.state.store import StateStore
from knowledge.index.build import build_index
from tests.conftest import NEW_MEETING
from tests.fakes.connector import FakeConnector
from tests.fakes.webex_api import FakeWebex
from tests.test_channels_end_to_end import START, Bot


async def make_bot(tmp_path, aiohttp_server, aiohttp_client, before=None) -> Bot:
    connector = FakeConnector()
    connector_server = await aiohttp_server(connector.app(), host="127.0.0.1")
    connector.url = str(connector_server.make_url("/"))
    webex = FakeWebex()
    webex.server = await aiohttp_server(webex.app(), host="127.0.0.1")
    if before is not None:
        before(tmp_path / "data")
    bot = Bot(tmp_path, connector, webex)
    bot.client = await aiohttp_client(bot.app)
    return bot


@pytest.fixture
async def bot(tmp_path, aiohttp_server, aiohttp_client):
    return await make_bot(tmp_path, aiohttp_server, aiohttp_client)


async def say(bot: Bot, text: str, room: str = "room-bo", email: str = "bo@kommune.dk") -> str:
    before = len(bot.webex_texts(room))
    await bot.webex_say(text, email=email, room=room)
    await bot.until(lambda: len(bot.webex_texts(room)) > before)
    return bot.webex_texts(room)[before]


def new_meeting_indexed(bot: Bot) -> None:
    (bot.minutes / "new.txt").write_text(NEW_MEETING, encoding="utf-8")
    build_index([bot.minutes], bot.settings.store_path, now=START + timedelta(days=1))
    bot.live.refresh()


# --- point 5: subscriptions with bounds ------------------------------------------------


async def test_one_room_cannot_subscribe_to_more_topics_than_the_limit(bot):
    # Regression (issue 11.5): 1,500 `abonner emneN` from one room were all accepted.
    for number in range(MAX_SUBSCRIPTIONS_PER_CHAT):
        assert (await say(bot, f"abonner emne{number}")).startswith("Denne chat abonnerer nu")
    refused = await say(bot, "abonner emne-for-meget")
    assert refused == (f"Denne chat har allerede {MAX_SUBSCRIPTIONS_PER_CHAT} abonnementer, og det er det "
                       "højeste antal. Afmeld et emne med »afmeld emne«, eller skriv »abonner« uden emne "
                       "for at få alle nye beslutninger.")
    assert len(bot.app[COLLABORATORS].state.subscriptions()) == MAX_SUBSCRIPTIONS_PER_CHAT
    # Another room is not affected by this one's limit.
    assert (await say(bot, "abonner emne0", room="room-other")).startswith("Denne chat abonnerer nu")


async def test_topics_differing_only_in_case_or_accents_are_one_subscription(bot):
    # Regression (issue 11.5): "Skolereform" and "skolereform" were two subscriptions.
    assert (await say(bot, "abonner Skolereform")).startswith("Denne chat abonnerer nu")
    for same in ("abonner skolereform", "abonner SKOLERÉFORM", "abonner  skolereform "):
        assert (await say(bot, same)).startswith("Denne chat abonnerer allerede på ugeoversigten om »Skolereform«")
    assert [s["topic"] for s in bot.app[COLLABORATORS].state.subscriptions()] == ["Skolereform"]
    assert "1 abonnement afmeldt" in await say(bot, "afmeld SKOLEréform")
    assert bot.app[COLLABORATORS].state.subscriptions() == []


async def test_a_room_with_many_topics_gets_one_digest_with_each_decision_once(bot):
    # Regression (issue 11.5): 400 identical digests went to one space, one per subscription.
    for topic in ("digitalisering", "arkivet", "politik", "Politik for digitalisering"):
        await say(bot, f"abonner {topic}")
    await say(bot, "abonner digitalisering", room="room-other")
    new_meeting_indexed(bot)
    result = await bot.app[COLLABORATORS].digests.run()
    assert (result.sent, result.empty) == (2, 0)
    digests = bot.webex_texts("room-bo")[4:]
    assert len(digests) == 1
    assert digests[0].count("Ny politik for digitalisering af arkivet") == 1
    assert "om »digitalisering«, »arkivet«, »politik«, »Politik for digitalisering«" in digests[0]
    assert len(bot.webex_texts("room-other")[1:]) == 1
    # Each watermark moved: the next run has nothing new for anyone.
    again = await bot.app[COLLABORATORS].digests.run()
    assert (again.sent, again.empty) == (0, 2)


async def test_a_busy_chat_takes_one_slot_of_the_run_like_any_other(bot):
    # Regression (issue 11.5): 120 subscriptions in one group chat were 120 sends paced at 7 a
    # second, holding every slot of the run while 20 other chats waited. Now a chat is one
    # send, so the busy chat's sends cannot outnumber anyone else's.
    for number in range(MAX_SUBSCRIPTIONS_PER_CHAT - 1):
        await say(bot, f"abonner digitalisering {number}", room="room-busy")
    await say(bot, "abonner", room="room-busy")
    for number in range(8):
        await say(bot, "abonner", room=f"room-{number}")
    new_meeting_indexed(bot)
    before = len(bot.webex.sent)
    await bot.app[COLLABORATORS].digests.run(concurrency=2)
    rooms = [sent["roomId"] for sent in bot.webex.sent[before:]]
    assert sorted(rooms) == sorted(["room-busy"] + [f"room-{number}" for number in range(8)])


# --- point 5: writes that append -------------------------------------------------------


def many_subscriptions(state: StateStore, count: int) -> None:
    state.add_subscriptions(list(
        {"channel": "webex", "conversation_id": f"room-{number}", "address": {}, "direct": True,
         "subscriber_id": f"person-{number}", "subscriber_name": f"p{number}@kommune.dk",
         "created": "2026-11-01T08:00:00+00:00", "topic": None, "watermark": "", "active": True}
        for number in range(count)))
    state.compact()


async def test_a_subscription_and_sixty_refused_status_messages_do_not_rewrite_the_state_file(
        tmp_path, aiohttp_server, aiohttp_client):
    # Regression (issue 11.5): with 10,000 subscriptions every state write rewrote a 10 MB
    # file, and 60 refused `status` messages (each an audit write) held up a question 9 s.
    def populate(data):
        state = StateStore(data / "state.json")
        many_subscriptions(state, 10_000)
        state.close()

    bot = await make_bot(tmp_path, aiohttp_server, aiohttp_client, before=populate)
    state_file = bot.settings.state_path
    written = state_file.stat()
    for number in range(60):
        await bot.webex_say("status", email="ulla@kommune.dk", room="room-ulla")
    await bot.until(lambda: len(bot.webex_texts("room-ulla")) == 60)
    assert (await say(bot, "abonner")).startswith("Denne chat abonnerer nu")
    after = state_file.stat()
    assert (after.st_mtime_ns, after.st_size, after.st_ino) == (written.st_mtime_ns, written.st_size, written.st_ino)
    journal = journal_path(state_file).read_bytes().splitlines()
    assert [line for line in journal if b'"t":"subscriptions"' in line] == journal[-1:]
    audit = (state_file.parent / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(audit) == 60 and '"result":"afvist"' in audit[0]
    assert len(bot.app[COLLABORATORS].state.subscriptions()) == 10_001


@pytest.mark.parametrize("where", ["memory", "disk"])
def test_what_the_journal_holds_survives_a_restart(tmp_path, where):
    path = None if where == "memory" else tmp_path / "state.json"
    state = StateStore(path)
    many_subscriptions(state, 3)
    first = state.subscriptions()[0]["doc_id"]
    state.update_subscriptions([first], {"watermark": "2026-11-20T00:00:00"})
    state.remove_subscriptions("webex", "room-2")
    state.audit(datetime(2026, 11, 20, 12, tzinfo=timezone.utc), Incoming("", sender_name="Ulla", channel="webex"),
                "status", "afvist")
    state.set_value("digest_last_slot", "2026-11-16T07:00:00+00:00")
    if path is None:
        return
    # Not closed: as after a kill, only the journal holds the changes.
    again = StateStore(path)
    assert [(s["conversation_id"], s["watermark"]) for s in again.subscriptions()] == [
        ("room-0", "2026-11-20T00:00:00"), ("room-1", "")]
    assert again.recent_audit()[0]["who"] == "Ulla"
    assert again.get_value("digest_last_slot") == "2026-11-16T07:00:00+00:00"


def test_a_journal_line_cut_by_a_crash_loses_only_that_change(tmp_path):
    path = tmp_path / "state.json"
    state = StateStore(path)
    many_subscriptions(state, 2)
    state.add_subscription({"channel": "webex", "conversation_id": "room-new", "watermark": ""})
    state.add_subscription({"channel": "webex", "conversation_id": "room-cut", "watermark": ""})
    journal = journal_path(path)
    journal.write_bytes(journal.read_bytes()[:-20])
    again = StateStore(path)
    assert [s["conversation_id"] for s in again.subscriptions()] == ["room-0", "room-1", "room-new"]
    assert again.damage() is None


# --- point 7: a damaged state file -----------------------------------------------------


DAMAGE = {
    "not-json": lambda raw: b"this is not json" + raw[:100],
    "cut-in-half": lambda raw: raw[: len(raw) // 2],
    "zeros": lambda raw: b"\0" * len(raw),
    "json-not-tables": lambda raw: b"[]",
}


@pytest.mark.parametrize("damage", DAMAGE)
async def test_a_damaged_state_file_is_reported_kept_aside_and_its_subscriptions_recovered(
        tmp_path, aiohttp_server, aiohttp_client, damage):
    # Regression (issue 11.7): /healthz said ok while `abonner`, `afmeld` and `status` answered
    # "Beklager" and the weekly digest stopped for everyone.
    def populate(data):
        state = StateStore(data / "state.json")
        many_subscriptions(state, 10)
        state.close()
        path = data / "state.json"
        path.write_bytes(DAMAGE[damage](path.read_bytes()))

    bot = await make_bot(tmp_path, aiohttp_server, aiohttp_client, before=populate)
    health = await bot.client.get("/healthz")
    body = await health.json()
    assert body["status"] == "degraded"
    ready = await bot.client.get("/readyz")
    assert (await ready.json())["status"] == "degraded" and (await ready.json())["checks"]["state"] == "damaged"
    kept = body["state"]["kept"]
    assert len(kept) == 1 and kept[0].startswith("state.json.damaged-")
    assert (bot.settings.data_dir / kept[0]).exists()
    recovered = len(bot.app[COLLABORATORS].state.subscriptions())
    assert body["state"]["recovered"] == recovered
    if damage == "cut-in-half":
        assert 3 <= recovered < 10  # the whole rows before the cut
    else:
        assert recovered == 0
    for text in ("abonner", "abonnementer", "afmeld"):
        assert "Beklager" not in await say(bot, text)
    status = await say(bot, "status", room="room-admin", email="admin@kommune.dk")
    assert f"Tilstandsfilen var beskadiget og er lagt til side som {kept[0]}" in status
    assert "Beklager" not in status
    # Once the operator has moved the damaged file away, the server is healthy again.
    (bot.settings.data_dir / kept[0]).rename(tmp_path / kept[0])
    health = await bot.client.get("/healthz")
    assert health.status == 200 and (await health.json())["status"] == "ok"
    assert (await (await bot.client.get("/readyz")).json())["checks"]["state"] == "ok"


async def test_a_server_started_on_a_damaged_state_keeps_reporting_it_after_a_restart(tmp_path):
    path = tmp_path / "data" / "state.json"
    path.parent.mkdir()
    path.write_bytes(b"[]")
    first = StateStore(path)
    assert first.damage() is not None
    assert StateStore(path).damage() == first.damage()
