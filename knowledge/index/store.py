"""The TinyDB store of the index, on disk or in memory, written whole and swapped in.

An index file holds the tables `meetings`, `items`, `sources` and `meta`. It is never
edited in place: a new index is written to a temporary file beside the old one, flushed
to disk and moved over it with `os.replace`, so a reader sees either the old index or the
new one, never half of either. TinyDB's own JSON storage uses the stdlib `json`; this
storage uses orjson, which reads and writes the 100,000-item index several times faster.
"""

from __future__ import annotations

import errno
import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Iterator

import orjson
from tinydb import TinyDB
from tinydb.storages import MemoryStorage, Storage

from knowledge.errors import IndexingFailed, IndexUnavailable

TABLES = ("meetings", "items", "sources", "meta")


class OrjsonStorage(Storage):
    """TinyDB storage of one JSON file, read and written with orjson."""

    def __init__(self, path: str | os.PathLike[str], create: bool = False) -> None:
        self.path = Path(path)
        if create and not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_bytes(b"{}")

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        if not raw.strip():
            return None
        return orjson.loads(raw)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        write_atomic(self.path, orjson.dumps(data))

    def close(self) -> None:
        pass


def write_atomic(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write `data` (bytes, or chunks of them) to `path` through a temporary file and
    `os.replace`.

    Raises IndexingFailed("write_failed") when the disk refuses, with `disk_full` set when
    it (or the quota) is full; the old file stays.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in ((data,) if isinstance(data, bytes) else data):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as error:
        _remove_quietly(temporary)
        raise disk_error(path, error) from error
    except BaseException:
        _remove_quietly(temporary)
        raise


def disk_error(path: Path, error: OSError) -> IndexingFailed:
    """IndexingFailed("write_failed") for a write the disk refused, with `disk_full` set
    when it (or the quota) is full."""
    return IndexingFailed("write_failed", f"{path.name}: {error.strerror or error}",
                          disk_full=error.errno in (errno.ENOSPC, errno.EDQUOT))


def remove_other_generations(store_path: Path, suffix: str, keep: Path) -> None:
    """Delete this store's `<stem>.<generation>.<suffix>` files other than `keep` (the files
    of earlier index generations, once the store names the new one)."""
    for path in store_path.parent.glob(f"{store_path.stem}.*.{suffix}"):
        if path.name != keep.name:
            _remove_quietly(path)


def _remove_quietly(path: str | Path) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def open_db(path: Path | None) -> TinyDB:
    """The store at `path`, or an empty in-memory twin when `path` is None."""
    if path is None:
        return TinyDB(storage=MemoryStorage)
    return TinyDB(path, storage=OrjsonStorage)


def read_tables(db: TinyDB) -> dict[str, list[dict[str, Any]]]:
    """Every table of the index store as lists of plain dicts.

    Raises IndexUnavailable("missing") when the store holds no index and
    IndexUnavailable("corrupt") when it cannot be read.
    """
    try:
        raw = db.storage.read()
    except (orjson.JSONDecodeError, UnicodeDecodeError, ValueError) as error:
        raise IndexUnavailable("corrupt", str(error)) from error
    except OSError as error:
        raise IndexUnavailable("corrupt", error.strerror or str(error)) from error
    if raw is None or raw == {}:
        raise IndexUnavailable("missing")
    # Any other JSON that is not the tables (`[]`, `0`, `""`) is a damaged file, not an absent one.
    if not isinstance(raw, dict) or not all(isinstance(raw.get(t, {}), dict) for t in TABLES):
        raise IndexUnavailable("corrupt", "uventet indhold")
    if "meta" not in raw:
        raise IndexUnavailable("corrupt", "mangler meta")
    return {name: list(raw.get(name, {}).values()) for name in TABLES}


# The fields every reader of a row relies on, and their type. Rows may hold more fields;
# a row without one of these, or with one of another type, makes the whole store corrupt
# (as unreadable JSON does), rather than a KeyError in whichever reader meets it first.
REQUIRED = {
    "meetings": {"id": str, "date": str},
    "items": {"id": str, "meeting_id": str, "date": str, "number": int, "title": str},
    "sources": {"path": str, "checksum": str, "meeting_id": str},
    "meta": {},
}
# Fields that may be missing, but when present must have this type.
OPTIONAL = {
    "items": {"doc": int, "decision": str, "closed": bool, "case_number": (str, type(None))},
    "meta": {"generation": str, "built_at": str},
}


def check_rows(tables: dict[str, list[Any]]) -> None:
    """Raise IndexUnavailable("corrupt") naming the first row that lacks a required field
    or has a field of the wrong type, or whose dates are not ISO dates."""
    for name, rows in tables.items():
        required, optional = REQUIRED.get(name, {}), OPTIONAL.get(name, {})
        # The checks run on every row of a million-item store when it is loaded: written
        # out inline (a function call per field cost seconds there), each date checked once.
        # bool is an int to isinstance; a number that is True is still damage.
        required_items, optional_items = tuple(required.items()), tuple(optional.items())
        dated = "date" in required
        good_dates: set[str] = set()
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                raise IndexUnavailable("corrupt", f"{name} række {number} er ikke et objekt")
            for field, kind in required_items:
                value = row.get(field)
                if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                    raise IndexUnavailable("corrupt", f"{name} række {number}: {field} mangler eller har forkert type")
            for field, kind in optional_items:
                value = row.get(field, _ABSENT)
                if value is not _ABSENT and (not isinstance(value, kind) or (kind is int and isinstance(value, bool))):
                    raise IndexUnavailable("corrupt", f"{name} række {number}: {field} har forkert type")
            if dated and row["date"] not in good_dates:
                if not _iso_date(row["date"]):
                    raise IndexUnavailable("corrupt", f"{name} række {number}: date er ikke en dato")
                good_dates.add(row["date"])


_ABSENT = object()


def _iso_date(value: str) -> bool:
    try:
        date.fromisoformat(value[:10])
    except ValueError:
        return False
    return True


def write_tables(db: TinyDB, tables: dict[str, list[dict[str, Any]]]) -> None:
    """Replace the whole store with `tables`, in one write."""
    data = {
        name: {str(number): row for number, row in enumerate(tables.get(name, []), start=1)}
        for name in TABLES
    }
    db.storage.write(data)
    db.clear_cache()


def encode(tables: dict[str, Iterable[dict[str, Any]]], layout=None) -> Iterator[bytes]:
    """The store file of `tables` in chunks: byte for byte what `write_tables` writes, with
    each table iterated once and never all of it in memory (the rows of a million items).
    `layout` (a `previous.Layout`), when given, is told where each table's object and each
    item row lie in those bytes."""
    yield b"{"
    offset = 1  # bytes yielded so far
    for position, name in enumerate(TABLES):
        head = (b"," if position else b"") + orjson.dumps(name) + b":{"
        yield head
        offset += len(head)
        start = offset - 1
        spans = layout.items if layout is not None and name == "items" else None
        chunk: list[bytes] = []
        size = 0
        for number, row in enumerate(tables.get(name, ()), start=1):
            prefix = b'%s"%d":' % (b"," if number > 1 else b"", number)
            body = orjson.dumps(row)
            if spans is not None:
                spans.append(offset + size + len(prefix))
                spans.append(offset + size + len(prefix) + len(body))
            chunk.append(prefix)
            chunk.append(body)
            size += len(prefix) + len(body)
            if size >= 1 << 20:
                yield b"".join(chunk)
                offset += size
                chunk, size = [], 0
        tail = b"".join(chunk) + b"}"
        yield tail
        offset += len(tail)
        if layout is not None:
            layout.tables[name] = (start, offset)
    yield b"}"
