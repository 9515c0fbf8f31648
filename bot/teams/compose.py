"""The Teams message extension: search decisions from the compose box and insert one as a card.

The app manifest declares one search command (`composeExtensions`, command id
`SEARCH_COMMAND`). Teams sends each keystroke pause as a `composeExtension/query` invoke
carrying the typed text, and shows the body of the invoke response: a list of results, each
with a preview (title, date and body, a short decision) and the Adaptive Card that is put in
the message when that result is chosen. Teams waits 5 seconds for the answer, so the search
gets `ANSWER_WITHIN` seconds in a worker thread and the person is told to try again if it
takes longer, instead of Teams showing an error.
"""

from __future__ import annotations

import asyncio
import html
import logging
from typing import Any

from bot.cards import CONTENT_TYPE, answer_card
from handlers import markup, texts
from handlers.compose_search import MAX_RESULTS, Found, search_decisions
from handlers.conversation import Answers
from knowledge.errors import IndexUnavailable

log = logging.getLogger(__name__)

QUERY_INVOKE = "composeExtension/query"
SEARCH_COMMAND = "searchDecisions"
SEARCH_PARAMETER = "emne"
CARD_VERSION = "1.5"
THUMBNAIL = "application/vnd.microsoft.card.thumbnail"
# Teams gives up after 5 seconds; the rest is for the way back through the Bot Connector.
ANSWER_WITHIN = 4.0


def typed_text(value: Any) -> tuple[str, int, int]:
    """(query, skip, count) from a query invoke's value; an empty query if it has none."""
    if not isinstance(value, dict):
        return "", 0, MAX_RESULTS
    query = ""
    for parameter in value.get("parameters") or ():
        if (isinstance(parameter, dict) and parameter.get("name") == SEARCH_PARAMETER
                and isinstance(parameter.get("value"), str)):
            query = parameter["value"]
    options = value.get("queryOptions") if isinstance(value.get("queryOptions"), dict) else {}
    return query, _whole(options.get("skip"), 0), _whole(options.get("count"), MAX_RESULTS)


async def query_response(conversation: Answers, value: Any, within: float = ANSWER_WITHIN) -> dict[str, Any]:
    """The invoke response body for a `composeExtension/query`."""
    query, skip, count = typed_text(value)
    if not query.strip():
        return _message(texts.COMPOSE_TYPE_SUBJECT)
    try:
        index = conversation.index()
        found = await asyncio.wait_for(asyncio.to_thread(
            search_decisions, index, query, skip=skip, count=count,
            minutes_url=conversation.minutes_url), within)
    except asyncio.TimeoutError:
        log.warning("compose search took longer than %.1f s; answered with a message", within)
        return _message(texts.COMPOSE_TOO_SLOW)
    except IndexUnavailable:
        return _message(texts.COMPOSE_UNAVAILABLE)
    except Exception:
        log.exception("compose search failed")
        return _message(texts.COMPOSE_UNAVAILABLE)
    if not found and skip == 0:
        return _message(texts.COMPOSE_NOTHING.format(query=markup.clean(" ".join(query.split()))[:100]))
    return {"composeExtension": {"type": "result", "attachmentLayout": "list",
                                 "attachments": [_attachment(entry) for entry in found]}}


def _attachment(entry: Found) -> dict[str, Any]:
    card = answer_card(entry.card, CARD_VERSION)
    card["fallbackText"] = markup.clean(f"{entry.title}\n{entry.subtitle}\n{entry.decision}")
    return {
        "contentType": CONTENT_TYPE,
        "content": card,
        # The list line. Thumbnail cards render a little HTML, so the minutes' text is escaped.
        "preview": {"contentType": THUMBNAIL, "content": {
            "title": _plain(entry.title),
            "subtitle": _plain(entry.subtitle),
            "text": _plain(entry.decision),
        }},
    }


def _message(text: str) -> dict[str, Any]:
    return {"composeExtension": {"type": "message", "text": text}}


def _plain(text: str) -> str:
    return html.escape(" ".join(markup.clean(text).split()), quote=False)


def _whole(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else default
