"""The minutes and everything known about them: parsing, the store, the search.

Public API:
    open_index(path=None) -> Index    the index at `path` (a store file, default: the
                                      per-user data folder), built from the bundled sample
                                      minutes first if none exists there yet.
    Index.search(question, limit=5)   ranked hits: date, number, title, case_number,
                                      decision, closed, score.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.errors import DocumentError, IndexingFailed, IndexUnavailable, KnowledgeError
from knowledge.paths import SAMPLES_DIR, store_path

if TYPE_CHECKING:
    from knowledge.index.loaded import Index

__all__ = [
    "DocumentError", "Index", "IndexUnavailable", "IndexingFailed", "KnowledgeError",
    "open_index", "SAMPLES_DIR",
]


def open_index(path: str | Path | None = None, sources: list[Path] | None = None) -> Index:
    """The index stored at `path`; when none exists yet, it is built from `sources`
    (default: the bundled sample minutes) first."""
    from knowledge.index.build import ensure_index
    from knowledge.index.loaded import Index

    target = Path(path) if path is not None else store_path()
    if target.is_dir():
        target = store_path(target)
    ensure_index(target, sources or [SAMPLES_DIR])
    return Index.open(target)


def __getattr__(name: str):
    # The index pulls in NumPy and the search; load it only when it is asked for, so
    # that light users of the package (the parser, the extractor) stay light.
    if name == "Index":
        from knowledge.index.loaded import Index

        return Index
    raise AttributeError(name)
