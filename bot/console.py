"""A console chat over the same conversation as Teams and Webex: no accounts needed."""

from __future__ import annotations

import asyncio
import sys

from bot.settings import Settings
from handlers import texts
from handlers.conversation import Conversation
from handlers.messages import Incoming
from knowledge import open_index


def run_console(settings: Settings) -> int:
    index = open_index(settings.store_path, sources=settings.sources)
    conversation = Conversation(lambda: index)
    print(texts.CONSOLE_WELCOME)
    interactive = sys.stdin.isatty()
    while True:
        try:
            line = input("> " if interactive else "")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not line.strip():
            continue
        reply = asyncio.run(conversation.handle(Incoming(text=line)))
        print(reply.text, end="\n\n", flush=True)
