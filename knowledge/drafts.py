"""An agenda item as the parser collects it, and how it becomes an `Item`.

The parser (`knowledge.parse`) fills an `ItemDraft` line by line: title, case number and
sections in document order. `finish_item` turns the sections into the Item's fields: a
section's text under its field, an earlier decision ("Beslutning i Økonomiudvalget den
14-09-2016") into the item's history unless it is this meeting's own (its body and date),
and a closed item into its title and number alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.dates import find_date
from knowledge.headings import EARLIER_ITEM, without_list_mark
from knowledge.model import EarlierDecision, Item, item_id


@dataclass
class Section:
    kind: str
    lines: list[str] = field(default_factory=list)
    heading: str = ""


@dataclass
class ItemDraft:
    number: int
    title: str
    closed: bool
    label: str = ""
    page: int | None = None
    case_number: str | None = None
    sections: list[Section] = field(default_factory=list)
    title_done: bool = False

    def current(self) -> Section:
        if not self.sections:
            self.sections.append(Section("preamble"))
        return self.sections[-1]

    def has_content(self) -> bool:
        return any(line for section in self.sections for line in section.lines)


def join_lines(lines: list[str]) -> str:
    """Lines as written, with runs of blank lines folded into one."""
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def _normalise_body(name: str) -> str:
    name = name.strip(" ,.:")
    name = re.sub(r"\s+møde$", "", name, flags=re.IGNORECASE)
    if name.lower().endswith("ens") or name.lower().endswith("ets"):
        name = name[:-1]
    return name


def _earlier_decision(heading: str, rest: str, lines: list[str]) -> EarlierDecision:
    body = re.split(r",|\s+den\s+|\s+d\.\s", rest, maxsplit=1)[0]
    found = find_date(rest)
    item = EARLIER_ITEM.search(rest)
    return EarlierDecision(
        body=_normalise_body(body),
        date=found.isoformat() if found else None,
        item=int(item["item"]) if item else None,
        text=join_lines(lines),
        heading=heading.rstrip(":"),
    )


def finish_item(draft: ItemDraft, meeting_id: str, when: str, time: str | None, body: str, source: str,
            ordinal: int | None) -> Item:
    number = ordinal if ordinal is not None else draft.number
    common = dict(
        id=item_id(body, when, time, draft.label or draft.number), meeting_id=meeting_id, date=when, body=body, number=number,
        title=draft.title, case_number=draft.case_number, source=source,
        label=draft.label if ordinal is not None else "", page=draft.page,
    )
    if draft.closed:
        return Item(closed=True, **common)
    texts: dict[str, list[str]] = {}
    earlier: list[EarlierDecision] = []
    whole: list[str] = [draft.title]
    for section in draft.sections:
        if section.kind == "earlier":
            rest, *content = section.lines
            decision = _earlier_decision(section.heading, rest, content)
            whole.extend([section.heading, *content])
            if decision.date == when or (decision.date is None and _same_body(decision.body, body)):
                # "Beslutning i Byrådet den 21-09-2016" in Byrådet's minutes of that day.
                texts.setdefault("decision", []).extend(([""] if texts.get("decision") else []) + content)
            else:
                earlier.append(decision)
            continue
        if texts.get(section.kind):
            texts[section.kind].append("")
        texts.setdefault(section.kind, []).extend(section.lines)
        whole.extend([section.heading, *section.lines])
    return Item(
        closed=False,
        resume=join_lines(texts.get("resume", [])),
        indstilling=join_lines(texts.get("indstilling", [])),
        decision=join_lines(texts.get("decision", [])),
        sagsfremstilling=join_lines(texts.get("sagsfremstilling", []) + texts.get("preamble", [])),
        supplerende=join_lines(texts.get("supplerende", [])),
        okonomi=join_lines(texts.get("okonomi", [])),
        afgoeres_af=join_lines(texts.get("afgoeres_af", [])),
        bilag=tuple(without_list_mark(line) for line in texts.get("bilag", []) if line),
        earlier=tuple(earlier),
        text=join_lines(whole),
        **common,
    )


def _same_body(one: str, other: str) -> bool:
    one, other = _normalise_body(one).lower(), _normalise_body(other).lower()
    return bool(one) and (one == other or one.startswith(other) or other.startswith(one))
