"""Acronyms and what they stand for, so "FTV" finds "Fælles teknisk vedligeholdelse".

Two sources: a short list of acronyms that Danish municipalities use everywhere, and the
minutes themselves, which define their own ("Fælles Bygnings Vedligeholdelse (FBV)",
"Fælles teknisk vedligeholdelse - FTV"). A definition is accepted from the minutes only
when the acronym's letters are the initials of the words (or of their compound parts,
"bygningsvedligeholdelse" counting for B and V is not attempted: the words must be apart).
"""

from __future__ import annotations

import re

from knowledge.text import term, words

COMMON = {
    "ai": "kunstig intelligens",
    "some": "sociale medier",
    "kl": "kommunernes landsforening",
    "kb": "kommunalbestyrelsen",
    "ked": "kommunaldirektør",
    "oeu": "økonomi- og erhvervsudvalget",
    "amr": "arbejdsmiljørepræsentant",
    "tr": "tillidsrepræsentant",
    "med": "medindflydelse og medbestemmelse",
    "hr": "personale",
    "sosu": "social- og sundhed",
    "ppr": "pædagogisk psykologisk rådgivning",
    "gdpr": "databeskyttelsesforordningen",
    "apv": "arbejdspladsvurdering",
    "mus": "medarbejderudviklingssamtale",
}
# Words that name the same thing in municipal Danish, looked up like acronyms.
SYNONYMS = {
    "byråd": "kommunalbestyrelsen",
    "byrådet": "kommunalbestyrelsen",
    "kommunalbestyrelse": "byrådet",
    "facebook": "sociale medier",
    "instagram": "sociale medier",
    "linkedin": "sociale medier",
    "tiktok": "sociale medier",
    "twitter": "sociale medier",
    "corona": "covid",
    "coronavirus": "covid",
    "coronakrisen": "covid",
}

_DEFINED_BEFORE = re.compile(
    r"((?:[A-Za-zÆØÅæøå][\wæøåÆØÅ]*[\s\-]+){1,6}?)\(\s*([A-ZÆØÅ][A-Za-zÆØÅ]{1,5})\s*\)"
)
_DEFINED_AFTER = re.compile(r"^(.{4,80}?)\s+[-–,]\s+([A-ZÆØÅ]{2,6})$")


def _initials_match(acronym: str, phrase_words: list[str]) -> list[str] | None:
    letters = acronym.lower()
    # Take the shortest tail of the phrase whose initials spell the acronym.
    for size in range(len(letters), len(phrase_words) + 1):
        tail = phrase_words[-size:]
        initials = "".join(word[0] for word in tail if word)
        if initials == letters:
            return tail
        skipped = [word for word in tail if len(word) > 2]
        if "".join(word[0] for word in skipped) == letters and skipped:
            return skipped
    return None


def mine(text: str) -> dict[str, str]:
    """Acronym definitions written in `text`, as {acronym term: expansion}."""
    found: dict[str, str] = {}
    for match in _DEFINED_BEFORE.finditer(text):
        phrase = words(match.group(1))
        tail = _initials_match(match.group(2), phrase)
        if tail:
            found[term(match.group(2).lower())] = " ".join(tail)
    for line in text.splitlines():
        match = _DEFINED_AFTER.match(line.strip())
        if match:
            phrase = words(match.group(1))
            tail = _initials_match(match.group(2), phrase)
            if tail:
                found[term(match.group(2).lower())] = " ".join(tail)
    return found


def table(mined: dict[str, str]) -> dict[str, str]:
    """The acronyms the search knows: the common list, overridden by the minutes' own."""
    common = {term(key): value for key, value in {**COMMON, **SYNONYMS}.items()}
    return {**common, **mined}
