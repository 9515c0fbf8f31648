"""`beslutningsbot bench --digest N`: a digest to N subscribers through a local Teams connector.

The real server objects (`bot.wiring.build`'s digests and outbox, and the Teams adapter) send one digest
each to N Teams subscriptions whose service URL is a Bot Connector stand-in on 127.0.0.1.
Fifty of them are topics of one group chat, which gets one message for all of them. The
figures: total time, and the highest number of messages in any one-second window, per
conversation and overall, against Teams' limits of 7 and 30.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

from aiohttp import web

from bot.server import app_for
from bot.settings import Settings
from bot.wiring import build
from knowledge.index.build import build_index
from knowledge.index.live import LiveIndex
from knowledge.paths import SAMPLES_DIR
from tools.fakes import ConnectorStandIn
from tools.payloads import NEW_MEETING

TEAMS_PER_CONVERSATION = 7
TEAMS_OVERALL = 30
SHARED_CHAT = 50


def _highest_in_a_second(times: list[float]) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def _reference(service_url: str, conversation_id: str) -> dict:
    return {
        "activityId": None, "user": {"id": f"29:{conversation_id}"}, "bot": {"id": "28:bot", "name": "Beslutningsbot"},
        "conversation": {"id": conversation_id, "conversationType": "personal", "tenantId": "tenant-1"},
        "channelId": "msteams", "serviceUrl": service_url,
    }


async def _run(subscribers: int, folder: Path) -> None:
    arrivals: dict[str, list[float]] = defaultdict(list)
    connector = ConnectorStandIn(on_reply=lambda conversation, _, __, at: arrivals[conversation].append(at))
    runner = web.AppRunner(connector.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    service_url = f"http://127.0.0.1:{port}/"
    try:
        minutes = folder / "minutes"
        minutes.mkdir()
        for sample in SAMPLES_DIR.glob("*.txt"):
            (minutes / sample.name).write_text(sample.read_text(encoding="utf-8"), encoding="utf-8")
        settings = Settings(data_dir=folder / "data", minutes_dir=minutes, digest="off")
        start = datetime(2026, 11, 20, tzinfo=timezone.utc)
        build_index([minutes], settings.store_path, now=start - timedelta(days=7))
        live = LiveIndex.open(settings.store_path)
        parts = build(settings, live=live, clock=lambda: start)
        bot_runner = web.AppRunner(app_for(parts))
        await bot_runner.setup()  # starts the app's contexts (the Teams connector client)
        state = parts.state
        watermark = max(m["indexed_at"] for m in live.get().meetings.values())
        for number in range(subscribers):
            shared = number < SHARED_CHAT
            conversation = "19:shared-group@thread.v2" if shared else f"a:subscriber-{number}"
            state.add_subscription({
                "channel": "msteams", "conversation_id": conversation,
                "address": _reference(service_url, conversation), "direct": not shared,
                "subscriber_id": f"aad-{number}", "subscriber_name": f"Abonnent {number}",
                "created": start.isoformat(), "topic": "digitalisering" if shared else None,
                "watermark": watermark, "active": True,
            })
        (minutes / "new.txt").write_text(NEW_MEETING, encoding="utf-8")
        build_index([minutes], settings.store_path, now=start)
        live.refresh()
        began = time.perf_counter()
        result = await parts.digests.run()
        seconds = time.perf_counter() - began
        await bot_runner.cleanup()
    finally:
        await runner.cleanup()
    every = [moment for times in arrivals.values() for moment in times]
    per_conversation = max((_highest_in_a_second(times) for times in arrivals.values()), default=0)
    print(f"subscribers:        {subscribers} ({SHARED_CHAT} of them topic subscriptions in one group chat)")
    print(f"sent / no news / failed / gone: {result.sent} / {result.empty} / {result.failed} / {result.gone}")
    print(f"messages received:  {len(every)} in {len(arrivals)} conversations, "
          f"{len(arrivals.get('19:shared-group@thread.v2', []))} of them in the group chat with {SHARED_CHAT} topics")
    print(f"total time:         {seconds:.1f} s")
    print(f"highest rate:       {per_conversation}/s in one conversation (Teams' limit {TEAMS_PER_CONVERSATION}), "
          f"{_highest_in_a_second(every)}/s overall (Teams' limit {TEAMS_OVERALL})")


def run_digest_bench(subscribers: int) -> int:
    with tempfile.TemporaryDirectory(prefix="beslutningsbot-digest-") as folder:
        asyncio.run(_run(subscribers, Path(folder)))
    return 0
