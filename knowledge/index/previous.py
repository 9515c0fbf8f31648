"""What an indexing run keeps of the last generation, without holding the last store whole.

A reindex needs of the last run: each file's checksum, meeting and item ids (to reuse an
unchanged file's rows rather than read it again), each item's decision and first-indexed
time (an unchanged decision keeps its time, and the report counts new, changed and removed
decisions), and the item rows of the files it reuses. Reading the whole store for that held
every item's row at once: at a million items more than a first run's postings.

So each generation also gets `<store stem>.<generation>.spans`: a header line naming the
exact store bytes it belongs to (size and CRC-32, as the rows file does) and where each
table's object lies in them, then each item row's (start, end) as little-endian int64. With
it a run parses the small tables (meetings, sources, meta) whole, streams the items table
row by row into compact columns (`Before`: hashes of ids, places and decisions, and the
few distinct indexing times), and reads an unchanged file's rows back by their byte spans
only when it reuses them. A store without a spans file that matches its bytes (one written
by an older version, edited by hand, or the in-memory twin) is read whole as before, and a
damaged one is not reused at all (`check_rows`): the run reads every file again.
"""

from __future__ import annotations

import os
from array import array
from pathlib import Path

import numpy as np
import orjson

from knowledge.errors import IndexUnavailable
from knowledge.index import texts as texts_module
from knowledge.index.rows import CHUNK, file_fingerprint
from knowledge.index.store import TABLES, check_rows, read_tables, remove_other_generations, write_atomic

VERSION = 1
SUFFIX = "spans"
CHECKED = 10_000  # item rows checked at a time while streaming


def spans_path(store_path: Path, generation: str) -> Path:
    return store_path.with_name(f"{store_path.stem}.{generation}.{SUFFIX}")


class Layout:
    """Where `store.encode` put each table's object and each item row, as it encodes."""

    def __init__(self) -> None:
        self.tables: dict[str, tuple[int, int]] = {}
        self.items = array("q")


def write(path: Path, fingerprint: dict, generation: str, layout: Layout) -> None:
    """Write a generation's spans file: `fingerprint` names the store bytes `layout` describes."""
    header = {"version": VERSION, "generation": generation, "items": len(layout.items) // 2,
              "tables": layout.tables} | fingerprint
    write_atomic(path, [orjson.dumps(header) + b"\n", np.asarray(layout.items, dtype="<i8").tobytes()])


def remove_stale(store_path: Path, keep: str) -> None:
    remove_other_generations(store_path, SUFFIX, spans_path(store_path, keep))


def place(row: dict) -> str:
    """An item's place in its meeting, which stays the same when its id scheme changes."""
    return f"{row['meeting_id']}#{row['number']}"


def _find(keys: np.ndarray, wanted: list[int]) -> np.ndarray:
    """The position of each of `wanted` in the sorted `keys`, or -1."""
    if not len(keys) or not wanted:
        return np.full(len(wanted), -1, dtype=np.int64)
    wanted_keys = np.array(wanted, dtype=np.int64)
    positions = np.minimum(np.searchsorted(keys, wanted_keys), len(keys) - 1)
    return np.where(keys[positions] == wanted_keys, positions, -1)


def _last_of_each(keys: array) -> tuple[np.ndarray, np.ndarray]:
    """`keys` sorted without repeats, and for each the position of its last occurrence (the
    one a dict built in that order would keep)."""
    values = np.frombuffer(keys, dtype=np.int64) if len(keys) else np.zeros(0, dtype=np.int64)
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    last = np.ones(len(ordered), dtype=bool)
    last[:-1] = ordered[1:] != ordered[:-1]
    return ordered[last], order[last]


class Before:
    """The last run's items as compact columns: what item times and the report's counts need.

    Strings are kept as their hash (within one process), about 60 bytes an item in all."""

    def __init__(self) -> None:
        self._ids, self._places, self._decisions = array("q"), array("q"), array("q")
        self._has, self._times = bytearray(), array("l")
        self._names: list = []
        self._known: dict = {}

    def add(self, row: dict) -> None:
        self._ids.append(hash(row["id"]))
        self._places.append(hash(place(row)))
        decision = row.get("decision", "")
        self._decisions.append(hash(decision))
        self._has.append(bool(decision))
        when = row.get("indexed_at")
        if not when:
            self._times.append(-1)
            return
        number = self._known.get(when) if when.__class__ is str else None
        if number is None:
            number = len(self._names)
            self._names.append(when)
            if when.__class__ is str:
                self._known[when] = number
        self._times.append(number)

    def finish(self) -> "Before":
        count = len(self._ids)
        self.id_keys, self.id_docs = _last_of_each(self._ids)
        either = array("q", self._ids)
        either.extend(self._places)
        self._either_keys, either_rows = _last_of_each(either)
        self._either_rows = either_rows % max(count, 1)
        self._place_keys, self._place_rows = _last_of_each(self._places)
        self._seen = np.zeros(len(self._place_keys), dtype=bool)
        self._decision_hash = np.frombuffer(self._decisions, dtype=np.int64) if count else np.zeros(0, np.int64)
        self._has_decision = np.frombuffer(bytes(self._has), dtype=bool)
        del self._ids, self._places, self._known
        return self

    def times(self, rows: list[dict], stamp: str) -> list:
        """When each of `rows` (this run's) entered the index: the last run's time while its
        decision is the same, `stamp` when the item or its decision is new. An item is found
        by its id, or else its place (an id that changed with the reader is the same item)."""
        by_id = _find(self._either_keys, [hash(row["id"]) for row in rows])
        by_place = _find(self._either_keys, [hash(place(row)) for row in rows])
        found = []
        for row, one, other in zip(rows, by_id.tolist(), by_place.tolist()):
            position = one if one >= 0 else other
            if position < 0:
                found.append(stamp)
                continue
            old = int(self._either_rows[position])
            when = self._times[old]
            same = self._decision_hash[old] == hash(row.get("decision", ""))
            found.append(self._names[when] if same and when >= 0 else stamp)
        return found

    def compare(self, rows: list[dict]) -> tuple[int, int]:
        """Of `rows` (this run's): how many have a decision at a new place, and how many a
        decision other than the last run's at their place. Marks their places as seen."""
        new = changed = 0
        for row, position in zip(rows, _find(self._place_keys, [hash(place(row)) for row in rows]).tolist()):
            text = row.get("decision", "")
            if position < 0:
                new += bool(text)
                continue
            self._seen[position] = True
            changed += bool(self._decision_hash[self._place_rows[position]] != hash(text))
        return new, changed

    def removed(self) -> int:
        """Places of the last run that had a decision and were not seen in this run."""
        return int(np.count_nonzero(self._has_decision[self._place_rows] & ~self._seen))


class Previous:
    """The last generation as a run reuses it: its sources, its meetings' times, its items'
    compact columns and, on demand, the item rows an unchanged file gave."""

    def __init__(self, sources: list[dict], meetings: list[dict], before: Before,
                 texts: texts_module.Texts | None, read_rows) -> None:
        self.sources = {row["path"]: row for row in sources}
        self.meeting_times = {row["id"]: row.get("indexed_at") for row in meetings}
        self.before = before.finish()
        self.texts = texts
        self._read_rows = read_rows  # docs -> their rows

    @classmethod
    def empty(cls) -> "Previous":
        return cls([], [], Before(), None, lambda docs: [])

    def kept(self, source: dict | None) -> tuple[dict, list[dict]] | None:
        """The meeting row and item rows a file gave in the last run, when the store has them."""
        if not source or not isinstance(source.get("meeting"), dict) or "item_ids" not in source:
            return None
        ids = source["item_ids"]
        if not isinstance(ids, list) or not all(ident.__class__ is str for ident in ids):
            return None
        positions = _find(self.before.id_keys, [hash(ident) for ident in ids])
        if (positions < 0).any():
            return None
        rows = self._read_rows(self.before.id_docs[positions].tolist())
        if [row.get("id") for row in rows] != ids:
            return None
        return dict(source["meeting"]), rows


def load(store_path: Path | None, db) -> Previous:
    """The last generation of the store at `store_path` (or the in-memory `db`): by its spans
    file when one matches the store's bytes, else by reading the store whole."""
    if store_path is not None:
        try:
            quick = _from_spans(store_path)
        except (OSError, ValueError, KeyError, TypeError, IndexError, IndexUnavailable):
            quick = None
        if quick is not None:
            return quick
    return _from_tables(store_path, db)


def _old_texts(store_path: Path | None, meta: dict, count: int) -> tuple[bool, texts_module.Texts | None]:
    """Whether the last run's rows can be reused, and its texts file when they keep their texts there."""
    if not meta.get("texts"):
        return True, None  # a store whose rows hold their texts
    if store_path is None or meta.get("texts") != texts_module.VERSION:
        return False, None  # texts in a file of another layout: read every file again
    try:
        texts = texts_module.Texts(texts_module.texts_path(store_path, meta.get("generation", "")))
    except (OSError, ValueError):
        return False, None  # rows without their texts: read every file again
    return len(texts) == count, texts if len(texts) == count else None


def _from_tables(store_path: Path | None, db) -> Previous:
    try:
        tables = read_tables(db)
        # A damaged row means nothing of the old index can be trusted for reuse: the run
        # reads every file again, which is how `genindekser` repairs it.
        check_rows(tables)
    except IndexUnavailable:
        return Previous.empty()
    meta = tables["meta"][0] if tables["meta"] else {}
    usable, texts = _old_texts(store_path, meta, len(tables["items"]))
    if not usable:
        return Previous.empty()
    before = Before()
    for row in tables["items"]:
        before.add(row)
    items = tables["items"]
    return Previous(tables["sources"], tables["meetings"], before, texts,
                    lambda docs: [dict(items[doc]) for doc in docs])


def _from_spans(store_path: Path) -> Previous | None:
    """The last generation read through its spans file, or None when there is none that
    belongs to exactly the store's bytes (raises on a damaged one)."""
    candidates = sorted(store_path.parent.glob(f"{store_path.stem}.*.{SUFFIX}"))
    if not candidates:
        return None
    wanted = file_fingerprint(store_path)  # the store's size and CRC-32
    if wanted is None:
        return None
    for path in candidates:
        with open(path, "rb") as handle:
            header = orjson.loads(handle.readline())
            if header.get("version") != VERSION or any(header.get(k) != v for k, v in wanted.items()):
                continue
            spans = np.frombuffer(handle.read(), dtype="<i8").reshape(-1, 2)
        if len(spans) != header["items"]:
            return None
        return _read_generation(store_path, header["tables"], spans)
    return None


def _read_generation(store_path: Path, where: dict, spans: np.ndarray) -> Previous | None:
    with open(store_path, "rb") as handle:
        fd = handle.fileno()
        tables = {}
        for name in TABLES:
            if name == "items":
                continue
            start, end = where[name]
            raw = orjson.loads(os.pread(fd, end - start, start))
            if not isinstance(raw, dict):
                raise IndexUnavailable("corrupt", name)
            tables[name] = list(raw.values())
        check_rows(tables)
        meta = tables["meta"][0] if tables["meta"] else {}
        usable, texts = _old_texts(store_path, meta, len(spans))
        if not usable:
            return Previous.empty()
        before = Before()
        start, end = where["items"]
        if len(spans) and (spans[0, 0] < start or spans[-1, 1] > end or (spans[:, 1] < spans[:, 0]).any()):
            raise ValueError("item spans outside the items table")
        batch: list[dict] = []
        for row in _stream(fd, spans):
            batch.append(row)
            if len(batch) >= CHECKED:
                _check_items(batch, before)
                batch = []
        _check_items(batch, before)
    return Previous(tables["sources"], tables["meetings"], before, texts,
                    lambda docs: _rows_at(store_path, spans, docs))


def _check_items(batch: list[dict], before: Before) -> None:
    check_rows({"items": batch})
    for row in batch:
        before.add(row)


def _stream(fd: int, spans: np.ndarray):
    """The item rows in doc order, read CHUNK bytes at a time."""
    buffer, offset = b"", 0
    for start, end in spans.tolist():
        if end > offset + len(buffer) or start < offset:
            offset = start
            buffer = os.pread(fd, max(end - start, CHUNK), start)
        yield orjson.loads(memoryview(buffer)[start - offset:end - offset])


def _rows_at(store_path: Path, spans: np.ndarray, docs: list[int]) -> list[dict]:
    """The item rows of `docs` from the old store, by their spans (one read when they lie together)."""
    if not docs:
        return []
    chosen = spans[docs]
    low, high = int(chosen[:, 0].min()), int(chosen[:, 1].max())
    with open(store_path, "rb") as handle:
        if high - low <= CHUNK:
            buffer = os.pread(handle.fileno(), high - low, low)
            return [orjson.loads(buffer[start - low:end - low]) for start, end in chosen.tolist()]
        return [orjson.loads(os.pread(handle.fileno(), end - start, start)) for start, end in chosen.tolist()]
