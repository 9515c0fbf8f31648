"""Where a reader finds the minutes an answer quotes: a link for every item, or none.

A meeting read from an agenda portal knows its own page (`url` on the meeting). An item
read from a file gets a link built from the configured base URL where the municipality
publishes its minutes (`BESLUTNINGSBOT_MINUTES_URL`) and the file's name, with `#page=N`
for a PDF when the item's first page is known. Without a base URL a file gets no link:
the path a file had on the server is never shown, only its name is ever used.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import quote, urlsplit


def is_web_url(value: str) -> bool:
    """An absolute http(s) URL with a host: the only kind of link an answer carries."""
    try:
        parts = urlsplit(value or "")
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def source_url(item: dict, meeting: dict | None, minutes_url: str = "") -> str | None:
    """The link to the minutes that hold `item`, or None when there is nowhere to link."""
    for candidate in ((meeting or {}).get("url"), item.get("url")):
        if candidate and is_web_url(candidate):
            return candidate
    if not minutes_url or not is_web_url(minutes_url):
        return None
    name = item.get("source") or (meeting or {}).get("source") or ""
    # Only the file's own name: a stored source could carry a folder of the server.
    name = PurePosixPath(name.replace("\\", "/")).name
    if not name:
        return None
    link = f"{minutes_url.rstrip('/')}/{quote(name)}"
    page = item.get("page")
    if name.lower().endswith(".pdf") and isinstance(page, int) and page > 0:
        link += f"#page={page}"
    return link


class Links:
    """The link for a hit's item, with the meetings of one index at hand."""

    def __init__(self, meetings: dict[str, dict], minutes_url: str = "") -> None:
        self.meetings = meetings
        self.minutes_url = minutes_url
        self._by_source: dict[str, dict] | None = None

    def for_item(self, item: dict) -> str | None:
        meeting = self.meetings.get(item.get("meeting_id", ""))
        if meeting is None and item.get("source"):
            if self._by_source is None:
                self._by_source = {row.get("source", ""): row for row in self.meetings.values()}
            meeting = self._by_source.get(item["source"])
        return source_url(item, meeting, self.minutes_url)

    def for_hit(self, hit) -> str | None:
        """The link for a search hit; a closed hit carries only its source and date."""
        return self.for_item(hit.item or {"source": hit.source})

    def for_meeting(self, meeting: dict | None) -> str | None:
        if not meeting:
            return None
        return source_url({"source": meeting.get("source", "")}, meeting, self.minutes_url)
