"""What the channels post to the bot, made up: a Teams message activity and a signed Webex
webhook, plus a meeting to add to the samples.

The load test, the benches and the test suite all drive the bot over HTTP as Teams and Webex
would, so they share one way of making these bodies here (tests may import `tools`; nothing
under `bot/`, `handlers/` or `knowledge/` does). The signature is computed here with `hmac`,
independently of the bot's own check in `bot.webex`, so a test of that check proves something.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from typing import Any, Mapping

# The bot's own account in the activities Teams sends it.
TEAMS_BOT = {"id": "28:bot", "name": "Beslutningsbot"}
# The fields of a Webex message that its "messages created" webhook repeats in `data`.
WEBEX_WEBHOOK_FIELDS = ("id", "roomId", "roomType", "personId", "personEmail", "created")

_activity_ids = itertools.count(1)

# A meeting that is not in the samples: two decisions and a closed item. Tests and the digest
# bench add it to a copy of the samples to make news for a digest.
NEW_MEETING = """REFERAT Direktionen d. 18-11-2026

Mødedato Onsdag d. 18. november 2026 kl. 09:00

Punkt 1: Ny politik for digitalisering af arkivet

00.01.00A00-9-26

Beslutning

Politikken godkendes.

Punkt 2: Julefrokost

00.01.00A00-10-26

Beslutning

Afholdes fredag den 11. december.

Punkt 3: Lukket: Personalesag

00.01.00A00-11-26
"""


def teams_message(service_url: str, text: str, *, who: str = "anna", name: str | None = None,
                  chat: str = "personal", conversation: str | None = None, tenant: str = "t",
                  activity_id: str | None = None) -> dict[str, Any]:
    """A message activity as the Bot Connector posts it to `/api/messages`.

    It comes from the user `29:<who>` (shown as `name`, by default `who` capitalised) in a
    `chat` of Teams' kinds: "personal" (the chat `a:<who>`), "groupChat" or "channel";
    `conversation` overrides the chat's id. Every activity gets a new id unless `activity_id`
    is given.
    """
    if conversation is None:
        conversation = f"a:{who}" if chat == "personal" else f"19:{who}-{chat}@thread.v2"
    place = {"id": conversation, "conversationType": chat, "tenantId": tenant}
    if chat != "personal":
        place["isGroup"] = True
    return {
        "type": "message", "id": activity_id or f"act-{who}-{next(_activity_ids)}", "channelId": "msteams",
        "serviceUrl": service_url, "text": text, "textFormat": "plain",
        "from": {"id": f"29:{who}", "name": who.title() if name is None else name, "aadObjectId": f"aad-{who}"},
        "conversation": place,
        "recipient": dict(TEAMS_BOT),
        "channelData": {"tenant": {"id": tenant}},
    }


def webex_signature(body: bytes, secret: str) -> str:
    """The `X-Spark-Signature` Webex puts on a webhook: HMAC-SHA1 of the body with its secret."""
    return hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


def signed_webhook(payload: Mapping[str, Any] | bytes, secret: str) -> tuple[bytes, dict[str, str]]:
    """The body and headers of a webhook POST signed with `secret` (bytes are sent as they are)."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return body, {"X-Spark-Signature": webex_signature(body, secret), "Content-Type": "application/json"}


def message_webhook(message: Mapping[str, Any], **data: Any) -> dict[str, Any]:
    """The webhook Webex posts when `message` (as its API returns it) is created: it carries the
    message's id, room and sender but never its text, which the bot fetches. `data` overrides
    or adds fields of the webhook's `data`."""
    fields = {key: message[key] for key in WEBEX_WEBHOOK_FIELDS if key in message}
    return {"id": "webhook-1", "name": "beslutningsbot", "resource": "messages", "event": "created",
            "data": fields | data}
