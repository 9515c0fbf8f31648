"""Words and search terms: how minutes text and questions are cut, folded and stemmed.

The index and the search must agree on what a term is, so both use `terms()` here: the
word is lower-cased, Danish-stemmed with Snowball, and folded to ASCII (æ→ae, ø→oe,
å→aa, accents dropped), so "Hændelsesloggen", "hændelseslog" and "haendelseslog" meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"[0-9a-zæøåäöüéèáàóòíìúùâêôîûçñ]+", re.IGNORECASE)
POSSESSIVE = re.compile(r"(?<=[a-zæøå0-9])['’´`]s\b", re.IGNORECASE)
_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue"})

# Function words that carry no topic. Kept short on purpose: a word like "møde" or
# "status" can be the whole point of a title.
STOPWORDS = frozenset(
    """
    af alle alt andet andre at bare blev blive bliver da de dem den denne der deres det
    dette dig din dine disse du efter eller en end er et for fra ham han hans har have
    havde hende her hos hun hvad hvem hver hvilke hvilken hvis hvor hvordan hvornår i ikke
    ind jeg jer jo kan kun kunne man mange med meget men mig min mine mit mod ned noget
    nogle nu når og også om op os over på sig sin sine sit skal skulle som så sådan til
    ud under var vi vil ville vor vores være været vedr vedrørende angående ang ift
    omkring samt via pga mht
    """.split()
)
# Folded forms, so a question typed without æøå ("paa", "naar") drops them too.
_FOLDED_STOPWORDS = frozenset(word.translate(_FOLD) for word in STOPWORDS)

_stemmer = snowballstemmer.stemmer("danish")


def fold(text: str) -> str:
    """Lower case, Danish letters as their ASCII spellings, accents dropped."""
    text = text.lower().translate(_FOLD)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """The words of `text`, lower-cased, possessive "'s" dropped ("KL's" → "kl")."""
    return [word.lower() for word in WORD.findall(POSSESSIVE.sub("", text))]


def is_stopword(word: str) -> bool:
    return word in STOPWORDS or word in _FOLDED_STOPWORDS


def keeps(word: str) -> bool:
    """Whether a word is worth a term: not a function word, not a stray digit run.

    Four-digit numbers stay (years: "FBV 2024"); amounts and page numbers do not.
    """
    if len(word) < 2 or is_stopword(word):
        return False
    if word.isdigit():
        return len(word) == 4
    return True


@lru_cache(maxsize=200_000)
def term(word: str) -> str:
    """The search term of one lower-case word: stemmed, then folded."""
    if word.isdigit():
        return word
    return fold(_stemmer.stemWord(word))


# word -> its term, or "" for a word that makes none. Indexing looks up hundreds of
# thousands of words; one dict lookup each keeps it at a few thousand items a second.
_TERMS: dict[str, str] = {}
_TERMS_LIMIT = 500_000


def _term_or_empty(word: str) -> str:
    found = _TERMS.get(word)
    if found is None:
        found = term(word) if keeps(word) else ""
        if len(_TERMS) < _TERMS_LIMIT:
            _TERMS[word] = found
    return found


def terms(text: str) -> list[str]:
    """The search terms of `text`, in order, function words left out.

    Apostrophes split words, so a possessive "'s" ("KL's") falls away as a one-letter word.
    """
    found = [_TERMS.get(word) or _term_or_empty(word) for word in WORD.findall(text.lower())]
    return [value for value in found if value]
