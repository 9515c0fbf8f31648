"""The meeting's body, date, time and place, read from the lines before its first item.

Minutes name their meeting in many ways: "REFERAT Direktionen d. 08-04-2026", "Byrådet den
27. august 2025", a bare "Referat" or "Beslutningsprotokol" next to the body's name, and
labelled fields ("Dato: 04.12.2012", "Mødedato", "Mødetidspunkt", "Mødested"). Where no
field names the date, the first date on the first page is the meeting's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from knowledge.dates import ISO_DATE, NUMERIC_DATE, WRITTEN_DATE, find_date, find_time
from knowledge.headings import (
    BODY_DATE, BODY_WORD, DOCUMENT_KIND, HEADER, JOURNAL_NUMBER, MEETING_BODY, MEETING_DATE, MEETING_PLACE,
)


@dataclass
class Header:
    body: str = ""
    when: date | None = None
    time: str | None = None
    place: str | None = None


# A label alone on its line ("Dato:"), its value on a line of its own further down: the
# front page of a Word or GetOrganized document laid out as a two-column table.
BARE_LABEL = re.compile(
    r"^(?:dato|tid|tidspunkt|mødedato|mødetidspunkt|mødetid|sted|mødested|udvalg|organ|forum)\s*:?$", re.IGNORECASE
)
KIND_LINE = re.compile(
    r"^(?:referat|dagsorden|beslutningsprotokol|protokol|mødereferat)\s+(?:af\s+|fra\s+|for\s+)?"
    r"(?:(?:det\s+)?(?:ordinære\s+|ekstraordinære\s+)?møde(?:t)?\s+i\s+)?(?P<rest>.+)$",
    re.IGNORECASE,
)
WEEKDAY = re.compile(r"[\s,]+(?:mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag)$", re.IGNORECASE)


def _paired(lines: list[str]) -> list[str]:
    """`lines` with bare labels joined to the values listed after them: "Dato: 6. oktober 2016"."""
    out = [" ".join(part.strip() for part in line.strip("| ").split("|") if part.strip()) if line.startswith("|")
           else line for line in lines]
    index = 0
    while index < len(out):
        run = index
        while run < len(out) and out[run] and BARE_LABEL.match(out[run]):
            run += 1
        count = run - index
        values = [position for position in range(run, min(len(out), run + 2 * count + 2)) if out[position]][:count]
        if count and len(values) == count and not any(BARE_LABEL.match(out[v]) for v in values):
            for label, value in zip(range(index, run), values):
                out[label] = f"{out[label].rstrip(' :')}: {out[value]}"
                out[value] = ""
            index = run
        index += 1
    return out


def _kind_body_date(line: str) -> tuple[str, date] | None:
    """("Hennys testudvalg", 2017-05-02) from "Dagsorden Hennys testudvalg 2. maj 2017 kl. 10:00"."""
    match = KIND_LINE.match(line)
    if not match:
        return None
    rest = match["rest"]
    starts = [found.start() for pattern in (WRITTEN_DATE, NUMERIC_DATE, ISO_DATE) for found in [pattern.search(rest)] if found]
    if not starts or min(starts) == 0:
        return None
    when = find_date(rest)
    body = re.sub(r"\s+(?:den|d\.)$", "", rest[:min(starts)].strip(" ,"), flags=re.IGNORECASE)
    body = WEEKDAY.sub("", body).strip(" ,")
    return (body, when) if body and when and len(body) <= 80 else None


def read_header(lines: list[str]) -> Header:
    """The meeting's body, date, time and place from the lines before the first item."""
    found = Header()
    lines = _paired(lines)
    for index, line in enumerate(lines):
        if not line:
            continue
        kind = _kind_body_date(line)
        if kind:
            found.body = found.body or kind[0]
            found.when = found.when or kind[1]
            found.time = found.time or find_time(line)
            continue
        header = HEADER.match(line) or BODY_DATE.match(line)
        if header and find_date(header["date"]) and not MEETING_DATE.match(line):
            if not found.body and not JOURNAL_NUMBER.search(header["body"]):
                found.body = header["body"].strip(" ,.")
            found.when = found.when or find_date(header["date"])
            found.time = found.time or find_time(header["date"])
            continue
        meeting_date = MEETING_DATE.match(line)
        if meeting_date and find_date(meeting_date["value"]):
            found.when = find_date(meeting_date["value"]) or found.when
            found.time = find_time(meeting_date["value"]) or _clock(meeting_date["value"]) or found.time
            continue
        if meeting_date and not found.time:
            found.time = find_time(line) or _clock(meeting_date["value"])
            continue
        meeting_place = MEETING_PLACE.match(line)
        if meeting_place and not found.place:
            found.place = meeting_place["value"].strip()
            continue
        meeting_body = MEETING_BODY.match(line)
        if meeting_body and not found.body:
            found.body = meeting_body["value"].strip(" ,.")
            continue
        if DOCUMENT_KIND.match(line) and not found.body:
            found.body = _body_near(lines, index)
    if found.when is None:
        # The first page names the meeting's date somewhere, if not under a label.
        found.when = next((d for d in map(find_date, (line for line in lines if line)) if d), None)
    if not found.body:
        found.body = next((line for line in lines[:40] if _looks_like_body(line)), "")
    return found


CLOCK = re.compile(r"(?<![\d.:])(?P<hour>[01]?\d|2[0-3])[:.](?P<minute>[0-5]\d)(?![\d.]\d)")


def _clock(value: str) -> str | None:
    """"16:00" from "Tid: 16:00 - 18:15"; the "04.12" of a date "04.12.2012" is no time."""
    for pattern in (WRITTEN_DATE, NUMERIC_DATE, ISO_DATE):
        value = pattern.sub(" ", value)
    match = CLOCK.search(value)
    return f"{int(match['hour']):02d}:{match['minute']}" if match else None


def _looks_like_body(line: str) -> bool:
    return bool(line) and len(line) <= 70 and bool(BODY_WORD.search(line.rstrip(" .:"))) and not any(
        char.isdigit() for char in line
    ) and line[:1].isupper() and not line.rstrip().endswith(".")


def _body_near(lines: list[str], index: int) -> str:
    """The body named next to a bare "Referat" or "Beslutningsprotokol" line."""
    after = [line for line in lines[index + 1:index + 4] if line]
    before = [line for line in lines[max(0, index - 3):index] if line]
    for line in after[:1] + before[-1:]:
        if _looks_like_body(line):
            return line.strip(" .:")
    return ""
