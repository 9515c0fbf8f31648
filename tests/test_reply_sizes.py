"""`python -m tools.reply_sizes`, the figure behind docs/RELIABILITY.md's "Every reply fits":
it must keep running as the channels' rendering moves, and print sizes within the limits."""

from __future__ import annotations

import re

from bot.teams.render import ENVELOPE_BYTES, MAX_ACTIVITY_BYTES
from bot.webex.replies import MAX_CARD_BYTES, MAX_MARKDOWN_BYTES
from tools import reply_sizes


def test_the_reply_sizes_tool_prints_every_reply_within_its_channels_limits(capsys):
    reply_sizes.main()

    out = capsys.readouterr().out
    teams = [int(n) for line in re.findall(r"Teams activity, UTF-16 bytes: \[([\d, ]+)\]", out) for n in line.split(",")]
    markdown = [int(n) for line in re.findall(r"Webex markdown, UTF-8 bytes: \[([\d, ]+)\]", out) for n in line.split(",")]
    cards = [int(n) for line in re.findall(r"card JSON: \[([\d, ]+)\]", out) for n in line.split(",")]
    assert len(teams) >= len(reply_sizes.QUESTIONS) and markdown and cards
    assert max(teams) <= MAX_ACTIVITY_BYTES - ENVELOPE_BYTES
    assert max(markdown) <= MAX_MARKDOWN_BYTES
    assert max(cards) <= MAX_CARD_BYTES
    # The hostile minutes hold a decision of a hundred pages: the first answer was cut to fit.
    assert max(teams) > 10_000
