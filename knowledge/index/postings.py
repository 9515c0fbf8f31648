"""The inverted index behind the search: terms → (item, weight, fields) as NumPy arrays.

Each item is cut into four fields that weigh differently: the title, the decision, the
summary (Resumé and Indstilling) and the body (the case text, economy, earlier
decisions, attachments). For every term and item the BM25F weight is worked out once, at
indexing time, and stored; a query then only adds up array slices. The arrays are kept in
a `.npz` file beside the TinyDB store, named after the index generation they belong to.
"""

from __future__ import annotations

import io
import json
import re
from array import array
from collections import Counter
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Iterable

import numpy as np

from knowledge import acronyms as acronym_module
from knowledge.index.store import remove_other_generations, write_atomic
from knowledge.model import whole_text
from knowledge.text import terms

TITLE, DECISION, SUMMARY, BODY = 1, 2, 4, 8
# Field weights and length normalisation of BM25F. A title word is worth most; the
# decision is what people ask about; the case text still counts, but less, so that
# "registrering af vold, trusler og chikane" finds an item whose title says neither.
FIELDS = (
    (TITLE, 6.0, 0.1),
    (DECISION, 2.0, 0.6),
    (SUMMARY, 1.5, 0.6),
    (BODY, 1.0, 0.75),
)
K1 = 1.2


def item_fields(item: dict) -> dict[int, list[str]]:
    """The terms of each field of one stored item."""
    if item.get("closed"):
        # The minutes title it "Lukket: …", and people ask for "det lukkede punkt om …".
        return {TITLE: terms("lukket punkt " + item.get("title", ""))}
    earlier = " ".join(entry.get("text", "") for entry in item.get("earlier", ()))
    body = " ".join(
        (
            item.get("sagsfremstilling", ""), item.get("supplerende", ""),
            item.get("okonomi", ""), item.get("afgoeres_af", ""), earlier,
            " ".join(item.get("bilag", ())),
        )
    )
    return {
        TITLE: terms(item.get("title", "")),
        DECISION: terms(item.get("decision", "")),
        SUMMARY: terms(item.get("resume", "") + " " + item.get("indstilling", "")),
        BODY: terms(body),
    }


@dataclass
class Postings:
    """Term → slice of (doc, weight, field mask) arrays, plus per-term idf."""

    vocabulary: list[str]
    offsets: np.ndarray  # int64, len(vocabulary) + 1
    docs: np.ndarray  # int32
    # float16, saturated BM25F term frequency in (0, 1): half the bytes of float32 for a
    # precision (1 in 2,000) far below what tells two items apart; slices are float32.
    weights: np.ndarray
    masks: np.ndarray  # uint8, which fields the term occurs in
    idf: np.ndarray  # float32 per term
    doc_count: int
    acronyms: dict[str, str] = field(default_factory=dict)  # acronym term -> expansion

    def __post_init__(self) -> None:
        self.lookup = {word: number for number, word in enumerate(self.vocabulary)}

    def slice(self, term_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        start, end = self.offsets[term_id], self.offsets[term_id + 1]
        return self.docs[start:end], self.weights[start:end].astype(np.float32), self.masks[start:end]

    def save(self, path: Path) -> None:
        buffer = io.BytesIO()
        np.savez(
            buffer,
            vocabulary=np.array(self.vocabulary, dtype=object).astype(str),
            offsets=self.offsets, docs=self.docs, weights=self.weights,
            masks=self.masks, idf=self.idf, doc_count=np.array([self.doc_count]),
            acronyms=np.array([json.dumps(self.acronyms, ensure_ascii=False)]),
        )
        write_atomic(path, buffer.getvalue())

    @classmethod
    def load(cls, path: Path) -> "Postings":
        with np.load(path, allow_pickle=False) as data:
            return cls(
                vocabulary=data["vocabulary"].tolist(), offsets=data["offsets"],
                docs=data["docs"], weights=data["weights"], masks=data["masks"],
                idf=data["idf"], doc_count=int(data["doc_count"][0]),
                acronyms=json.loads(str(data["acronyms"][0])),
            )


def build(items: Iterable[dict]) -> Postings:
    """The postings of `items`, in order: item i of the iterable is doc i.

    One pass cuts every item into (doc, term, field, tf) rows in flat arrays; NumPy then
    works out the BM25F weights and groups the rows by term, so 100,000 items fit in a
    few hundred megabytes instead of millions of Python tuples.
    """
    ids: dict[str, int] = {}
    doc_rows, term_rows, field_rows, tf_rows = array("i"), array("i"), array("B"), array("H")
    lengths = array("i")
    mined: dict[str, str] = {}
    count = 0
    for doc, item in enumerate(items):
        count += 1
        _mine_acronyms(item, mined)
        fields = item_fields(item)
        for slot, (field, _, _) in enumerate(FIELDS):
            field_terms = fields.get(field, [])
            lengths.append(len(field_terms))
            counted = Counter(field_terms)
            if not counted:
                continue
            size = len(counted)
            doc_rows.extend(repeat(doc, size))
            field_rows.extend(repeat(slot, size))
            term_rows.extend([ids.setdefault(word, len(ids)) for word in counted])
            tf_rows.extend([min(tf, 65535) for tf in counted.values()])
    postings = _pack(ids, doc_rows, term_rows, field_rows, tf_rows, lengths, count)
    postings.acronyms = acronym_module.table(mined)
    return postings


_ACRONYM_HINT = re.compile(r"\([A-ZÆØÅ]|[-–,]\s+[A-ZÆØÅ]{2,6}$", re.MULTILINE)


def _mine_acronyms(item: dict, found: dict[str, str]) -> None:
    if item.get("closed"):
        return
    text = whole_text(item)
    if _ACRONYM_HINT.search(text):
        for key, value in acronym_module.mine(text).items():
            found.setdefault(key, value)


def _pack(ids, doc_rows, term_rows, field_rows, tf_rows, lengths, count) -> Postings:
    """Group the (doc, term, field, tf) rows by term and doc and work out their weights.

    The rows come in doc order, so a stable sort by term alone puts them in (term, doc)
    order, and the rows of one term in one doc (its fields) next to each other. Every array
    made along the way has one small entry per row (the sort order is the one 8-byte one),
    and the weights are worked out in slices, so the peak stays a few times the rows.
    """
    rows = len(doc_rows)
    docs = np.frombuffer(doc_rows, dtype=np.int32) if rows else np.zeros(0, np.int32)
    slots = np.frombuffer(field_rows, dtype=np.uint8) if rows else np.zeros(0, np.uint8)
    tfs = np.frombuffer(tf_rows, dtype=np.uint16) if rows else np.zeros(0, np.uint16)
    field_lengths = np.frombuffer(lengths, dtype=np.int32).reshape(-1, len(FIELDS)) if count else np.zeros((0, 4))
    average = np.maximum(field_lengths.mean(axis=0) if count else np.ones(len(FIELDS)), 1.0)
    weight = np.array([w for _, w, _ in FIELDS], dtype=np.float32)
    b = np.array([b for _, _, b in FIELDS], dtype=np.float32)
    bits = np.array([f for f, _, _ in FIELDS], dtype=np.uint8)

    # Number terms in sorted order, then order rows by term (doc order kept within a term).
    vocabulary = sorted(ids)
    rank = np.empty(len(ids), dtype=np.int32)
    rank[[ids[word] for word in vocabulary]] = np.arange(len(vocabulary), dtype=np.int32)
    ranked = rank[np.frombuffer(term_rows, dtype=np.int32)] if rows else np.zeros(0, np.int32)
    order = np.argsort(ranked, kind="stable")
    sorted_terms = ranked[order]
    del ranked
    sorted_docs = docs[order]
    contribution = np.empty(rows, dtype=np.float32)
    field_bits = np.empty(rows, dtype=np.uint8)
    step = 1 << 20
    for low in range(0, rows, step):
        part = order[low:low + step]
        part_slots, part_docs = slots[part], docs[part]
        norm = 1.0 - b[part_slots] + b[part_slots] * field_lengths[part_docs, part_slots] / average[part_slots]
        contribution[low:low + step] = weight[part_slots] * tfs[part] / norm
        field_bits[low:low + step] = bits[part_slots]
    del order
    if rows:
        starts = np.flatnonzero(np.r_[True, (sorted_terms[1:] != sorted_terms[:-1]) | (sorted_docs[1:] != sorted_docs[:-1])])
        combined = np.add.reduceat(contribution, starts)
        masks = np.bitwise_or.reduceat(field_bits, starts)
        group_terms = sorted_terms[starts]
        group_docs = sorted_docs[starts]
    else:
        combined, masks = contribution, field_bits
        group_terms, group_docs = np.zeros(0, np.int32), np.zeros(0, np.int32)
    del contribution, field_bits, sorted_terms, sorted_docs
    sizes = np.bincount(group_terms, minlength=len(vocabulary)).astype(np.int64)
    offsets = np.zeros(len(vocabulary) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    weights = (combined / (K1 + combined)).astype(np.float16)
    # BM25's idf, floored so a term in every item still counts a little.
    idf = np.log(1.0 + (count - sizes + 0.5) / (sizes + 0.5)).astype(np.float32)
    return Postings(
        vocabulary, offsets, group_docs.astype(np.int32, copy=False), weights, masks.astype(np.uint8),
        np.maximum(idf, 0.01), count,
    )


def sidecar_path(store_path: Path, generation: str) -> Path:
    return store_path.with_name(f"{store_path.stem}.{generation}.npz")


def remove_stale(store_path: Path, keep: str) -> None:
    """Delete the postings files of generations other than `keep`."""
    remove_other_generations(store_path, "npz", sidecar_path(store_path, keep))
