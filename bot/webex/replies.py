"""What a reply looks like in Webex, whether it fits one Webex message, and sending it.

A reply goes out as its markdown, with an Adaptive Card v1.3 (`bot.cards`) attached when
it has card data. Webex takes 7,439 UTF-8 bytes of markdown; a card is kept under our own
bound of `MAX_CARD_BYTES`. `fits` is that test, and `send_reply` fits every message to it
(`handlers.fit`). `WebexSender` is the Webex channel's `send` for replies nobody is
waiting for (reindex reports, digests): through the same client as the answers, which
retries on its own, paced like Teams' sends.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web
from aiolimiter import AsyncLimiter

from bot.cards import answer_card, attachment
from bot.webex.client import WebexClient, WebexError
from handlers.channels import FAILED, GONE, GONE_STATUSES, SENT
from handlers.fit import fit_reply, utf8_size
from handlers.messages import Reply

log = logging.getLogger(__name__)

CARD_VERSION = "1.3"
MAX_MARKDOWN_BYTES = 7439
# Webex documents no size for a card attachment (only the 7,439 bytes of text or markdown);
# cards are kept under this many bytes of JSON, a bound well below what Webex takes, so a
# long decision never costs the card its delivery.
MAX_CARD_BYTES = 16_000


def fits(reply: Reply) -> bool:
    """Whether Webex takes the reply: its markdown within 7,439 UTF-8 bytes, its card within
    `MAX_CARD_BYTES`."""
    if utf8_size(reply.markdown or reply.text) > MAX_MARKDOWN_BYTES:
        return False
    return not reply.card or utf8_size(json.dumps(answer_card(reply.card, CARD_VERSION))) <= MAX_CARD_BYTES


async def send_reply(client: WebexClient, reply: Reply, *, room_id: str | None = None,
                     person_id: str | None = None) -> None:
    """Post a reply and its extra replies, each fitted to Webex's limits and with its
    Adaptive Card when it has one."""
    for part in (reply, *reply.extra):
        part = fit_reply(part, fits)
        attachments = [attachment(answer_card(part.card, CARD_VERSION))] if part.card else None
        await client.send_message(room_id, person_id, markdown=part.markdown or part.text,
                                  attachments=attachments)

# Unasked sends, at most this many a second: Webex sets no fixed rate (it answers 429 with
# Retry-After, which the client honours), so a run keeps the steady pace Teams' sends keep.
OVERALL_RATE = 25


class WebexSender:
    """The Webex channel's `send`: a reply into a room, through the app's Webex client."""

    def __init__(self, app: web.Application, client_key: web.AppKey, overall: float = OVERALL_RATE) -> None:
        # The client lives in the app's cleanup context; it is looked up when a send comes.
        self.app = app
        self.client_key = client_key
        self.overall = AsyncLimiter(1, 1 / overall)

    async def send(self, room_id: str, address: dict[str, Any], reply: Reply) -> str:
        """SENT, GONE (the bot was removed from the room) or FAILED."""
        client: WebexClient | None = self.app.get(self.client_key)
        if client is None:
            log.error("Webex is not configured; cannot send to %s", room_id)
            return FAILED
        try:
            async with self.overall:
                await send_reply(client, reply, room_id=room_id)
        except WebexError as error:
            return GONE if error.status in GONE_STATUSES else FAILED
        return SENT
