"""The bot's own state, apart from the index: audit log, reindex runs, digest subscriptions.

A second TinyDB file (`state.json` in the data folder; in memory for tests), so that a
reindex, which replaces the index file whole, never touches who subscribed or what the
admins did. Writes go through one lock, one writer at a time; every method is blocking
and is called from a worker thread by the async code.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.storages import MemoryStorage

from knowledge.store import OrjsonStorage

AUDIT_KEEP = 1000


class StateStore:
    """Audit entries, reindex runs and subscriptions in one TinyDB."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        if path is None:
            self.db = TinyDB(storage=MemoryStorage)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = TinyDB(path, storage=OrjsonStorage)
        self.lock = threading.RLock()

    # --- audit ---------------------------------------------------------------------------

    def audit(self, when: str, who: str, command: str, result: str, channel: str = "") -> None:
        """Record one admin command: who, when, what, and how it ended."""
        with self.lock:
            table = self.db.table("audit")
            table.insert({"when": when, "who": who, "command": command, "result": result, "channel": channel})
            if len(table) > AUDIT_KEEP:
                oldest = sorted(doc.doc_id for doc in table.all())[: len(table) - AUDIT_KEEP]
                table.remove(doc_ids=oldest)

    def recent_audit(self, count: int = 10) -> list[dict[str, Any]]:
        with self.lock:
            rows = self.db.table("audit").all()
        return [dict(row) for row in sorted(rows, key=lambda row: row.doc_id)[-count:]][::-1]

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

    def add_subscription(self, row: dict[str, Any]) -> int:
        with self.lock:
            return self.db.table("subscriptions").insert(row)

    def update_subscription(self, doc_id: int, changes: dict[str, Any]) -> None:
        with self.lock:
            self.db.table("subscriptions").update(changes, doc_ids=[doc_id])

    def remove_subscriptions(self, channel: str, conversation_id: str, topic: str | None = None) -> int:
        """Remove a conversation's subscriptions: all of them, or the one on `topic`."""
        entry = Query()
        condition = (entry.channel == channel) & (entry.conversation_id == conversation_id)
        if topic is not None:
            condition &= entry.topic.test(lambda value: (value or "").lower() == topic.lower())
        with self.lock:
            removed = self.db.table("subscriptions").remove(condition)
        return len(removed)

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
