"""A reindex reuses the last generation without parsing its store whole: it reads the small
tables, streams the item rows through the generation's spans file and reads back only the
rows of the files it reuses. A store whose bytes are not the ones the spans file names (one
edited by hand), or a damaged spans file, is read whole, as before."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from knowledge.index import previous
from knowledge.index.build import build_index
from knowledge.index.loaded import Index
from knowledge.index.store import OrjsonStorage, open_db, read_tables, write_tables

FIRST = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
LATER = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
CHANGED_FILE = "000_604951d8f3dc8e69.txt"


@pytest.fixture
def indexed(minutes_dir, tmp_path):
    store = tmp_path / "data" / "index.json"
    build_index([minutes_dir], store, now=FIRST)
    return minutes_dir, store


@pytest.fixture
def whole_reads(monkeypatch) -> list[str]:
    """Every time the store file is parsed whole."""
    reads: list[str] = []
    original = OrjsonStorage.read

    def counting(self):
        reads.append(self.path.name)
        return original(self)

    monkeypatch.setattr(OrjsonStorage, "read", counting)
    return reads


def item_times(store) -> dict[str, str]:
    return {row["id"]: row["indexed_at"] for row in read_tables(open_db(store))["items"]}


def test_a_reindex_of_unchanged_files_does_not_parse_the_last_store_whole(indexed, whole_reads):
    minutes, store = indexed
    report = build_index([minutes], store, now=LATER)
    assert whole_reads == []
    assert [result.status for result in report.files] == ["unchanged"] * 5
    assert (report.items, report.new, report.changed, report.removed) == (38, 0, 0, 0)
    assert set(item_times(store).values()) == {FIRST.isoformat(timespec="seconds")}


def test_a_changed_decision_gets_the_new_time_and_the_others_keep_theirs_without_the_whole_store(
        indexed, whole_reads):
    minutes, store = indexed
    before = item_times(store)
    whole_reads.clear()
    path = minutes / CHANGED_FILE
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Prøvehandling gennemføres", "Prøvehandling gennemføres straks"), encoding="utf-8")
    report = build_index([minutes], store, now=LATER)
    assert whole_reads == []
    assert (report.new, report.changed, report.removed) == (0, 1, 0)
    after = item_times(store)
    moved = [ident for ident in after if after[ident] != before[ident]]
    assert len(moved) == 1 and after[moved[0]] == LATER.isoformat(timespec="seconds")


def test_a_store_edited_by_hand_is_read_whole_and_its_edit_kept_not_the_spans_of_its_generation(
        indexed, whole_reads):
    minutes, store = indexed
    tables = read_tables(open_db(store))
    for row in tables["items"]:
        row["title"] = "Ny belysning på stadion"
    write_tables(open_db(store), tables)
    whole_reads.clear()
    report = build_index([minutes], store, now=LATER)
    assert whole_reads == ["index.json"]
    assert [result.status for result in report.files] == ["unchanged"] * 5
    assert {row["title"] for row in Index.open(store).items} == {"Ny belysning på stadion"}


def test_a_damaged_spans_file_means_the_store_is_read_whole_not_a_failed_run(indexed):
    minutes, store = indexed
    before = read_tables(open_db(store))["items"]
    [spans] = store.parent.glob("*.spans")
    header, table = spans.read_bytes().split(b"\n", 1)
    spans.write_bytes(header + b"\n" + b"\x07" * len(table))  # the right size, spans of nonsense
    report = build_index([minutes], store, now=LATER)
    assert [result.status for result in report.files] == ["unchanged"] * 5
    assert read_tables(open_db(store))["items"] == before
    assert Index.open(store).stats()["items"] == 38


def test_a_reindex_leaves_only_its_own_spans_file(indexed):
    minutes, store = indexed
    build_index([minutes], store, now=LATER)
    generation = Index.open(store).generation
    assert [path.name for path in store.parent.glob("*.spans")] == [previous.spans_path(store, generation).name]
