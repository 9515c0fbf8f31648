"""The TinyDB store: round trips on disk and in memory, atomic writes, broken files."""

from __future__ import annotations

import os

import pytest

from knowledge.errors import IndexingFailed, IndexUnavailable
from knowledge.index.store import encode, open_db, read_tables, write_atomic, write_tables

TABLES = {
    "meetings": [{"id": "m1", "date": "2026-04-08"}],
    "items": [{"id": "i1", "title": "Hændelseslog", "doc": 0}],
    "sources": [],
    "meta": [{"generation": "g1"}],
}


@pytest.fixture(params=["memory", "disk"])
def db(request, tmp_path):
    return open_db(None if request.param == "memory" else tmp_path / "index.json")


def test_round_trip(db):
    write_tables(db, TABLES)
    assert read_tables(db) == TABLES


def test_a_store_without_an_index_is_missing(db):
    with pytest.raises(IndexUnavailable) as error:
        read_tables(db)
    assert error.value.code == "missing"


@pytest.mark.parametrize("content", [b"{not json", b"\x00\xff\xfe", b"[1, 2]", b'{"items": 3}'])
def test_a_corrupt_file_is_reported_as_corrupt(tmp_path, content):
    path = tmp_path / "index.json"
    path.write_bytes(content)
    with pytest.raises(IndexUnavailable) as error:
        read_tables(open_db(path))
    assert error.value.code == "corrupt"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "index.json"
    write_tables(open_db(path), TABLES)
    before = path.read_bytes()

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(IndexingFailed) as error:
        write_atomic(path, b"new content")
    assert error.value.code == "write_failed"
    assert "No space left" in error.value.detail
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["index.json"]


def test_the_store_written_in_chunks_is_byte_for_byte_the_store_written_whole(tmp_path):
    path = tmp_path / "index.json"
    write_tables(open_db(path), TABLES)
    assert b"".join(encode(TABLES)) == path.read_bytes()
    many = {"meetings": [], "items": [{"id": str(n), "title": "x" * 500} for n in range(5000)],
            "sources": [], "meta": [{}]}
    write_tables(open_db(path), many)
    assert b"".join(encode(many)) == path.read_bytes()
