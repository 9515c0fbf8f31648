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
        # A name of several words is also called by its last word when that names the body
        # on its own: "IT-udvalget" for "KMB IT-udvalget".
        if len(lower.split()) > 1 and head != generic and "og" not in lower.split():
            names.add(head)
            names.add(head[: len(head) - len(generic)] + indefinite)
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


# --- finding the bodies a question names ------------------------------------------------------------

_TOKEN = re.compile(r"[^\W_]+")
_POSSESSIVE = re.compile(r"['’´`]s(?!\w)")
# A token that may end a body's name, and the generic last part it ends with.
_HEADS = ("udvalgets", "udvalget", "udvalgs", "udvalg", "rådets", "rådet", "råds", "råd",
          "bestyrelsens", "bestyrelsen", "bestyrelse", "direktionens", "direktionen", "direktion")
# The definite ends of a body's name (genitive first) and the stem each leaves.
_UNHELD_HEADS = tuple((fold(head), fold(stem)) for head, stem in (
    ("udvalgets", "udvalg"), ("udvalget", "udvalg"), ("rådets", "råd"), ("rådet", "råd"),
    ("bestyrelsens", "bestyrelse"), ("bestyrelsen", "bestyrelse"),
    ("direktionens", "direktion"), ("direktionen", "direktion")))
_FOLDED_HEADS = tuple(sorted({fold(head) for head in _HEADS}, key=len, reverse=True))
# Typos are tolerated in names at least this long, at this rapidfuzz similarity.
FUZZY_MIN_LENGTH = 7
FUZZY_CUTOFF = 87.0


def _field(word: str) -> str:
    """A field of a compound name, folded, without the linking s ("beskæftigelses")."""
    word = fold(word)
    return word[:-1] if len(word) > 4 and word.endswith("s") else word


@lru_cache(maxsize=1024)
def fields(raw: str) -> frozenset[str]:
    """The fields a body's name lists: "Klima-, Teknik- og Miljøudvalget" → klima, teknik, miljø."""
    shown = display_name(raw)
    found = {_field(word) for word in _FIELDS.findall(shown)}
    head = fold(shown.split()[-1]) if shown.split() else ""
    generic = next((g for g in _FOLDED_HEADS if head.endswith(g) and len(head) > len(g)), "")
    if generic:
        found.add(_field(head[: len(head) - len(generic)]))
    return frozenset(part for part in found if part)


class BodyMatcher:
    """Finds the bodies of one index that a question names, as people name them: whole
    ("Klima-, Teknik- og Miljøudvalget"), shortened ("teknikudvalget", "teknik- og
    miljøudvalget"), by initials ("ØU"), definite or not, in the genitive, or misspelt."""

    def __init__(self, names) -> None:
        self.names = tuple(sorted({name for name in names if name}))
        self.phrases: dict[tuple[str, ...], set[str]] = {}
        for name in self.names:
            for alias in aliases(name):
                tokens = tuple(_TOKEN.findall(alias))
                if tokens:
                    self.phrases.setdefault(tokens, set()).add(name)
        self.longest = max((len(tokens) for tokens in self.phrases), default=0)
        self.singles = [tokens[0] for tokens in self.phrases if len(tokens) == 1 and len(tokens[0]) >= FUZZY_MIN_LENGTH]
        self.fields = {name: fields(name) for name in self.names}
        self.kinds = {name: _kind(fold(display_name(name))) for name in self.names}

    def find(self, text: str) -> tuple[tuple[str, ...], str]:
        """The bodies `text` names (as stored), and `text` with those names blanked out."""
        found: list[str] = []
        for start, end, names in reversed(self.mentions(text)):
            found[:0] = [name for name in sorted(names) if name not in found]
            text = text[:start] + " " + text[end:]
        return tuple(dict.fromkeys(found)), text

    def mentions(self, text: str) -> list[tuple[int, int, frozenset[str]]]:
        """Where `text` names a body of this index: (start, end, the bodies' stored names)."""
        if not self.names:
            return []
        tokens = [(m.start(), m.end(), fold(m.group(0)), m.group(0)) for m in _TOKEN.finditer(text)]
        found: list[tuple[int, int, frozenset[str]]] = []
        position = 0
        while position < len(tokens):
            match = self._match_at(text, tokens, position)
            if match is None:
                position += 1
                continue
            first, last, names = match
            start, end = tokens[first][0], tokens[last][1]
            # "teknik og miljøudvalget": a field written before without its hyphen.
            if first >= 2 and tokens[first - 1][2] == "og" and all(
                    _has_field(self.fields[name], _field(tokens[first - 2][2])) for name in names):
                start = tokens[first - 2][0]
            possessive = _POSSESSIVE.match(text, end)  # "ØU's"
            if possessive:
                end = possessive.end()
            found.append((start, end, frozenset(names)))
            position = last + 1
        return found

    def unheld(self, text: str) -> list[tuple[str, str]]:
        """Bodies `text` names that this index holds no meetings of ("direktionen" over a
        town's committees): (the name as a reader expects it, its folded stem). Only a
        definite name counts; "udvalget" alone names no body in particular."""
        if not self.names:
            return []
        taken = [(start, end) for start, end, _ in self.mentions(text)]
        found: dict[str, tuple[str, str]] = {}
        for match in _TOKEN.finditer(text):
            if any(start <= match.start() < end for start, end in taken):
                continue
            word = fold(match.group(0))
            for head, stem_end in _UNHELD_HEADS:
                if word.endswith(head) and (len(word) > len(head) + 2 or head.startswith("direktion")):
                    stem = word[: len(word) - len(head)] + stem_end
                    shown = match.group(0)[: len(match.group(0)) - (1 if head.endswith("s") else 0)]
                    shown = shown.lower()
                    if not re.search("[æøå]", shown):  # "regionsraadet" as the reader knows it
                        shown = shown.replace("aa", "å").replace("oe", "ø").replace("ae", "æ")
                    found.setdefault(stem, (shown[:1].upper() + shown[1:], stem))
                    break
        return list(found.values())

    def _match_at(self, text: str, tokens, position: int):
        # The longest phrase of known names starting here: "byråd 2022 2025", "økonomiudvalget".
        for size in range(min(self.longest, len(tokens) - position), 0, -1):
            words = tuple(self._bare(token[2]) if index == size - 1 else token[2]
                          for index, token in enumerate(tokens[position:position + size]))
            names = self.phrases.get(words)
            if names and (size > 1 or self._plausible(tokens[position])):
                return position, position + size - 1, names
        return self._compound(text, tokens, position) or self._fuzzy(tokens, position)

    @staticmethod
    def _bare(word: str) -> str:
        """A name in the genitive ("økonomiudvalgets", "ØU's") as its plain form."""
        return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word

    def _plausible(self, token) -> bool:
        # Two-letter initials ("BR", "KB") are ordinary words in lower case.
        return len(token[2]) > 2 or token[3].isupper()

    def _compound(self, text: str, tokens, position: int):
        """ "teknik- og miljøudvalget", "kulturudvalget": the fields a mention lists must all
        be fields of the body's name."""
        last = position
        wanted: list[str] = []
        # Fields written before the head end in a hyphen: "Teknik- og Miljøudvalget".
        while last < len(tokens) and text[tokens[last][1]:tokens[last][1] + 1] == "-":
            wanted.append(_field(tokens[last][2]))
            last += 1
            if last < len(tokens) and tokens[last][2] == "og":
                last += 1
        if last >= len(tokens):
            return None
        head = tokens[last][2]
        generic = next((g for g in _FOLDED_HEADS if head.endswith(g) and len(head) > len(g) + 1), "")
        if not generic:
            return None
        wanted.append(_field(head[: len(head) - len(generic)]))
        kind = _kind(generic)
        names = {name for name, known in self.fields.items()
                 if known and self.kinds[name] == kind and all(_has_field(known, part) for part in wanted)}
        return (position, last, names) if names else None

    def _fuzzy(self, tokens, position: int):
        word = self._bare(tokens[position][2])
        if len(word) < FUZZY_MIN_LENGTH or not self.singles:
            return None
        from rapidfuzz import fuzz, process  # only needed for a misspelt name

        match = process.extractOne(word, self.singles, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if match is None:
            return None
        return position, position, self.phrases[(match[0],)]


def _kind(name: str) -> str:
    """What sort of body a (folded) name ends in: an udvalg is never a råd."""
    for generic in ("udvalg", "raad", "bestyrelse", "direktion"):
        if generic in name[-len(generic) - 4:]:
            return generic
    return ""


def _has_field(known: frozenset[str], part: str) -> bool:
    if part in known:
        return True
    if len(part) < 5:
        return False
    from rapidfuzz import fuzz

    # One letter wrong, missing or extra; "handicapom(råde)" is not "handicap".
    return any(abs(len(part) - len(field)) <= 1 and fuzz.ratio(part, field) >= FUZZY_CUTOFF for field in known)
