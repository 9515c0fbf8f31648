"""Search from the compose box (the Teams message extension), channel-neutral.

What someone types is searched like a question; each matching decision becomes one result:
a preview line for the list (title, then date and body, then a short decision) and the card
data of the answer that is inserted into the chat when the result is chosen. The inserted
card may land in any chat, where the bot may not be listening, so it carries no buttons that
ask the bot something: only the link to the minutes, when there is one. Closed items never
appear: their titles may be shown in an answer to a question, but a search that anyone can
paste into any chat is no place for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from handlers.answer_message import card_data, item_title
from handlers.approval import body_of
from handlers.listing import short_decision
from knowledge.dates import danish
from knowledge.index.loaded import Index
from knowledge.links import Links
from knowledge.search import Hit

# Teams asks for 25 at a time by default; a list longer than that is not read in a compose box.
MAX_RESULTS = 25
# The inserted card is a message in someone else's chat: the decision in full up to this many
# characters, then cut with a pointer to the minutes (as in answers).
CARD_DECISION_LIMIT = 1500


@dataclass(frozen=True)
class Found:
    """One result: the preview line's parts and the card data to insert."""

    title: str
    subtitle: str
    decision: str
    card: dict[str, Any]


def search_decisions(index: Index, query: str, *, skip: int = 0, count: int = MAX_RESULTS,
                     minutes_url: str = "") -> list[Found]:
    """The open decisions matching `query`, best first; none when nothing in the minutes
    answers it. Blocking: call it from a worker thread."""
    query = " ".join(query.split())
    if not query:
        return []
    count = max(0, min(count, MAX_RESULTS))
    skip = max(0, skip)
    result = index.answer(query, limit=skip + count + 1)
    # A search box names a body as a subject, not as who decided: what matched is shown.
    found = result.elsewhere if result.reason == "unknown_body" else result.hits
    if result.kind not in ("answer", "case", "meeting") and result.reason != "unknown_body":
        return []
    link: Callable[[Hit], str | None] = Links(index.meetings, minutes_url).for_hit
    hits = [hit for hit in found if not hit.closed][skip: skip + count]
    return [_found(hit, link(hit)) for hit in hits]


def _found(hit: Hit, url: str | None) -> Found:
    when = " · ".join(part for part in (danish(hit.date), body_of(hit), hit.case_number or "") if part)
    card = card_data(hit, [], CARD_DECISION_LIMIT, url=url)
    return Found(title=item_title(hit), subtitle=when, decision=short_decision(hit), card=card)
