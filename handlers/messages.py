"""The channel-neutral messages: what comes in from any chat and what goes back.

Teams, Webex and the console translate to and from these two shapes in `bot/`; the
conversation in `handlers/` only ever sees them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Protocol


@dataclass(frozen=True)
class Incoming:
    """One message from a person: the text with any mention of the bot already removed."""

    text: str
    sender_id: str = "console"
    sender_name: str = ""
    direct: bool = True
    channel: str = "console"
    conversation_id: str = "console"
    sender_email: str = ""
    # Where to send later replies in this conversation, opaque to the handlers: a Teams
    # ConversationReference as a dict, a Webex room id. Stored with subscriptions.
    address: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def who(self) -> str:
        """The sender as people read it: the display name, else the e-mail, else the id."""
        return self.sender_name or self.sender_email or self.sender_id


@dataclass
class Reply:
    """The answer as each kind of channel shows it: plain text, the same as markdown, and
    optional card data.

    A reply from the minutes is built once as a structure (`handlers.answer_message.Answer`,
    `handlers.list_message.Listing`, `handlers.digest_message.DigestMessage`) and rendered
    from it into all three. `card` is channel-neutral data; each channel picks what it shows
    (the console the text, Teams the card or the markdown, Webex the markdown and the card),
    renders the card in its own version (`bot.cards`) and fits the whole to its own limit
    (`handlers.fit`, with the test it registers in `handlers.channels`).
    """

    text: str
    markdown: str = ""
    card: dict[str, Any] | None = None
    extra: list["Reply"] = field(default_factory=list)
    # The same reply again with at most `budget` characters per text from the minutes, for a
    # channel whose limit it does not fit (see `handlers.fit`); None when it cannot shrink.
    refit: Callable[[int], "Reply"] | None = field(default=None, repr=False, compare=False)
    # What the reply is, for the operator's counts: the search result's shape for a question
    # ("answer", "case", "meeting", "none", "empty"), "unavailable" or "error" when the search
    # could not run, and empty for a command's reply.
    kind: str = ""

    def __post_init__(self) -> None:
        if not self.markdown:
            self.markdown = self.text

    @property
    def full_text(self) -> str:
        """The text of this reply and its extra replies, for channels that print."""
        return "\n\n".join(part.text for part in (self, *self.extra))


class Outbox(Protocol):
    """Sends a reply later, outside the request that asked: reindex reports, digests.

    `to` is the message that started it (its channel and conversation say where).
    """

    async def send(self, to: Incoming, reply: Reply) -> None: ...
