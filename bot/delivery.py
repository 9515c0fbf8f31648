"""Sending without being asked: reindex reports and digests, through the conversation's
own channel.

`ChannelOutbox` is the handlers' `Outbox` and the digests' `deliver`. It finds the channel
a conversation is on in the registered `Channels` (each channel package registers its own
`send`, with the pacing and retries that channel needs: `bot.teams.proactive`,
`bot.webex.channel`), so it names no channel itself.
"""

from __future__ import annotations

import logging
from typing import Any

from handlers.channels import FAILED, SENT, Channels
from handlers.messages import Incoming, Reply

log = logging.getLogger(__name__)


class ChannelOutbox:
    """Delivers replies outside a request, through whichever channel a conversation is on."""

    def __init__(self, channels: Channels) -> None:
        self.channels = channels

    async def send(self, to: Incoming, reply: Reply) -> None:
        """The handlers' Outbox: a reply to the conversation `to` came from."""
        outcome = await self._send(to.channel, to.conversation_id, to.address, reply)
        if outcome != SENT:
            log.warning("could not deliver a later reply to %s conversation (%s)", to.channel, outcome)

    async def deliver(self, subscription: dict[str, Any], reply: Reply) -> str:
        """The digests' deliver: SENT, GONE (bot removed) or FAILED."""
        return await self._send(subscription["channel"], subscription["conversation_id"],
                                subscription.get("address") or {}, reply)

    async def _send(self, name: str, conversation_id: str, address: dict, reply: Reply) -> str:
        channel = self.channels.get(name)
        if channel is None:
            log.error("no way to send to channel %r", name)
            return FAILED
        return await channel.send(conversation_id, address, reply)
