"""Text from the minutes and from people, made safe to show: one rule for every reply and card.

Whatever a decision, a title, a topic or a display name holds is shown as the words it is,
never as markup: no mention (`<@all>`, `<at>`), link, image, HTML, heading, list or
emphasis can form, on Webex markdown, Teams markdown or an Adaptive Card TextBlock (which
renders a markdown subset too). Three functions, used by every renderer:

- `clean(text)`: characters that change how text is shown without being seen are dropped
  (bidirectional overrides such as U+202E, which can make "gpj.exe" read "exe.jpg", and
  control characters); line breaks are kept.
- `markdown(text)`: `clean`, then every markdown character backslash-escaped (CommonMark,
  which Webex, Teams and the Adaptive Card renderers follow), `&` written as `&amp;` so no
  entity can form, and at the start of each line whatever would open a block: "8. april
  2026" and "1. behandling" would otherwise start a numbered list (Teams renders
  `<ol start="8">`), "- " a bullet, "===" a heading. Line breaks are kept. A bare address
  ("https://…", an e-mail) may still be linked by a client, showing the address itself:
  Teams' renderer links it even when escaped, so nothing is gained by mangling it.
- `plain(text, limit)`: `clean`, on one line, bounded: someone's own words repeated back
  in a plain-text reply, where a newline could forge a line of the bot's own.

Templates in `handlers.texts` are trusted: only the values filled into them pass through
here.
"""

from __future__ import annotations

import re
import unicodedata

# Bidirectional formatting characters (Unicode TR9): embeddings, overrides, isolates and the
# marks. Danish minutes need none of them; in chat they reorder what a reader sees.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_DROP = {ord(char): None for char in _BIDI}
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
# Every ASCII character with a meaning somewhere in markdown or a Webex/Teams mention.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~@])")
# What opens a block at the start of a line, once the characters above are escaped: an
# ordered list item ("8." or "8)"), a bullet or setext underline ("-", "="), indentation
# that would make a code block.
_NUMBERED = re.compile(r"^(\d{1,9})([.)])", re.MULTILINE)
_LINE_START = re.compile(r"^([-=])", re.MULTILINE)
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)

PLAIN_LIMIT = 200


def clean(text: str) -> str:
    """`text` without bidi overrides and control characters; line breaks kept as "\\n"."""
    text = _LINE_BREAKS.sub("\n", text).translate(_DROP)
    return "".join(char for char in text if char in "\n\t" or unicodedata.category(char) not in ("Cc", "Cf")
                   or char == "\u200d")


def markdown(text: str) -> str:
    """`text` for any markdown a channel renders (messages and card TextBlocks): shown as
    written, line by line, with no markup, mention, link, HTML, list or heading."""
    text = clean(text).replace("&", "&amp;")
    text = _SPECIAL.sub(r"\\\1", text)
    text = _INDENT.sub("", text)
    text = _NUMBERED.sub(r"\1\\\2", text)
    return _LINE_START.sub(r"\\\1", text)


def plain(text: str, limit: int = PLAIN_LIMIT) -> str:
    """Someone's own words for a plain-text reply: one line, cleaned, at most `limit` characters."""
    line = " ".join(clean(text).split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def markdown_line(text: str, limit: int = PLAIN_LIMIT) -> str:
    """Someone's own words for a markdown reply: `plain`, then `markdown`."""
    return markdown(plain(text, limit))
