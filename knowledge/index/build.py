"""Building the index from minutes files: read, parse, compare, write, swap.

One run reads every minutes file under the given folders, reuses what it indexed before
for files whose checksum has not changed, parses the rest, and writes a complete new index
(the postings file first, then the TinyDB store through `os.replace`). Until that last
step nothing the readers use has changed, so a run that fails anywhere leaves the index
that works in place. A file that cannot be read is a warning; when an earlier version of
it was indexed, that version is kept.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from filelock import FileLock, Timeout

from knowledge.errors import DocumentError, IndexingFailed
from knowledge.extract import IMAGE_SUFFIXES, OLD_WORD_SUFFIXES, SUPPORTED_SUFFIXES, extract_document
from knowledge.index import generation as generation_module
from knowledge.index import previous as previous_module
from knowledge.index import rows as rows_module
from knowledge.index import texts as texts_module
from knowledge.index.spools import UnitRows
from knowledge.index.store import open_db
from knowledge.merge import Unit
from knowledge.model import Meeting
from knowledge.parse import parse_minutes
from knowledge.portal import read_portal_file
from knowledge.publication import read_publication_file

Progress = Callable[[int, int, str], None]
Reader = Callable[[Path, str], Meeting]
LOCK_TIMEOUT = 2.0
# Bumped when the readers give different meetings or ids for the same bytes, so that files
# indexed by an older version are read again rather than reused (2: item ids include the
# meeting's time; 3: each file's own meeting and items are known, for merging; 4: portal
# attachments; 5: portal decisions by body and date, IsOpen where a portal sets it).
READER_VERSION = 5


@dataclass
class FileResult:
    """What became of one file in a run."""

    name: str
    status: str  # indexed, unchanged, failed, kept_previous, skipped
    meetings: int = 0
    items: int = 0
    code: str = ""
    detail: str = ""
    mode: str = ""  # how its meeting was read: "items" (by structure) or "text" (text only)


@dataclass
class IndexReport:
    """The outcome of an indexing run, for the command line and the admin's report."""

    files: list[FileResult] = field(default_factory=list)
    meetings: int = 0
    items: int = 0
    decisions: int = 0
    closed: int = 0
    new: int = 0
    changed: int = 0
    removed: int = 0
    generation: str = ""
    built_at: str = ""
    seconds: float = 0.0

    @property
    def warnings(self) -> list[FileResult]:
        return [result for result in self.files if result.code]

    @property
    def skipped(self) -> list[FileResult]:
        return [result for result in self.files if result.status == "skipped"]


def lock_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".lock")


def writer_lock(store_path: Path, timeout: float = LOCK_TIMEOUT) -> FileLock:
    """The lock every writer of this store holds: one writer at a time, across processes."""
    store_path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(lock_path(store_path)), timeout=timeout)


# Files that carry their own structure have a reader of their own, by suffix; every other
# minutes file goes through text extraction and the parser.
STRUCTURED_READERS: dict[str, Reader] = {
    ".json": read_portal_file,
    ".xml": read_publication_file,
}


def find_sources(paths: Iterable[Path]) -> list[Path]:
    """Every minutes file under `paths` (folders are searched recursively), sorted."""
    return [path for path in find_files(paths) if skip_reason(path) is None]


def find_files(paths: Iterable[Path]) -> list[Path]:
    """Every file under `paths` that is not hidden, minutes or not, sorted: the run names
    the ones it does not read, so none is skipped in silence."""
    found: set[Path] = set()
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found.update(
                child for child in path.rglob("*")
                if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts)
            )
        elif path.is_file():
            found.add(path)
        else:
            raise IndexingFailed("no_sources", str(path))
    return sorted(found)


def skip_reason(path: Path) -> str | None:
    """Why a file found in a folder is not read (a DocumentError code), or None."""
    suffix = path.suffix.lower()
    if suffix in SUPPORTED_SUFFIXES or suffix in STRUCTURED_READERS:
        return None
    if suffix in OLD_WORD_SUFFIXES:
        return "old_word"
    if suffix in IMAGE_SUFFIXES:
        return "image"
    return "unsupported"


def checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_minutes(path: Path, digest: str) -> Meeting:
    """The meeting in one file: its own reader, or text extraction and then the parser. A
    file with no date in it at all is dated by its modification time, and the meeting says so."""
    structured = STRUCTURED_READERS.get(path.suffix.lower())
    if structured is not None:
        return structured(path, digest)
    modified = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).date()
    text, notes = extract_document(path)
    meeting = parse_minutes(text, source=path.name, checksum=digest, fallback_date=modified)
    # How the text was had comes first: the last note is the one the report names.
    return replace(meeting, notes=notes + meeting.notes) if notes else meeting


class _Spool:
    """Where a run's item texts go as files are read: straight into the new texts file when
    there is a store on disk (rows keep only a pointer), kept in the rows in memory when not."""

    def __init__(self, writer: texts_module.TextsWriter | None, old: texts_module.Texts | None) -> None:
        self.writer = writer
        self.old = old

    def new_rows(self, rows: list[dict]) -> list[dict]:
        if self.writer is None:
            return rows
        slim_rows = []
        for row in rows:
            slim, long = texts_module.split(row)
            slim["_span"] = self.writer.add(texts_module.encode(long))
            slim_rows.append(slim)
        return slim_rows

    def kept_rows(self, rows: list[dict]) -> list[dict]:
        """An unchanged file's rows from the last run: their texts are copied as they are."""
        if self.writer is None:
            if self.old is None:
                return rows
            return [row | self.old.get(row["doc"]) for row in rows]
        slim_rows = []
        for row in rows:
            if self.old is not None:
                blob = self.old.blob(row["doc"])
                slim = {key: value for key, value in row.items() if key not in texts_module.LONG}
            else:  # a store written before the texts file: its rows hold the texts
                slim, long = texts_module.split(row)
                blob = texts_module.encode(long)
            slim["_span"] = self.writer.add(blob)
            slim_rows.append(slim)
        return slim_rows



def build_index(
    paths: Iterable[Path],
    store_path: Path | None,
    *,
    db=None,
    progress: Progress | None = None,
    reader: Reader = read_minutes,
    now: datetime | None = None,
) -> IndexReport:
    """Index every minutes file under `paths` into the store at `store_path`.

    `db` may be given instead of a path (the in-memory twin in tests). Raises
    IndexingFailed when the run as a whole fails; the previous index is then untouched.
    """
    started = time.monotonic()
    if store_path is None:
        return _build(paths, None, db, progress, reader, now, started)
    try:
        with writer_lock(store_path):
            return _build(paths, store_path, db, progress, reader, now, started)
    except Timeout as error:
        raise IndexingFailed("busy", str(lock_path(store_path))) from error
    except (IndexingFailed, KeyboardInterrupt):
        raise
    except Exception as error:
        # The run as a whole failed; the old index was not touched. The cause stays
        # attached so the caller can log the traceback.
        raise IndexingFailed("crashed", f"{type(error).__name__}: {error}") from error


def remove_leftovers(store_path: Path) -> None:
    """Delete the temporary files of writes that never finished (a run killed mid-write).

    Only a writer that holds the lock calls this, so no other run is writing them now.
    """
    for path in store_path.parent.glob(f".{store_path.stem}.*.tmp"):
        try:
            os.remove(path)
        except OSError:
            pass


def _build(paths, store_path, db, progress, reader, now, started) -> IndexReport:
    if store_path is not None:
        remove_leftovers(store_path)
    db = db if db is not None else open_db(store_path)
    stamp = (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    generation = f"{int(time.time() * 1000):x}-{uuid.uuid4().hex[:8]}"
    writer = texts_module.TextsWriter(texts_module.texts_path(store_path, generation)) if store_path else None
    try:
        return _read_and_write(paths, store_path, db, progress, reader, stamp, writer, generation, started)
    except BaseException:
        if writer is not None:
            writer.abort()
        raise


def _read_and_write(paths, store_path, db, progress, reader, stamp, writer, generation, started) -> IndexReport:
    report = IndexReport(built_at=stamp, generation=generation)
    unit_rows = UnitRows(store_path.parent if store_path is not None else None)
    try:
        # The last run's store is read here and let go of once the items are numbered
        # (`generation.write`), before the postings are built: at a million items the two
        # together were the run's peak.
        old = previous_module.load(store_path, db)
        units = _read_files(paths, store_path, progress, reader, stamp, old, _Spool(writer, old.texts),
                            unit_rows, report)
        run = generation_module.Run(store_path, db, generation, stamp, writer, old.before)
        del old
        generation_module.write(run, units, unit_rows, report)
    finally:
        unit_rows.close()
    report.seconds = time.monotonic() - started
    return report


def _read_files(paths, store_path, progress, reader, stamp, old, spool: _Spool, unit_rows: UnitRows,
                report: IndexReport) -> list[Unit]:
    """Read (or reuse) every file: its meeting and report line in memory, its item rows
    put away in `unit_rows` and its items' texts in the new texts file."""
    sources = [path for path in find_files(paths) if not _belongs_to_store(path, store_path)]
    units: list[Unit] = []
    for number, path in enumerate(sources, start=1):
        reason = skip_reason(path)
        if reason is not None:
            report.files.append(FileResult(name=path.name, status="skipped", code=reason))
        else:
            result = FileResult(name=path.name, status="indexed")
            unit = _read_one(path, result, reader, stamp, old, spool)
            if unit is not None:
                unit.spooled = unit_rows.put(unit.items)
                unit.items = []
                units.append(unit)
            report.files.append(result)
        if progress:
            progress(number, len(sources), path.name)
    return units


def _read_one(path: Path, result: FileResult, reader, stamp, old: previous_module.Previous,
              spool: _Spool) -> Unit | None:
    """One file's unit: read, or reused from the last run when it has not changed, or the
    last run's when it cannot be read now; None when it cannot be read and never was."""
    key, digest = str(path.resolve()), checksum(path)
    previous = old.sources.get(key)
    same = previous is not None and previous["checksum"] == digest and previous.get("reader") == READER_VERSION \
        and not previous.get("conflict")
    # The last run's rows of this file are read from disk only when they may be used.
    kept = old.kept(previous) if same else None
    if kept is not None:
        meeting_row, item_rows = kept
        item_rows = spool.kept_rows(item_rows)
        result.status = "unchanged"
    else:
        try:
            meeting = reader(path, digest)
        except DocumentError as error:
            result.status, result.code, result.detail = "failed", error.code, error.detail
            kept = old.kept(previous)
            if kept is None:
                return None
            meeting_row, item_rows = kept
            result.status = "kept_previous"
            return Unit(result, meeting_row, spool.kept_rows(item_rows), dict(previous))
        first_seen = old.meeting_times.get(meeting.id) or stamp
        meeting_row = meeting.to_dict() | {"indexed_at": first_seen}
        # The whole text is left out of the store: it repeats the sections, and
        # `model.whole_text` puts it together again on demand.
        item_rows = spool.new_rows([_without_text(item.to_dict()) for item in meeting.items])
    source_row = {"path": key, "name": path.name, "checksum": digest, "meeting_id": meeting_row["id"],
                  "reader": READER_VERSION, "meeting": dict(meeting_row)}
    result.meetings, result.items = 1, len(item_rows)
    result.mode = meeting_row.get("mode", "items") or "items"
    notes = meeting_row.get("notes") or ()
    if notes and not result.code:
        # The most telling note last: "no_items" after "no_meeting_date".
        result.code, _, result.detail = notes[-1].partition(":")
    return Unit(result, dict(meeting_row), item_rows, source_row)


def _belongs_to_store(path: Path, store_path: Path | None) -> bool:
    """Whether `path` is the index's own file (store, lock, postings) in a minutes folder."""
    if store_path is None or path.parent.resolve() != store_path.parent.resolve():
        return False
    return path.name.startswith(store_path.name) or (
        path.name.startswith(store_path.stem + ".") and path.suffix in (".npz", ".texts", "." + rows_module.SUFFIX, "." + previous_module.SUFFIX)
    ) or (path.name.startswith("." + store_path.stem + ".") and path.suffix == ".tmp")


def _without_text(row: dict) -> dict:
    row.pop("text", None)
    return row


def ensure_index(store_path: Path, sources: Iterable[Path]) -> IndexReport | None:
    """Build the index at `store_path` from `sources` when there is none yet (a fresh data
    folder); an existing store, readable or not, is left as it is. Raises IndexingFailed."""
    if store_path.exists():
        return None
    return build_index(sources, store_path)
