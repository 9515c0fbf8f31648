"""A chat harness for handler tests: send a message, read the reply, and the later ones."""

from __future__ import annotations

import asyncio
from typing import Any, Callable

from handlers.clock import Clock, utc_now
from handlers.conversation import Conversation
from handlers.digests import Digests
from handlers.messages import Incoming, Outbox, Reply
from handlers.reindex import Reindexer
from handlers.state.store import StateStore
from handlers.tasks import Tasks
from knowledge.index.live import LiveIndex


class RecordingOutbox:
    """The outbox of a test chat: keeps what the bot sends later, per conversation."""

    def __init__(self) -> None:
        self.sent: list[tuple[Incoming, Reply]] = []
        self.arrived = asyncio.Event()

    async def send(self, to: Incoming, reply: Reply) -> None:
        self.sent.append((to, reply))
        self.arrived.set()

    def texts(self) -> list[str]:
        return [reply.text for _, reply in self.sent]


def make_conversation(index: Callable[[], Any], *, state: StateStore | None = None, clock: Clock = utc_now,
                      admins: tuple[str, ...] = (), minutes_url: str = "", digests: Digests | None = None,
                      reindexer: Reindexer | None = None, outbox: Outbox | None = None, tasks: Tasks | None = None,
                      kind: type[Conversation] = Conversation) -> Conversation:
    """A conversation over `index` (what returns the index), built the one way tests build
    one: what a test does not give is made here. The state is kept in memory, the digests
    have no schedule and send nowhere, the reindexer has no minutes and no store, and later
    replies go to a `RecordingOutbox`. `kind` is a subclass a test wants instead."""
    state = state if state is not None else StateStore(None)
    tasks = tasks if tasks is not None else Tasks()
    return kind(
        index, state=state, clock=clock, admins=admins, minutes_url=minutes_url, tasks=tasks,
        digests=digests if digests is not None else Digests(index, state, None, clock),
        reindexer=reindexer if reindexer is not None else Reindexer([], LiveIndex(None), state, clock, tasks=tasks),
        outbox=outbox if outbox is not None else RecordingOutbox())


class Chat:
    """One person talking to the bot."""

    def __init__(self, conversation: Conversation, sender_id: str = "user-1", name: str = "Bruger",
                 direct: bool = True, channel: str = "console", email: str = "") -> None:
        self.conversation = conversation
        self.sender = dict(sender_id=sender_id, sender_name=name, direct=direct, channel=channel,
                           conversation_id=f"{channel}-{sender_id}-{'1to1' if direct else 'group'}",
                           sender_email=email)

    async def say(self, text: str) -> str:
        return (await self.send(text)).text

    async def send(self, text: str) -> Reply:
        """The whole reply: text, markdown and card data."""
        return await self.conversation.handle(Incoming(text=text, **self.sender))

    async def press(self, card: dict, label: str) -> Reply:
        """Press the button of a rendered Adaptive Card whose title is `label`."""
        from bot.cards import submitted_question

        data = next(action["data"] for action in card_actions(card) if action.get("title") == label)
        return await self.send(submitted_question(data))


def card_actions(card: dict) -> list[dict]:
    """Every action of an Adaptive Card, in order: the card's own and those in its body."""
    found: list[dict] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("type", "").startswith("Action."):
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card.get("body", []))
    walk(card.get("actions", []))
    return found
