"""`beslutningsbot bench --state N`: the bot's state store with N subscriptions, in figures.

A state store on disk in a temporary folder gets N subscriptions (five topics a chat),
then each kind of write is timed many times (subscribe, a digest's watermark move,
unsubscribe, an audit line), with the figures the server sees: p50, p95 and the slowest,
compactions of the journal included. Then the store is opened again as at a restart. Last,
a question is timed alone and again while 60 refused `status` messages from a non-admin
(each one an audit write) arrive at the same moment, through the real `Conversation`.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from bot.console import PrintingOutbox
from bot.settings import Settings
from bot.wiring import build
from handlers.conversation import Conversation
from handlers.messages import Incoming
from handlers.state.journal import COMPACT_AFTER
from handlers.state.store import StateStore
from knowledge.index.build import build_index
from knowledge.index.live import LiveIndex
from knowledge.paths import SAMPLES_DIR

TOPICS_PER_CHAT = 5
WRITES = 300
QUESTION = "hvad besluttede direktionen om hændelseslog"
AUDITED_AT = datetime(2026, 11, 27, 8, tzinfo=timezone.utc)


def _subscription(number: int) -> dict:
    chat = number // TOPICS_PER_CHAT
    return {"channel": "msteams", "conversation_id": f"19:chat-{chat}@thread.v2",
            "address": {"serviceUrl": "https://smba.trafficmanager.net/emea/", "channelId": "msteams",
                        "conversation": {"id": f"19:chat-{chat}@thread.v2", "tenantId": "tenant"},
                        "bot": {"id": "28:bot", "name": "Beslutningsbot"}},
            "direct": False, "subscriber_id": f"aad-{number}", "subscriber_name": f"Person {number}",
            "created": "2026-11-20T12:00:00+00:00", "topic": f"emne {number % TOPICS_PER_CHAT}",
            "watermark": "2026-11-20T12:00:00+00:00", "active": True}


def _timed(action: Callable[[int], object], count: int = WRITES) -> list[float]:
    times = []
    for number in range(count):
        started = time.perf_counter()
        action(number)
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)


def _line(label: str, times: list[float]) -> str:
    p95 = times[int(len(times) * 0.95) - 1]
    return f"  {label:28s} p50 {statistics.median(times):6.2f} ms  p95 {p95:6.2f} ms  max {times[-1]:6.2f} ms"


async def _question_latency(conversation: Conversation, refused_status: int) -> float:
    asker = Incoming(QUESTION, sender_id="anna", sender_name="Anna", direct=True, channel="webex",
                     conversation_id="room-anna")
    intruder = Incoming("status", sender_id="ulla", sender_name="Ulla", direct=True, channel="webex",
                        conversation_id="room-ulla")
    await conversation.handle(asker)  # warm the index's lazy tables
    started = time.perf_counter()
    noise = [asyncio.create_task(conversation.handle(intruder)) for _ in range(refused_status)]
    await asyncio.sleep(0)  # the refusals are under way before the question arrives
    await conversation.handle(asker)
    latency = (time.perf_counter() - started) * 1000
    await asyncio.gather(*noise)
    return latency


def run_state_bench(count: int) -> int:
    with tempfile.TemporaryDirectory(prefix="beslutningsbot-state-") as folder:
        data = Path(folder)
        path = data / "state.json"
        state = StateStore(path)
        started = time.perf_counter()
        state.add_subscriptions([_subscription(number) for number in range(count)])
        state.compact()
        print(f"state store with {count} subscriptions ({count // TOPICS_PER_CHAT} chats, "
              f"{TOPICS_PER_CHAT} topics each), created in {time.perf_counter() - started:.1f} s")
        print(f"  state.json: {path.stat().st_size / 1e6:.1f} MB")
        ids = [row["doc_id"] for row in state.subscriptions()]
        print(f"writes ({WRITES} each, fsynced):")
        print(_line("subscribe", _timed(lambda n: state.add_subscription(_subscription(count + n)))))
        print(_line("digest watermark (one chat)", _timed(
            lambda n: state.update_subscriptions(ids[n * 5:(n + 1) * 5], {"watermark": f"2026-11-27T{n % 24:02}:00"}))))
        print(_line("unsubscribe (one chat)", _timed(
            lambda n: state.remove_subscriptions("msteams", f"19:chat-{n}@thread.v2"))))
        print(_line("audit line", _timed(
            lambda n: state.audit(AUDITED_AT, Incoming("", sender_name="Ulla", channel="webex"), "status", "afvist"))))
        print(_line("chat's subscriptions (read)", _timed(
            lambda n: state.chat_subscriptions("msteams", f"19:chat-{count // 10 + n}@thread.v2"))))
        print(f"  journal now {Path(str(path) + '.journal').stat().st_size / 1e3:.0f} KB")
        started = time.perf_counter()
        state.compact()
        print(f"  compaction (the whole file, once per >={COMPACT_AFTER} changes): "
              f"{(time.perf_counter() - started) * 1000:.0f} ms")
        state.close()
        started = time.perf_counter()
        reopened = StateStore(path)
        print(f"open at start-up: {(time.perf_counter() - started) * 1000:.0f} ms "
              f"({len(reopened.subscriptions())} subscriptions)")

        store = data / "index.json"
        build_index([SAMPLES_DIR], store)
        live = LiveIndex.open(store)
        conversation = build(Settings(data_dir=data, admins=("admin",)), outbox=PrintingOutbox(), serving=False,
                             live=live, state=reopened).conversation
        alone = asyncio.run(_question_latency(conversation, 0))
        busy = asyncio.run(_question_latency(conversation, 60))
        print("a question's latency:")
        print(f"  alone                                 {alone:6.1f} ms")
        print(f"  with 60 refused `status` at once      {busy:6.1f} ms")
        reopened.close()
    return 0
