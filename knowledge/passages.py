"""Follow-up questions about one item, and the passage of the item that answers them.

After an answer, people ask on about the same item in a few words: "og hvad koster det?",
"blev den godkendt?", "hvornår?", "hvem deltog?", "hvad sker der nu?". This module tells
such a follow-up from a new question (`follow_up`) and finds the sentences of the item's
sections that hold the answer (`passage`): the Økonomiske konsekvenser for cost, the
Sagsfremstilling's "deltager i mødet" for who took part, the decision's own next steps
for what happens next. Pure; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.outcome import asked_outcome, sentences
from knowledge.question import parse_question
from knowledge.text import terms

COST = "cost"
PEOPLE = "people"
NEXT = "next"
OUTCOME = "outcome"
WHEN = "when"
CASE = "case"
DECISION = "decision"
PROPOSAL = "proposal"
WHY = "why"
ITEM = "item"
WHO_DECIDED = "who_decided"

_I = re.IGNORECASE
# What a follow-up asks about, by the words it uses; the first that matches wins.
_ASPECTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (ITEM, re.compile(r"^\s*(?:vis\s+)?(?:punkt|pkt\.?)\s*(\d{1,3})\s*[.?!]*\s*$", _I)),
    (WHO_DECIDED, re.compile(r"\bhvem\s+(?:har\s+|skal\s+)?(?:besluttede|besluttet|beslutte\w*|godkend\w*|afgø\w*|afgjorde)\b", _I)),
    (CASE, re.compile(r"\b(?:sagsnummer\w*|sagsnr|journalnummer\w*|hvilken\s+sag)\b", _I)),
    (COST, re.compile(r"\b(?:kost\w*|pris\w*|økonomi\w*|beløb\w*|udgift\w*|finansier\w*|betal\w*|hvor\s+mange\s+penge|kr)\b", _I)),
    (PEOPLE, re.compile(r"\b(?:hvem|deltog|deltage\w*|til\s+stede|fremmødt\w*|afbud|fraværende)\b", _I)),
    (NEXT, re.compile(r"\b(?:sker\s+der|næste\s+skridt|videre|hvad\s+så|fremover|opfølgning|hvad\s+nu"
                      r"|hvornår\s+skal|tidsplan\w*|deadline|frist\w*)\b", _I)),
    (PROPOSAL, re.compile(r"\b(?:indstilling\w*|indstillet|forslag\w*)\b", _I)),
    (WHY, re.compile(r"\b(?:hvorfor|baggrund\w*|formål\w*)\b", _I)),
    (WHEN, re.compile(r"\bhvornår\b", _I)),
    (DECISION, re.compile(r"\b(?:besluttede|besluttet|beslutning\w*|konklusion\w*|hvad\s+blev|status|landede)\b", _I)),
)
# Words that point back at what was just shown.
_REFERS = re.compile(
    r"(?:^\s*(?:og|men|så)\b|\b(?:det|den|dem|denne|dette|sagen|punktet|projektet|beslutningen|forslaget"
    r"|indstillingen|løsningen|systemet|planen)\b)", _I)
# Words of a follow-up that are about the asking, not a subject of their own.
_ASKING = frozenset(terms(
    "og men så hvad hvem hvor hvordan hvornår hvorfor hvilken hvilke koster kostede kost pris prisen "
    "økonomi økonomien økonomiske beløb beløbet udgift udgifter udgiften finansieres finansiering betaler "
    "betale penge kr deltog deltager deltage deltagere stede fremmødt afbud fraværende sker skete næste "
    "skridt videre fremover opfølgning nu blev godkendt godkendte godkendes vedtaget afvist anbefalet "
    "besluttede besluttet beslutning beslutningen konklusion indstilling indstillingen indstillet forslag "
    "forslaget baggrund baggrunden formål formålet sagsnummer sagsnummeret journalnummer sag sagen "
    "punktet punkt projektet løsningen systemet planen mange egentlig præcis så mere afgør afgøre afgjorde skal har "
    "status landede tidsplan tidsplanen deadline frist fristen med var er"
))


@dataclass(frozen=True)
class FollowUp:
    aspect: str
    number: int | None = None  # "punkt 3": the item number asked for
    asked: str | None = None  # for OUTCOME: what the yes/no question asks about


def follow_up(question: str) -> FollowUp | None:
    """The follow-up `question` is, or None when it is a question of its own: it must ask
    about an aspect and either point back ("det", "den", "og …") or name nothing else."""
    text = " ".join((question or "").split())
    if not text or len(text) > 120:
        return None
    asked = asked_outcome(text)
    aspect = ITEM if _ASPECTS[0][1].match(text) else None
    if aspect == ITEM:
        return FollowUp(ITEM, number=int(_ASPECTS[0][1].match(text).group(1)))
    if asked:
        aspect = OUTCOME
    else:
        aspect = next((name for name, pattern in _ASPECTS[1:] if pattern.search(text)), None)
    if aspect is None:
        return None
    parsed = parse_question(text)
    if parsed.case_numbers or parsed.date_from or parsed.date_to or parsed.meeting or parsed.year_hint:
        # A case number, a date or a meeting names what it is about: a question of its own.
        return None
    own_subject = [term for term in terms(text) if term not in _ASKING]
    if own_subject and not _REFERS.search(text):
        return None
    if own_subject and len(own_subject) > 2:
        return None
    return FollowUp(aspect, asked=asked)


# --- finding the passage --------------------------------------------------------------------

_MONEY = re.compile(r"\b(?:kr\.?|kroner|mio\.?|millioner|budget\w*|finansier\w*|udgift\w*|pris\w*|bevilling\w*|pulje\w*)", _I)
_AT_MEETING = re.compile(r"\b(?:(?:deltager|deltog|deltage)\s+i\s+(?:mødet|punktet)|til\s+stede|afbud|fraværende|fremmødt)", _I)
_PRESENT = re.compile(r"\b(?:deltager|deltog|deltage|til\s+stede|afbud|fraværende|fremmødt)\b", _I)
_FUTURE = re.compile(
    r"\b(?:skal|fremsendes|fremsender|drøftes\s+igen|igen|næste|senere|evalueres|evaluering\w*|præsenteres"
    r"|udarbejdes|tilrettes|tilretter|sendes|forventes|afventer|undersøger|følges\s+op|tidsplan|frist)\b", _I)
_NOT_RELEVANT = re.compile(r"^\s*(?:ikke\s+relevant|ingen|intet)\.?\s*$", _I)
MAX_SENTENCES = 6


@dataclass(frozen=True)
class Passage:
    section: str  # the section's key in the item: "okonomi", "sagsfremstilling", ...
    text: str


def _matching(text: str, pattern: re.Pattern[str]) -> str:
    found = [sentence for sentence in sentences(text) if pattern.search(sentence)]
    return "\n".join(found[:MAX_SENTENCES])


def passage(item: dict, aspect: str) -> Passage | None:
    """The part of `item` that answers `aspect`, or None when the item says nothing on it."""
    if aspect == COST:
        economy = (item.get("okonomi") or "").strip()
        if economy and not _NOT_RELEVANT.match(economy):
            return Passage("okonomi", economy)
        for section in ("indstilling", "decision", "sagsfremstilling", "resume"):
            found = _matching(item.get(section, ""), _MONEY)
            if found:
                return Passage(section, found)
        return None
    if aspect == PEOPLE:
        # Who took part in the meeting on this item first; anyone else who takes part in something after.
        for pattern in (_AT_MEETING, _PRESENT):
            for section in ("sagsfremstilling", "decision", "resume", "supplerende"):
                found = _matching(item.get(section, ""), pattern)
                if found:
                    return Passage(section, found)
        return None
    if aspect == NEXT:
        for section in ("decision", "sagsfremstilling"):
            found = _matching(item.get(section, ""), _FUTURE)
            if found:
                return Passage(section, found)
        return None
    if aspect == PROPOSAL:
        text = (item.get("indstilling") or "").strip()
        return Passage("indstilling", text) if text else None
    if aspect == WHY:
        for section in ("resume", "sagsfremstilling"):
            text = (item.get(section) or "").strip()
            if text:
                return Passage(section, "\n".join(text.split("\n\n")[:2]))
        return None
    return None
