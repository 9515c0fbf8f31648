"""The decisions that entered the index after a watermark, for everyone or for one topic:
the content of a digest (`handlers.digests` schedules, renders and delivers it).

"New" is by indexing time, not meeting date, so an old meeting indexed late is still news.
Closed items and items without a decision are left out; a topic subscription keeps only
the items the search finds for its topic. Formalities ("Godkendelse af dagsorden:
Godkendt", a signature sheet, "Eventuelt: Intet.", "Udgik.") are marked as such, for the
digest to fold into one line per meeting, and do not count as decisions; a short decision
("Indstillingerne godkendt.") carries the points of the Indstilling it approved. The digest
carries the watermark to store once it has been delivered: the newest indexing time it
covers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge import outcome
from knowledge.bodies import display_name
from knowledge.index.loaded import Index
from knowledge.text import fold

DECISION_LINES = 4
DECISION_CHARS = 400
# Points of an Indstilling shown under a short decision in a digest.
PROPOSAL_PARTS = 3


@dataclass(frozen=True)
class DigestEntry:
    date: str
    number: int
    title: str
    decision: str
    case_number: str | None
    formality: bool = False
    proposal: tuple[str, ...] = ()  # what a short decision approved (the Indstilling's points)


@dataclass
class Digest:
    """New decisions grouped by meeting date (newest meeting first)."""

    groups: list[tuple[str, str, list[DigestEntry]]] = field(default_factory=list)  # (date, body, entries)
    watermark: str = ""

    @property
    def empty(self) -> bool:
        return self.count == 0

    @property
    def count(self) -> int:
        """Decisions that matter: formalities are not counted."""
        return sum(1 for _, _, entries in self.groups for entry in entries if not entry.formality)


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


def _proposal(row: dict) -> tuple[str, ...]:
    """What a short decision approved: the Indstilling's points, or the recommendation of the
    body whose "indstilling" it approved ("Byrådet godkendte Økonomiudvalgets indstilling")."""
    decision = row.get("decision", "")
    body = outcome.proposing_body(decision)
    if body is None:
        return tuple(outcome.what_was_decided(decision, row.get("indstilling", ""))[:PROPOSAL_PARTS])
    wanted = fold(body)
    found = [entry for entry in row.get("earlier", ()) if fold(display_name(entry.get("body", ""))) == wanted
             and entry.get("text", "").strip()]
    if not found:
        return ()
    entry = max(found, key=lambda entry: entry.get("date") or "")
    text = " ".join(entry["text"].split())
    if len(text) > DECISION_CHARS:
        text = text[:DECISION_CHARS].rsplit(" ", 1)[0] + " …"
    return (f"{display_name(entry.get('body', ''))}: {text}",)


def newest_indexing_time(index: Index) -> str:
    return max((row.get("indexed_at", "") for row in index.items), default="")


def build_digest(index: Index, since: str | None, topic: str | None = None) -> Digest:
    """The decisions of meetings indexed after `since` (ISO time; None: all)."""
    wanted = index.searcher.matching(topic) if topic else None
    groups: dict[str, list[DigestEntry]] = {}
    bodies: dict[str, str] = {}
    for doc, row in enumerate(index.items):
        if row.get("closed") or not row.get("decision"):
            continue
        if since and row.get("indexed_at", "") <= since:
            continue
        if wanted is not None and row["id"] not in wanted:
            continue
        row = index.item(doc)  # with its Indstilling, from the texts file
        decision = row["decision"]
        formality = outcome.is_formality(row.get("title", ""), decision)
        proposal = () if formality else _proposal(row)
        groups.setdefault(row["meeting_id"], []).append(DigestEntry(
            date=row["date"], number=int(row["number"]), title=row.get("title", ""),
            decision=shorten_decision(decision), case_number=row.get("case_number"),
            formality=formality, proposal=proposal,
        ))
        bodies[row["meeting_id"]] = row.get("body", "")
    ordered = sorted(groups.items(), key=lambda entry: entry[1][0].date, reverse=True)
    digest = Digest(watermark=newest_indexing_time(index))
    for meeting_id, entries in ordered:
        if all(entry.formality for entry in entries):
            continue  # a meeting with only formalities brings no news
        entries.sort(key=lambda entry: entry.number)
        digest.groups.append((entries[0].date, bodies[meeting_id], entries))
    return digest
