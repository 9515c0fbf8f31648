"""Making every reply fit what its channel can deliver: one cutter, one fitter.

A channel knows its limit and how to measure a reply against it (Webex: 7,439 bytes of
markdown and a bounded card; Teams: 40 KB per activity counted in UTF-16 over the
serialized activity); it passes that test to `fit_reply` just before sending. The handlers
know how to say the same thing shorter: a reply built from the minutes carries `refit`,
which renders it again with at most `budget` characters per text from the minutes, each
cut with "…" and a note naming where the whole text is (the meeting and item). Only a
reply that fits at none of the budgets is cut as a whole, at a line, with a note; and a
card that even then does not fit is left out, so the text still arrives.
"""

from __future__ import annotations

import re
from typing import Callable

from handlers import texts
from handlers.messages import Reply

ELLIPSIS = "…"
# Characters per text from the minutes, tried in turn: the first is what a person reads in
# full (a long decision is about 3,000 characters); each next one halves it, down to a line.
BUDGETS = (3000, 1500, 800, 400, 200, 100)
# Below this many characters a whole-reply cut would leave nothing worth reading; the card
# goes instead.
MIN_CUT = 200

Measure = Callable[[str], int]
Fits = Callable[[Reply], bool]


def utf8_size(text: str) -> int:
    return len(text.encode("utf-8"))


def utf16_size(text: str) -> int:
    """Bytes in UTF-16, what Teams counts: two per character, four outside the BMP."""
    return len(text.encode("utf-16-le", "surrogatepass"))


def cut(text: str, limit: int, note: str = ELLIPSIS, size: Measure = len) -> str:
    """`text` as it is when `size(text) <= limit`; otherwise its beginning, ended at a line
    or a word where one is near, with `note` after it, and `size` of the whole within `limit`."""
    if size(text) <= limit:
        return text
    room = limit - size(note)
    if room <= 0:
        return _longest_prefix(note, limit, size)
    head = _longest_prefix(text, room, size)
    # End at a line break or a space when one is in the last fifth; never in the middle of a
    # markdown escape ("\" alone would escape the note's first character).
    for pattern in (r"\n", r"\s"):
        breaks = [match.start() for match in re.finditer(pattern, head)]
        if breaks and breaks[-1] >= len(head) * 0.8:
            head = head[: breaks[-1]]
            break
    head = head.rstrip()
    if (len(head) - len(head.rstrip("\\"))) % 2:
        head = head[:-1]
    return head + note


def _longest_prefix(text: str, room: int, size: Measure) -> str:
    if room <= 0:
        return ""
    if size is len:
        return text[:room]
    low, high = 0, min(len(text), room)  # every measure here counts a character as at least 1
    while low < high:
        middle = (low + high + 1) // 2
        if size(text[:middle]) <= room:
            low = middle
        else:
            high = middle - 1
    return text[:low]


def fit_reply(reply: Reply, fits: Fits) -> Reply:
    """`reply`, or the same reply shorter, for which `fits` holds (its `extra` replies are
    fitted one by one by the channel)."""
    if fits(reply):
        return reply
    if reply.refit is not None:
        for budget in BUDGETS:
            smaller = reply.refit(budget)
            if fits(smaller):
                return smaller
        reply = smaller
    return _cut_whole(reply, fits)


def _cut_whole(reply: Reply, fits: Fits) -> Reply:
    """The last resort: text and markdown cut at a line with a note, then without the card."""
    for card in ((reply.card, None) if reply.card else (None,)):
        limit = max(len(reply.markdown), len(reply.text))
        while limit >= MIN_CUT:
            shorter = Reply(cut(reply.text, limit, texts.CUT_NOTE), cut(reply.markdown, limit, texts.CUT_NOTE), card)
            if fits(shorter):
                return shorter
            limit //= 2
    return Reply(texts.REPLY_TOO_LONG)
