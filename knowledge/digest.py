"""What a weekly digest says: the decisions that entered the index after a watermark.

"New" is by indexing time, not meeting date, so an old meeting indexed late is still news.
Closed items and items without a decision are left out; a topic subscription keeps only
the items the search finds for its topic. The digest carries the watermark to store once
it has been delivered: the newest indexing time it covers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge.index import Index

DECISION_LINES = 4
DECISION_CHARS = 400


@dataclass(frozen=True)
class DigestEntry:
    date: str
    number: int
    title: str
    decision: str
    case_number: str | None


@dataclass
class Digest:
    """New decisions grouped by meeting date (newest meeting first)."""

    groups: list[tuple[str, str, list[DigestEntry]]] = field(default_factory=list)  # (date, body, entries)
    watermark: str = ""

    @property
    def empty(self) -> bool:
        return not self.groups

    @property
    def count(self) -> int:
        return sum(len(entries) for _, _, entries in self.groups)


def shorten_decision(text: str) -> str:
    """The decision's first few lines, with "…" where something was left out."""
    lines = [line for line in text.splitlines() if line.strip()]
    kept = lines[:DECISION_LINES]
    short = "\n".join(kept)
    cut = len(kept) < len(lines)
    if len(short) > DECISION_CHARS:
        short = short[:DECISION_CHARS].rsplit(" ", 1)[0].rstrip()
        cut = True
    return short + (" …" if cut else "")


def newest_indexing_time(index: Index) -> str:
    return max((row.get("indexed_at", "") for row in index.items), default="")


def build_digest(index: Index, since: str | None, topic: str | None = None) -> Digest:
    """The decisions of meetings indexed after `since` (ISO time; None: all)."""
    wanted = index.searcher.matching(topic) if topic else None
    groups: dict[str, list[DigestEntry]] = {}
    bodies: dict[str, str] = {}
    for row in index.items:
        if row.get("closed") or not row.get("decision"):
            continue
        if since and row.get("indexed_at", "") <= since:
            continue
        if wanted is not None and row["id"] not in wanted:
            continue
        groups.setdefault(row["meeting_id"], []).append(DigestEntry(
            date=row["date"], number=int(row["number"]), title=row.get("title", ""),
            decision=shorten_decision(row["decision"]), case_number=row.get("case_number"),
        ))
        bodies[row["meeting_id"]] = row.get("body", "")
    ordered = sorted(groups.items(), key=lambda entry: entry[1][0].date, reverse=True)
    digest = Digest(watermark=newest_indexing_time(index))
    for meeting_id, entries in ordered:
        entries.sort(key=lambda entry: entry.number)
        digest.groups.append((entries[0].date, bodies[meeting_id], entries))
    return digest
