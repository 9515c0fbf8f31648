"""A console chat over the same conversation as Teams and Webex: no accounts needed.

The person at the console runs the bot on their own machine, so they count as an admin:
`genindekser`, `status` and `digest vis` work here, and later replies (the reindex
report) are printed as they come.
"""

from __future__ import annotations

import asyncio
import sys

from bot.settings import Settings
from handlers import texts
from handlers.conversation import Conversation
from handlers.digests import Digests
from handlers.messages import Incoming, Reply
from handlers.reindex import Reindexer
from handlers.clock import utc_now
from knowledge import open_index
from knowledge.live import LiveIndex
from knowledge.state import StateStore

CONSOLE_USER = "console"


class PrintingOutbox:
    async def send(self, to: Incoming, reply: Reply) -> None:
        print(f"\n{reply.text}\n", flush=True)


def console_conversation(settings: Settings) -> Conversation:
    open_index(settings.store_path, sources=settings.sources)  # builds it on a fresh machine
    live = LiveIndex.open(settings.store_path)
    state = StateStore(settings.state_path)
    return Conversation(
        live.get, state=state, admins=(*settings.admins, CONSOLE_USER),
        reindexer=Reindexer(settings.sources, live, state, utc_now),
        outbox=PrintingOutbox(), digests=Digests(live.get, state, settings.digest_schedule, utc_now),
    )


async def _chat(conversation: Conversation) -> int:
    interactive = sys.stdin.isatty()
    while True:
        try:
            line = await asyncio.to_thread(input, "> " if interactive else "")
        except (EOFError, KeyboardInterrupt):
            print()
            break
        if not line.strip():
            continue
        reply = await conversation.handle(Incoming(text=line, sender_id=CONSOLE_USER, sender_name="konsol"))
        print(reply.text, end="\n\n", flush=True)
    if conversation.reindexer is not None:
        await conversation.reindexer.wait()
    return 0


def run_console(settings: Settings) -> int:
    conversation = console_conversation(settings)
    print(texts.CONSOLE_WELCOME)
    return asyncio.run(_chat(conversation))
