"""Temporary spools of item rows for one indexing run: rows go to disk as they are made.

An indexing run reads every file before it knows the order of the items (meetings by
date, a supplementary agenda joined to its meeting), and writes the store only at the
end. Holding every item's row until then made its memory grow with the archive; these
spools keep them in an anonymous temporary file beside the store instead (gone when
closed, or when the process dies), and read them back one file's or one item's at a time.
Without a folder (an in-memory store) they keep the rows in a list.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterator

import orjson

from knowledge.errors import IndexingFailed
from knowledge.index.store import disk_error


class _File:
    """An anonymous temporary file, appended to and read back by position."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._file = tempfile.TemporaryFile(dir=folder)
        self._path = folder
        self.position = 0

    def append(self, data: bytes) -> tuple[int, int]:
        start = self.position
        try:
            self._file.write(data)
        except OSError as error:
            raise disk_error(self._path / "spool", error) from error
        self.position += len(data)
        return start, self.position

    def read(self, start: int, end: int) -> bytes:
        self._file.flush()
        return os.pread(self._file.fileno(), end - start, start)

    def close(self) -> None:
        self._file.close()


class UnitRows:
    """Each file's item rows, put away as one record and read back by its reference."""

    def __init__(self, folder: Path | None) -> None:
        self._file = _File(folder) if folder is not None else None
        self._memory: list[list[dict]] = []

    def put(self, rows: list[dict]) -> object:
        if self._file is None:
            self._memory.append(rows)
            return len(self._memory) - 1
        return self._file.append(orjson.dumps(rows))

    def get(self, reference) -> list[dict]:
        if self._file is None:
            return self._memory[reference]
        return orjson.loads(self._file.read(*reference))

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        self._memory = []


class DocRows:
    """The item rows in doc order, appended one at a time and read back in that order, as
    often as needed (postings, rows file, store)."""

    CHUNK = 1 << 22

    def __init__(self, folder: Path | None) -> None:
        self._file = _File(folder) if folder is not None else None
        self._memory: list[dict] = []
        self.count = 0

    def append(self, row: dict) -> None:
        self.count += 1
        if self._file is None:
            self._memory.append(row)
        else:
            self._file.append(orjson.dumps(row) + b"\n")

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[dict]:
        if self._file is None:
            yield from self._memory
            return
        position, end, rest = 0, self._file.position, b""
        while position < end:
            block = self._file.read(position, min(end, position + self.CHUNK))
            position += len(block)
            lines = (rest + block).split(b"\n")
            rest = lines.pop()
            for line in lines:
                yield orjson.loads(line)
        if rest:
            raise IndexingFailed("crashed", "spool ends mid-row")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        self._memory = []
