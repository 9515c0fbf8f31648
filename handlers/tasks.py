"""Background work: named tasks whose failures are logged and which shutdown cancels.

Work that outlives the request that started it (a reindex, `digest nu`, a Webex event, the
weekly digest, the index refresh, the portal sync) runs through one `Tasks`. Each task has
a name; an exception it raises is logged with its traceback under that name and goes no
further (nobody awaits a background task for its result); `close()` cancels what is still
running and waits until it has stopped. `repeat` is the loop of the periodic ones: a step
that fails is logged and the loop goes on.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Coroutine

log = logging.getLogger(__name__)


class Tasks:
    """The background tasks of one owner (the server, a Webex bot), by name."""

    def __init__(self) -> None:
        # Strong references: the event loop keeps only weak ones to running tasks.
        self._running: set[asyncio.Task[Any]] = set()

    def __len__(self) -> int:
        return len(self._running)

    def names(self) -> list[str]:
        """The names of the tasks running now, sorted."""
        return sorted(task.get_name() for task in self._running)

    def start(self, name: str, work: Coroutine[Any, Any, Any], *, failure: str | None = None,
              done: Callable[[asyncio.Task[Any]], None] | None = None) -> asyncio.Task[Any]:
        """Run `work` in the background as `name`. If it raises, the traceback is logged as
        `failure` (default "<name> failed"). `done(task)` is called when it has ended, by
        any way, after the task has left this set."""
        task = asyncio.create_task(_logged(work, failure or f"{name} failed"), name=name)
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        if done is not None:
            task.add_done_callback(done)
        return task

    async def wait(self) -> None:
        """Wait until every task started so far, and any they start meanwhile, has ended."""
        while self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)

    async def close(self, grace: float = 0.0) -> int:
        """Give running tasks `grace` seconds to end, then cancel the rest and wait for them
        to stop. How many were cancelled."""
        running = list(self._running)
        if not running:
            return 0
        if grace > 0:
            await asyncio.wait(running, timeout=grace)
        unfinished = [task for task in running if not task.done()]
        for task in unfinished:
            task.cancel()
        await asyncio.gather(*unfinished, return_exceptions=True)
        return len(unfinished)


async def _logged(work: Awaitable[Any], failure: str) -> Any:
    try:
        return await work
    except Exception:
        log.exception("%s", failure)
        return None


async def repeat(name: str, step: Callable[[], Awaitable[Any]], every: float, *, wait_first: bool = False) -> None:
    """Run `step` every `every` seconds, forever; a step that raises is logged as
    "<name> failed" and the next one runs on time."""
    if wait_first:
        await asyncio.sleep(every)
    while True:
        try:
            await step()
        except Exception:
            log.exception("%s failed", name)
        await asyncio.sleep(every)
