"""Damage that must not stay silent or take the server down (issue 11, points 6 and 7):
two servers on one data folder, an index whose rows lack a field, a disk that fills up
during a reindex.

Two servers are real `beslutningsbot serve` subprocesses; the rest is the real server
in-process (`create_app`) with a fake Bot Connector on loopback, as in `tests/test_faults.py`.
"""

from __future__ import annotations

import asyncio
import errno
import os
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
import requests

from bot.server import SERVE_LOCK
from bot.settings import Settings
from handlers import texts
from knowledge.index.build import build_index
from knowledge.paths import SAMPLES_DIR
from tests.conftest import free_port
from tests.test_faults import ANSWER, QUESTION, channels, readyz  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parents[1]


# --- point 6: two servers on one data folder ---------------------------------------------------


class Serve:
    """`beslutningsbot serve` in a subprocess on a port of its own."""

    def __init__(self, tmp_path: Path, data_dir: Path) -> None:
        self.port = free_port()
        env = dict(os.environ, BESLUTNINGSBOT_DATA_DIR=str(data_dir), BESLUTNINGSBOT_HOST="127.0.0.1",
                   BESLUTNINGSBOT_PORT=str(self.port), BESLUTNINGSBOT_DIGEST="off", PYTHONPATH=str(ROOT))
        env.pop("BESLUTNINGSBOT_MINUTES_DIR", None)
        self.process = subprocess.Popen([sys.executable, "-m", "bot", "serve"], cwd=tmp_path, env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def healthy(self) -> bool:
        try:
            return requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=5).status_code == 200
        except requests.ConnectionError:
            return False

    def wait_until_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.healthy():
            assert self.process.poll() is None, self.process.communicate()
            assert time.monotonic() < deadline, "serve did not come up"
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        self.process.communicate(timeout=30)


def test_a_second_server_on_the_same_data_folder_refuses_to_start_and_names_the_folder(tmp_path):
    # Regression: both started silently; 63 of 159 subscriptions were lost between their
    # state writes and every subscriber got each digest twice.
    data = tmp_path / "data"
    first = Serve(tmp_path, data)
    try:
        first.wait_until_healthy()
        second = Serve(tmp_path, data)
        try:
            _, err = second.process.communicate(timeout=60)
        finally:
            second.stop() if second.process.poll() is None else None
        assert second.process.returncode == 1
        assert texts.SERVER_ALREADY_RUNNING.format(folder=data) in err
        assert not second.healthy()
        # The command line's index keeps working beside the running server.
        index = subprocess.run([sys.executable, "-m", "bot", "index", "--quiet"], cwd=tmp_path, timeout=120,
                               env=dict(os.environ, BESLUTNINGSBOT_DATA_DIR=str(data), PYTHONPATH=str(ROOT)),
                               capture_output=True, text=True)
        assert index.returncode == 0, index.stderr
        assert first.healthy()
    finally:
        first.stop()


def test_a_killed_server_does_not_block_the_next_one(tmp_path):
    # The lock is the kernel's: it goes with the process, even after kill -9.
    data = tmp_path / "data"
    first = Serve(tmp_path, data)
    first.wait_until_healthy()
    first.process.kill()
    first.process.communicate(timeout=30)
    assert (data / SERVE_LOCK).exists()
    second = Serve(tmp_path, data)
    try:
        second.wait_until_healthy()
    finally:
        second.stop()


# --- point 7: an index whose rows lack a field -------------------------------------------------------


def damage_rows(store: Path, table: str, change) -> None:
    raw = orjson.loads(store.read_bytes())
    first = next(iter(raw[table]))
    change(raw[table][first])
    store.write_bytes(orjson.dumps(raw))


@pytest.mark.parametrize("table, change", [
    ("items", lambda row: row.pop("date")),
    ("items", lambda row: row.pop("meeting_id")),
    ("items", lambda row: row.update(number="tre")),
    ("items", lambda row: row.update(date="i går")),
    ("meetings", lambda row: row.pop("id")),
    ("items", lambda row: row.update(doc="først")),
], ids=["item-without-date", "item-without-meeting", "number-not-a-number", "date-not-a-date",
        "meeting-without-id", "doc-not-a-number"])
async def test_an_index_row_without_a_field_is_a_corrupt_index_not_a_crash(tmp_path, channels, table, change):
    # Regression: a structurally valid index whose item row had no "date" made `serve` exit 1
    # at start-up (a KeyError in the search), and systemd restarted it into the same crash.
    settings = Settings(data_dir=tmp_path / "data", digest="off", minutes_dir=SAMPLES_DIR)
    build_index([SAMPLES_DIR], settings.store_path)
    damage_rows(settings.store_path, table, change)
    server = await channels(settings)
    status, body = await readyz(server.client)
    assert (status, body["index_loaded"], body["checks"]["index"]) == (503, False, "corrupt")
    assert (await server.client.get("/healthz")).status == 200  # alive: a restart would not mend it
    anna = await server.teams(QUESTION)
    assert server.teams_texts(anna) == [texts.INDEX_UNAVAILABLE["corrupt"]]
    admin = await server.teams("genindekser", who="admin")
    deadline = time.monotonic() + 30
    while len(server.teams_texts(admin)) < 2:
        assert time.monotonic() < deadline, server.teams_texts(admin)
        await asyncio.sleep(0.02)
    assert server.teams_texts(admin)[1].startswith("Genindeksering færdig")
    status, body = await readyz(server.client)
    assert (status, body["status"], body["items"]) == (200, "ok", 38)
    await server.teams(QUESTION)
    assert ANSWER in server.teams_texts(anna)[1]



# --- point 7: a disk that fills up during a reindex ----------------------------------------------


class FullDisk:
    """A disk that is full for the index store while `full`: writing `index.json` (through
    its temporary file) fails with ENOSPC at the fsync, after the run wrote its new
    postings file, as when the postings took the last free space."""

    def __init__(self) -> None:
        self.full = False
        self._fsync = os.fsync

    def fsync(self, fd: int) -> None:
        name = os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))
        if self.full and name.startswith(".index.json."):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._fsync(fd)


@pytest.fixture
def disk(monkeypatch) -> FullDisk:
    disk = FullDisk()
    monkeypatch.setattr(os, "fsync", disk.fsync)
    return disk


async def reindex(server, who: str = "admin") -> str:
    """Ask for `genindekser` and wait for its report."""
    before = len(server.teams_texts(f"a:{who}"))
    conversation = await server.teams("genindekser", who=who)
    deadline = time.monotonic() + 30
    while len(server.teams_texts(conversation)) < before + 2:
        assert time.monotonic() < deadline, server.teams_texts(conversation)
        await asyncio.sleep(0.02)
    return server.teams_texts(conversation)[-1]


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith((".npz", ".tmp")))


async def test_a_reindex_that_fills_the_disk_leaves_nothing_behind_and_says_so(tmp_path, channels, disk):
    # Regression: each failed reindex left its new postings file (the index's search arrays)
    # behind; four runs filled a small disk, and nothing said the disk was the cause.
    settings = Settings(data_dir=tmp_path / "data", digest="off", minutes_dir=SAMPLES_DIR)
    build_index([SAMPLES_DIR], settings.store_path)
    before = leftovers(settings.data_dir)
    server = await channels(settings)
    disk.full = True
    for _ in range(4):
        report = await reindex(server)
        assert report.startswith(texts.REINDEX_FAILED.split("{")[0]) and "No space left on device" in report
        assert leftovers(settings.data_dir) == before
    for path in ("/healthz", "/readyz"):
        response = await server.client.get(path)
        body = await response.json()
        assert (response.status, body["status"], body["disk"]["low"]) == (200, "degraded", True), path
        assert body["disk"]["free_bytes"] > 0
    assert body["items"] == 38
    await server.teams("status", who="admin")
    assert texts.STATUS_DISK_FULL.split("{")[0] in server.teams_texts("a:admin")[-1]
    # Questions are still answered from the old index.
    anna = await server.teams(QUESTION)
    assert ANSWER in server.teams_texts(anna)[0]
    # Room again: the next reindex succeeds and the warning goes.
    disk.full = False
    assert (await reindex(server)).startswith("Genindeksering færdig")
    for path in ("/healthz", "/readyz"):
        response = await server.client.get(path)
        body = await response.json()
        assert (response.status, body["status"]) == (200, "ok") and "disk" not in body, path
    assert len(leftovers(settings.data_dir)) == 1
