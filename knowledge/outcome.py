"""What a decision text says was done: approved, rejected, postponed, noted, or neither.

Minutes write the outcome in a handful of set phrases ("Indstillingerne godkendt.",
"Taget til efterretning.", "Udsættes til næste møde.", "sendes i høring"). This module
reads them, sentence by sentence: the first sentence that says something decides, so
"Indstillingen godkendt. Drøftes igen i maj" is an approval with a follow-up, and a
decision that only discusses ("blev drøftet") is `neither`. It also finds what a short
decision approved (the Indstilling, or the part of it the decision names), and whether a
question asks yes or no about an outcome ("blev X godkendt?"). Pure; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

APPROVED = "approved"
RECOMMENDED = "recommended"
REJECTED = "rejected"
POSTPONED = "postponed"
WITHDRAWN = "withdrawn"
NOTED = "noted"
NEITHER = "neither"

_I = re.IGNORECASE
# Within one sentence a rejection or a withdrawal wins wherever it stands (a rejection is
# written with the verbs of an approval: "ikke godkendt"). Otherwise the kind whose words
# come first wins, as the main verb comes first: "anbefaler overfor Byrådet, at
# indstillingen godkendes" recommends, "sendes i høring og godkendes derefter" postpones,
# "Godkendt, men drøftes igen i maj" approves. A body deciding something of its own
# ("besluttede …", "ønsker at …") is neither, when nothing else is said.
_FIRST = (REJECTED, WITHDRAWN)
_OWN_DECISION = "own"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (REJECTED, re.compile(
        r"\b(?:afvis\w*|afslå\w*|afslag|forkast\w*|ikke\s+(?:\w+\s+){0,2}(?:godkend|vedtag|tiltræ|imødekom|bevilg)\w*"
        r"|(?:godkend|vedtag|tiltræd|imødekomm|bevilg)\w*\s+ikke)\b", _I)),
    (WITHDRAWN, re.compile(r"^\s*(?:punktet\s+)?(?:udgik|udgår|trukket\s+tilbage|blev\s+trukket)\b", _I)),
    (POSTPONED, re.compile(
        r"\b(?:udsæt\w*|udsat|drøftes\s+igen|behandles\s+igen|genoptages|tages\s+op\s+igen|(?:til|i)\s+høring"
        r"|afvent\w*|(?:på|til)\s+(?:et\s+)?(?:næste|senere|kommende)\s+\w*møde|igen\s+(?:i|på|den)\s+\w+"
        r"|fornyet\s+behandling|sende\w*\s+(?:\w+\s+){0,2}tilbage)\b", _I)),
    (APPROVED, re.compile(
        r"\b(?:godkend\w*|vedtag\w*|vedtog|tiltræ\w*|bakker\s+(?:\w+\s+)?op|imødekom\w*"
        r"|som\s+indstillet|indstillingen\s+følges)\b", _I)),
    (RECOMMENDED, re.compile(r"\banbefal\w*\b", _I)),
    (_OWN_DECISION, re.compile(r"\b(?:ønsker\s+at|besluttede|beslutter\s+at|besluttes\s+at|blev\s+besluttet)\b", _I)),
    (NOTED, re.compile(r"\b(?:til\s+efterretning|til\s+orientering|orienteringen\s+(?:er\s+)?(?:taget|modtaget))\b", _I)),
)
# A sentence ends at ".", "!" or "?" before a capital letter ("kl. 10:30" and "af 2. visionsdag"
# go on), and at every line break (list lines are sentences of their own).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])|\n+")


@dataclass(frozen=True)
class Outcome:
    """The kind of outcome and the sentence of the decision that says it ("" for neither)."""

    kind: str
    sentence: str = ""


def sentences(text: str) -> list[str]:
    """The sentences and list lines of a decision, in order, without empty ones."""
    return [part.strip() for part in _SENTENCE_END.split(text or "") if part and part.strip()]


def classify(decision: str) -> Outcome:
    """What `decision` says was done; the first sentence that says anything decides."""
    for sentence in sentences(decision):
        found = {kind: match.start() for kind, pattern in _PATTERNS if (match := pattern.search(sentence))}
        if not found:
            continue
        for kind in _FIRST:
            if kind in found:
                return Outcome(kind, sentence)
        said = {kind: at for kind, at in found.items() if kind != _OWN_DECISION}
        if said:
            return Outcome(min(said, key=said.get), sentence)
        # The body decided something of its own; what follows ("øvrige udsættes") is detail.
        return Outcome(NEITHER, sentence)
    return Outcome(NEITHER)


# --- what a short decision approved ----------------------------------------------------------

# A decision this short says what was done, not to what: the Indstilling says that.
SHORT_DECISION = 160
_REFERS = re.compile(r"\b(?:indstilling\w*|som\s+indstillet|ovenstående|de\s+\d+|alle\s+\w+\s+spor)\b", _I)
_ORDINALS = {"første": 1, "anden": 2, "andet": 2, "tredje": 3, "fjerde": 4, "femte": 5, "sjette": 6}
_PART = re.compile(r"\b(?:(?P<digit>\d)\.?\s*|(?P<word>" + "|".join(_ORDINALS) + r")\s+)(?:at|att)(?:-punkt\w*)?\b", _I)
_INTRO = re.compile(r"^[^\n]{0,120}\bindstille[rs]?\b[^\n]*[:,]?\s*$", _I)
_BULLET = re.compile(r"^\s*(?:[-–•*]\s*)+|^\s*\d+[.)]\s+")
MAX_PARTS = 4
MAX_PART_CHARS = 220


def refers_to_proposal(decision: str, outcome: Outcome | None = None) -> bool:
    """Whether `decision` leans on the Indstilling to say what was decided: a short
    approval, recommendation or note ("Godkendt.", "Taget til efterretning."), or one that
    names the Indstilling or "de 4 strategiske spor"."""
    text = " ".join((decision or "").split())
    if not text:
        return False
    outcome = outcome or classify(decision)
    first = sentences(decision)[0] if sentences(decision) else text
    if _REFERS.search(first) and len(first) <= SHORT_DECISION:
        return True
    return outcome.kind in (APPROVED, RECOMMENDED, NOTED) and len(text) <= SHORT_DECISION \
        and outcome.sentence == first


def proposal_parts(indstilling: str, decision: str = "") -> list[str]:
    """The points of an Indstilling, without its "X indstiller:" line; only the points a
    decision names ("1. at godkendt", "første at-punkt") when it names some. Each point is
    cut to a readable length, at most MAX_PARTS of them."""
    lines = [line.strip() for line in (indstilling or "").splitlines() if line.strip()]
    if lines and _INTRO.match(lines[0]):
        lines = lines[1:]
    parts: list[str] = []
    for line in lines:
        bullet = bool(_BULLET.match(line))
        text = _BULLET.sub("", line).strip()
        if not text:
            continue
        if bullet or not parts:
            parts.append(text)
        else:
            parts[-1] = f"{parts[-1]} {text}"
    named = [_ORDINALS[m["word"].lower()] if m["word"] else int(m["digit"]) for m in _PART.finditer(decision or "")]
    if named:
        chosen = [parts[number - 1] for number in dict.fromkeys(named) if 0 < number <= len(parts)]
        parts = chosen or parts
    shown = [_cut(part) for part in parts[:MAX_PARTS]]
    if len(parts) > MAX_PARTS:
        shown.append("…")
    return shown


def what_was_decided(decision: str, indstilling: str) -> list[str]:
    """The Indstilling's points a decision leans on, for showing under it; none when the
    decision says it all, or when the points only repeat it ("At orienteringen tages til
    efterretning." under "Taget til efterretning.")."""
    if not indstilling or not refers_to_proposal(decision):
        return []
    parts = proposal_parts(indstilling, decision)
    said = classify(decision).kind
    if all(classify(part).kind == said and len(part) <= 80 for part in parts if part != "…"):
        return []
    return parts


# "Byrådet godkendte Økonomiudvalgets indstilling": the proposal approved is another body's
# (its recommendation at the stage before), not the administration's Indstilling.
_BODY_PROPOSAL = re.compile(r"\b([A-ZÆØÅ][\w-]*(?:udvalg|råd|bestyrelse|direktion)\w*?)s\s+indstilling", re.UNICODE)


def proposing_body(decision: str) -> str | None:
    """The body whose recommendation a decision approved ("Økonomiudvalgets indstilling"
    → "Økonomiudvalget"), or None when it approved the Indstilling itself."""
    match = _BODY_PROPOSAL.search(decision or "")
    return match.group(1) if match else None


def _cut(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= MAX_PART_CHARS:
        return text
    return text[: MAX_PART_CHARS - 1].rsplit(" ", 1)[0].rstrip(" ,;") + " …"


# --- questions about an outcome -----------------------------------------------------------------

_YES_NO_START = re.compile(
    r"^\s*(?:og\s+|men\s+)?(?:blev|er|var|bliver|har|fik|godkendte|vedtog|afviste|anbefalede|tiltrådte)\b", _I)
_ASKED_APPROVED = re.compile(r"\b(?:godkend\w*|vedtag\w*|vedtog|tiltrå\w*|tiltræ\w*|bevilg\w*|anbefal\w*)\b", _I)
_ASKED_REJECTED = re.compile(r"\b(?:afvist|afviste|afvises|afslået|forkastet)\b", _I)


def asked_outcome(question: str) -> str | None:
    """For a yes/no question about an outcome, the outcome it asks about (APPROVED or
    REJECTED); None for any other question. "blev OS2rollekatalog godkendt?" → APPROVED."""
    if not _YES_NO_START.search(question or ""):
        return None
    if _ASKED_REJECTED.search(question):
        return REJECTED
    if _ASKED_APPROVED.search(question):
        return APPROVED
    return None


def asks_when_approved(question: str) -> bool:
    """"hvornår blev X godkendt?": a question for the meeting that approved X."""
    text = question or ""
    return bool(re.search(r"\bhvornår\b", text, _I)) and bool(_ASKED_APPROVED.search(text))


def answers_yes(asked: str, outcome: Outcome) -> bool | None:
    """True for yes, False for no, None when the decision neither approves nor rejects."""
    if outcome.kind in (APPROVED, RECOMMENDED):
        return asked == APPROVED
    if outcome.kind == REJECTED:
        return asked == REJECTED
    if outcome.kind == WITHDRAWN:
        return False
    return None


# --- formalities ------------------------------------------------------------------------------

# Items every meeting has, whose decision is a formality: the agenda approved, the
# signature sheet, the chair's mail, "Eventuelt".
_FORMAL_TITLE = re.compile(
    r"^\s*(?:godkendelse\s+af\s+(?:dagsorden\w*|referat\w*|tillægsdagsorden\w*)|underskrift\w*|signatur\w*"
    r"|program\s+for\s+\w*mødet|henvendelse\w*\s+til\s+formanden|eventuelt|evt\.|meddelelser|spørgetid"
    r"|orientering\s+fra\s+(?:formanden|borgmesteren)\b.*|borgmesteren\s+orienterer|huskeliste\b.*)\s*$", _I)
# Decisions that record nothing: the item was dropped, or there was nothing to it.
_EMPTY_DECISION = re.compile(
    r"^\s*(?:punktet\s+)?(?:udgik|udgår|intet|ingen(?:\s+\w+){0,2}|der\s+var\s+ingen(?:\s+\w+){0,2}"
    r"|ingen\s+bemærkninger|ikke\s+relevant|-|–)?\s*[.!]?\s*$", _I)


def is_formality(title: str, decision: str) -> bool:
    """Whether an item records no decision that matters to a reader: "Godkendelse af
    dagsorden: Godkendt", a signature sheet, "Eventuelt: Intet.", or a decision "Udgik."."""
    if _EMPTY_DECISION.match(decision or ""):
        return True
    if _FORMAL_TITLE.match(title or ""):
        # Approving the agenda or noting the chair's orientation is routine; anything else
        # under such a title ("Eventuelt: Direktionen ønsker en evaluering af …") is news.
        kind = classify(decision).kind
        return kind in (APPROVED, NOTED) and len(" ".join(decision.split())) <= 80
    return False
