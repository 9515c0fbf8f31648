"""Reindexing from the chat: admins only, in the background, never losing the index that works."""

from __future__ import annotations

import asyncio
import shutil
import threading
from datetime import datetime, timezone

import pytest

from handlers.reindex import Reindexer
from handlers.state.store import StateStore
from handlers.tasks import Tasks
from knowledge.index.build import build_index, read_minutes
from knowledge.index.live import LiveIndex
from knowledge.paths import SAMPLES_DIR
from tests.chat import Chat, RecordingOutbox, make_conversation

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=timezone.utc)
NEW_MEETING = """REFERAT Direktionen d. 06-05-2026

Mødedato Onsdag d. 06. maj 2026 kl. 09:00

Punkt 1: Ny cykelpolitik for medarbejdere

00.01.00A00-9-26

Beslutning

Cykelpolitikken godkendes.
"""


class Setup:
    def __init__(self, tmp_path, reader=read_minutes):
        self.minutes = tmp_path / "minutes"
        shutil.copytree(SAMPLES_DIR, self.minutes)
        self.store = tmp_path / "data" / "index.json"
        build_index([self.minutes], self.store)
        self.live = LiveIndex.open(self.store)
        self.state = StateStore(tmp_path / "data" / "state.json")
        self.outbox = RecordingOutbox()
        self.reindexer = Reindexer([self.minutes], self.live, self.state, lambda: NOW, reader=reader, tasks=Tasks())
        self.conversation = make_conversation(self.live.get, state=self.state, admins=("admin-1", "chef@kommune.dk"),
                                         reindexer=self.reindexer, outbox=self.outbox, clock=lambda: NOW)
        self.admin = Chat(self.conversation, sender_id="admin-1", name="Anna Admin")
        self.user = Chat(self.conversation, sender_id="user-9", name="Ulla")

    async def finished(self) -> str:
        await self.reindexer.wait()
        return self.outbox.texts()[-1]


@pytest.fixture
def setup(tmp_path):
    return Setup(tmp_path)


async def test_admin_gets_started_then_the_report(setup):
    (setup.minutes / "new.txt").write_text(NEW_MEETING, encoding="utf-8")
    assert await setup.admin.say("genindekser") == "Genindeksering startet. Jeg skriver, når den er færdig."
    report = await setup.finished()
    assert "Filer læst: 6. I indekset: 6 møder og 39 punkter." in report
    assert "Siden sidst: 1 nye, 0 ændrede og 0 fjernede beslutninger." in report
    assert "cykelpolitik" in await setup.user.say("ny cykelpolitik")
    assert setup.outbox.sent[-1][0].sender_id == "admin-1"


async def test_admin_by_email_on_webex(setup):
    chat = Chat(setup.conversation, sender_id="Y2lzY29zcGFyazovL3VzL1BFT1BMRS8x", email="Chef@Kommune.dk", channel="webex")
    assert "startet" in await chat.say("reindex")
    assert "Genindeksering færdig" in await setup.finished()


async def test_admin_in_a_group_is_sent_to_a_direct_chat(setup):
    group = Chat(setup.conversation, sender_id="admin-1", direct=False)
    assert await group.say("genindekser") == (
        "Brug »genindekser« i en 1:1-chat med mig. Svaret kan nævne filer og advarsler, der ikke er til alle.")
    assert setup.reindexer.task is None


async def test_a_broken_file_is_named_and_the_good_ones_indexed(setup):
    (setup.minutes / "scan.pdf").write_bytes(b"%PDF-1.4\n%%EOF garbage")
    (setup.minutes / "new.txt").write_text(NEW_MEETING, encoding="utf-8")
    await setup.admin.say("genindekser")
    report = await setup.finished()
    assert "- scan.pdf: filen kan ikke læses" in report
    assert "6 møder og 39 punkter" in report
    assert setup.live.get().stats()["items"] == 39


async def test_a_run_that_crashes_halfway_keeps_the_old_index_answering(tmp_path):
    calls = []

    def crashing(path, digest):
        calls.append(path.name)
        if len(calls) == 2:
            raise RuntimeError("parser exploded on the second file")
        return read_minutes(path, digest)

    setup = Setup(tmp_path, reader=crashing)
    questions = ["hændelseslog", "sag 85.13.00G01-2-23", "referat fra direktionen 8. april 2026", "cykelstier", "os2sofd"]
    before = [await setup.user.say(q) for q in questions]
    for path in setup.minutes.iterdir():
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # every file must be parsed again
    await setup.admin.say("genindekser")
    report = await setup.finished()
    assert report == ("Genindekseringen mislykkedes: indekseringen stoppede med en fejl; det gamle indeks er bevaret. "
                      "Spørgsmål besvares stadig fra det gamle indeks.")
    assert [await setup.user.say(q) for q in questions] == before
    assert setup.state.last_run()["result"] == "mislykket: crashed"


async def test_a_missing_minutes_folder_is_reported_in_danish(setup):
    shutil.rmtree(setup.minutes)
    await setup.admin.say("genindekser")
    assert "referatmappen findes ikke" in await setup.finished()
    assert "Hændelseslog" in await setup.user.say("hændelseslog")


async def test_questions_during_a_run_use_the_old_index_until_the_swap(tmp_path):
    release = threading.Event()
    reached = threading.Event()

    def slow(path, digest):
        if path.name == "new.txt":
            reached.set()
            release.wait(10)
        return read_minutes(path, digest)

    setup = Setup(tmp_path, reader=slow)
    (setup.minutes / "new.txt").write_text(NEW_MEETING, encoding="utf-8")
    await setup.admin.say("genindekser")
    await asyncio.to_thread(reached.wait, 10)
    during = await setup.user.say("ny cykelpolitik for medarbejdere")
    assert during.startswith("Jeg fandt intet")
    assert "Hændelseslog" in await setup.user.say("hændelseslog")
    release.set()
    await setup.finished()
    assert "Cykelpolitikken godkendes." in await setup.user.say("ny cykelpolitik for medarbejdere")


async def test_a_second_reindex_is_told_who_runs_one(tmp_path):
    release = threading.Event()

    def slow(path, digest):
        release.wait(10)
        return read_minutes(path, digest)

    setup = Setup(tmp_path, reader=slow)
    (setup.minutes / "new.txt").write_text(NEW_MEETING, encoding="utf-8")
    other = Chat(setup.conversation, sender_id="chef@kommune.dk", email="chef@kommune.dk", name="Carl Chef")
    first, second = await asyncio.gather(setup.admin.say("genindekser"), other.say("genindekser"))
    assert first.startswith("Genindeksering startet")
    assert second == "En genindeksering kører allerede. Den blev startet af Anna Admin 23. november 2026 kl. 10:30."
    release.set()
    await setup.finished()


async def test_progress_lines_on_a_long_run(tmp_path):
    def slow(path, digest):
        import time
        time.sleep(0.05)
        return read_minutes(path, digest)

    setup = Setup(tmp_path, reader=slow)
    setup.reindexer.progress_every = 0.04
    for path in setup.minutes.iterdir():
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    await setup.admin.say("genindekser")
    await setup.finished()
    progress = [t for t in setup.outbox.texts() if t.startswith("Genindeksering i gang")]
    assert progress and progress[0].endswith("filer læst.")


async def test_audit_entries_are_written_and_shown_by_status(setup):
    await setup.user.say("genindekser")
    await setup.admin.say("genindekser")
    await setup.finished()
    status = await setup.admin.say("status")
    assert "Indeks: 38 punkter fra 5 møder. Nyeste møde: 8. april 2026." in status
    assert "Seneste genindeksering: 23. november 2026 kl. 10:30 af Anna Admin: gennemført" in status
    assert "Abonnenter på ugeoversigten: 0." in status
    assert "- 23. november 2026 kl. 10:30 Ulla: genindekser → afvist" in status
    assert "- 23. november 2026 kl. 10:30 Anna Admin: genindekser → startet" in status
    assert "- 23. november 2026 kl. 10:30 Anna Admin: genindekser → gennemført" in status


async def test_a_file_name_with_markup_is_shown_as_written_in_the_report(setup):
    # A file in the minutes folder may be named like a link or a mention; the admin's report
    # names it as text, never as markup.
    (setup.minutes / "[Log ind](https:evil.example) <@all>.pdf").write_bytes(b"%PDF-1.4\n%%EOF garbage")
    await setup.admin.say("genindekser")
    await setup.reindexer.wait()
    _, reply = setup.outbox.sent[-1]
    assert "- [Log ind](https:evil.example) <@all>.pdf: filen kan ikke læses" in reply.text
    assert "\\[Log ind\\]\\(https:evil.example\\) \\<\\@all\\>.pdf" in reply.markdown
