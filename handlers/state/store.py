"""The bot's own state, apart from the index: audit log, reindex runs, digest subscriptions.

Subscriptions, reindex runs and small values live in a second TinyDB (`state.json` in the
data folder; in memory for tests) on a `JournalStorage`, so a write appends the changed
rows instead of rewriting the file; a reindex, which replaces the index file whole, never
touches it. The audit log is a separate append-only file (`handlers.state.audit`). Writes go
through one lock, one writer at a time; every method is blocking and is called from a
worker thread by the async code.

A state file that cannot be read does not stop the bot: it is moved aside as
`state.json.damaged-<time>`, the subscriptions that can still be read from it are put
back, and `damage()` reports it (to `/healthz` and the admins' `status`) for as long as the
damaged file lies in the data folder.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import orjson
from tinydb import Query
from tinydb.storages import MemoryStorage

from handlers.messages import Incoming
from handlers.state.audit import AuditLog
from handlers.state.journal import JournalStorage, StateDamaged, StateDB, journal_path, read_snapshot

log = logging.getLogger(__name__)

AUDIT_FILE = "audit.jsonl"
DAMAGED = ".damaged-"
RECOVERED = "state_recovered"


class StateStore:
    """Audit entries, reindex runs and subscriptions, on disk beside the index or in memory."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.lock = threading.RLock()
        self._checked: tuple[tuple | None, bool] = (None, True)  # (file stat, readable)
        if path is None:
            self.db = StateDB(storage=MemoryStorage)
            self.audit_log = AuditLog(None)
            self._index_chats()
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        self.audit_log = AuditLog(path.with_name(AUDIT_FILE))
        try:
            storage = JournalStorage(path)
        except StateDamaged as damage:
            storage = self._start_over(damage)
        self.db = StateDB(storage=lambda: storage)
        self._move_old_audit_table()
        self._index_chats()

    def _index_chats(self) -> None:
        # Which rows belong to which chat, kept beside the table: finding a chat's rows with
        # a TinyDB query tests every row (14 ms at 10,000 rows); this is a dict look-up.
        self._chats: dict[tuple[str, str], set[int]] = {}
        for row in self.db.table("subscriptions"):
            self._chats.setdefault((row.get("channel"), row.get("conversation_id")), set()).add(row.doc_id)

    def _start_over(self, damage: StateDamaged) -> JournalStorage:
        """Keep the damaged files aside, start a new store, put back what can be read."""
        assert self.path is not None
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        kept, raw = [], b""
        for source in (self.path, journal_path(self.path)):
            if source.exists() and source.stat().st_size == 0:
                source.unlink()
            elif source.exists():
                target = source.with_name(f"{source.name}{DAMAGED}{stamp}")
                raw += b"\n" + source.read_bytes()
                source.replace(target)
                kept.append(target.name)
        rows = salvage_subscriptions(raw)
        log.error("state file damaged (%s); kept aside as %s; %d subscriptions recovered",
                  damage.reason, ", ".join(kept), len(rows))
        storage = JournalStorage(self.path)
        db = StateDB(storage=lambda: storage)
        db.table("subscriptions").insert_multiple(rows)
        db.table("values").insert({"key": RECOVERED, "value": {name: len(rows) for name in kept}})
        return storage

    def _move_old_audit_table(self) -> None:
        # Before the audit log had its own file, it was a table here.
        old = self.db.table("audit")
        rows = sorted(old.all(), key=lambda row: row.doc_id)
        if rows:
            for row in rows:
                self.audit_log.append(dict(row))
            self.db.drop_table("audit")

    def compact(self) -> None:
        """Write the state file whole and empty its journal (also done now and then on its own)."""
        with self.lock:
            storage = self.db.storage
            if isinstance(storage, JournalStorage):
                storage.compact()

    def close(self) -> None:
        with self.lock:
            self.compact()
            self.db.close()
            self.audit_log.close()

    # --- damage ---------------------------------------------------------------------------

    def readable(self) -> bool:
        """Whether the state file on disk can be read now (checked again only when it changed).

        The store works from memory, so a file damaged under a running server costs nothing
        until the next start; this is for the operator's readiness check.
        """
        if self.path is None:
            return True
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return True
        key = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        if self._checked[0] != key:
            try:
                read_snapshot(self.path)
                self._checked = (key, True)
            except StateDamaged:
                self._checked = (key, False)
        return self._checked[1]

    def damage(self) -> dict[str, Any] | None:
        """The damaged state files kept aside in the data folder, and what was recovered."""
        if self.path is None:
            return None
        kept = sorted(p.name for p in self.path.parent.glob(f"{self.path.name}*{DAMAGED}*"))
        if not kept:
            return None
        recovered = self.get_value(RECOVERED, {}) or {}
        return {"kept": kept, "recovered": max((recovered.get(name, 0) for name in kept), default=0)}

    # --- audit ---------------------------------------------------------------------------

    def audit(self, when: datetime, by: Incoming, command: str, result: str) -> None:
        """Record one admin command: when, who, what, how it ended, and on which channel."""
        self.audit_log.append({"when": when.isoformat(timespec="seconds"), "who": by.who, "command": command,
                               "result": result, "channel": by.channel})

    def recent_audit(self, count: int = 10) -> list[dict[str, Any]]:
        return self.audit_log.newest(count)

    # --- reindex runs --------------------------------------------------------------------

    def record_run(self, run: dict[str, Any]) -> None:
        with self.lock:
            self.db.table("runs").insert(run)

    def last_run(self) -> dict[str, Any] | None:
        with self.lock:
            rows = self.db.table("runs").all()
        return dict(max(rows, key=lambda row: row.doc_id)) if rows else None

    # --- subscriptions -------------------------------------------------------------------

    def subscriptions(self, active_only: bool = True) -> list[dict[str, Any]]:
        with self.lock:
            rows = self.db.table("subscriptions").all()
        return [dict(row, doc_id=row.doc_id) for row in rows if row.get("active", True) or not active_only]

    def chat_subscriptions(self, channel: str, conversation_id: str) -> list[dict[str, Any]]:
        """The active subscriptions of one chat."""
        with self.lock:
            ids = sorted(self._chats.get((channel, conversation_id), ()))
            rows = self.db.table("subscriptions").get(doc_ids=ids) if ids else []
        return [dict(row, doc_id=row.doc_id) for row in rows if row.get("active", True)]

    def add_subscription(self, row: dict[str, Any]) -> int:
        with self.lock:
            doc_id = self.db.table("subscriptions").insert(row)
            self._chats.setdefault((row.get("channel"), row.get("conversation_id")), set()).add(doc_id)
            return doc_id

    def add_subscriptions(self, rows: list[dict[str, Any]]) -> list[int]:
        with self.lock:
            ids = self.db.table("subscriptions").insert_multiple(rows)
            for doc_id, row in zip(ids, rows):
                self._chats.setdefault((row.get("channel"), row.get("conversation_id")), set()).add(doc_id)
            return ids

    def update_subscription(self, doc_id: int, changes: dict[str, Any]) -> None:
        self.update_subscriptions([doc_id], changes)

    def update_subscriptions(self, doc_ids: list[int], changes: dict[str, Any]) -> None:
        """The same changes to several subscriptions, in one write."""
        with self.lock:
            self.db.table("subscriptions").update(changes, doc_ids=doc_ids)

    def remove_subscriptions(self, channel: str, conversation_id: str,
                             topic_key: Callable[[str], bool] | None = None) -> int:
        """Remove a conversation's subscriptions: all of them, or those whose topic
        `topic_key(topic)` accepts."""
        with self.lock:
            table = self.db.table("subscriptions")
            chat = self._chats.get((channel, conversation_id), set())
            rows = table.get(doc_ids=sorted(chat)) if chat else []
            ids = [row.doc_id for row in rows if topic_key is None or (row.get("topic") and topic_key(row["topic"]))]
            if ids:
                table.remove(doc_ids=ids)
                chat.difference_update(ids)
        return len(ids)

    # --- small values --------------------------------------------------------------------

    def get_value(self, key: str, default: Any = None) -> Any:
        entry = Query()
        with self.lock:
            found = self.db.table("values").get(entry.key == key)
        return found["value"] if found else default

    def set_value(self, key: str, value: Any) -> None:
        entry = Query()
        with self.lock:
            self.db.table("values").upsert({"key": key, "value": value}, entry.key == key)


_ROW = re.compile(r'"(\d+)"\s*:\s*(?=\{)')


def salvage_subscriptions(raw: bytes) -> list[dict[str, Any]]:
    """The subscription rows that can still be read from a damaged state file and journal.

    A file cut short or with a damaged stretch still holds whole rows before and after the
    damage: each `"<id>": {...}` object that parses and looks like a subscription is kept,
    then the readable journal lines are applied over them, and one row per chat and topic
    is put back.
    """
    text = raw.replace(b"\x00", b" ").decode("utf-8", "replace")
    decoder = json.JSONDecoder()
    rows: dict[str, dict[str, Any]] = {}
    for match in _ROW.finditer(text):
        try:
            row, _ = decoder.raw_decode(text, match.end())
        except ValueError:
            continue
        if _looks_like_subscription(row):
            rows[match.group(1)] = row
    for line in text.splitlines():
        try:
            change = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if not isinstance(change, dict) or change.get("t") != "subscriptions":
            continue
        if "doc" not in change:
            rows.pop(str(change.get("id")), None)
        elif _looks_like_subscription(change["doc"]):
            rows[str(change.get("id"))] = change["doc"]
    unique: dict[tuple, dict[str, Any]] = {}
    for row in rows.values():
        unique.setdefault((row["channel"], row["conversation_id"], row.get("topic")), row)
    return list(unique.values())


def _looks_like_subscription(row: Any) -> bool:
    return (isinstance(row, dict) and isinstance(row.get("channel"), str)
            and isinstance(row.get("conversation_id"), str) and "watermark" in row)
