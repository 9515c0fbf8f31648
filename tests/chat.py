"""A chat harness for handler tests: send a message, read the reply, and the later ones."""

from __future__ import annotations

import asyncio

from handlers.conversation import Conversation
from handlers.messages import Incoming, Reply


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
