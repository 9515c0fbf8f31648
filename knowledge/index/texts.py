"""The long texts of an index generation's items, in one file beside the store, read per item.

Ranking needs an item's terms (the postings), its title, body, date, case number and
decision; the long sections (Resumé, Indstilling, Sagsfremstilling, Økonomi, earlier
decisions, attachments) are only read for the few items a reply shows. They are kept out
of memory in `<store stem>.<generation>.texts`: one zlib-compressed orjson blob per item,
then a table of each item's (start, end) in doc order, then a 16-byte trailer. The file is
memory-mapped and never changed once written, so reading an item is a slice and one
decompress. A reader keeps its generation's file mapped: when a reindex swaps in a new
generation and deletes the old file, the mapping (and so every answer still being built
from the old index) stays readable until it is dropped.

Why a mapped file rather than SQLite or LMDB: the texts are written once per generation
and only ever read by position, so a file with offsets is all that is needed; it adds no
dependency, the indexer can append blobs as files are read and copy an unchanged file's
blobs without decoding them, and the generation's name on the file ties it to its store
and postings the same way the postings file is tied.
"""

from __future__ import annotations

import mmap
import os
import struct
import tempfile
import zlib
from array import array
from pathlib import Path

import numpy as np
import orjson

from knowledge.index.store import disk_error, remove_other_generations

# The sections an item keeps on disk; everything else of a row stays in memory.
LONG = ("resume", "indstilling", "sagsfremstilling", "supplerende", "okonomi", "afgoeres_af",
        "bilag", "earlier", "attendance", "text")
MAGIC = b"BBTEXTS1"
TRAILER = struct.Struct("<QQ")  # items, where the table starts
# What the meta row's "texts" says: 2 = blobs hold the decision too (1 did not).
VERSION = 2
# Characters of a decision a serving index keeps in memory.
PREVIEW = 120
# zlib level 1: within a few per cent of level 6 on minutes text, at several times the speed.
LEVEL = 1


def texts_path(store_path: Path, generation: str) -> Path:
    return store_path.with_name(f"{store_path.stem}.{generation}.texts")


def split(row: dict) -> tuple[dict, dict]:
    """A full item row as (what the store keeps, what the texts file keeps). The decision is
    in both: the store of record compares it between runs, and a serving index keeps only
    its beginning in memory (`preview`) and reads the whole from the texts file."""
    slim = {key: value for key, value in row.items() if key not in LONG}
    long = {key: row[key] for key in LONG if row.get(key)}
    long.pop("text", None)  # the whole text repeats the sections; `model.whole_text` rebuilds it
    if row.get("decision"):
        long["decision"] = row["decision"]
    return slim, long


def preview(decision: str) -> str:
    """The beginning of a decision that a serving index keeps in memory: enough to tell
    whether there is one; whoever shows it reads the whole through `Index.item`."""
    return decision if len(decision) <= PREVIEW else decision[:PREVIEW]


def encode(long: dict) -> bytes:
    return zlib.compress(orjson.dumps(long), LEVEL) if long else b""


def decode(blob: bytes) -> dict:
    return orjson.loads(zlib.decompress(blob)) if blob else {}


class Texts:
    """The texts file of one generation, mapped read-only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size < len(MAGIC) + TRAILER.size:
                raise ValueError(f"{path.name}: too short")
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        if self._map[:len(MAGIC)] != MAGIC:
            raise ValueError(f"{path.name}: not a texts file")
        count, start = TRAILER.unpack(self._map[size - TRAILER.size:])
        end = start + 16 * count
        if end != size - TRAILER.size:
            raise ValueError(f"{path.name}: damaged table")
        # Copied out of the mapping (16 bytes an item), so the mapping has no exports.
        self.spans = np.frombuffer(self._map[start:end], dtype="<i8").reshape(count, 2).copy()

    def __len__(self) -> int:
        return len(self.spans)

    def blob(self, doc: int) -> bytes:
        start, end = self.spans[doc]
        return self._map[int(start):int(end)]

    def get(self, doc: int) -> dict:
        """The long sections of item `doc` (empty for a closed item or one with none)."""
        return decode(self.blob(doc))


class TextsWriter:
    """Writes a texts file: blobs as they come, the doc-order table at the end, then
    `os.replace` onto its name. Blobs may be read back before the end (`read`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, self.temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self._file = os.fdopen(handle, "w+b")
        self._position = 0
        self._write(MAGIC)

    def _write(self, data: bytes) -> None:
        try:
            self._file.write(data)
        except OSError as error:
            raise disk_error(self.path, error) from error
        self._position += len(data)

    def add(self, blob: bytes) -> tuple[int, int]:
        """Append one item's blob; its (start, end) in the file."""
        start = self._position
        if blob:
            self._write(blob)
        return start, self._position

    def read(self, span: tuple[int, int]) -> bytes:
        start, end = span
        if end <= start:
            return b""
        self._file.flush()
        return os.pread(self._file.fileno(), end - start, start)

    def finish(self, spans: list[tuple[int, int]] | array) -> None:
        """Write the table of the items' spans in doc order and put the file in place."""
        table = array("q")
        for start, end in spans:
            table.append(start)
            table.append(end)
        begin = self._position
        self._write(table.tobytes())
        self._write(TRAILER.pack(len(table) // 2, begin))
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            os.replace(self.temporary, self.path)
        except OSError as error:
            self.abort()
            raise disk_error(self.path, error) from error

    def abort(self) -> None:
        try:
            self._file.close()
        except OSError:
            pass
        try:
            os.remove(self.temporary)
        except OSError:
            pass


def remove_stale(store_path: Path, keep: str) -> None:
    """Delete the texts files of generations other than `keep`. A server still answering
    from one keeps reading it through its mapping until it loads the new generation."""
    remove_other_generations(store_path, "texts", texts_path(store_path, keep))
