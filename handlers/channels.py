"""What a chat channel tells the rest of the bot about itself: its name, what fits one of
its messages, and how it sends a reply that nobody is waiting for.

Each channel in `bot/` (Teams, Webex, the console) fills one `Channel` when it is set up
and registers it in the server's `Channels`. Delivery finds a conversation's channel there
by the name its messages carry (`Incoming.channel`, a subscription's "channel"), and the
digests ask it what fits one message; so nothing outside a channel's own package names
the channel or knows its limits. A channel measures a reply its own way (Teams counts its
40 KB in UTF-16 over the serialized activity, Webex 7,439 UTF-8 bytes of markdown beside a
bounded card), which is why `fits` is a test and not a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from handlers.messages import Reply

# What a send outside a request came to: delivered, the bot is no longer in that
# conversation (403, 404: its digest subscriptions become inactive), or not delivered.
SENT, GONE, FAILED = "sent", "gone", "failed"
# What a platform answers an unasked send to a conversation the bot was removed from: gone.
GONE_STATUSES = frozenset({403, 404})

Fits = Callable[[Reply], bool]
# (conversation id, the opaque address kept with a subscription, reply) -> SENT, GONE or FAILED
Send = Callable[[str, dict[str, Any], Reply], Awaitable[str]]


def fits_anything(reply: Reply) -> bool:
    """A channel without a size limit (the console prints whatever it gets)."""
    return True


@dataclass(frozen=True)
class Channel:
    """One chat channel as the handlers and delivery see it."""

    # The name its messages carry in `Incoming.channel` ("msteams", "webex", "console").
    name: str
    # Whether one message of this channel carries the reply as it is (text, markdown, card).
    fits: Fits
    # Sends a reply outside a request: reindex reports, `digest nu` results, digests.
    send: Send


class Channels:
    """The channels a running bot serves, by name."""

    def __init__(self, *channels: Channel) -> None:
        self._by_name: dict[str, Channel] = {}
        for channel in channels:
            self.register(channel)

    def register(self, channel: Channel) -> None:
        self._by_name[channel.name] = channel

    def get(self, name: str) -> Channel | None:
        return self._by_name.get(name)

    def fits(self, name: str) -> Fits | None:
        """What fits one message of channel `name`; None for a channel not served here."""
        channel = self._by_name.get(name)
        return channel.fits if channel is not None else None
