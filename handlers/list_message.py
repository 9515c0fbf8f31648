"""A reply that lists entries (a meeting's items, a case's treatments, meetings or cases to
pick from): built once as a `Listing`, rendered as plain text, markdown and list card data.

Text and markdown show the heading, any notes under it, then one line per entry ("title:
short decision"), then the link to the minutes and a hint; the card data (`kind` "list",
rendered by `bot.cards.list_card`) shows the same entries, each with a button that asks
its question. Every entry's text passes `handlers.markup` on the markdown side, as in
`handlers.compose`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from handlers import texts
from handlers.compose import Composer
from handlers.messages import Reply


@dataclass(frozen=True)
class Entry:
    """One line of a list, and its button's question (None: no button, as for a closed item)."""

    title: str
    decision: str = ""
    closed: bool = False
    question: str | None = None
    # The item's number on its agenda, for a meeting's or a case's items.
    number: int | None = None

    def line(self) -> str:
        return self.title + (f": {self.decision}" if self.decision else "")

    def card(self) -> dict[str, Any]:
        return {"number": self.number, "title": self.title, "decision": self.decision, "closed": self.closed,
                "question": self.question}


@dataclass
class Listing:
    heading: str
    entries: list[Entry]
    # The label of each entry's button.
    open_label: str = texts.OPEN_ITEM_BUTTON
    bold_heading: bool = False
    # Lines under the heading, and whether a blank line parts them from the entries.
    notes: list[str] = field(default_factory=list)
    spaced: bool = False
    url: str | None = None
    hint: str = ""
    # What the conversation remembers the list by for a follow-up (`handlers.followup`):
    # "meeting_id", "item_id"; only the keys given are written to the card data.
    focus: dict[str, Any] = field(default_factory=dict)

    def reply(self) -> Reply:
        text, markdown = self._compose().done()
        return Reply(text, markdown, self.card())

    def _compose(self) -> Composer:
        out = Composer()
        out.line(self.heading, bold=self.bold_heading)
        for note in self.notes:
            out.line(note)
        if self.spaced and self.entries:
            out.blank()
        for entry in self.entries:
            out.item(entry.line())
        out.blank()
        out.link(texts.SOURCE_LINK, self.url)
        if self.hint:
            out.line(self.hint)
        return out

    def card(self) -> dict[str, Any]:
        return {"kind": "list", "heading": self.heading, "entries": [entry.card() for entry in self.entries],
                "url": self.url, "open_label": self.open_label, **self.focus}
