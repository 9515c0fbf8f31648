"""A console chat over the same conversation as Teams and Webex: no accounts needed.

The person at the console runs the bot on their own machine, so they count as an admin:
`genindekser`, `status` and `digest vis` work here, and later replies (the reindex
report) are printed as they come.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from bot.settings import Settings
from bot.wiring import build
from handlers import texts
from handlers.channels import FAILED, SENT, Channel, fits_anything
from handlers.conversation import Conversation
from handlers.messages import Incoming, Reply
from handlers.report import indexing_failed
from knowledge.errors import IndexingFailed
from knowledge.index.build import ensure_index

CONSOLE_USER = "console"


class PrintingOutbox:
    """Later replies (a reindex report, the result of `digest nu`) are printed as they come."""

    async def send(self, to: Incoming, reply: Reply) -> None:
        print(f"\n{reply.full_text}\n", flush=True)

    async def deliver(self, subscription: dict[str, Any], reply: Reply) -> str:
        # The console sends no digests: a subscription keeps its watermark for the server.
        return FAILED


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
    parts = build(settings, outbox=PrintingOutbox(), serving=False, admins=(CONSOLE_USER,))
    parts.live.refresh()
    return parts.conversation


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
    await conversation.tasks.wait()
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
