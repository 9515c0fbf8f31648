"""Indexing runs: counts, unchanged files, broken files, runs that fail, one writer."""

from __future__ import annotations

import os

import pytest

from knowledge.errors import IndexingFailed
from knowledge.index.build import build_index, read_minutes, writer_lock
from knowledge.index.loaded import Index
from knowledge.index.store import open_db


@pytest.fixture(params=["memory", "disk"])
def target(request, tmp_path):
    """(store path, db): the real file on disk, or the in-memory twin."""
    if request.param == "memory":
        return None, open_db(None)
    path = tmp_path / "data" / "index.json"
    return path, None


def run(paths, target, **kwargs):
    path, db = target
    return build_index(paths, path, db=db, **kwargs)


def open_target(target) -> Index:
    path, db = target
    return Index.open(path, db=db)


def test_samples_index_to_5_meetings_38_items(minutes_dir, target):
    report = run([minutes_dir], target)
    assert (report.meetings, report.items, report.closed) == (5, 38, 6)
    assert report.decisions == 32
    assert report.new == 32 and report.changed == 0 and report.removed == 0
    assert not report.warnings
    index = open_target(target)
    assert index.stats()["items"] == 38


def test_unchanged_files_are_not_parsed_again(minutes_dir, target):
    run([minutes_dir], target)
    parsed = []

    def counting(path, digest):
        parsed.append(path.name)
        return read_minutes(path, digest)

    (minutes_dir / "000_604951d8f3dc8e69.txt").write_text(
        (minutes_dir / "000_604951d8f3dc8e69.txt").read_text(encoding="utf-8").replace(
            "Prøvehandling gennemføres", "Prøvehandling gennemføres straks"), encoding="utf-8")
    report = run([minutes_dir], target, reader=counting)
    assert parsed == ["000_604951d8f3dc8e69.txt"]
    assert sorted(r.status for r in report.files) == ["indexed"] + ["unchanged"] * 4
    assert (report.new, report.changed, report.removed) == (0, 1, 0)


def test_broken_files_are_named_and_the_others_indexed(minutes_dir, target):
    (minutes_dir / "random.pdf").write_bytes(os.urandom(3000))
    (minutes_dir / "empty.txt").write_bytes(b"")
    text = (minutes_dir / "000_604951d8f3dc8e69.txt").read_text(encoding="utf-8")
    (minutes_dir / "cut.txt").write_text(text[: text.index("Punkt 3:")].replace("08-04-2026", "09-04-2026")
                                         .replace("08. april", "09. april"), encoding="utf-8")
    report = run([minutes_dir], target)
    failed = {r.name: r.code for r in report.warnings}
    assert failed == {"random.pdf": "unreadable", "empty.txt": "empty", "cut.txt": "truncated"}
    # The cut meeting's two items are kept: a warning, not a loss.
    assert (report.meetings, report.items) == (6, 40)


def test_a_run_that_crashes_halfway_leaves_the_old_index_answering(minutes_dir, tmp_path):
    store = tmp_path / "index.json"
    build_index([minutes_dir], store)
    before = store.read_bytes()
    old = Index.open(store)
    answer_before = [h.to_json() for h in old.search("hvad besluttede direktionen om Hændelseslog?")]
    calls = []

    def crashing(path, digest):
        calls.append(path)
        if len(calls) == 3:
            raise RuntimeError("parser exploded")
        return read_minutes(path, digest)

    (minutes_dir / "000_604951d8f3dc8e69.txt").write_text("changed", encoding="utf-8")
    for other in minutes_dir.glob("00[1-4]*.txt"):
        other.write_text(other.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(IndexingFailed) as error:
        build_index([minutes_dir], store, reader=crashing)
    assert error.value.code == "crashed"
    assert store.read_bytes() == before
    again = Index.open(store)
    assert [h.to_json() for h in again.search("hvad besluttede direktionen om Hændelseslog?")] == answer_before
    assert answer_before and answer_before[0]["date"] == "2026-04-08"


def test_a_file_that_breaks_keeps_its_previous_version(minutes_dir, target):
    run([minutes_dir], target)
    (minutes_dir / "000_604951d8f3dc8e69.txt").write_bytes(b"\x00\x01garbage")
    report = run([minutes_dir], target)
    kept = [r for r in report.files if r.status == "kept_previous"]
    assert [r.name for r in kept] == ["000_604951d8f3dc8e69.txt"]
    assert report.items == 38 and report.removed == 0


def test_a_missing_minutes_folder_fails_the_run(tmp_path):
    with pytest.raises(IndexingFailed) as error:
        build_index([tmp_path / "nowhere"], tmp_path / "index.json")
    assert error.value.code == "no_sources"
    assert not (tmp_path / "index.json").exists()


def test_one_writer_at_a_time(minutes_dir, tmp_path):
    store = tmp_path / "index.json"
    with writer_lock(store):
        with pytest.raises(IndexingFailed) as error:
            build_index([minutes_dir], store)
    assert error.value.code == "busy"


def test_indexing_time_of_a_meeting_is_kept_across_runs(minutes_dir, tmp_path):
    from datetime import datetime, timezone

    store = tmp_path / "index.json"
    build_index([minutes_dir], store, now=datetime(2026, 1, 1, tzinfo=timezone.utc))
    build_index([minutes_dir], store, now=datetime(2026, 2, 1, tzinfo=timezone.utc))
    index = Index.open(store)
    assert {m["indexed_at"] for m in index.meetings.values()} == {"2026-01-01T00:00:00+00:00"}
