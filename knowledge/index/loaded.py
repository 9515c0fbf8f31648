"""A loaded index: the stored meetings and items, their postings, and the search over them.

`Index.open` reads the TinyDB store once into memory and loads the postings file of the
same generation (rebuilding it when it is missing). The items' long texts stay on disk in
the generation's texts file (`knowledge.index.texts`), and the rows in `Index.items` keep only
the beginning of a long decision; `Index.item(doc)` is the one way to an item with its
texts and its whole decision. Reads never touch the store again, so questions are answered from
memory and that one mapped file, and a reindex that writes a new generation underneath
does not disturb them; `Index.changed()` tells when a newer generation is on disk.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
from datetime import date
from pathlib import Path

from knowledge.errors import IndexUnavailable
from knowledge.index import postings as postings_module
from knowledge.index import rows as rows_module
from knowledge.index import texts as texts_module
from knowledge.index.rows import DROPPED, SHARED
from knowledge.index.store import check_rows, open_db, read_tables
from knowledge.search import Hit, Result, Searcher


class Index:
    """The searchable index of one generation."""

    def __init__(self, tables: dict[str, list[dict]], postings: postings_module.Postings,
                 path: Path | None = None, stamp: tuple[int, int, int] | None = None,
                 texts: texts_module.Texts | None = None) -> None:
        self.path = path
        self.stamp = stamp
        self.meta = tables["meta"][0] if tables["meta"] else {}
        self.meetings = {row["id"]: row for row in tables["meetings"]}
        # In doc order (`open` sorts them); without their long texts when `texts` holds them.
        self.items = tables["items"]
        self.sources = tables["sources"]
        self.texts = texts
        self.searcher = Searcher(self.items, postings, self.meetings, texts)

    def item(self, doc: int) -> dict:
        """Item `doc` with its long texts (Resumé, Sagsfremstilling, Økonomi, ...)."""
        return self.searcher.item(doc)

    def item_by_id(self, ident: str) -> dict | None:
        return self.searcher.item_by_id(ident)

    @classmethod
    def open(cls, path: Path | None, db=None) -> "Index":
        """The index stored at `path` (or in the in-memory `db`).

        Raises IndexUnavailable("missing") or IndexUnavailable("corrupt"), the latter also
        for a store that is valid JSON but holds rows that lack a field or have the wrong type.
        """
        with _collection_paused():
            return cls._open(path, db)

    @classmethod
    def _open(cls, path: Path | None, db) -> "Index":
        stamp = _stamp(path)
        tables = rows_module.load(path) if path is not None and db is None else None
        previewed = tables is not None
        if tables is None:
            tables = _read_store(path, db)
        meta = tables["meta"][0] if tables["meta"] else {}
        generation = meta.get("generation", "")
        items = tables["items"]
        texts = _open_texts(path, meta, len(items))
        if texts is not None and meta.get("texts") == texts_module.VERSION and not previewed:
            # The texts file has each decision whole: memory keeps its beginning.
            for row in items:
                if row.get("decision"):
                    row["decision"] = texts_module.preview(row["decision"])
        postings = _load_postings(path, generation, len(items))
        try:
            if postings is None:
                full = items if texts is None else (row | texts.get(doc) for doc, row in enumerate(items))
                postings = postings_module.build(full)
            index = cls(tables, postings, path, stamp, texts)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
            # `read_tables` checks the fields every reader relies on; anything it did not
            # foresee is still damage to the store, to be repaired by reindexing, not a crash.
            raise IndexUnavailable("corrupt", f"{type(error).__name__}: {error}") from error
        release_free_memory()
        return index

    @property
    def generation(self) -> str:
        return self.meta.get("generation", "")

    @property
    def built_at(self) -> str:
        return self.meta.get("built_at", "")

    def changed(self) -> bool:
        """Whether the store on disk is no longer the one this index was read from."""
        return self.path is not None and _stamp(self.path) != self.stamp

    def answer(self, question: str, limit: int = 5, today: date | None = None) -> Result:
        """The full answer: its shape, the hits, and suggestions when nothing answers.
        `today` (default: today in Copenhagen) is what "i går" and "sidste uge" count from."""
        return self.searcher.answer(question, limit, today=today)

    def search(self, question: str, limit: int = 5, today: date | None = None) -> list[Hit]:
        """Ranked hits for `question`; empty when nothing in the minutes answers it."""
        result = self.answer(question, limit, today=today)
        return result.hits[:limit] if result.kind in ("answer", "case", "cases") else result.hits

    def newest_meeting(self) -> dict | None:
        return max(self.meetings.values(), key=lambda row: row["date"], default=None)

    def stats(self) -> dict:
        return {
            "meetings": len(self.meetings),
            "items": len(self.items),
            "closed": sum(1 for row in self.items if row.get("closed")),
            "generation": self.generation,
            "built_at": self.built_at,
        }


def _stamp(path: Path | None) -> tuple[int, int, int] | None:
    """What identifies one written store file: a replaced file differs in at least one."""
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_ino, stat.st_size)


@contextlib.contextmanager
def _collection_paused():
    """Loading makes millions of long-lived objects and frees almost none: the cyclic
    garbage collector would traverse all of them again and again (a third of a
    million-item load), for nothing to collect. Paused while loading, as it was before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_store(path: Path | None, db) -> dict[str, list[dict]]:
    """The tables of the store itself, checked, items in doc order as memory keeps them.
    A serving index has no use for the source rows (the indexer reads them from the
    store): at a million items they are a few hundred megabytes."""
    tables = read_tables(db if db is not None else open_db(path))
    check_rows(tables)
    tables["sources"] = []
    tables["items"] = compact(sorted(tables.pop("items"), key=lambda row: row.get("doc", 0)))
    return tables


def _open_texts(path: Path | None, meta: dict, count: int) -> texts_module.Texts | None:
    """The generation's texts file when its rows keep their texts there."""
    if not meta.get("texts"):
        return None
    generation = meta.get("generation", "")
    if path is None or not generation:
        raise IndexUnavailable("corrupt", "tekstfil mangler")
    try:
        texts = texts_module.Texts(texts_module.texts_path(path, generation))
    except (OSError, ValueError) as error:
        raise IndexUnavailable("corrupt", f"tekstfil: {error}") from error
    if len(texts) != count:
        raise IndexUnavailable("corrupt", "tekstfil passer ikke til indekset")
    return texts


def _load_postings(path: Path | None, generation: str, count: int) -> postings_module.Postings | None:
    """The generation's postings file, or None when it is missing or does not fit."""
    if path is None or not generation:
        return None
    try:
        postings = postings_module.Postings.load(postings_module.sidecar_path(path, generation))
    except (OSError, ValueError, KeyError):
        return None
    return postings if postings.doc_count == count else None




def compact(rows: list[dict]) -> list[dict]:
    """The rows as a serving index keeps them: shared strings once, defaults left out.
    `rows` is emptied on the way, so each parsed row is freed as its compact twin is made
    (the memory of one is reused for the next), rather than both sets living at once."""
    seen: dict[str, str] = {}
    share = seen.setdefault
    out = []
    rows.reverse()
    while rows:
        row = rows.pop()
        slim = {key: value for key, value in row.items() if key != "doc" and (value or key not in DROPPED)}
        for key in SHARED:
            value = slim.get(key)
            if value.__class__ is str:
                slim[key] = share(value, value)
        out.append(slim)
    return out


def release_free_memory() -> None:
    """Hand the memory freed after loading back to the system (glibc's malloc_trim).

    Parsing the store makes every row once in full before `compact` keeps the slim twin;
    the freed rows stay in the process's heap, counted in its resident memory (about 50 MB
    of 360 at 100,000 items), until trimmed. Elsewhere than glibc this does nothing.
    """
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
