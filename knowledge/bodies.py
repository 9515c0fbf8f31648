"""The bodies that meet and decide: their names as people say them, and what they are called.

A portal names a body as its case system does ("Byråd 2022-2025", "Klima-, Teknik- og
Miljøudvalget", "FORRETNINGSUDVALGET"); people say "Byrådet", "teknikudvalget", "ØU". The
store keeps the name as published; this module gives the name to show (`display_name`) and
the names a question may use for it (`aliases`, folded like every search term).
"""

from __future__ import annotations

import re
from functools import lru_cache

from knowledge.text import fold

# An electoral period or a year range after the name: "Byråd 2022-2025", "(2018-2021)".
_PERIOD = re.compile(r"\s*\(?\b(?:19|20)\d\d\s*[-–]\s*(?:19|20)?\d\d\)?\s*$")
# Compound names list their fields before the common last part:
# "Klima-, Teknik- og Miljøudvalget" → klima, teknik, miljø + udvalget.
_FIELDS = re.compile(r"([A-Za-zÆØÅæøåÉé]+)-(?:,|\s)")
# The common last part of a body's name, definite form first, with its indefinite form.
_GENERIC = {
    "udvalget": "udvalg", "udvalg": "udvalg", "rådet": "råd", "råd": "råd",
    "bestyrelsen": "bestyrelse", "bestyrelse": "bestyrelse",
    "direktionen": "direktion", "direktion": "direktion",
}
# The same body under the names different municipalities give it.
_SYNONYMS = {
    "byrådet": ("kommunalbestyrelsen", "byraadet", "br"),
    "kommunalbestyrelsen": ("byrådet", "kb"),
    "direktionen": ("direktion", "ledelsen", "chefgruppen"),
    "regionsrådet": ("rr",),
}


@lru_cache(maxsize=1024)
def display_name(raw: str) -> str:
    """The name a reader expects in a sentence: "Byråd 2022-2025" → "Byrådet",
    "FORRETNINGSUDVALGET" → "Forretningsudvalget", "Økonomiudvalget" as it is."""
    name = _PERIOD.sub("", " ".join(raw.split())).strip(" -–,")
    if not name:
        return raw.strip()
    if name.isupper() and len(name) > 3:
        name = name[0] + name[1:].lower()
    last = name.split()[-1]
    lower = last.lower()
    if lower.endswith(("udvalg", "råd", "bestyrelse", "direktion")):
        ending = "en" if lower.endswith("direktion") else ("n" if lower.endswith("bestyrelse") else "et")
        name = name[: len(name) - len(last)] + last + ending
    return name


@lru_cache(maxsize=1024)
def aliases(raw: str) -> frozenset[str]:
    """Folded names a question may use for this body: its whole name with and without the
    definite ending, its initials ("ØU", "KTMU"), each field of a compound name with the
    common last part ("kulturudvalget" for "Kultur- og Fritidsudvalget") and known synonyms."""
    shown = display_name(raw)
    lower = shown.lower()
    names = {lower, raw.lower().strip(), _PERIOD.sub("", raw.lower()).strip()}
    generic = next((word for word in _GENERIC if lower.endswith(word)), "")
    if generic:
        indefinite = _GENERIC[generic]
        names.add(lower[: len(lower) - len(generic)] + indefinite)
        fields = [field.lower() for field in _FIELDS.findall(shown)]
        head = lower.split()[-1]
        if fields:
            last_field = head[: len(head) - len(generic)]
            for field in fields + [last_field]:
                if field:
                    names.add(field + generic)
                    names.add(field + indefinite)
        # Initials only for a name that is one (compound) word, as "ØU" or "KTMU"; a
        # name of several words ("KMB IT-udvalget") has no such short form.
        if len([word for word in lower.split() if word != "og"]) == len(fields) + 1 and head != generic:
            letters = [field[0] for field in fields] + [head[0]]
            if letters[-1] != generic[0]:
                letters.append(generic[0])
            names.add("".join(letters))
    for name in list(names):
        names.update(_SYNONYMS.get(name, ()))
    return frozenset(fold(name) for name in names if name)
