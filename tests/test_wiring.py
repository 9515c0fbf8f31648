"""One wiring (bot.wiring.build): the server's and the console's collaborators, made one way."""

from __future__ import annotations

from bot.console import CONSOLE_USER, PrintingOutbox
from bot.delivery import ChannelOutbox
from bot.settings import Settings
from bot.wiring import build
from handlers.messages import Incoming


def test_the_server_shares_one_state_clock_and_task_list_between_its_collaborators(tmp_path):
    parts = build(Settings(data_dir=tmp_path, digest="mon 08:00", admins=("boss",)))
    conversation, reindexer, digests = parts.conversation, parts.reindexer, parts.digests
    assert conversation.state is parts.state is reindexer.state is digests.state
    assert conversation.clock is parts.clock is reindexer.clock is digests.clock
    assert conversation.tasks is parts.tasks is reindexer.tasks
    assert conversation.digests is digests and conversation.reindexer is reindexer
    assert isinstance(parts.outbox, ChannelOutbox) and conversation.outbox is parts.outbox
    assert parts.scheduler is not None and parts.portal is None and parts.sync_scheduler is None
    assert conversation.is_admin(Incoming("", sender_id="boss"))


def test_a_portal_gives_the_reindex_a_fetch_and_the_server_a_sync_schedule(tmp_path):
    parts = build(Settings(data_dir=tmp_path, portal_url="https://dagsordener.greve.dk"))
    assert parts.portal is not None and parts.sync_scheduler is not None
    assert parts.reindexer.fetch == parts.portal.fetch


def test_the_console_sends_no_digest_syncs_no_portal_and_makes_its_user_an_admin(tmp_path):
    settings = Settings(data_dir=tmp_path, digest="mon 08:00", portal_url="https://dagsordener.greve.dk")
    parts = build(settings, outbox=PrintingOutbox(), serving=False, admins=(CONSOLE_USER,))
    assert parts.scheduler is None and parts.sync_scheduler is None and parts.portal is None
    assert parts.reindexer.fetch is None and parts.digests.schedule is None
    assert parts.conversation.is_admin(Incoming("", sender_id=CONSOLE_USER))
