"""Channels as the rest of the bot sees them (`handlers.channels`): later replies go through
the channel a conversation is on, found by name in the registered channels, and a digest is
packed into the messages its chat's channel takes."""

from __future__ import annotations

from bot.delivery import ChannelOutbox
from handlers.channels import FAILED, GONE, SENT, Channel, Channels, fits_anything
from handlers.digests import digest_reply
from handlers.messages import Incoming, Reply
from knowledge.new_decisions import build_digest


class Recorder:
    """A channel's send that keeps what it was given and answers `outcome`."""

    def __init__(self, outcome: str = SENT) -> None:
        self.outcome = outcome
        self.sent: list[tuple[str, dict, str]] = []

    async def send(self, conversation_id: str, address: dict, reply: Reply) -> str:
        self.sent.append((conversation_id, address, reply.text))
        return self.outcome


async def test_a_later_reply_goes_through_the_channel_its_conversation_is_on():
    chat, room = Recorder(), Recorder()
    outbox = ChannelOutbox(Channels(Channel("chat", fits_anything, chat.send), Channel("room", fits_anything, room.send)))
    await outbox.send(Incoming("genindekser", channel="room", conversation_id="r-1", address={"to": "r-1"}),
                      Reply("Genindekseringen er færdig."))
    assert room.sent == [("r-1", {"to": "r-1"}, "Genindekseringen er færdig.")] and chat.sent == []


async def test_a_digest_for_a_channel_nobody_registered_is_not_delivered_and_a_gone_chat_says_so():
    gone = Recorder(GONE)
    outbox = ChannelOutbox(Channels(Channel("room", fits_anything, gone.send)))
    subscription = {"channel": "fax", "conversation_id": "f-1", "address": {}}
    assert await outbox.deliver(subscription, Reply("Ugeoversigt")) == FAILED
    assert await outbox.deliver({**subscription, "channel": "room"}, Reply("Ugeoversigt")) == GONE


def test_a_digest_is_packed_into_the_messages_its_channel_takes(sample_index):
    digest = build_digest(sample_index, None)
    roomy = digest_reply(digest)
    small = digest_reply(digest, fits=lambda part: len(part.markdown.encode("utf-8")) <= 2500)
    parts = [small, *small.extra]
    assert len(parts) > len([roomy, *roomy.extra])
    assert all(len(part.markdown.encode("utf-8")) <= 2500 for part in parts)
    # Packed smaller, nothing is left out: every decision is still listed once.
    assert sum(part.text.count("- Punkt ") for part in parts) == roomy.full_text.count("- Punkt ")
