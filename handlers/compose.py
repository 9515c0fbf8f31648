"""Writing one reply once: each piece is added one time and comes out as plain text and as
markdown, so the two never drift apart.

Every text on the markdown side passes `handlers.markup.markdown` (text from the minutes
and templates alike): no link, mention, HTML or numbered list can form from it. Text typed
by the user is made one line with `markup.plain` first by the caller.
"""

from __future__ import annotations

from handlers import markup


class Composer:
    """A reply being written: plain-text lines and markdown lines, side by side."""

    def __init__(self) -> None:
        self.text: list[str] = []
        self.markdown: list[str] = []

    def blank(self) -> None:
        if self.text and self.text[-1] != "":
            self.text.append("")
            self.markdown.append("")

    def line(self, text: str, bold: bool = False) -> None:
        self.text.append(text)
        shown = markup.markdown(text)
        self.markdown.append(f"**{shown}**" if bold else shown)

    def raw(self, text: str, markdown: str) -> None:
        """A line whose markdown the caller has made safe itself."""
        self.text.append(text)
        self.markdown.append(markdown)

    def markdown_only(self, markdown: str) -> None:
        """A line only the markdown has (the text said it on a line of its own already);
        the caller has made it safe itself."""
        self.markdown.append(markdown)

    def quote(self, text: str) -> None:
        """A passage from the minutes, lines and lists kept."""
        for line in text.split("\n"):
            self.text.append(line)
            self.markdown.append(f"> {markup.markdown(line)}" if line else ">")

    def item(self, line: str) -> None:
        """One entry of a list, with no heading and no blank line after it."""
        self.text.append(f"- {line}")
        self.markdown.append(f"- {markup.markdown(line)}")

    def bullets(self, lines: list[str], heading: str = "") -> None:
        if not lines:
            return
        if heading:
            self.text.append(heading + ":")
            self.markdown.append(f"**{markup.markdown(heading)}**")
        for line in lines:
            self.item(line)
        # A list needs a blank line after it, or a renderer glues the next line into it.
        self.blank()

    def link(self, label: str, url: str | None) -> None:
        if not url:
            return
        self.text.append(f"{label}: {url}")
        # `url` is an http(s) address (`knowledge.links`); only what would end the link is encoded.
        safe = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
        self.markdown.append(f"[{markup.markdown(label)}]({safe})")

    def done(self) -> tuple[str, str]:
        text, markdown = list(self.text), list(self.markdown)
        while text and text[-1] == "":
            text.pop()
        while markdown and markdown[-1] == "":
            markdown.pop()
        return "\n".join(text), "\n".join(markdown)
