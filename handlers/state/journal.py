"""A TinyDB storage that appends each change to a journal and rewrites the whole file rarely.

TinyDB hands its storage the whole database after every operation. `OrjsonStorage`
writes all of it each time, which with 10,000 subscriptions (about 4 MB) cost 100-190 ms
per write and grew with every row. `JournalStorage` keeps the data in memory, compares
the table TinyDB just changed with what is already on disk, and appends only the changed
documents to `<file>.journal`, one JSON line each (`{"t": table, "id": id, "doc": {...}}`,
or without "doc" for a removal), flushed and fsynced. When the journal holds more lines
than the snapshot has documents (and at least `COMPACT_AFTER`), the snapshot is rewritten
through `write_atomic` and the journal emptied. Replaying a journal line twice gives the
same result, so a crash between those two steps loses nothing.

A journal whose last line was cut by a crash loses only that line. A snapshot or journal
that cannot be read otherwise raises `StateDamaged`; the caller decides what to do with it.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any, Callable, Iterator

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from knowledge.index.store import write_atomic

# Below this many journal lines a compaction is never worth its full rewrite; above it, the
# journal is compacted once it holds more lines than the snapshot has documents, so the
# rewrite costs at most as much as the appends it replaces (amortised O(1) per change).
COMPACT_AFTER = 2000

Tables = dict[str, dict[str, Any]]


class StateDamaged(Exception):
    """A state file that is not what this storage wrote."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path.name}: {reason}")
        self.path = path
        self.reason = reason


def journal_path(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


def read_snapshot(path: Path) -> Tables:
    """The tables in `path` ({} when it is missing); StateDamaged when they cannot be read."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    if not raw.strip():
        # An empty file is what a crash while creating it leaves; zeros are not.
        return {}
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise StateDamaged(path, f"not JSON ({error})") from error
    if not isinstance(data, dict) or not all(
            isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
            for table in data.values()):
        raise StateDamaged(path, "JSON that is not tables of documents")
    return data


class _Document(dict):
    """A stored document that notes when TinyDB changes it in place (an update does)."""

    __slots__ = ("_changed",)

    def __init__(self, data: dict, changed: Callable[[], None]) -> None:
        super().__init__(data)
        self._changed = changed

    def __setitem__(self, key, value) -> None:
        self._changed()
        super().__setitem__(key, value)

    def __delitem__(self, key) -> None:
        self._changed()
        super().__delitem__(key)

    def update(self, *args, **kwargs) -> None:
        self._changed()
        super().update(*args, **kwargs)

    def pop(self, *args):
        self._changed()
        return super().pop(*args)

    def popitem(self):
        self._changed()
        return super().popitem()

    def setdefault(self, key, default=None):
        self._changed()
        return super().setdefault(key, default)

    def clear(self) -> None:
        self._changed()
        super().clear()


class JournalStorage(Storage):
    """TinyDB storage: a snapshot file plus an append-only journal of changed documents.

    Finding what changed costs nothing per unchanged document: TinyDB replaces the dict of
    a table it changes (so other tables are skipped by identity), an insert or a removal
    changes the table's size, and an update changes a document in place, which the
    document itself reports.
    """

    def __init__(self, path: str | os.PathLike[str], compact_after: int = COMPACT_AFTER) -> None:
        self.path = Path(path)
        self.journal = journal_path(self.path)
        self.compact_after = compact_after
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._data = read_snapshot(self.path)
        self._lines = self._replay()
        self._changed: set[tuple[str, str]] = set()
        for name, table in self._data.items():
            self._track(name, table, list(table))
        self._tables = dict(self._data)
        self._on_disk = {name: set(table) for name, table in self._data.items()}
        self._out = open(self.journal, "ab")

    def _track(self, name: str, table: dict[str, Any], doc_ids) -> None:
        for doc_id in doc_ids:
            table[doc_id] = _Document(table[doc_id], lambda key=(name, doc_id): self._changed.add(key))

    def _replay(self) -> int:
        try:
            raw = self.journal.read_bytes()
        except FileNotFoundError:
            return 0
        lines = raw.split(b"\n")
        good = 0  # bytes of complete, readable lines
        count = 0
        for number, line in enumerate(lines):
            if not line.strip():
                good += len(line) + 1
                continue
            try:
                change = orjson.loads(line)
                table, doc_id = change["t"], str(change["id"])
            except (orjson.JSONDecodeError, KeyError, TypeError) as error:
                if number == len(lines) - 1:
                    # The last line, cut short by a crash while it was appended: the change
                    # it held never counted as written, so it is dropped.
                    with open(self.journal, "r+b") as handle:
                        handle.truncate(min(good, len(raw)))
                    break
                raise StateDamaged(self.journal, f"line {number + 1} cannot be read") from error
            if "doc" in change:
                if not isinstance(change["doc"], dict):
                    raise StateDamaged(self.journal, f"line {number + 1} is not a document")
                self._data.setdefault(table, {})[doc_id] = change["doc"]
            else:
                self._data.get(table, {}).pop(doc_id, None)
            good += len(line) + 1
            count += 1
        return count

    # --- the Storage interface -----------------------------------------------------------

    def read(self) -> Tables:
        # TinyDB changes what it reads and hands it back to write(); no copy is needed.
        return self._data

    def write(self, data: Tables) -> None:
        changes: list[bytes] = []
        for name, table in data.items():
            if self._tables.get(name) is table:
                continue  # TinyDB replaces the dict of a table it changed; this one it did not
            on_disk = self._on_disk.setdefault(name, set())
            if len(table) != len(on_disk) or not on_disk:
                added = table.keys() - on_disk
                removed = on_disk - table.keys()
            else:
                added, removed = set(), set()
            changed = {doc_id for table_name, doc_id in self._changed if table_name == name and doc_id in table}
            for doc_id in sorted(added | changed, key=_id_order):
                changes.append(orjson.dumps({"t": name, "id": doc_id, "doc": table[doc_id]}))
            changes += [orjson.dumps({"t": name, "id": doc_id}) for doc_id in sorted(removed, key=_id_order)]
            self._track(name, table, added)
            on_disk |= added
            on_disk -= removed
        for name in self._on_disk.keys() - data.keys():
            # A dropped table: its documents are removed one by one.
            changes += [orjson.dumps({"t": name, "id": doc_id}) for doc_id in self._on_disk.pop(name)]
        self._changed.clear()
        self._data = data
        self._tables = dict(data)
        if not changes:
            return
        self._out.write(b"\n".join(changes) + b"\n")
        self._out.flush()
        os.fsync(self._out.fileno())
        self._lines += len(changes)
        if self._lines >= self.compact_after and self._lines > self.documents():
            self.compact()

    def close(self) -> None:
        self._out.close()

    # --- upkeep --------------------------------------------------------------------------

    def documents(self) -> int:
        return sum(len(table) for table in self._on_disk.values())

    def compact(self) -> None:
        """Write the snapshot whole and empty the journal."""
        write_atomic(self.path, orjson.dumps(self._data))
        self._out.close()
        with open(self.journal, "wb") as handle:
            os.fsync(handle.fileno())
        self._out = open(self.journal, "ab")
        self._lines = 0


class _IntKeys(MutableMapping):
    """A stored table as TinyDB's updaters expect it (int ids), over the str-keyed dict."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    def __getitem__(self, doc_id: int) -> Any:
        return self.raw[str(doc_id)]

    def __setitem__(self, doc_id: int, doc: Any) -> None:
        self.raw[str(doc_id)] = doc

    def __delitem__(self, doc_id: int) -> None:
        del self.raw[str(doc_id)]

    def __contains__(self, doc_id: object) -> bool:
        return str(doc_id) in self.raw

    def __iter__(self) -> Iterator[int]:
        return (int(doc_id) for doc_id in self.raw)

    def __len__(self) -> int:
        return len(self.raw)


class JournalTable(Table):
    """A TinyDB table whose writes cost O(changed rows) in Python.

    TinyDB's own `_update_table` converts every row id of the table to int and back on each
    write (8 ms of the 12 ms an insert took at 10,000 rows); here the updater works on the
    stored dict through `_IntKeys`, and the table is handed on as a copy (a C-level copy,
    so the storage sees by identity which table changed).
    """

    def _update_table(self, updater: Callable[[dict[int, Any]], None]) -> None:
        tables = self._storage.read()
        if tables is None:
            tables = {}
        raw = tables.get(self.name)
        raw = dict(raw) if raw is not None else {}
        updater(_IntKeys(raw))  # type: ignore[arg-type]
        tables[self.name] = raw
        self._storage.write(tables)
        self.clear_cache()


class StateDB(TinyDB):
    table_class = JournalTable


def _id_order(doc_id: str) -> tuple[int, str]:
    return (int(doc_id), "") if doc_id.isdigit() else (0, doc_id)
