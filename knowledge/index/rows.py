"""The rows a serving index keeps in memory, in a file per generation that loads in one read.

The TinyDB store is the store of record; parsing the whole of it to answer questions
(its sources table too, each row as a dict, every field checked) took most of a
million-item index's load time and memory. So the indexer also writes, per generation,
`<store stem>.<generation>.rows`: a header line naming the exact store bytes it was
derived from (their size and CRC-32), then one orjson document with the meta row, the
meetings and the items' slim fields as columns (decisions cut to their preview, a value
many items share stored once). `Index.open` uses it only when the store on disk is
byte for byte the one it was written beside; any other store (an older one, one edited
by hand, one whose derived file is missing or damaged) is read the slow way, so the file
can never make the bot answer from anything but its store.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Iterable

import orjson

from knowledge.index import texts as texts_module
from knowledge.index.store import remove_other_generations, write_atomic

VERSION = 1
SUFFIX = "rows"
# Values many items share (a meeting's id, date, body, file and indexing time): stored
# once each, and the same string object in every row that has it.
SHARED = ("meeting_id", "date", "body", "source", "indexed_at")
# Keys left out of a row in memory when they hold their default (every reader uses .get):
# the position in `items` is the doc, and a row of ten keys takes half the memory of one
# of fourteen.
DROPPED = ("doc", "label", "page", "closed", "decision", "case_number")
CHUNK = 1 << 24


def rows_path(store_path: Path, generation: str) -> Path:
    return store_path.with_name(f"{store_path.stem}.{generation}.{SUFFIX}")


def fingerprint(data: bytes | Iterable[bytes]) -> dict:
    """What identifies the store bytes a rows file belongs to (given whole or in chunks)."""
    crc, size = 0, 0
    for chunk in ((data,) if isinstance(data, bytes) else data):
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
    return {"store_size": size, "store_crc": crc}


def file_fingerprint(path: Path) -> dict | None:
    """The `fingerprint` of the file at `path`, read in chunks; None when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return fingerprint(iter(lambda: handle.read(CHUNK), b""))
    except OSError:
        return None


def write(path: Path, store: dict, meta: dict, meetings: list[dict], items: Iterable[dict]) -> None:
    """Write the rows file of one generation: `store` is the `fingerprint` of the store
    bytes it goes with, `items` the slim item rows in doc order."""
    columns: dict[str, list] = {}
    shared: dict[str, dict[str, int]] = {key: {} for key in SHARED}
    preview = meta.get("texts") == texts_module.VERSION
    count = 0
    for row in items:
        for key, value in row.items():
            if key == "doc" or key == "_span":
                continue
            if key == "decision" and preview and value:
                value = texts_module.preview(value)
            if key in shared and value.__class__ is str:
                table = shared[key]
                value = table.setdefault(value, len(table))
            column = columns.get(key)
            if column is None:
                column = columns[key] = [None] * count
            column.append(value)
        count += 1
        for column in columns.values():
            if len(column) < count:
                column.append(None)
    header = {"version": VERSION, "generation": meta.get("generation", ""), "items": count} | store
    body = {"meta": meta, "meetings": meetings, "columns": columns,
            "shared": {key: list(table) for key, table in shared.items() if key in columns}}
    write_atomic(path, orjson.dumps(header) + b"\n" + orjson.dumps(body))


def load(store_path: Path) -> dict[str, list[dict]] | None:
    """The tables of the store at `store_path` from its generation's rows file (meta,
    meetings, items as a serving index keeps them; no sources), or None when no rows file
    belongs to exactly the bytes of that store."""
    candidates = sorted(store_path.parent.glob(f"{store_path.stem}.*.{SUFFIX}"))
    if not candidates:
        return None
    wanted = file_fingerprint(store_path)
    if wanted is None:
        return None
    for path in candidates:
        try:
            with open(path, "rb") as handle:
                header = orjson.loads(handle.readline())
                if header.get("version") != VERSION or any(header.get(k) != v for k, v in wanted.items()):
                    continue
                body = orjson.loads(handle.read())
            return {"meta": [body["meta"]], "meetings": body["meetings"], "sources": [],
                    "items": _rows(body["columns"], body["shared"], header["items"])}
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            continue
    return None


def _rows(columns: dict[str, list], shared: dict[str, list], count: int) -> list[dict]:
    keys = list(columns)
    values = []
    for key in keys:
        column = columns[key]
        if len(column) != count:
            raise ValueError(f"column {key} has {len(column)} rows, not {count}")
        table = shared.get(key)
        if table is not None:
            column = [table[value] if value.__class__ is int else value for value in column]
        values.append(column)
    droppable = frozenset(DROPPED)
    return [{key: value for key, value in zip(keys, row) if value is not None and (value or key not in droppable)}
            for row in zip(*values)]


def remove_stale(store_path: Path, keep: str) -> None:
    """Delete the rows files of generations other than `keep`."""
    remove_other_generations(store_path, SUFFIX, rows_path(store_path, keep))
