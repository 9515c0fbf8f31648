"""Writing one generation of the index from what a run read: meeting by meeting, item by item.

The files' item rows wait in a spool on disk (`knowledge.index.spools`). Once every file is read,
the meetings are put in date order and merged one at a time (`knowledge.merge`), their
items numbered in that order and streamed to a second spool; from it come the postings
(each item's texts read back from the texts file), the rows file and the store, the store
last through `os.replace`. The run holds the meetings' rows, sixteen bytes an item for the
texts' table, and the postings being built; never every item's row at once.
"""

from __future__ import annotations

import contextlib
from array import array
from dataclasses import dataclass
from pathlib import Path

from knowledge import merge
from knowledge.index import postings as postings_module
from knowledge.index import previous as previous_module
from knowledge.index import rows as rows_module
from knowledge.index import store as store_module
from knowledge.index import texts as texts_module
from knowledge.index.loaded import release_free_memory
from knowledge.index.previous import Before
from knowledge.index.spools import DocRows, UnitRows
from knowledge.merge import Unit


@dataclass
class Tally:
    """What the report counts of the new items, against the last run's."""

    before: Before
    items: int = 0
    closed: int = 0
    decisions: int = 0
    new: int = 0
    changed: int = 0

    def add(self, rows: list[dict]) -> None:
        for row in rows:
            self.items += 1
            self.closed += bool(row.get("closed"))
            self.decisions += bool(row.get("decision", ""))
        new, changed = self.before.compare(rows)
        self.new += new
        self.changed += changed

    @property
    def removed(self) -> int:
        return self.before.removed()


@dataclass
class Run:
    """One run's writing: where it goes and what it keeps from the last run."""

    store_path: Path | None
    db: object  # the TinyDB store
    generation: str
    stamp: str
    texts: texts_module.TextsWriter | None
    before: Before  # the last run's items, as compact columns


def write(run: Run, units: list[Unit], unit_rows: UnitRows, report) -> None:
    """Merge, number and write every meeting and item of `units`, and swap the store in.
    Fills `report`'s counts. Raises IndexingFailed; the old index is then untouched."""
    folder = run.store_path.parent if run.store_path is not None else None
    docs = DocRows(folder)
    try:
        meetings, spans, tally = _number(run, units, unit_rows, docs)
        unit_rows.close()
        report.meetings, report.items, report.closed = len(meetings), tally.items, tally.closed
        report.decisions, report.new, report.changed, report.removed = (
            tally.decisions, tally.new, tally.changed, tally.removed)
        # The last run's columns are not needed any more: let them go before the postings.
        run.before = Before().finish()
        del tally
        release_free_memory()
        meta = {"generation": run.generation, "built_at": run.stamp,
                "meetings": report.meetings, "items": report.items}
        tables = {"meetings": meetings, "items": docs, "sources": [unit.source for unit in units],
                  "meta": [meta]}
        _write_files(run, tables, meta, spans)
    finally:
        docs.close()


def _number(run: Run, units: list[Unit], unit_rows: UnitRows, docs: DocRows) -> tuple[list[dict], array, Tally]:
    """The meetings in date order, one at a time merged from their files' rows; their
    items numbered in that order into `docs`. Also each item's span in the texts file."""
    tally = Tally(run.before)
    groups = merge.group(units)
    order = sorted(groups, key=lambda meeting_id: (groups[meeting_id][0].meeting["date"], meeting_id))
    meetings: list[dict] = []
    spans = array("q")
    for meeting_id in order:
        members = groups.pop(meeting_id)
        for unit in members:
            unit.items = unit_rows.get(unit.spooled)
        meeting, rows = merge.one_meeting(meeting_id, members)
        for unit in members:
            unit.items = []  # merged into `rows`: back on disk with the next meeting
        meetings.append(meeting)
        rows = sorted(rows, key=lambda row: row["number"])
        for row, when in zip(rows, run.before.times(rows, run.stamp)):
            row.update(doc=len(docs), indexed_at=when)
            span = row.pop("_span", None)
            if span is not None:
                spans.extend(span)
            docs.append(row)
        tally.add(rows)
    merge.settle(units)
    return meetings, spans, tally


def _write_files(run: Run, tables: dict, meta: dict, spans: array) -> None:
    """The postings, the texts' table, the rows file and the store, the store last."""
    docs = tables["items"]
    texts = run.texts
    if texts is None:
        full = iter(docs)
    else:
        full = (row | texts_module.decode(texts.read((spans[2 * row["doc"]], spans[2 * row["doc"] + 1])))
                for row in docs)
    # The postings are built from each item's texts read back one at a time, so the run
    # holds the postings, never the whole archive's text.
    search = postings_module.build(full)
    store_path = run.store_path
    if store_path is None:
        store_module.write_tables(run.db, tables | {"items": list(docs)})
        return
    sidecar = postings_module.sidecar_path(store_path, run.generation)
    rows_path = rows_module.rows_path(store_path, run.generation)
    spans_path = previous_module.spans_path(store_path, run.generation)
    if texts is not None:
        meta["texts"] = texts_module.VERSION
        texts.finish(zip(spans[0::2], spans[1::2]))
    try:
        search.save(sidecar)
        del search
        # The rows file before the swap, so a server that sees the new store finds the
        # rows it loads fast; it names the store's bytes, worked out without writing them.
        layout = previous_module.Layout()
        fingerprint = rows_module.fingerprint(store_module.encode(tables, layout))
        rows_module.write(rows_path, fingerprint, meta, tables["meetings"], docs)
        previous_module.write(spans_path, fingerprint, run.generation, layout)
        del layout
        store_module.write_atomic(store_path, store_module.encode(tables))
    except BaseException:
        # The new files belong to a store that was never written: without this, every
        # failed run on a full disk left one more set (four runs filled a small disk).
        with contextlib.suppress(OSError):
            sidecar.unlink(missing_ok=True)
            texts_module.texts_path(store_path, run.generation).unlink(missing_ok=True)
            rows_path.unlink(missing_ok=True)
            spans_path.unlink(missing_ok=True)
        raise
    run.db.clear_cache()
    # Only after the swap: a server still on the old generation keeps its texts mapped.
    postings_module.remove_stale(store_path, run.generation)
    texts_module.remove_stale(store_path, run.generation)
    rows_module.remove_stale(store_path, run.generation)
    previous_module.remove_stale(store_path, run.generation)
