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
        reply = await self.conversation.handle(Incoming(text=text, **self.sender))
        return reply.text
