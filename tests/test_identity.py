"""Which meeting and item a file is: ids that stay apart, and one meeting from several files."""

from __future__ import annotations

from knowledge.indexer import build_index
from knowledge.model import stable_id
from knowledge.store import open_db, read_tables, write_tables


def test_an_index_from_before_item_ids_had_the_time_brings_no_false_news(minutes_dir, tmp_path):
    # Item ids gained the meeting's time; an index built before must not report every
    # decision as new (the weekly digest would send the whole archive again).
    store = tmp_path / "index.json"
    build_index([minutes_dir], store)
    tables = read_tables(open_db(store))
    for row in tables["items"]:
        row["id"] = stable_id(row["body"], row["date"], row["number"])
        row["indexed_at"] = "2020-01-01T00:00:00+00:00"
    for row in tables["sources"]:
        row.pop("reader", None)
    write_tables(open_db(store), tables)

    report = build_index([minutes_dir], store)
    assert (report.new, report.changed, report.removed) == (0, 0, 0)
    assert all(status == "indexed" for status in (r.status for r in report.files))
    rows = read_tables(open_db(store))["items"]
    assert all(row["indexed_at"] == "2020-01-01T00:00:00+00:00" for row in rows if row.get("decision"))
    assert all(row["id"] != stable_id(row["body"], row["date"], row["number"]) for row in rows)
