"""The conversation: one incoming message in, one reply out, the same for every channel.

A message whose first word is a command is routed through `COMMANDS`; anything else is a
question for the search. The search runs in a worker thread so the event loop that
serves Teams and Webex never waits on it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable

from handlers import texts
from handlers.answer import answer_reply
from handlers.messages import Incoming, Reply
from handlers.report import index_unavailable
from knowledge.errors import IndexUnavailable
from knowledge.index import Index

log = logging.getLogger(__name__)

MAX_QUESTION = 500
# Largest markdown message a channel takes, in UTF-8 bytes (Webex: 7,439; Teams: about
# 40 KB for the whole activity, card included, so the text gets a share of it).
MAX_MARKDOWN_BYTES = {"webex": 7000, "msteams": 20000}
IndexSource = Callable[[], Index]


class Conversation:
    """Answers messages from any channel against the index that `index` returns."""

    def __init__(self, index: IndexSource) -> None:
        self.index = index
        self.commands: dict[str, Callable[[Incoming, str], Awaitable[Reply]]] = {
            "hjælp": self.help, "help": self.help, "?": self.help,
        }

    async def handle(self, message: Incoming) -> Reply:
        text = " ".join(message.text.split())
        if not text:
            return Reply(texts.EMPTY_QUESTION)
        first, _, rest = text.partition(" ")
        command = self.commands.get(first.lower())
        if command is not None:
            return await command(message, rest)
        return await self.ask(text, MAX_MARKDOWN_BYTES.get(message.channel))

    async def help(self, message: Incoming, rest: str) -> Reply:
        return Reply(texts.HELP)

    async def ask(self, question: str, max_bytes: int | None = None) -> Reply:
        if len(question) > MAX_QUESTION:
            return Reply(texts.TOO_LONG.format(limit=MAX_QUESTION))
        try:
            index = self.index()
            result = await asyncio.to_thread(index.lookup, question)
        except IndexUnavailable as error:
            return Reply(index_unavailable(error))
        except Exception:
            log.exception("question failed")
            return Reply(texts.SORRY)
        return answer_reply(result, max_bytes=max_bytes)
