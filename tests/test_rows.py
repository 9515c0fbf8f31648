"""A serving index loads its rows from the generation's rows file, which is derived from the
store and never overrides it: a store changed by hand, or whose rows file is damaged or
missing, is read from the store itself, and a reindex leaves one rows file, its own."""

from __future__ import annotations

from knowledge.index import rows
from knowledge.index.build import build_index
from knowledge.index.loaded import Index
from knowledge.index.store import open_db, read_tables, write_tables
# `archive`: the same two meetings as the texts tests, one fixture for both.
from tests.test_texts import COUNCIL, NOW, archive, minutes  # noqa: F401, F811


def test_the_rows_file_gives_the_same_index_as_the_store(archive, monkeypatch):
    _, store = archive
    fast = Index.open(store)
    monkeypatch.setattr(rows, "load", lambda path: None)
    slow = Index.open(store)
    assert fast.items == slow.items and fast.meetings == slow.meetings and fast.meta == slow.meta
    assert fast.answer("omklædningsrum").hits[0].item == slow.answer("omklædningsrum").hits[0].item


def test_a_store_edited_by_hand_is_read_from_the_store_not_from_the_rows_file_of_its_generation(archive):
    _, store = archive
    tables = read_tables(open_db(store))
    for row in tables["items"]:
        row["title"] = "Ny belysning på stadion"
    write_tables(open_db(store), tables)

    index = Index.open(store)
    assert {row["title"] for row in index.items} == {"Ny belysning på stadion"}


def test_a_damaged_rows_file_is_passed_over_and_the_store_is_read(archive):
    _, store = archive
    generation = Index.open(store).generation
    path = rows.rows_path(store, generation)
    header = path.read_bytes().split(b"\n", 1)[0]
    path.write_bytes(header + b"\n{not json")

    index = Index.open(store)
    assert len(index.items) == 2
    assert index.answer("omklædningsrum").kind == "answer"


def test_a_reindex_leaves_only_its_own_rows_file(archive):
    folder, store = archive
    first = Index.open(store).generation
    council = list(COUNCIL)
    council[4] = "Indstillingen godkendt med den ændring, at arbejdet udskydes til 2027."
    (folder / "byraad.txt").write_text(minutes(*council), encoding="utf-8")
    build_index([folder], store, now=NOW)

    second = Index.open(store)
    assert second.generation != first
    assert [path.name for path in store.parent.glob("*.rows")] == [rows.rows_path(store, second.generation).name]
    decisions = sorted(second.item(doc)["decision"] for doc in range(len(second.items)))
    assert decisions[0] == "Anbefales over for Byrådet."
    assert decisions[1].endswith("udskydes til 2027.")
