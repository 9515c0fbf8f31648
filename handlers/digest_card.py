"""The weekly digest as card data: one section per meeting, one entry per decision with a
button that asks about it, the folded formalities as a line.

`handlers.digests.digest_reply` builds the markdown (the fallback, and what the console
prints) and, beside each message of it, this card data for the same decisions; the
channels render it with `bot.cards.digest_card`. A card entry shows the decision's
beginning only (CARD_DECISION characters): the button opens the whole.
"""

from __future__ import annotations

import json

from handlers import markup, texts
from handlers.fit import cut, utf8_size
from knowledge.dates import danish
from knowledge.digest import DigestEntry

# Characters of a decision in the card; the button asks the bot for all of it.
CARD_DECISION = 200
# A digest message starts a new one when its card data would pass this many UTF-8 bytes with
# ENTRY_OVERHEAD per entry for the card's columns and button: the rendered card then stays
# under Webex's 16 KB and, as \u-escaped JSON beside the fallback text, under Teams' 40 KB.
CARD_BYTES = 9000
ENTRY_OVERHEAD = 420


def new_card(heading: str) -> dict:
    return {"kind": "digest", "heading": heading, "meetings": []}


def add_meeting(card: dict, meeting: str) -> None:
    card["meetings"].append({"heading": meeting, "entries": [], "formalities": ""})


def add_entry(card: dict, day: str, entry: DigestEntry) -> None:
    title = texts.DIGEST_ITEM.format(number=entry.number, title=entry.title)
    decision = cut(" ".join(markup.clean(entry.decision).split()), CARD_DECISION)
    # The question a "Se også" button asks too: the item's title and meeting day.
    card["meetings"][-1]["entries"].append({
        "title": title, "decision": decision, "question": f"{entry.title} {danish(day)}"})


def set_formalities(card: dict, line: str) -> None:
    card["meetings"][-1]["formalities"] = line


def card_size(card: dict) -> int:
    """The estimated size of the rendered card, compared with CARD_BYTES."""
    entries = sum(len(meeting["entries"]) for meeting in card["meetings"])
    return utf8_size(json.dumps(card, ensure_ascii=False)) + ENTRY_OVERHEAD * entries
