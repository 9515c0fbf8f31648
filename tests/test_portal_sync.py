"""The portal inside the bot: `genindekser` syncs first, `status` tells the last sync, `serve`
syncs on a schedule, and `beslutningsbot sync` from the command line."""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime, timedelta, timezone

import pytest
from aiohttp import web

from bot.portal_sync import PortalSync, SyncScheduler
from bot.settings import Settings
from handlers.reindex import Reindexer
from handlers.state.store import StateStore
from handlers.tasks import Tasks
from knowledge.errors import SyncFailed
from knowledge.index.live import LiveIndex
from knowledge.sync import SyncLimits
from tests import portalmaker as pm
from tests.chat import Chat, RecordingOutbox, make_conversation
from tools.portal_standin import PortalStandIn, load_meetings

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=timezone.utc)
LIMITS = SyncLimits(timeout=1.0, attempts=2, backoff=0.01, max_backoff=0.02, per_second=1000)
GREVE = load_meetings(pm.GREVE)[:6]


@pytest.fixture
async def portal(aiohttp_server):
    standin = PortalStandIn(GREVE)
    standin.server = await aiohttp_server(standin.app(), host="127.0.0.1")
    standin.url = str(standin.server.make_url("/")).rstrip("/")
    return standin


class Bot:
    """The collaborators `serve` wires for a portal, on a data folder of their own."""

    def __init__(self, tmp_path, url: str) -> None:
        self.settings = Settings(data_dir=tmp_path / "data", portal_url=url)
        self.live = LiveIndex(self.settings.store_path)
        self.state = StateStore(self.settings.state_path)
        self.sync = PortalSync(self.settings, self.live, limits=LIMITS)
        self.outbox = RecordingOutbox()
        self.clock = [NOW]
        self.reindexer = Reindexer(self.settings.sources, self.live, self.state, lambda: self.clock[0], tasks=Tasks(),
                                   fetch=self.sync.fetch, last_sync=self.sync.last)
        conversation = make_conversation(self.live.get, state=self.state, admins=("admin-1",),
                                    reindexer=self.reindexer, outbox=self.outbox, clock=lambda: self.clock[0])
        self.admin = Chat(conversation, sender_id="admin-1", name="Anna Admin")
        self.user = Chat(conversation, sender_id="user-9", name="Ulla")


async def test_an_admins_reindex_fetches_from_the_portal_first(portal, tmp_path):
    bot = Bot(tmp_path, portal.url)
    await bot.admin.say("genindekser")
    await bot.reindexer.wait()
    assert "I indekset: 6 møder" in bot.outbox.texts()[-1]
    assert len(portal.meeting_calls()) == 6
    assert bot.live.get().stats()["meetings"] == 6


async def test_a_reindex_with_the_portal_down_says_so_and_keeps_the_index(portal, tmp_path):
    bot = Bot(tmp_path, portal.url)
    await bot.sync.run()
    before = bot.settings.store_path.read_bytes()
    portal.status = 503
    await bot.admin.say("genindekser")
    await bot.reindexer.wait()
    assert bot.outbox.texts()[-1].startswith("Hentningen fra dagsordensportalen mislykkedes: portalen svarede med en fejl")
    assert bot.outbox.texts()[-1].endswith("Indekset er uændret.")
    assert bot.settings.store_path.read_bytes() == before


async def test_status_shows_the_last_sync_and_its_result(portal, tmp_path):
    bot = Bot(tmp_path, portal.url)
    assert "Seneste hentning fra dagsordensportalen: ingen endnu." in await bot.admin.say("status")
    await bot.sync.run()
    status = await bot.admin.say("status")
    assert f"Seneste hentning fra {portal.url}:" in status
    assert ": ok (6 nye eller ændrede af 6 møder)." in status
    portal.status = 503
    with pytest.raises(Exception):
        await bot.sync.run()
    assert "portalen svarede med en fejl (503 /api/agenda/udvalgsliste)" in await bot.admin.say("status")


async def test_a_reindex_and_status_name_the_meeting_the_portal_answered_wrongly_and_keep_the_rest(portal, tmp_path):
    bot = Bot(tmp_path, portal.url)
    portal.broken[GREVE[1]["Id"]] = b"<html>Der opstod en fejl</html>"
    await bot.admin.say("genindekser")
    await bot.reindexer.wait()
    said = bot.outbox.texts()[-1]
    assert "I indekset: 5 møder" in said
    assert "Sprunget over, fordi portalen ikke svarede med et læsbart møde" in said
    assert f"(id {GREVE[1]['Id']})" in said
    status = await bot.admin.say("status")
    assert ": ok (5 nye eller ændrede af 6 møder)." in status
    assert f"(id {GREVE[1]['Id']})" in status


async def test_serve_syncs_at_once_on_a_first_start_and_then_each_morning(portal, tmp_path):
    bot = Bot(tmp_path, portal.url)
    scheduler = SyncScheduler(bot.sync, bot.settings.sync_schedule, bot.state, lambda: bot.clock[0])
    assert (await scheduler.run_due()).fetch.fetched == 6
    assert bot.live.get().stats()["meetings"] == 6
    portal.change(GREVE[0]["Id"], "Udvalget vedtog en ny erhvervsstrategi.")
    assert await scheduler.run_due() is None  # 06:00 today was served
    bot.clock[0] = NOW + timedelta(days=1)
    report = await scheduler.run_due()
    assert report.fetch.fetched == 1
    assert "ny erhvervsstrategi" in await bot.user.say("erhvervsstrategi")


def test_the_sync_command_fetches_and_indexes_and_a_second_run_fetches_nothing(tmp_path, monkeypatch, capsys):
    from bot.cli import main

    standin = PortalStandIn(GREVE)
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(standin.app())
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = runner.addresses[0][1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("BESLUTNINGSBOT_DATA_DIR", str(tmp_path / "data"))
        url = f"http://127.0.0.1:{port}"
        assert main(["sync", "--quiet", url]) == 0
        first = capsys.readouterr().out
        assert f"Hentet fra {url}: 6 nye eller ændrede møder af 6" in first
        assert "Indekseret: 6 filer, 6 møder" in first
        assert main(["sync", "--quiet", url]) == 0
        second = capsys.readouterr().out
        assert "0 nye eller ændrede møder af 6" in second and "Intet nyt på dagsordensportalen" in second
        assert main(["sync", "--quiet", "http://127.0.0.1:1"]) == 1
        assert "Hentningen fra dagsordensportalen mislykkedes: portalen svarer ikke" in capsys.readouterr().err
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)


def test_sync_without_a_portal_says_how_to_give_one(tmp_path, monkeypatch, capsys):
    from bot.cli import main

    monkeypatch.setenv("BESLUTNINGSBOT_DATA_DIR", str(tmp_path / "data"))
    assert main(["sync"]) == 2
    assert "BESLUTNINGSBOT_PORTAL_URL" in capsys.readouterr().err


async def test_the_server_syncs_at_once_on_a_first_start_and_readyz_tells_how_the_last_sync_went(
        portal, tmp_path, aiohttp_client):
    from bot.server import COLLABORATORS, create_app

    settings = Settings(data_dir=tmp_path / "data", portal_url=portal.url, digest="off")
    app = create_app(settings)
    client = await aiohttp_client(app)
    assert app[COLLABORATORS].reindexer.fetch is not None
    for _ in range(200):  # the scheduler's first sync runs in the background
        body = await (await client.get("/readyz")).json()
        if body.get("meetings") == 6:
            break
        await asyncio.sleep(0.05)
    assert body["meetings"] == 6 and body["checks"]["sync"] == "ok"
    assert len(portal.meeting_calls()) == 6
    portal.status = 503
    app[COLLABORATORS].sync_scheduler.sync.limits = LIMITS
    with pytest.raises(SyncFailed):
        await app[COLLABORATORS].sync_scheduler.sync.run()
    body = await (await client.get("/readyz")).json()
    assert body["checks"]["sync"] == "failed" and body["meetings"] == 6
