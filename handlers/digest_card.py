"""The weekly digest as card data: one section per meeting, one entry per decision with a
button that asks about it, the folded formalities as a line.

`handlers.digest_message` renders each message of a digest from its blocks as text,
markdown and, through these functions, card data for the same decisions; the channels
render that with `bot.cards.digest_card`. A card entry shows the decision's
beginning only (CARD_DECISION characters): the button opens the whole.
"""

from __future__ import annotations

from handlers import markup, texts
from handlers.fit import cut
from knowledge.dates import danish
from knowledge.new_decisions import DigestEntry

# Characters of a decision in the card; the button asks the bot for all of it.
CARD_DECISION = 200


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
