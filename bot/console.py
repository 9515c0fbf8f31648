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
from handlers.channels import SENT, Channel, fits_anything
from handlers.clock import utc_now
from handlers.conversation import Conversation
from handlers.digests import Digests
from handlers.messages import Incoming, Reply
from handlers.reindex import Reindexer
from handlers.report import indexing_failed
from handlers.state.store import StateStore
from knowledge.errors import IndexingFailed
from knowledge.indexer import ensure_index
from knowledge.live import LiveIndex

CONSOLE_USER = "console"


class PrintingOutbox:
    async def send(self, to: Incoming, reply: Reply) -> None:
        print(f"\n{reply.full_text}\n", flush=True)


async def print_later(conversation_id: str, address: dict, reply: Reply) -> str:
    """A later reply to a console conversation, from a server sharing its data folder."""
    print(reply.full_text, flush=True)
    return SENT


# The console prints whatever it gets: every reply fits.
CHANNEL = Channel("console", fits_anything, print_later)


def console_conversation(settings: Settings) -> Conversation:
    try:
        ensure_index(settings.store_path, settings.sources)  # a fresh machine: the samples
    except IndexingFailed as error:
        print(indexing_failed(error), file=sys.stderr)
    # A store that cannot be read is not fatal here: questions say so in Danish, and
    # `genindekser` repairs it, as in Teams and Webex.
    live = LiveIndex.open(settings.store_path)
    state = StateStore(settings.state_path)
    # No digests are sent from the console, so it says the weekly digest is off.
    return Conversation(
        live.get, state=state, admins=(*settings.admins, CONSOLE_USER),
        reindexer=Reindexer(settings.sources, live, state, utc_now),
        outbox=PrintingOutbox(), digests=Digests(live.get, state, None, utc_now),
        minutes_url=settings.minutes_url,
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
        reply = await conversation.handle(Incoming(text=line, sender_id=CONSOLE_USER, sender_name=texts.CONSOLE_NAME))
        print(reply.full_text, end="\n\n", flush=True)
    if conversation.reindexer is not None:
        await conversation.reindexer.wait()
    return 0


def run_console(settings: Settings) -> int:
    conversation = console_conversation(settings)
    print(conversation.console_welcome())
    try:
        return asyncio.run(_chat(conversation))
    except BrokenPipeError:
        # The reader went away (`beslutningsbot chat | head`): nothing left to say.
        sys.stderr.close()
        return 0
