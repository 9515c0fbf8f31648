"""Print how big each reply is as Teams and Webex would receive it, over minutes with a huge
decision and a huge earlier decision (the minutes of tests/test_render_safety.py).

    .venv/bin/python -m tools.reply_sizes

Not part of the bot: a figure for docs/RELIABILITY.md ("Every reply fits its platform").
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path

from bot.cards import answer_card
from bot.console import PrintingOutbox
from bot.settings import Settings
from bot.teams import render as teams
from bot.webex import replies as webex
from bot.wiring import build
from handlers.fit import fit_reply
from handlers.messages import Incoming
from handlers.state.store import StateStore
from knowledge.index.build import build_index
from knowledge.index.live import LiveIndex
from tools.hostile import HOSTILE_MINUTES

QUESTIONS = ("zyxqvorp vejledning", "referat fra direktionen 15. oktober 2026")


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    (folder / "minutes").mkdir()
    (folder / "minutes" / "hostile.txt").write_text(HOSTILE_MINUTES, encoding="utf-8")
    build_index([folder / "minutes"], folder / "index.json")
    conversation = build(Settings(data_dir=folder), outbox=PrintingOutbox(), serving=False,
                         live=LiveIndex.open(folder / "index.json"), state=StateStore(None)).conversation
    for question in QUESTIONS:
        reply = asyncio.run(conversation.handle(Incoming(question, channel="msteams")))
        sizes = [len(json.dumps(activity.serialize()).encode("utf-16-le")) for activity in teams.reply_activities(reply)]
        print(f"{question!r:44} Teams activity, UTF-16 bytes: {sizes}")
        reply = asyncio.run(conversation.handle(Incoming(question, channel="webex")))
        parts = [fit_reply(part, webex.fits) for part in (reply, *reply.extra)]
        markdown = [len((part.markdown or part.text).encode()) for part in parts]
        cards = [len(json.dumps(answer_card(part.card, webex.CARD_VERSION)).encode()) if part.card else 0
                 for part in parts]
        print(f"{question!r:44} Webex markdown, UTF-8 bytes: {markdown}; card JSON: {cards}")


if __name__ == "__main__":
    main()
