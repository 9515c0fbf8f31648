"""Ranking agenda items for a question, and deciding when nothing answers it.

The question is parsed (`knowledge.question`), its topic turned into concepts
(`knowledge.concepts`), and every item scored with the BM25F weights of the postings,
concept by concept, taking for each concept the best of its variants. Scores are then
shaped by how much of the question an item covers, its title most of all. Journal
numbers, meeting dates and "seneste" change the shape of the answer, not just the order.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from knowledge.bodies import BodyMatcher, aliases, display_name
from knowledge.cases import MAX_CASES, Cases, normalise_case
from knowledge.concepts import AFFIX_WEIGHT, ConceptBuilder
from knowledge.index.postings import Postings
from knowledge.index.texts import Texts
from knowledge.meetings import Meetings
from knowledge.question import Question, parse_question
from knowledge.results import Hit, Result, make_hit
from knowledge.scoring import Sparse
from knowledge.scoring import score as score_concepts
from knowledge.text import fold, terms, words

__all__ = ["Hit", "Result", "Searcher", "make_hit", "normalise_case"]

CANDIDATES = 50
# An open item that covers a question as fully as a closed one and scores at least this
# share of it comes first: the closed item can show no more than its title.
CLOSED_OUTRANK = 0.25
# ... unless the question names the closed item: half its title's words asked
# ("møde med borgmesteren" names "Møde med borgmesteren"; "budget" does not name
# "Budget 2027-2030 for Økonomi- og Erhvervsudvalget").
NAMED_SHARE = 0.5
# "Se også" lists this many items after the answer.
SEE_ALSO = 4
# Newer decisions are what people ask about: an item's score is raised by up to this
# share, halving with every RECENCY_HALF_LIFE years of age relative to the newest meeting
# in the index. It orders near-equal matches by date and keeps a long archive's old
# items from burying this year's decision on the same subject.
RECENCY = 0.5
RECENCY_HALF_LIFE = 2.0
# Scores within this fraction of each other count as equally good: the newer item wins.
TIE = 0.97
# With "seneste", every item at least this close to the best is a candidate for newest.
LATEST_BAND = 0.6
# How much of the question an answer must cover before the bot dares to answer; below
# it, "nothing in the minutes answers this". Coverage is the idf-weighted share of the
# question's concepts found in the item, each counted by how sure the match is (a
# misspelling or a split compound less than the exact word) and at half when found only
# in the case text. Chosen on data with `beslutningsbot bench --calibrate` over the 25
# development questions, 75 held-out questions of the same kinds written apart from the
# code (tests/data/questions_heldout.jsonl) and 25 unanswerable ones
# (tests/data/calibration_none.jsonl): every answerable question's first hit covers at
# least 0.50, while the unanswerable ones without an unknown word reach at most 0.27
# (one, which names a school that an item does mention, reaches 0.63 and is missed).
MIN_COVERAGE = 0.45
# A question with a word the minutes do not know at all, not even misspelt or as parts
# of a compound, is likely about something outside them, so it must match more of the
# rest: unanswerable questions with such a word reach 0.57 on the same data.
MIN_COVERAGE_UNKNOWN = 0.6


class Searcher:
    """The search over one loaded index: items in doc order and their postings."""

    def __init__(self, items: list[dict], postings: Postings, meetings: dict[str, dict] | None = None,
                 texts: Texts | None = None) -> None:
        self.items = items
        self.texts = texts
        self._doc_of: dict[str, int] | None = None
        self.meetings = meetings or {}
        self.postings = postings
        self.concepts = ConceptBuilder(postings)
        self.dates = np.array([date.fromisoformat(row["date"]).toordinal() for row in items], dtype=np.int32)
        self.years = np.array([int(row["date"][:4]) for row in items], dtype=np.int32)
        self.closed = np.array([bool(row.get("closed")) for row in items], dtype=bool)
        newest = int(self.dates.max()) if len(items) else 0
        age_years = (newest - self.dates.astype(np.float32)) / 365.25
        self.recency = (1.0 + RECENCY * 0.5 ** (age_years / RECENCY_HALF_LIFE)).astype(np.float32)
        self.calendar = Meetings(items, self.meetings)
        times = {meeting_id: row.get("time") or "" for meeting_id, row in self.calendar.rows.items()}
        self.cases = Cases(items, self.dates, times, self.item)
        self.by_case = self.cases.by_case
        self.by_meeting = self.calendar.items_of
        self.meeting_dates = sorted({(row["date"], row["meeting_id"]) for row in items})
        self.meeting_years = {int(day[:4]) for day, _ in self.meeting_dates}
        names = sorted({row.get("body", "") or "" for row in items})
        number = {name: position for position, name in enumerate(names)}
        self.body_names = names
        self.body_of = np.array([number[row.get("body", "") or ""] for row in items], dtype=np.int32)
        self.bodies = BodyMatcher(name for name in names if name)
        self.several_bodies = len({display_name(name) for name in names if name}) > 1

    # --- items with their texts ---------------------------------------------------------

    def item(self, doc: int) -> dict:
        """Item `doc` with its long texts: the one way to them for every reader of an item's
        sections (answers, cards, follow-ups); `self.items` holds the rows without them."""
        row = self.items[doc]
        if self.texts is None or row.get("closed"):
            return row
        return row | self.texts.get(doc)

    def item_by_id(self, ident: str) -> dict | None:
        if self._doc_of is None:
            self._doc_of = {row["id"]: doc for doc, row in enumerate(self.items)}
        doc = self._doc_of.get(ident)
        return None if doc is None else self.item(doc)

    # --- entry point -------------------------------------------------------------------

    def answer(self, text: str, limit: int = 5, today: date | None = None) -> Result:
        """The answer's shape for `text`: its kind, the ranked hits, and suggestions when
        nothing answers."""
        question = parse_question(text, today=today, bodies=self.bodies)
        result = self._dispatch(question, limit)
        unheld = [] if question.bodies or question.case_numbers else self.bodies.unheld(text)
        if unheld and not (result.kind == "answer" and self._speaks_of(result.hits[0], unheld)):
            # "hvad besluttede direktionen om …" over a town's committees: say whose
            # meetings the minutes hold, and offer what others decided.
            elsewhere = result.hits if result.kind == "answer" else []
            result = Result("none", question, suggestions=elsewhere, reason="unknown_body", elsewhere=elsewhere,
                            unheld=[shown for shown, _ in unheld],
                            held=sorted({display_name(name) for name in self.body_names if name}))
        result.bodies = [display_name(name) for name in question.bodies]
        result.bodies = list(dict.fromkeys(result.bodies))
        result.several_bodies = self.several_bodies
        return result

    def _dispatch(self, question: Question, limit: int) -> Result:
        if question.case_numbers:
            return self._case(question, limit)
        if question.meeting or (not question.topic.strip() and (question.date_from or question.date_to
                                                                   or question.latest or question.bodies)):
            return self._meeting(question)
        if not question.topic.strip():
            return Result("empty", question)
        return self._topic(question, limit)

    # --- shapes of answer --------------------------------------------------------------

    def _case(self, question: Question, limit: int) -> Result:
        wanted = [normalise_case(case) for case in question.case_numbers]
        docs = [doc for case in wanted for doc in self.by_case.get(case, [])]
        if docs:
            docs = self.cases.order(docs)
            return Result("case", question, self._hits(docs[:max(limit, 20)], 1.0))
        begun = [case for number in wanted for case in self.cases.beginning_with(number)]
        begun = list(dict.fromkeys(begun))
        if len(begun) == 1:
            return Result("case", question, self._hits(self.cases.docs(begun[0])[:max(limit, 20)], 1.0))
        if begun:
            shown = begun[:MAX_CASES]
            hits = self._hits([self.cases.docs(case)[0] for case in shown], 1.0)
            return Result("cases", question, hits, cases=[self.cases.summary(case) for case in shown])
        near = list(dict.fromkeys(case for number in wanted for case in self.cases.nearest(number)))
        suggestions = [make_hit(self.item(self.cases.docs(case)[0]), 0.0) for case in near]
        return Result("none", question, suggestions=suggestions, reason="unknown_case",
                      cases=[self.cases.summary(case) for case in near])

    def _meeting(self, question: Question) -> Result:
        low = question.date_from.isoformat() if question.date_from else "0000"
        high = question.date_to.isoformat() if question.date_to else "9999"
        rows = self.calendar.select(low, high, question.bodies, question.time)
        if not rows:
            nearest = self._nearest_meetings(question)
            return Result("none", question, suggestions=nearest,
                          reason="no_meetings_in_period" if question.date_from or question.date_to else "",
                          meetings=self._nearest_choices(question))
        if not question.date_from and not question.date_to:
            rows = [row for row in rows if row["date"] == rows[-1]["date"]]  # the latest day
        bodies = {display_name(row["body"] or "") for row in rows}
        same_day = len({row["date"] for row in rows}) == 1
        if len(rows) > 1 and (len(bodies) > 1 or same_day):
            return Result("meetings", question, meetings=self.calendar.choices(rows))
        meeting = rows[-1]["id"]
        docs = sorted(self.by_meeting[meeting], key=lambda doc: self.items[doc]["number"])
        hits = self._hits(docs, 1.0)
        return Result("meeting", question, hits, meeting=self.meetings.get(meeting) or self.calendar.rows[meeting])

    def _nearest_meetings(self, question: Question) -> list[Hit]:
        target = question.date_from or question.date_to
        if not target:
            return []
        rows = self.calendar.nearest(target, question.bodies)
        return [make_hit(self.item(self.by_meeting[row["id"]][0]), 0.0) for row in rows]

    def _nearest_choices(self, question: Question) -> list[dict]:
        target = question.date_from or question.date_to
        if not target:
            return []
        return self.calendar.choices(self.calendar.nearest(target, question.bodies), newest_first=False)

    def _topic(self, question: Question, limit: int) -> Result:
        topic = question.topic
        if question.year_hint and question.year_hint not in self.meeting_years:
            # No meeting in that year, so the number is part of the subject ("Lemvig 2040").
            topic = f"{topic} {question.year_hint}"
        concepts = self.concepts.build(topic)
        if not self.items:
            return Result("none", question)
        if not concepts:
            return Result("empty", question)
        if question.date_from or question.date_to:
            low = question.date_from.isoformat() if question.date_from else "0000"
            high = question.date_to.isoformat() if question.date_to else "9999"
            if not self.calendar.select(low, high):
                # No meeting at all in the period: say so and name the nearest meetings.
                return Result("none", question, suggestions=self._nearest_meetings(question),
                              reason="no_meetings_in_period", meetings=self._nearest_choices(question))
        scores = score_concepts(self.postings, concepts, self.recency)
        score, coverage, title_cover, touched = scores.score, scores.coverage, scores.title_share, scores.docs
        if question.date_from or question.date_to:
            low = question.date_from.toordinal() if question.date_from else -1
            high = question.date_to.toordinal() if question.date_to else 10**9
            dates = self.dates[touched]
            score.values[(dates < low) | (dates > high)] = 0.0
        if question.year_hint:
            # A year beside the topic ("FBV 2024") prefers that year's meetings and titles.
            score.values[self.years[touched] == question.year_hint] *= 1.25
        needed = MIN_COVERAGE_UNKNOWN if any(c.unknown for c in concepts) else MIN_COVERAGE
        everywhere = None
        if question.bodies:
            everywhere = score.copy()
            score.values[~np.isin(self.body_of[touched], self._body_numbers(question.bodies))] = 0.0
        asked = {self.postings.vocabulary[term_id] for concept in concepts
                 for variant in concept.variants if variant.weight > AFFIX_WEIGHT for term_id in variant.term_ids}
        ranked = self._rank(score, question, coverage, needed, asked)
        best = float(coverage[ranked[0]]) if ranked else 0.0
        if best < needed:
            if everywhere is not None:
                other = self._rank(everywhere, question, coverage, needed, asked)
                if other and coverage[other[0]] >= needed and self._mentions(other[0], question.bodies):
                    # "temadage for byrådet" decided by Direktionen: the body named is what
                    # the best item is about, not who decided it.
                    hits = self._hits(other[:limit], everywhere)
                    return Result("answer", question, hits, coverage=float(coverage[other[0]]),
                                  see_also=self._see_also(other, everywhere, question))
                if other and coverage[other[0]] >= needed:
                    elsewhere = self._hits(other[:3], everywhere)
                    return Result("none", question, suggestions=elsewhere, coverage=best,
                                  reason="body_has_nothing", elsewhere=elsewhere)
            return Result("none", question, suggestions=self._suggest(score, title_cover), coverage=best)
        if question.latest:
            ranked = self._last_stage_first(ranked, score, question)
        hits = self._hits(ranked[:limit], score)
        return Result("answer", question, hits, coverage=best,
                      see_also=self._see_also(ranked, score, question))

    def _body_numbers(self, bodies: tuple[str, ...]) -> list[int]:
        return [position for position, name in enumerate(self.body_names) if name in bodies]

    def _hits(self, docs: list[int], score) -> list[Hit]:
        hits = []
        for doc in docs:
            value = score if isinstance(score, float) else float(score[doc])
            hit = make_hit(self.item(doc), value)
            if hit.case_number:
                hit.stages = self.cases.stages(hit.case_number)
            hits.append(hit)
        return hits

    def _last_stage_first(self, ranked: list[int], score: Sparse, question: Question) -> list[int]:
        """With "seneste", the newest stage of the best case comes first: the case went on
        from the committee to Økonomiudvalget and Byrådet under the same number."""
        case = self.items[ranked[0]].get("case_number")
        if not case or self.items[ranked[0]].get("closed"):
            return ranked
        stages = [doc for doc in self.cases.docs(case) if score[doc] > 0]
        # The case's newest stage, by date and the meeting's time (Byrådet meets last).
        if stages and stages[0] != ranked[0] and self.dates[stages[0]] >= self.dates[ranked[0]]:
            return [stages[0]] + [doc for doc in ranked if doc != stages[0]]
        return ranked

    def _see_also(self, ranked: list[int], score: Sparse, question: Question) -> list[Hit]:
        """The next items, none closed unless asked for, and a case's stages at other bodies
        not again: under one number and title, the fagudvalg's, Økonomiudvalget's and
        Byrådet's items are one subject (the first hit's `stages` holds them all). The same
        body treating it again on another day, or an item of the case with another title
        ("… - Projektportefølje"), is something else to see."""
        def subject(row: dict) -> tuple[str, str]:
            return (row.get("case_number") or row["id"], " ".join(row.get("title", "").lower().split()))

        bodies_of: dict[tuple[str, str], set[str]] = {}
        first = self.items[ranked[0]]
        bodies_of[subject(first)] = {first.get("body", "")}
        chosen: list[int] = []
        for doc in ranked[1:]:
            row = self.items[doc]
            if row.get("closed") and not question.closed_wanted:
                continue
            key, body = subject(row), row.get("body", "")
            if key in bodies_of and body not in bodies_of[key]:
                continue
            bodies_of.setdefault(key, set()).add(body)
            chosen.append(doc)
            if len(chosen) == SEE_ALSO:
                break
        return self._hits(chosen, score)

    def matching(self, topic: str) -> set[str]:
        """Ids of every item that answers `topic` well enough to be shown for it: the items
        a topic subscription ("abonner digitalisering") follows."""
        concepts = self.concepts.build(parse_question(topic).topic or topic)
        if not concepts or not self.items:
            return set()
        coverage = score_concepts(self.postings, concepts, self.recency).coverage
        needed = MIN_COVERAGE_UNKNOWN if any(c.unknown for c in concepts) else MIN_COVERAGE
        return {self.items[doc]["id"] for doc in coverage.docs[coverage.values >= needed].tolist()}

    def _rank(self, scores: Sparse, question: Question, coverage: Sparse, needed: float,
              asked: set[str] = frozenset()) -> list[int]:
        positive = int(np.count_nonzero(scores.values))
        if not positive:
            return []
        size = min(CANDIDATES, positive)
        top = np.sort(scores.docs[np.argpartition(-scores.values, size - 1)[:size]])
        score, coverage = scores.of(top), coverage.of(top)
        ordered = sorted(top.tolist(), key=lambda doc: (-score[doc], -self.dates[doc]))
        if question.latest:
            band = score[ordered[0]] * LATEST_BAND
            near = [doc for doc in ordered if score[doc] >= band]
            rest = [doc for doc in ordered if score[doc] < band]
            ordered = sorted(near, key=lambda doc: (-self.dates[doc], -score[doc])) + rest
        else:
            ordered = _newer_first_among_ties(ordered, score, self.dates)
        if question.closed_wanted:
            return ordered
        # A closed item shows only its title: it may be named, but an open item that
        # answers as well (covers as much of the question, with a score not far below)
        # comes before it.
        place: dict[int, float] = {}
        for position, doc in enumerate(ordered):
            if not self.closed[doc] or self._named(doc, asked):
                place[doc] = position
                continue
            beaten = [spot for spot, other in enumerate(ordered) if not self.closed[other]
                      and coverage[other] >= coverage[doc] and score[other] >= CLOSED_OUTRANK * score[doc]]
            place[doc] = max([position] + [spot + 0.5 for spot in beaten])
        return sorted(ordered, key=lambda doc: place[doc])

    def _mentions(self, doc: int, bodies: tuple[str, ...]) -> bool:
        """Whether an item's title, summary, recommendation or decision speaks of one of
        `bodies` by any of its names (its case text names bodies in passing)."""
        row = self.item(doc)
        said = " ".join(row.get(name, "") for name in ("title", "resume", "indstilling", "decision"))
        text = " " + " ".join(fold(word) for word in words(said)) + " "
        return any(f" {name} " in text for body in bodies for name in aliases(body) if len(name) > 3)

    def _speaks_of(self, hit: Hit, unheld: list[tuple[str, str]]) -> bool:
        """Whether an item is about a body the minutes hold no meetings of
        ("Handicaprådets årsberetning" for "hvad besluttede handicaprådet …")."""
        item = hit.item or {}
        said = fold(" ".join(str(item.get(name) or "") for name in ("title", "resume", "indstilling", "decision")))
        return any(stem in said for _, stem in unheld)

    def _named(self, doc: int, asked: set[str]) -> bool:
        """Whether the question names this closed item: most of its title's words asked."""
        title = set(terms(self.items[doc].get("title", "")))
        return bool(title) and len(title & asked) >= NAMED_SHARE * len(title)

    def _suggest(self, score: Sparse, title_cover: Sparse) -> list[Hit]:
        weighted = score.values + title_cover.values
        if not np.any(weighted):
            return []
        top = np.argsort(-weighted)[:3]
        return [make_hit(self.item(int(score.docs[at])), 0.0) for at in top if weighted[at] > 0]


def _newer_first_among_ties(ordered: list[int], score: dict[int, float], dates: np.ndarray) -> list[int]:
    result: list[int] = []
    group: list[int] = []
    for doc in ordered:
        if group and score[doc] < TIE * score[group[0]]:
            result.extend(sorted(group, key=lambda d: -dates[d]))
            group = []
        group.append(doc)
    result.extend(sorted(group, key=lambda d: -dates[d]))
    return result
