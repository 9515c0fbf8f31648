"""Scoring a question's concepts over the postings: only the items its terms occur in.

A question touches the items in the postings of its concepts' terms, usually a small part
of the archive. Scores, coverage and title share are worked out for those items alone, as
`Sparse` values (every other item's value is 0), so the work of a question grows with the
postings it reads, not with the number of items: at a million items, arrays the size of
the archive per concept and per question were most of the time of a question.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from knowledge.concepts import Concept
from knowledge.index.postings import DECISION, SUMMARY, TITLE, Postings

STRONG = TITLE | DECISION | SUMMARY


class Sparse:
    """A value per item, held for the items in `docs` (sorted); every other item has 0."""

    __slots__ = ("docs", "values")

    def __init__(self, docs: np.ndarray, values: np.ndarray) -> None:
        self.docs = docs
        self.values = values

    def __getitem__(self, doc: int) -> float:
        at = int(np.searchsorted(self.docs, doc))
        if at < len(self.docs) and self.docs[at] == doc:
            return float(self.values[at])
        return 0.0

    def copy(self) -> "Sparse":
        return Sparse(self.docs, self.values.copy())

    def of(self, docs) -> dict[int, float]:
        """The values of a few `docs` (all held here), as a dict for repeated reading."""
        wanted = np.asarray(docs, dtype=self.docs.dtype)
        return dict(zip(wanted.tolist(), self.values[np.searchsorted(self.docs, wanted)].tolist()))


@dataclass
class Scores:
    """What a question's concepts give the items they touch, aligned on `docs`."""

    docs: np.ndarray
    score: Sparse
    coverage: Sparse
    title_share: Sparse


def score(postings: Postings, concepts: list[Concept], recency: np.ndarray) -> Scores:
    """BM25F sums of `concepts` per touched item, shaped by how much of the question each
    item covers, its title most of all, and by `recency` (per item of the whole index)."""
    found = [[(variant.weight, variant_postings(postings, variant.term_ids)) for variant in concept.variants]
             for concept in concepts]
    docs, place = _touched([docs for variants in found for _, (docs, _, _) in variants], len(recency))
    size = len(docs)
    total = np.zeros(size, dtype=np.float32)
    covered = np.zeros(size, dtype=np.float32)
    title_cover = np.zeros(size, dtype=np.float32)
    weight_sum = sum(concept.idf for concept in concepts)
    for concept, variants in zip(concepts, found):
        best, mask, quality = _concept_scores(variants, place, size)
        # Whole arrays: an item the concept does not touch has 0 in `best` and `quality`
        # and no field in `mask`, so it adds nothing, and contiguous arithmetic is several
        # times faster than picking out the touched items first.
        total += concept.idf * best
        covered += concept.idf * quality * np.where((mask & STRONG) == 0, 0.5, 1.0)
        title_cover += concept.idf * ((mask & TITLE) != 0)
    coverage = covered / weight_sum
    title_share = title_cover / weight_sum
    # An item that covers the whole question beats one that matches a single word
    # many times; a title that says what was asked beats the case text.
    values = total * (0.25 + 0.75 * coverage ** 2) * (1.0 + title_share) * recency[docs]
    return Scores(docs, Sparse(docs, values), Sparse(docs, coverage), Sparse(docs, title_share))


def _touched(parts: list[np.ndarray], count: int) -> tuple[np.ndarray, np.ndarray]:
    """The sorted union of `parts` (doc numbers below `count`), and a map from a doc to its
    place in the union (valid only for docs in it). Marking a byte per item and scanning
    it is linear, where sorting the concatenated postings of common words was not."""
    if not parts:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    if len(parts) == 1:
        docs = parts[0]
    else:
        marked = np.zeros(count, dtype=bool)
        for part in parts:
            marked[part] = True
        docs = np.flatnonzero(marked).astype(np.int32)
    place = np.empty(count, dtype=np.int32)
    place[docs] = np.arange(len(docs), dtype=np.int32)
    return docs, place


def _concept_scores(variants, place: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per touched item: the best score of any variant, the fields it was found in, and how
    sure the match is (1 for the exact word, less for a misspelling or a compound)."""
    best = np.zeros(size, dtype=np.float32)
    mask = np.zeros(size, dtype=np.uint8)
    quality = np.zeros(size, dtype=np.float32)
    first = True
    for weight, (docs, weights, masks) in variants:
        if not len(docs):
            continue
        at = place[docs]
        values = weights * weight
        if first:  # nothing to compare with yet (every weight is above 0)
            best[at], mask[at], quality[at] = values, masks, weight
            first = False
            continue
        better = values > best[at]
        best[at[better]] = values[better]
        mask[at[better]] = masks[better]
        quality[at] = np.maximum(quality[at], weight)
    return best, mask, quality


def variant_postings(postings: Postings, term_ids: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The items all of `term_ids` occur in, with the weakest weight and all their fields."""
    docs, weights, masks = postings.slice(term_ids[0])
    for term_id in term_ids[1:]:
        other_docs, other_weights, other_masks = postings.slice(term_id)
        docs, left, right = np.intersect1d(docs, other_docs, assume_unique=True, return_indices=True)
        weights = np.minimum(weights[left], other_weights[right])
        masks = masks[left] | other_masks[right]
    return docs, weights, masks
