"""Background work (handlers.tasks): named, failures logged with their traceback, cancelled at shutdown."""

from __future__ import annotations

import asyncio
import logging

from bot.server import COLLABORATORS, create_app
from bot.settings import Settings
from handlers.tasks import Tasks, repeat
from knowledge.index.live import LiveIndex


async def test_a_failing_task_is_logged_with_its_name_and_traceback_and_goes_no_further(caplog):
    tasks = Tasks()

    async def explode() -> None:
        raise RuntimeError("indre detalje")

    with caplog.at_level(logging.ERROR):
        task = tasks.start("digest nu", explode())
        await tasks.wait()
    assert task.get_name() == "digest nu" and task.exception() is None
    [record] = [r for r in caplog.records if r.name == "handlers.tasks"]
    assert record.getMessage() == "digest nu failed" and "RuntimeError: indre detalje" in caplog.text
    assert len(tasks) == 0


async def test_close_cancels_what_still_runs_and_waits_until_it_has_stopped():
    tasks, stopped = Tasks(), asyncio.Event()

    async def forever() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            stopped.set()

    task = tasks.start("index refresh", forever())
    await asyncio.sleep(0)
    assert await tasks.close() == 1
    assert task.cancelled() and stopped.is_set() and len(tasks) == 0


async def test_close_lets_a_task_finish_within_the_grace():
    tasks, done = Tasks(), []

    async def quick() -> None:
        await asyncio.sleep(0.01)
        done.append(True)

    tasks.start("webex messages m1", quick(), done=lambda task: done.append(task.cancelled()))
    assert await tasks.close(grace=5) == 0
    await asyncio.sleep(0)
    assert done == [True, False]


async def test_a_failing_step_of_a_loop_is_logged_and_the_loop_goes_on(caplog):
    steps = []

    async def step() -> None:
        steps.append(len(steps))
        if len(steps) == 1:
            raise RuntimeError("portalen svarer ikke")

    tasks = Tasks()
    with caplog.at_level(logging.ERROR):
        tasks.start("portal sync scheduler", repeat("portal sync", step, 0.001))
        for _ in range(500):
            if len(steps) >= 3:
                break
            await asyncio.sleep(0.005)
        await tasks.close()
    assert len(steps) >= 3
    assert "portal sync failed" in caplog.text and "portalen svarer ikke" in caplog.text


async def test_the_servers_shutdown_cancels_its_background_tasks(aiohttp_client, sample_index, tmp_path):
    client = await aiohttp_client(create_app(Settings(data_dir=tmp_path, digest="mon 08:00"),
                                             live=LiveIndex(None, sample_index)))
    tasks = client.app[COLLABORATORS].tasks
    assert tasks.names() == ["digest scheduler", "index refresh"]
    await client.close()
    assert len(tasks) == 0
