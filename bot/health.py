"""The operator's endpoints: `GET /healthz` (alive), `GET /readyz` (ready) and `GET /metrics`.

`/healthz` answers 200 whenever the process serves HTTP: it is for restart decisions (a
container's HEALTHCHECK, a liveness probe), and restarting does not mend a corrupt index, a
full disk or a portal that is down; it says "degraded" for a damaged state file or when the
last reindex failed because the disk is full. `/readyz` says whether the bot can do its work: the index is loaded,
the state file is readable, the digest scheduler runs (when digests are on) and the last
portal sync (when one has run) succeeded; 503 when any of them is not, with each check's
outcome in the body. `/metrics` is the Prometheus text format from `bot.metrics`.

A request-id middleware (`bot.logs.request_context`) is added here too, so every request's
log lines carry one id.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp import web

from bot.logs import request_context
from bot.metrics import METRICS, Metrics
from handlers.reindex import Reindexer
from handlers.state.store import StateStore
from knowledge.index.live import LiveIndex

log = logging.getLogger(__name__)


@dataclass
class Health:
    """What the endpoints look at; the server fills in the scheduler's task once it runs."""

    live: LiveIndex
    state: StateStore
    metrics: Metrics
    digests_on: bool = False
    scheduler_task: asyncio.Task | None = field(default=None, repr=False)
    # The chat's reindexer: says when its last run failed because the data folder's disk is full.
    reindexer: Reindexer | None = field(default=None, repr=False)

    async def disk(self) -> dict[str, Any] | None:
        """The disk's state when the last reindex failed for want of space, else None."""
        since = self.reindexer.disk_full_since if self.reindexer is not None else None
        if self.reindexer is None or since is None:
            return None
        return {"low": True, "free_bytes": await asyncio.to_thread(self.reindexer.free_bytes),
                "reindex_failed_at": since.isoformat(timespec="seconds")}

    async def readiness(self) -> tuple[bool, dict[str, Any]]:
        """(ready, body) for `/readyz`."""
        index_body = self._index()
        checks = {
            "index": "ok" if index_body["index_loaded"] else index_body["error"],
            "state": await self._state(),
            "scheduler": self._scheduler(),
            "sync": self._sync(),
        }
        # A damaged state file was kept aside and the bot runs on what could be recovered:
        # it can work, but someone must look (the admins' `status` says so too).
        ready = all(outcome in ("ok", "off", "not run", "damaged") for outcome in checks.values())
        disk = await self.disk()
        if ready:
            status = "ok" if self.live.error is None and checks["state"] == "ok" and disk is None else "degraded"
        else:
            status = "unavailable"
        extra = {"disk": disk} if disk is not None else {}
        return ready, {"status": status, **{k: v for k, v in index_body.items()}, "checks": checks, **extra}

    def _index(self) -> dict[str, Any]:
        try:
            index = self.live.get()
        except Exception:
            error = self.live.error
            return {"index_loaded": False, "error": error.code if error else "missing"}
        stats = index.stats()
        self.metrics.index_loaded(stats["items"], _timestamp(stats["built_at"]))
        body = {
            "index_loaded": True,
            "items": stats["items"],
            "meetings": stats["meetings"],
            "last_indexed": stats["built_at"],
            "generation": stats["generation"],
        }
        if self.live.error is not None:
            # An older index is still served; the newest could not be read.
            body["error"] = self.live.error.code
        return body

    async def _state(self) -> str:
        try:
            readable = await asyncio.to_thread(self.state.readable)
        except Exception as error:
            log.warning("state store not readable: %s", type(error).__name__)
            return "unreadable"
        if not readable:
            return "unreadable"
        return "damaged" if self.state.damage() else "ok"

    def _scheduler(self) -> str:
        if not self.digests_on:
            return "off"
        task = self.scheduler_task
        return "ok" if task is not None and not task.done() else "stopped"

    def _sync(self) -> str:
        last = self.metrics.last_sync
        if last is None:
            return "not run"
        return "ok" if last.ok else "failed"


HEALTH = web.AppKey("health", Health)


def setup(app: web.Application, health: Health) -> None:
    """Add the three endpoints and the request-id middleware to `app`."""
    app[HEALTH] = health
    app[METRICS] = health.metrics
    app.middlewares.append(request_context)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)


async def healthz(request: web.Request) -> web.Response:
    """Alive: the process answers HTTP. A damaged state file kept aside at start is named
    (a restart would not mend it, so the answer stays 200, but it does not say "ok")."""
    health = request.app[HEALTH]
    body: dict[str, Any] = {"status": "ok"}
    damage = health.state.damage()
    if damage is not None:
        body = {"status": "degraded", "state": {"damaged": True, **damage}}
    disk = await health.disk()
    if disk is not None:
        # The last reindex failed for want of space: the old index still answers, but the
        # next run will fail too until someone frees space. A restart would not help: 200.
        body["status"], body["disk"] = "degraded", disk
    return web.json_response(body)


async def readyz(request: web.Request) -> web.Response:
    ready, body = await request.app[HEALTH].readiness()
    return web.json_response(body, status=200 if ready else 503)


async def metrics(request: web.Request) -> web.Response:
    """The Prometheus text format; the index gauges are read at each scrape."""
    health = request.app[HEALTH]
    health._index()
    body, content_type = health.metrics.exposition(request.headers.get("Accept"))
    return web.Response(body=body, headers={"Content-Type": content_type})


def _timestamp(built_at: Any) -> float | None:
    if not built_at:
        return None
    try:
        return datetime.fromisoformat(str(built_at)).timestamp()
    except ValueError:
        return None
