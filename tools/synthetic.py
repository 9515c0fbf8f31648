"""Synthetic minutes for the benchmark: many meetings made from the samples' vocabulary.

The words come from the bundled minutes, drawn by how often they occur there, so common
words stay common and rare ones rare; the sentences are random, so no synthetic item
repeats a real one. The meetings are dated in the twenty years before the earliest
sample (an archive behind the current minutes), written in the plain-text layout, and go
through the same files, parser and indexer as real minutes.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Iterator

from knowledge.dates import MONTH_NAMES
from knowledge.text import WORD

BODIES = ("Direktionen", "Økonomiudvalget", "Teknik- og Miljøudvalget", "Social- og Sundhedsudvalget",
          "Børne- og Skoleudvalget", "Kommunalbestyrelsen", "Digitaliseringsstyregruppen")
ITEMS_PER_MEETING = 8
WEEKDAYS = ("Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag", "Lørdag", "Søndag")


class Vocabulary:
    """Words of the sample minutes with their frequencies, for drawing random text."""

    def __init__(self, texts: list[str], rng: random.Random) -> None:
        counts = Counter(
            word.lower() for text in texts for word in WORD.findall(text)
            if len(word) >= 2 and not word.isdigit()
        )
        self.words = list(counts)
        self.cumulative = list(accumulate(counts.values()))
        self.rng = rng

    def draw(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=count)

    def sentence(self, low: int, high: int) -> str:
        words = self.draw(self.rng.randint(low, high))
        return " ".join(words).capitalize() + "."

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.sentence(6, 18) for _ in range(sentences))


def _journal(rng: random.Random, year: int) -> str:
    return (f"{rng.randint(0, 88):02d}.{rng.randint(0, 40):02d}.{rng.randint(0, 20):02d}"
            f"{rng.choice('ABGIPS')}{rng.randint(0, 40):02d}-{rng.randint(1, 60)}-{year % 100:02d}")


def _item(vocabulary: Vocabulary, rng: random.Random, number: int, year: int, closed: bool) -> list[str]:
    title = " ".join(vocabulary.draw(rng.randint(2, 6))).capitalize()
    if closed:
        return [f"Punkt {number}: Lukket: {title}", "", _journal(rng, year), ""]
    lines = [f"Punkt {number}: {title}", "", _journal(rng, year), "",
             "Resumé", "", vocabulary.paragraph(2), "",
             "Indstilling", "", "Kommunaldirektøren indstiller:", ""]
    lines += [f"- At {vocabulary.sentence(5, 12).lower()}" for _ in range(rng.randint(1, 3))]
    lines += ["", "Beslutning", "", vocabulary.paragraph(rng.randint(1, 3)), "",
              "Sagsfremstilling", ""]
    for _ in range(rng.randint(2, 5)):
        lines += [vocabulary.paragraph(rng.randint(2, 4)), ""]
    lines += ["Bilag", "", " ".join(vocabulary.draw(4)).capitalize(), ""]
    return lines


def minutes(count: int, texts: list[str], before: date, seed: int = 7) -> Iterator[tuple[str, str]]:
    """`count` synthetic minutes as (file name, text), dated in the 20 years before `before`."""
    rng = random.Random(seed)
    vocabulary = Vocabulary(texts, rng)
    first = before - timedelta(days=365 * 20)
    span = (before - first).days - 1
    for number in range(count):
        day = first + timedelta(days=int(span * number / max(count, 1)))
        body = BODIES[number % len(BODIES)]
        # A body meets several times a day once the archive passes 7 meetings a day (about
        # 400,000 items): each meeting gets its own time, or they would be one meeting.
        slot = (number // len(BODIES)) % 40
        time = f"{8 + slot // 4:02d}:{15 * (slot % 4):02d}"
        lines = [f"REFERAT {body} d. {day:%d-%m-%Y}", "",
                 f"Mødedato {WEEKDAYS[day.weekday()]} d. {day.day:02d}. {MONTH_NAMES[day.month]} {day.year} kl. {time}",
                 "", "Mødested Mødelokale " + str(rng.randint(1, 9)), ""]
        for item in range(1, ITEMS_PER_MEETING + 1):
            lines += _item(vocabulary, rng, item, day.year, closed=item == ITEMS_PER_MEETING)
        yield f"synthetic-{number:06d}.txt", "\n".join(lines)


def write(folder: Path, items: int, texts: list[str], before: date, seed: int = 7) -> int:
    """Write enough synthetic minutes for about `items` agenda items; returns the count written."""
    folder.mkdir(parents=True, exist_ok=True)
    meetings = -(-items // ITEMS_PER_MEETING)
    for name, text in minutes(meetings, texts, before, seed):
        (folder / name).write_text(text, encoding="utf-8")
    return meetings * ITEMS_PER_MEETING
