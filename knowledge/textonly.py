"""Minutes whose agenda items cannot be found, read as text only, so nothing goes unfound.

When the parser finds no item headings it does not give up on the file: the text is cut
into entries by page (a PDF), else by the headings the layout marks, else into pieces of
about a page, and each entry is indexed like an item with its text as the case text and
no decision. The meeting is marked `mode="text"` with the reason, so the indexing report
says how the file was read and a question about anything in it still finds it.
"""

from __future__ import annotations

from dataclasses import replace

from knowledge.drafts import join_lines
from knowledge.model import Item, Meeting, stable_id

# A piece of about one printed page: long enough to keep a subject together, short enough
# that a hit points somewhere a reader can find.
PIECE_CHARS = 3000
TITLE_CHARS = 90


def _title(lines: list[str], fallback: str) -> str:
    first = next((line for line in lines if line), fallback)
    return first if len(first) <= TITLE_CHARS else first[:TITLE_CHARS].rsplit(" ", 1)[0] + " …"


def _chunks(lines: list[str], strong: list[bool], pages: list[int] | None) -> list[tuple[str, list[str], int | None]]:
    """(heading, lines, page) pieces of the text."""
    if pages is not None and len(set(pages)) > 1:
        by_page: dict[int, list[str]] = {}
        for line, page in zip(lines, pages):
            by_page.setdefault(page, []).append(line)
        return [("", content, page) for page, content in by_page.items() if any(content)]
    headings = [index for index, flag in enumerate(strong) if flag and len(lines[index]) <= 150]
    if len(headings) >= 2:
        cuts = ([0] if headings[0] else []) + headings
        pieces = [(lines[start] if start in headings else "", lines[start + (start in headings):end], None)
                  for start, end in zip(cuts, cuts[1:] + [len(lines)])]
        return [piece for piece in pieces if piece[0] or any(piece[1])]
    pieces: list[tuple[str, list[str], int | None]] = []
    current: list[str] = []
    size = 0
    for line in lines:
        current.append(line)
        size += len(line) + 1
        if size >= PIECE_CHARS and not line:
            pieces.append(("", current, None))
            current, size = [], 0
    if any(current):
        pieces.append(("", current, None))
    return pieces


def text_only_meeting(meeting: Meeting, lines: list[str], strong: list[bool], pages: list[int] | None,
                      notes: tuple[str, ...]) -> Meeting:
    """`meeting` with its text as entries by page or heading, marked as read as text only."""
    # Its own meeting id: a file read as text only must not take the place of the same
    # meeting's minutes read by their structure (an attachment dated the meeting's day).
    meeting = replace(meeting, id=stable_id(meeting.id, "text", meeting.source))
    items: list[Item] = []
    for heading, content, page in _chunks(lines, strong, pages):
        text = join_lines(content)
        if not text and not heading:
            continue
        number = len(items) + 1
        title = heading or _title(content, meeting.body)
        items.append(Item(
            id=stable_id(meeting.id, number),
            meeting_id=meeting.id, date=meeting.date, body=meeting.body, number=number,
            title=title, sagsfremstilling=text, text=join_lines([title, text]),
            source=meeting.source, page=page,
        ))
    if not items:
        # Nothing but page numbers and blanks: the file is still listed, under its own name.
        items.append(Item(
            id=stable_id(meeting.id, 1), meeting_id=meeting.id,
            date=meeting.date, body=meeting.body, number=1, title=meeting.source or meeting.body,
            source=meeting.source,
        ))
    return replace(meeting, items=tuple(items), mode="text", notes=notes)
