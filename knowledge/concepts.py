"""From the words of a question to the concepts the search looks for.

A concept is one thing the asker means ("hændelses log" is one concept, not two) with the
index terms that can stand for it, each with how sure the match is: the exact term (1.0),
a compound written apart or together, an acronym or its expansion, a misspelling matched
by rapidfuzz against the index vocabulary, or a longer compound that contains the word.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from knowledge.index.postings import Postings
from knowledge.text import fold, keeps, term, terms, words

# Similarity (rapidfuzz ratio, 0-100) a misspelt word needs to a vocabulary term. Short
# words need to be closer: one wrong letter in "kunst" is a different word.
FUZZY_CUTOFF = ((9, 80.0), (6, 84.0), (4, 88.0))
FUZZY_WEIGHT = 0.85
# Two common words found anywhere in an item are weak evidence of the compound.
SPLIT_WEIGHT = 0.6
JOIN_WEIGHT = 0.95
ACRONYM_WEIGHT = 0.9
AFFIX_WEIGHT = 0.45
AFFIX_LIMIT = 12
# The Danish stemmer does not always give one stem for one word's forms: "budget" stems to
# "budg" while "budgettet" stems to "budget". A term that differs from the question's only
# by such an ending is the same word, nearly as sure as the exact term.
INFLECTION_WEIGHT = 0.95
INFLECTIONS = ("et", "en", "er", "e", "s", "t", "ets", "ens", "ene", "erne")


@dataclass
class Variant:
    """Index terms that together stand for a concept (all must occur), and how sure."""

    term_ids: tuple[int, ...]
    weight: float


@dataclass
class Concept:
    words: tuple[str, ...]
    variants: list[Variant] = field(default_factory=list)
    idf: float = 0.0

    @property
    def unknown(self) -> bool:
        """No term of the minutes stands for this word, not even a near one."""
        return not any(variant.weight > AFFIX_WEIGHT for variant in self.variants)


class ConceptBuilder:
    """Turns question words into concepts against one index's vocabulary."""

    def __init__(self, postings: Postings) -> None:
        self.postings = postings
        self.lookup = postings.lookup
        self.vocabulary = postings.vocabulary
        self.max_idf = float(postings.idf.max()) if len(postings.idf) else 1.0
        self._affixes: dict[str, list[int]] | None = None
        self._acronyms = {key: terms(value) for key, value in postings.acronyms.items()}
        self._expansions = {tuple(value): key for key, value in self._acronyms.items() if value}

    def build(self, topic: str) -> list[Concept]:
        runs = _runs(topic)
        concepts: list[Concept] = []
        for run in runs:
            concepts.extend(self._run_concepts(run))
        for concept in concepts:
            self._weigh(concept)
        return concepts

    # --- one run of adjacent content words -------------------------------------------

    def _run_concepts(self, run: list[str]) -> list[Concept]:
        concepts: list[Concept] = []
        position = 0
        while position < len(run):
            taken = self._acronym_phrase(run, position, concepts) or self._join(run, position, concepts)
            if taken:
                position += taken
                continue
            concepts.append(self._single(run[position]))
            position += 1
        return concepts

    def _acronym_phrase(self, run: list[str], position: int, out: list[Concept]) -> int:
        """An acronym's expansion written out: the phrase, or the acronym, may match."""
        for size in (5, 4, 3, 2):
            phrase = tuple(term(word) for word in run[position:position + size])
            if len(phrase) == size and phrase in self._expansions:
                acronym = self._expansions[phrase]
                concept = Concept(tuple(run[position:position + size]))
                ids = self._ids(phrase)
                if ids:
                    concept.variants.append(Variant(ids, 1.0))
                if acronym in self.lookup:
                    concept.variants.append(Variant((self.lookup[acronym],), ACRONYM_WEIGHT))
                if concept.variants:
                    out.append(concept)
                    return size
        return 0

    def _join(self, run: list[str], position: int, out: list[Concept]) -> int:
        """A compound written apart: "hændelses log", "os2 rolle katalog", "team efect"."""
        for size in (3, 2):
            parts = run[position:position + size]
            if len(parts) < size:
                continue
            joined = term("".join(parts))
            if joined in self.lookup:
                out.append(Concept(tuple(parts), [Variant((self.lookup[joined],), JOIN_WEIGHT)]))
                return size
            known = [term(part) in self.lookup for part in parts]
            if all(known) or len(joined) < 6:
                continue
            match = self._fuzzy_one(joined, cutoff=88.0)
            if match is not None:
                term_id, score = match
                out.append(Concept(tuple(parts), [Variant((term_id,), JOIN_WEIGHT * score / 100)]))
                return size
        return 0

    def _single(self, word: str) -> Concept:
        concept = Concept((word,))
        key = term(word)
        if key in self.lookup:
            concept.variants.append(Variant((self.lookup[key],), 1.0))
        else:
            concept.variants.extend(self._fuzzy(key))
            plain = fold(word)
            if plain != key:
                # The stemmer may cut a misspelt word badly ("temeffekt" → "temeffek"): the
                # word as written is compared too.
                known = {variant.term_ids for variant in concept.variants}
                concept.variants.extend(v for v in self._fuzzy(plain) if v.term_ids not in known)
            split = self._split(key)
            if split:
                concept.variants.append(Variant(split, SPLIT_WEIGHT))
        for term_id in self._inflections(key):
            concept.variants.append(Variant((term_id,), INFLECTION_WEIGHT))
        expansion = self._acronyms.get(fold(word)) or self._acronyms.get(key)
        if expansion:
            ids = self._ids(expansion)
            if ids:
                concept.variants.append(Variant(ids, ACRONYM_WEIGHT))
        if len(key) >= 4:
            for term_id in self._affix_matches(key, exact=key in self.lookup):
                concept.variants.append(Variant((term_id,), AFFIX_WEIGHT))
        return concept

    # --- vocabulary look-ups -----------------------------------------------------------

    def _inflections(self, key: str) -> list[int]:
        """Terms that are `key` with a Danish ending more or less ("budg" and "budget")."""
        if len(key) < 4 or not key.isalpha():
            return []
        found = {key + ending for ending in INFLECTIONS}
        found.update(key[: -len(ending)] for ending in INFLECTIONS
                     if key.endswith(ending) and len(key) - len(ending) >= 4)
        found.discard(key)
        return [self.lookup[candidate] for candidate in sorted(found) if candidate in self.lookup]

    def _ids(self, phrase) -> tuple[int, ...]:
        ids = [self.lookup.get(part) for part in phrase]
        return tuple(ids) if all(i is not None for i in ids) else ()

    def _fuzzy_one(self, key: str, cutoff: float) -> tuple[int, float] | None:
        match = process.extractOne(key, self.vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff)
        if match is None:
            return None
        return match[2], match[1]

    def _fuzzy(self, key: str) -> list[Variant]:
        cutoff = next((value for length, value in FUZZY_CUTOFF if len(key) >= length), None)
        if cutoff is None:
            return []
        matches = process.extract(key, self.vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff, limit=3)
        return [Variant((index,), FUZZY_WEIGHT * score / 100) for _, score, index in matches]

    def _split(self, key: str) -> tuple[int, ...]:
        """A compound written together that the minutes have as two words: "teameffect"
        as "team effect", "brugerstyring" as "brugere" and "styring"."""
        best: tuple[int, ...] = ()
        best_idf = 0.0
        for cut in range(3, len(key) - 2):
            left = self._part_id(key[:cut])
            right = self._part_id(key[cut:])
            if left is not None and right is not None and left != right:
                idf = float(self.postings.idf[[left, right]].sum())
                if idf > best_idf:
                    best, best_idf = (left, right), idf
        return best

    def _part_id(self, part: str) -> int | None:
        for candidate in (part, term(part), part[:-1] if part[-1:] in ("s", "e") else ""):
            if len(candidate) >= 3 and candidate in self.lookup:
                return self.lookup[candidate]
        return None

    def _affix_matches(self, key: str, exact: bool) -> list[int]:
        """Longer compounds that start or end with the word: "portefølje" in "projektportefølje"."""
        if exact:
            found = self._affix_table().get(key, [])
        else:
            found = [
                index for index, word in enumerate(self.vocabulary)
                if len(word) > len(key) + 2 and (
                    (word.startswith(key) and self._is_part(word[len(key):]))
                    or (word.endswith(key) and self._is_part(word[: -len(key)]))
                )
            ]
        if len(found) > AFFIX_LIMIT:
            # Prefer the rarer compounds: they say more than a common one.
            found = sorted(found, key=lambda index: -self.postings.idf[index])[:AFFIX_LIMIT]
        return found

    def _affix_table(self) -> dict[str, list[int]]:
        if self._affixes is None:
            table: dict[str, list[int]] = {}
            for index, word in enumerate(self.vocabulary):
                if len(word) < 7 or not word.isalpha():
                    continue
                for cut in range(4, len(word) - 2):
                    head, rest = word[:cut], word[cut:]
                    if head in self.lookup and self._is_part(rest):
                        table.setdefault(head, []).append(index)
                    front, tail = word[:-cut], word[-cut:]
                    if tail in self.lookup and tail != head and self._is_part(front):
                        table.setdefault(tail, []).append(index)
            self._affixes = table
        return self._affixes

    def _is_part(self, part: str) -> bool:
        """Whether `part` is the other half of a compound: a term itself, give or take the
        linking s or e Danish puts between the parts ("bygning-s-vedligehold")."""
        if len(part) < 3:
            return False
        if part in self.lookup:
            return True
        for trimmed in (part[:-1] if part[-1] in "se" else None, part[1:] if part[0] in "se" else None):
            if trimmed and len(trimmed) >= 3 and trimmed in self.lookup:
                return True
        return False

    def _weigh(self, concept: Concept) -> None:
        """How much a concept matters: the rarity of the word the asker meant.

        That is the idf of the exact term when the minutes have it; else of the best
        stand-in (a corrected misspelling, a joined compound, an acronym). A longer compound
        that merely contains the word says nothing about the word's own rarity, and a word
        the minutes do not have at all counts as the rarest: a question about something the
        minutes never mention must not look answered by its incidental words.
        """
        strong = [variant for variant in concept.variants if variant.weight > AFFIX_WEIGHT]
        exact = [variant for variant in strong if variant.weight == 1.0 and len(variant.term_ids) == 1]
        chosen = exact or strong
        if not chosen:
            concept.idf = self.max_idf
            return
        concept.idf = max(float(self.postings.idf[list(v.term_ids)].mean()) for v in chosen)


def _runs(topic: str) -> list[list[str]]:
    """Content words in runs of neighbours; a function word breaks a run."""
    runs: list[list[str]] = [[]]
    for word in words(topic):
        if keeps(word):
            runs[-1].append(word)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]
