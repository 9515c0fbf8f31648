"""The Webex events the bot has taken on, on disk: none answered twice, none dropped.

A webhook is only a message id, signed with a secret but without a time, so whoever holds
one signed body can send it again. The bot used to remember the last 512 ids in memory:
after 512 other events, or a restart, a replay was answered again. And past 256 waiting
events it refused webhooks with 503, and those questions were never answered.

Here every event the bot accepts is appended to `webex-inbox.jsonl` in the data folder
(one JSON line: its id, resource, sender and creation time) and marked done when it has
been handled. So:
- an id seen within `REMEMBER` is not answered again, whether it comes back after a
  thousand other events or after a restart; an event whose message was created longer ago
  than `REMEMBER` is not answered at all, so no replay of any age gets a second answer
  while the file stays bounded;
- an event accepted but not handled when the process stopped (a queue under load, a
  restart, a kill) is handled when the server starts again.

Lines are flushed, not fsynced: they survive the process being killed, not a power cut.
The file is never rewritten; it is rotated every `REMEMBER` (see `WebexInbox`).
"""

from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, NamedTuple

import orjson

log = logging.getLogger(__name__)

# How long an answered id is remembered, and the oldest message the bot still answers.
# Webex does not document redelivering a webhook it could not deliver; a retry, if any,
# comes within minutes. A day covers that and any restart or backlog of this server with
# room to spare, and a question older than a day is better asked again than answered
# late. Replays after that are refused by the message's own (signed) creation time.
REMEMBER = timedelta(hours=24)


class Entry(NamedTuple):
    resource: str
    id: str
    person_id: str
    created: float  # POSIX seconds: the message's creation time, or when it arrived
    done: bool


def parse_time(value: Any) -> float | None:
    """Webex's ISO time ("2026-04-09T08:00:00.000Z") as POSIX seconds; None if it is not one."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _now() -> float:
    return datetime.now(timezone.utc).timestamp()


class WebexInbox:
    """Accepted Webex events, remembered for `REMEMBER`; in memory only when `path` is None.

    The file is never rewritten: every `REMEMBER` it becomes `<name>.1` (replacing the one
    before, whose events are all older than `REMEMBER` by then) and a new one is started,
    so the two files hold at most two days of events and a rotation is one rename.
    """

    def __init__(self, path: Path | None, now: Callable[[], float] = _now) -> None:
        self.path = path
        self.now = now
        self.entries: dict[tuple[str, str], Entry] = {}
        self._out = None
        self._since = now()  # when the current file was started
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._load(self.previous)
            self._since = self._load(path) or self._since
            self._expire()
            if not path.exists():
                self._open()

    @property
    def previous(self) -> Path:
        assert self.path is not None
        return self.path.with_name(self.path.name + ".1")

    def _load(self, path: Path) -> float | None:
        """Read one file's events into memory; the time it was started, if it says."""
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        since = None
        for line in raw.splitlines():
            try:
                row = orjson.loads(line)
                if "since" in row:
                    since = float(row["since"])
                    continue
                key = (row["r"], row["id"])
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                continue  # a line cut by a kill: that event was never acknowledged
            if row.get("done"):
                if key in self.entries:
                    self.entries[key] = self.entries[key]._replace(done=True)
            else:
                self.entries[key] = Entry(row["r"], row["id"], row.get("p", ""), float(row.get("c", 0)), False)
        return since

    # --- questions -----------------------------------------------------------------------

    def seen(self, resource: str, event_id: str) -> bool:
        entry = self.entries.get((resource, event_id))
        return entry is not None and entry.created >= self.now() - REMEMBER.total_seconds()

    def too_old(self, created: float | None) -> bool:
        return created is not None and created < self.now() - REMEMBER.total_seconds()

    def unfinished(self) -> list[Entry]:
        """Events accepted but not handled, oldest first, that are still worth answering."""
        horizon = self.now() - REMEMBER.total_seconds()
        return sorted((e for e in self.entries.values() if not e.done and e.created >= horizon),
                      key=lambda entry: entry.created)

    # --- changes -------------------------------------------------------------------------

    def accept(self, resource: str, event_id: str, person_id: str, created: float | None) -> None:
        entry = Entry(resource, event_id, person_id, created if created is not None else self.now(), False)
        self.entries[(resource, event_id)] = entry
        self._append({"r": resource, "id": event_id, "p": person_id, "c": entry.created})

    def finish(self, resource: str, event_id: str) -> None:
        entry = self.entries.get((resource, event_id))
        if entry is None or entry.done:
            return
        self.entries[(resource, event_id)] = entry._replace(done=True)
        self._append({"r": resource, "id": event_id, "done": True})

    def _append(self, row: dict[str, Any]) -> None:
        if self.now() - self._since > REMEMBER.total_seconds():
            self._rotate()
        if self.path is None:
            return
        if self._out is None:
            self._open()
        # A small append to the page cache, on the event loop: a thread hop would cost more.
        self._out.write(orjson.dumps(row) + b"\n")
        self._out.flush()

    def _open(self) -> None:
        assert self.path is not None
        new = not self.path.exists()
        self._out = open(self.path, "ab")
        if new:
            self._out.write(orjson.dumps({"since": self._since}) + b"\n")
            self._out.flush()

    def _rotate(self) -> None:
        """Start a new file; the current one becomes the previous (the one before is dropped)."""
        self.close()
        self._since = self.now()
        self._expire()
        if self.path is not None and self.path.exists():
            os.replace(self.path, self.previous)

    def _expire(self) -> None:
        horizon = self.now() - REMEMBER.total_seconds()
        self.entries = {key: e for key, e in self.entries.items() if e.created >= horizon}

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
