"""The admins' audit log: an append-only file of JSON lines, rotated by size.

Every admin command, refused ones included, adds one entry. In the TinyDB state file each
entry rewrote the whole file (10 MB with 10,000 subscriptions), so 60 refused `status`
messages held up an unrelated question for 9 s. Here an entry is one appended line
(flushed, not fsynced: an audit line lost to a power cut is acceptable, a question
waiting on the disk is not). When the file passes `ROTATE_BYTES` it becomes
`<name>.1` (replacing the one before), so the log keeps between one and two files' worth.
The newest entries are also kept in memory for `status`.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from pathlib import Path
from typing import Any

import orjson

# About 5,000 entries of ~200 bytes per file: months of admin work, and a file small
# enough to read whole when the server starts.
ROTATE_BYTES = 1_000_000
# `status` shows ten; a few more are kept for callers that ask for more.
KEEP_IN_MEMORY = 100


class AuditLog:
    """Audit entries appended to `path` (or only kept in memory when `path` is None)."""

    def __init__(self, path: Path | None, rotate_bytes: int = ROTATE_BYTES) -> None:
        self.path = path
        self.rotate_bytes = rotate_bytes
        self.recent: deque[dict[str, Any]] = deque(maxlen=KEEP_IN_MEMORY)
        self.lock = threading.Lock()
        self._out = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            for older in (path.with_name(path.name + ".1"), path):
                self.recent.extend(_read_lines(older))
            self._out = open(path, "ab")

    def append(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.recent.append(entry)
            if self._out is None or self.path is None:
                return
            self._out.write(orjson.dumps(entry) + b"\n")
            self._out.flush()
            if self._out.tell() >= self.rotate_bytes:
                self._out.close()
                os.replace(self.path, self.path.with_name(self.path.name + ".1"))
                self._out = open(self.path, "ab")

    def newest(self, count: int) -> list[dict[str, Any]]:
        """The last `count` entries, newest first."""
        with self.lock:
            return list(self.recent)[-count:][::-1] if count > 0 else []

    def close(self) -> None:
        with self.lock:
            if self._out is not None:
                self._out.close()
                self._out = None


def _read_lines(path: Path) -> list[dict[str, Any]]:
    """The readable entries of one audit file; a line cut by a crash is skipped."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    entries = []
    for line in raw.splitlines()[-KEEP_IN_MEMORY:]:
        try:
            entry = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if isinstance(entry, dict):
            entries.append(entry)
    return entries
