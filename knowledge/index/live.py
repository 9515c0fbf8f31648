"""The index a running server answers from, swapped whole when a newer one is on disk.

Questions read `LiveIndex.get()`; nobody waits on a reindex. When the store file changes
(a reindex from the chat, or `beslutningsbot index` in another process), `refresh()` loads
the new generation in full and only then replaces the reference, so every question is
answered from one complete index, old or new. A store that cannot be read leaves the last
good index in place, or, at start-up with none, makes `get()` raise IndexUnavailable.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from knowledge.errors import IndexUnavailable
from knowledge.index.loaded import Index

log = logging.getLogger(__name__)


class LiveIndex:
    """Holds the current `Index` of one store file."""

    def __init__(self, path: Path | None, index: Index | None = None) -> None:
        self.path = path
        self._index = index
        self._error: IndexUnavailable | None = None
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path) -> "LiveIndex":
        """A live index of `path`, loaded now if it can be; never raises."""
        live = cls(path)
        live.refresh()
        return live

    def get(self) -> Index:
        """The index to answer from. Raises IndexUnavailable when there is none."""
        index = self._index
        if index is None:
            raise self._error or IndexUnavailable("missing")
        return index

    @property
    def error(self) -> IndexUnavailable | None:
        """Why the store on disk could not be read at the last attempt, if it could not."""
        return self._error

    def replace(self, index: Index) -> None:
        with self._lock:
            self._index = index
            self._error = None

    def refresh(self) -> bool:
        """Load the store again if it changed; True when a new index was swapped in."""
        with self._lock:
            current = self._index
            if current is not None and not current.changed():
                return False
            if self.path is None:
                return False
            try:
                fresh = Index.open(self.path)
            except IndexUnavailable as error:
                self._error = error
                if current is not None:
                    log.warning("index at %s unreadable (%s); still answering from the last good one", self.path, error.code)
                return False
            self._index = fresh
            self._error = None
            log.info("index generation %s loaded: %d items", fresh.generation, len(fresh.items))
            return True
