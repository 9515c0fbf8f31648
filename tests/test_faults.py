"""Faults: an indexing run killed half way, a full disk, a corrupt index at start-up, the
channels answering 5xx for a while, and two writers at once.

`beslutningsbot index` runs as a real subprocess (`python -m bot index`) on the sample
minutes and a few hundred synthetic meetings (`tools.synthetic`). To stop it at a
chosen point of its writing, the subprocess gets a `sitecustomize` that makes the Nth
`os.fsync` first leave a marker file and then wait, as a slow disk would: the test kills
it, or holds it there, at that point. Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from bot import cli
from bot.server import create_app
from bot.settings import Settings
from bot.teams import connector as teams_connector
from bot.webex.channel import WEBEX_BOT, WEBEX_RETRY
from bot.webex.client import RetryPolicy
from handlers import texts
from handlers.clock import utc_now
from handlers.reindex import Reindexer
from handlers.state.store import StateStore
from handlers.tasks import Tasks
from knowledge.errors import IndexingFailed
from knowledge.index.build import build_index, lock_path, writer_lock
from knowledge.index.live import LiveIndex
from knowledge.index.loaded import Index
from knowledge.paths import SAMPLES_DIR
from tests.chat import Chat, RecordingOutbox, make_conversation
from tests.conftest import NEW_MEETING
from tests.fakes.connector import FakeConnector
from tests.fakes.webex_api import FakeWebex
from tools import synthetic
from tools.payloads import message_webhook, signed_webhook, teams_message

ROOT = Path(__file__).resolve().parents[1]
SYNTHETIC_MEETINGS = 600
QUESTION = "hvad besluttede direktionen om Hændelseslog?"
ANSWER = "Prøvehandling gennemføres"
QUICK = RetryPolicy(attempts=3, backoff=0.001, backoff_max=0.01, retry_after_max=0.01)
SLOW_DISK = '''
import os, time
_at = int(os.environ.get("SLOW_FSYNC_AT", "0"))
if _at:
    _fsync, _count = os.fsync, [0]

    def _slow_fsync(fd):
        _count[0] += 1
        if _count[0] == _at:
            open(os.environ["SLOW_FSYNC_MARKER"], "w").close()
            time.sleep(float(os.environ.get("SLOW_FSYNC_SECONDS", "30")))
        _fsync(fd)

    os.fsync = _slow_fsync
'''


# --- helpers ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """The samples and SYNTHETIC_MEETINGS synthetic meetings: a few seconds to index."""
    folder = tmp_path_factory.mktemp("archive")
    for sample in SAMPLES_DIR.glob("*.txt"):
        shutil.copy(sample, folder / sample.name)
    texts_ = [path.read_text(encoding="utf-8") for path in SAMPLES_DIR.glob("*.txt")]
    synthetic.write(folder / "synthetic", SYNTHETIC_MEETINGS * synthetic.ITEMS_PER_MEETING, texts_, date(2024, 1, 1))
    return folder


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class IndexRun:
    """`beslutningsbot index` in a subprocess, on a slow disk if asked."""

    def __init__(self, tmp_path: Path, data_dir: Path, paths: list[Path], *, slow_fsync_at: int = 0,
                 slow_seconds: float = 30.0) -> None:
        hooks = tmp_path / "hooks"
        hooks.mkdir(exist_ok=True)
        (hooks / "sitecustomize.py").write_text(SLOW_DISK, encoding="utf-8")
        self.marker = tmp_path / f"fsync-{time.monotonic_ns()}"
        env = dict(os.environ, BESLUTNINGSBOT_DATA_DIR=str(data_dir), PYTHONPATH=f"{hooks}{os.pathsep}{ROOT}",
                   SLOW_FSYNC_AT=str(slow_fsync_at), SLOW_FSYNC_MARKER=str(self.marker),
                   SLOW_FSYNC_SECONDS=str(slow_seconds))
        env.pop("BESLUTNINGSBOT_MINUTES_DIR", None)
        self.process = subprocess.Popen([sys.executable, "-m", "bot", "index", "--quiet", *map(str, paths)],
                                        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)

    def wait_for(self, condition, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if self.process.poll() is not None:
                raise AssertionError(f"index ended early ({self.process.returncode}): {self.process.communicate()}")
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError("index did not get there in time")
            time.sleep(0.005)

    def at_slow_fsync(self) -> None:
        self.wait_for(self.marker.exists)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.communicate(timeout=30)

    def finish(self, timeout: float = 120.0) -> tuple[int, str, str]:
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, out, err


@pytest.fixture
def previous(tmp_path) -> tuple[Settings, str, str]:
    """A data folder with the sample index: the settings, the store's hash and generation."""
    settings = Settings(data_dir=tmp_path / "data", digest="off")
    build_index([SAMPLES_DIR], settings.store_path)
    lock_path(settings.store_path).unlink(missing_ok=True)
    return settings, digest(settings.store_path), Index.open(settings.store_path).generation


async def readyz(client) -> tuple[int, dict]:
    response = await client.get("/readyz")
    return response.status, await response.json()


class Channels:
    """The real server with a fake Bot Connector and a fake Webex API on loopback."""

    def __init__(self, client, connector: FakeConnector, webex: FakeWebex) -> None:
        self.client, self.connector, self.webex = client, connector, webex

    async def teams(self, text: str, who: str = "anna") -> str:
        conversation = f"a:{who}"
        activity = teams_message(self.connector.url, text, who=who, conversation=conversation)
        response = await asyncio.wait_for(self.client.post("/api/messages", json=activity), 30)
        assert response.status == 201
        return conversation

    def teams_texts(self, conversation: str) -> list[str]:
        return [p.body.get("text") or p.body["attachments"][0]["content"]["fallbackText"]
                for p in self.connector.of_type("message") if p.conversation_id == conversation]

    async def webex_say(self, text: str, room: str = "room-bo") -> None:
        message = self.webex.add_message(text, room_id=room)
        body, headers = signed_webhook(message_webhook(message), "fault-secret")
        response = await self.client.post("/api/webex", data=body, headers=headers)
        assert response.status == 200
        await asyncio.wait_for(self.client.server.app[WEBEX_BOT].drain(), 30)

    def webex_texts(self, room: str) -> list[str]:
        return [sent["markdown"] for sent in self.webex.sent if sent.get("roomId") == room]


@pytest.fixture
def channels(aiohttp_client, aiohttp_server):
    async def start(settings: Settings, **kwargs) -> Channels:
        connector = FakeConnector()
        connector.url = str((await aiohttp_server(connector.app(), host="127.0.0.1")).make_url("/"))
        webex = FakeWebex()
        webex.server = await aiohttp_server(webex.app(), host="127.0.0.1")
        settings = replace(settings, webex_token=webex.token, webex_secret="fault-secret", teams_noauth="local",
                           webex_api_url=str(webex.make_url("/v1")), admins=("aad-admin",))
        app = create_app(settings, **kwargs)
        app[WEBEX_RETRY] = QUICK
        return Channels(await aiohttp_client(app), connector, webex)

    return start


# --- an indexing run killed half way --------------------------------------------------------------


async def test_index_killed_while_reading_leaves_the_previous_index_serving(tmp_path, previous, archive, channels):
    settings, before, generation = previous
    run = IndexRun(tmp_path, settings.data_dir, [archive])
    run.wait_for(lock_path(settings.store_path).exists)  # it holds the lock: the run has begun
    time.sleep(0.3)
    assert run.process.poll() is None, "the run ended before it could be killed"
    run.kill()
    assert run.process.returncode == -signal.SIGKILL
    assert digest(settings.store_path) == before
    server = await channels(settings)
    status, body = await readyz(server.client)
    assert (status, body["generation"], body["items"]) == (200, generation, 38)
    conversation = await server.teams(QUESTION)
    assert ANSWER in server.teams_texts(conversation)[0]
    # The kernel let go of the dead run's lock: the next writer gets it at once.
    assert build_index([SAMPLES_DIR], settings.store_path).items == 38


@pytest.mark.parametrize("fsync_number, writing",
                         [(1, ".texts"), (2, ".npz"), (3, ".rows"), (4, ".spans"), (5, ".json")],
                         ids=["texts", "postings", "rows", "spans", "store"])
async def test_index_killed_while_writing_leaves_the_previous_index_and_the_next_run_tidies_up(
        tmp_path, previous, archive, channels, fsync_number, writing):
    settings, before, generation = previous
    run = IndexRun(tmp_path, settings.data_dir, [archive], slow_fsync_at=fsync_number)
    run.at_slow_fsync()  # the new file is written, not yet flushed nor moved into place
    [leftover] = settings.data_dir.glob(".index.*.tmp")
    assert writing in leftover.name
    run.kill()
    assert digest(settings.store_path) == before
    assert Index.open(settings.store_path).generation == generation
    server = await channels(settings)
    assert (await readyz(server.client))[1]["generation"] == generation
    conversation = await server.teams(QUESTION)
    assert ANSWER in server.teams_texts(conversation)[0]
    # Regression: the temporary file of a killed write stayed for good (as big as the index).
    build_index([SAMPLES_DIR], settings.store_path)
    assert not list(settings.data_dir.glob(".index.*.tmp"))
    assert len(list(settings.data_dir.glob("index.*.npz"))) == 1
    assert len(list(settings.data_dir.glob("index.*.texts"))) == 1
    assert len(list(settings.data_dir.glob("index.*.rows"))) == 1
    assert len(list(settings.data_dir.glob("index.*.spans"))) == 1


# --- a full disk -----------------------------------------------------------------------------------


@pytest.fixture
def full_disk(monkeypatch):
    def no_space(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)


def test_disk_full_from_the_command_line_keeps_the_index_and_says_why(previous, minutes_dir, monkeypatch,
                                                                      capsys, request):
    settings, before, generation = previous
    (minutes_dir / "new.txt").write_text(NEW_MEETING, encoding="utf-8")
    monkeypatch.setenv("BESLUTNINGSBOT_DATA_DIR", str(settings.data_dir))
    request.getfixturevalue("full_disk")
    assert cli.main(["index", "--quiet", str(minutes_dir)]) == 1
    error = capsys.readouterr().err
    assert "Indekseringen mislykkedes: indekset kunne ikke skrives (" in error
    assert "No space left on device" in error and "det gamle indeks er bevaret" in error
    assert digest(settings.store_path) == before
    assert not list(settings.data_dir.glob(".index.*.tmp"))
    assert Index.open(settings.store_path).generation == generation


async def test_disk_full_during_genindekser_keeps_the_index_and_tells_the_admin(previous, minutes_dir, request):
    settings, before, generation = previous
    (minutes_dir / "new.txt").write_text(NEW_MEETING, encoding="utf-8")
    live = LiveIndex.open(settings.store_path)
    state, outbox = StateStore(None), RecordingOutbox()
    conversation = make_conversation(live.get, state=state, admins=("admin",), outbox=outbox,
                                reindexer=Reindexer([minutes_dir], live, state, utc_now, tasks=Tasks()))
    admin = Chat(conversation, sender_id="admin", name="Admin")
    request.getfixturevalue("full_disk")
    assert await admin.say("genindekser") == texts.REINDEX_STARTED
    await asyncio.wait_for(conversation.reindexer.wait(), 30)
    [report] = outbox.texts()
    assert report.startswith("Genindekseringen mislykkedes: indekset kunne ikke skrives (")
    assert "No space left on device" in report and report.endswith(
        "Spørgsmål besvares stadig fra det gamle indeks.")
    assert digest(settings.store_path) == before and live.get().generation == generation
    assert ANSWER in await admin.say(QUESTION)
    assert state.last_run()["result"] == "mislykket: write_failed"


# --- a corrupt index at start-up ----------------------------------------------------------------------


# "json-not-tables" is also a regression: a store holding `[]` was reported as missing, not corrupt.
@pytest.mark.parametrize("damage", [b"{broken", b'{"meta": {"1": {"generation": "x"', b"\x00" * 64, b"[]"],
                         ids=["not-json", "cut-off", "zeros", "json-not-tables"])
async def test_a_corrupt_index_at_start_up_is_reported_and_genindekser_repairs_it(tmp_path, channels, damage):
    settings = Settings(data_dir=tmp_path / "data", digest="off", minutes_dir=SAMPLES_DIR)
    settings.store_path.parent.mkdir(parents=True)
    settings.store_path.write_bytes(damage)
    server = await channels(settings)
    status, body = await readyz(server.client)
    assert (status, body) == (503, {"status": "unavailable", "index_loaded": False, "error": "corrupt",
                                    "checks": {"index": "corrupt", "state": "ok", "scheduler": "off", "sync": "not run"}})
    anna = await server.teams(QUESTION)
    await server.webex_say(QUESTION)
    unavailable = texts.INDEX_UNAVAILABLE["corrupt"]
    assert server.teams_texts(anna) == [unavailable] and server.webex_texts("room-bo") == [unavailable]
    admin = await server.teams("genindekser", who="admin")
    deadline = time.monotonic() + 30
    while len(server.teams_texts(admin)) < 2:
        assert time.monotonic() < deadline, server.teams_texts(admin)
        await asyncio.sleep(0.02)
    started, report = server.teams_texts(admin)
    assert started == texts.REINDEX_STARTED and report.startswith("Genindeksering færdig")
    status, body = await readyz(server.client)
    assert (status, body["status"], body["items"]) == (200, "ok", 38)
    await server.teams(QUESTION)
    assert ANSWER in server.teams_texts(anna)[1]


async def test_a_corrupt_postings_file_is_rebuilt_in_memory(previous, channels):
    settings, _, generation = previous
    [sidecar] = settings.data_dir.glob("index.*.npz")
    sidecar.write_bytes(b"not a zip file")
    server = await channels(settings)
    assert (await readyz(server.client))[1]["generation"] == generation
    conversation = await server.teams(QUESTION)
    assert ANSWER in server.teams_texts(conversation)[0]


# --- the channels answering 5xx for a while ---------------------------------------------------------


async def test_teams_answering_500_for_a_while_gets_one_reply(previous, channels, monkeypatch):
    monkeypatch.setattr(teams_connector, "SEND_BACKOFF", 0.001)
    settings, _, _ = previous
    server = await channels(settings)
    server.connector.fail("a:anna", 500, times=2)
    conversation = await server.teams(QUESTION)
    [answer] = server.teams_texts(conversation)
    assert ANSWER in answer
    assert [status for _, status in server.connector.refused] == [500, 500]


async def test_teams_answering_500_for_longer_gives_up_after_bounded_tries_then_recovers(previous, channels,
                                                                                         monkeypatch, caplog):
    monkeypatch.setattr(teams_connector, "SEND_BACKOFF", 0.001)
    settings, _, _ = previous
    server = await channels(settings)
    server.connector.fail("a:anna", 500, times=100)
    conversation = await server.teams(QUESTION)
    # The typing indicator, the answer and the apology: each tried SEND_ATTEMPTS times, no more.
    assert len(server.connector.refused) == 3 * teams_connector.SEND_ATTEMPTS
    assert server.teams_texts(conversation) == []
    assert "Teams turn failed" in caplog.text
    server.connector.failures.clear()
    await server.teams(QUESTION)
    [answer] = server.teams_texts(conversation)
    assert ANSWER in answer


async def test_a_typing_indicator_that_cannot_be_sent_does_not_cost_the_answer(previous, channels, monkeypatch):
    # Regression: a failed typing indicator ended the turn, and the answer was never sent.
    monkeypatch.setattr(teams_connector, "SEND_BACKOFF", 0.001)
    settings, _, _ = previous
    server = await channels(settings)
    server.connector.fail("a:anna", 500, times=teams_connector.SEND_ATTEMPTS)
    conversation = await server.teams(QUESTION)
    [answer] = server.teams_texts(conversation)
    assert ANSWER in answer


async def test_webex_answering_500_for_a_while_gets_one_reply(previous, channels):
    settings, _, _ = previous
    server = await channels(settings)
    server.webex.fail("GET /messages/{id}", 500, times=QUICK.attempts - 1)
    server.webex.fail("POST /messages", 503, times=QUICK.attempts - 1)
    await server.webex_say(QUESTION)
    [answer] = server.webex_texts("room-bo")
    assert ANSWER in answer
    assert len(server.webex.calls_to("POST /messages")) == QUICK.attempts


async def test_webex_answering_500_for_longer_gives_up_after_bounded_tries_then_recovers(previous, channels,
                                                                                         caplog):
    settings, _, _ = previous
    server = await channels(settings)
    server.webex.fail("POST /messages", 500, times=QUICK.attempts)
    await server.webex_say(QUESTION)
    assert server.webex_texts("room-bo") == []
    assert len(server.webex.calls_to("POST /messages")) == QUICK.attempts
    assert "could not be delivered" in caplog.text
    await server.webex_say(QUESTION)
    [answer] = server.webex_texts("room-bo")
    assert ANSWER in answer


# --- one writer at a time ----------------------------------------------------------------------------


def test_the_command_line_and_an_in_process_build_never_write_at_once(tmp_path, previous, archive):
    settings, before, _ = previous
    run = IndexRun(tmp_path, settings.data_dir, [archive], slow_fsync_at=1, slow_seconds=4)
    run.at_slow_fsync()  # the command line is writing, and holds the lock
    with pytest.raises(IndexingFailed) as busy:
        build_index([SAMPLES_DIR], settings.store_path)
    assert busy.value.code == "busy"
    assert digest(settings.store_path) == before
    returncode, out, _ = run.finish()
    assert returncode == 0 and "Indekseret:" in out
    assert Index.open(settings.store_path).stats()["items"] == 38 + SYNTHETIC_MEETINGS * synthetic.ITEMS_PER_MEETING


def test_while_the_server_reindexes_the_command_line_says_busy_in_danish(tmp_path, previous):
    settings, before, _ = previous
    with writer_lock(settings.store_path):
        run = IndexRun(tmp_path, settings.data_dir, [SAMPLES_DIR])
        returncode, _, err = run.finish()
    assert returncode == 1
    assert "Indekseringen mislykkedes: en anden indeksering kører allerede" in err
    assert digest(settings.store_path) == before


async def test_a_running_server_picks_up_an_index_rebuilt_by_the_command_line(tmp_path, previous, minutes_dir,
                                                                              channels):
    settings, _, generation = previous
    server = await channels(settings)  # the real refresh loop, every bot.server.REFRESH_SECONDS
    assert (await readyz(server.client))[1]["generation"] == generation
    (minutes_dir / "new.txt").write_text(NEW_MEETING, encoding="utf-8")
    returncode, _, err = IndexRun(tmp_path, settings.data_dir, [minutes_dir]).finish()
    assert returncode == 0, err
    deadline = time.monotonic() + 20
    while (body := (await readyz(server.client))[1])["generation"] == generation:
        assert time.monotonic() < deadline, "the server did not pick up the new index"
        await asyncio.sleep(0.1)
    assert body["items"] == 41
    conversation = await server.teams("ny politik for digitalisering af arkivet")
    assert "Politikken godkendes." in server.teams_texts(conversation)[0]
