"""Understanding one Danish question typed in chat: this module owns turning the text into a
`Question` — the topic in the user's own words with the question frame ("hvad besluttede
direktionen om …") stripped, the journal numbers, an explicit date or period, a soft year
hint, and whether the user wants the latest decision, a whole meeting, or when something
happened. It is pure (no I/O; stdlib and `knowledge.periods` only) and never raises.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from knowledge.periods import (
    MONTH_ALONE, RANGE, RELATIVE, SINGLE, WORD_END, Dates, compile_ci, da, lookup_key, month_alone_period, months,
    relative_period, word_alternation,
)

LOCAL = ZoneInfo("Europe/Copenhagen")


@dataclass(frozen=True)
class Question:
    """What a chat question asks; see `parse_question`."""

    raw: str
    topic: str
    case_numbers: tuple[str, ...]
    date_from: date | None
    date_to: date | None
    exact_day: bool
    year_hint: int | None
    latest: bool
    meeting: bool
    when: bool
    # Added for bodies and relative time; defaults keep older callers working.
    bodies: tuple[str, ...] = ()  # the bodies named, as the index stores them
    time: str | None = None  # "kl. 17:15" beside a date: which of a day's meetings
    relative: str = ""  # the relative or vague period as written ("i går", "i foråret 2025")
    closed_wanted: bool = False  # "lukket punkt om …": a closed item may come first


# --- cleaning ------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
_EDGE = " \t,;:.!?¿¡…-–—\"'`´“”„‟«»‹›"
_HAS_WORD = re.compile(r"\w")
_MAX_CHARS = 2000

# --- journal numbers -------------------------------------------------------------------------

_CASE = compile_ci(
    r"(?:(?<!\w)(?:(?:i|om|for|vedr\.?|" + da("vedrørende|angående") + r")\s+)?"
    r"(?:sagsnummeret|sagsnummer|sagsnr\.?|sags-nr\.?|sagen|sag|journalnummeret|journalnummer"
    r"|journalnr\.?|j\.\s?nr\.?|jnr\.?)\s*(?:nr\.?\s*)?[:#]?\s*)?"
    r"(?<![\w./-])(?P<case>"
    r"\d{2}\.\d{2}\.\d{2}[a-zæøå]\d{2}-\d{1,6}-\d{2}"  # KLE: 85.11.04P20-28-25
    r"|[a-zæøå]{2,6}-(?:19|20)\d{2}-\d{3,10}"  # EMN-2025-008912
    r"|\d{2}/\d{3,8}"  # 12/27845 (dd/dddd is vetted below: it may be month/year)
    r"|(?:19|20)\d{2}-(?:\d{3}|\d{5,8}|(?!19|20)\d{4})"  # 2011-29298, never 2027-2030
    r"|\d{2}-\d{6}[a-zæøå]?"  # Greve's portal: 23-013356, 20-054308K
    r")(?![\w/-]|\.\d)"
)
_CASE_WORD = (
    r"(?<!\w)(?:sagsnummeret|sagsnummer|sagsnr\.?|sags-nr\.?|sagen|sag|journalnummeret|journalnummer"
    r"|journalnr\.?|j\.\s?nr\.?|jnr\.?)\s*(?:nr\.?\s*)?[:#]?\s*"
)
# The start of a journal number: "85.13.00G01" (a case group), or "85.13" after "sag";
# the search lists the cases it begins.
_PARTIAL_CASE = compile_ci(
    r"(?:" + _CASE_WORD + r")?(?<![\w./-])(?P<case>\d{2}\.\d{2}\.\d{2}[a-zæøå]\d{2}(?:-\d{1,6})?)(?![\w/.-])"
    r"|" + _CASE_WORD + r"(?<![\w./-])(?!(?:19|20)\d\d(?![\w./-]))(?P<short>\d{2}\.\d{2}(?:\.\d{2})?|[a-zæøå]{0,6}[-/.]?\d[\w./-]{3,})(?![\w/.-])"
)


# --- latest ----------------------------------------------------------------------------------

_LATEST_WORD = r"(?:aller)?(?:seneste|senest|sidste|sidst|nyeste|nyest)"
# "sidste år", "i den seneste måned": relative periods are read as a wish for the latest.
_RELATIVE = compile_ci(
    rf"(?<!\w)(?:(?:i|fra|inden for)\s+)?(?:(?:den|det|de)\s+)?{_LATEST_WORD}(?:\s+\d+)?\s+"
    r"(?:gang|år|" + da("måned") + r"(?:er)?|uger?|kvartal)(?!\w)"
)
_LATEST = compile_ci(rf"(?<!\w)(?:(?:den|det|de)\s+)?{_LATEST_WORD}(?!\w)")

# --- question frames ----------------------------------------------------------------------------

_BODY = word_alternation(
    "direktionen direktionens direktion ledelsen der man de vi du blev bliver blive blevet er var har"
    " havde været kan kunne skal skulle vil ville gjorde gør mon besluttede besluttet beslutte besluttes"
    " beslutter sagde sagt sige siger mente ment mener vedtog vedtaget vedtage godkendte godkendt"
    " godkende drøftede drøftet drøfte behandlede behandlet behandle konkluderede konkluderet bestemte"
    " bestemt aftalte aftalt truffet traf træffe skete sket sker ved vide kender står stod skrevet"
    " landede endte fandt huske fortælle finde søge vise høre se få fik beslutningen beslutning"
    " beslutninger beslutningerne konklusionen konklusion konklusionerne afgørelsen afgørelse afgørelser"
    " noget nogen nogle nyt så egentlig egentligt endelig endelige endeligt en et den det hvad hvilke"
    " hvilken hvornår mig os lidt alt mere info information oplysninger gerne venligst nu lige også helt"
    " præcis præcist"
)
_PREP = word_alternation(
    r"om omkring vedrørende vedr\.? angående ang\.? ift\.? i_forhold_til med_hensyn_til mht\.? til for"
    " i på med ved efter fra af at"
)
_DOC = word_alternation("referatet referat referaterne dagsordenen dagsorden mødet møde møderne direktionsmødet"
              " direktionen sagen")
# Frame words, then one preposition, optionally "i referatet om" style: never beyond that,
# so "om den nye skole" keeps "den nye skole".
_TAIL = rf"(?:\s+{_BODY}{WORD_END})*(?:\s+{_PREP}{WORD_END}(?:\s+(?:det\s+|den\s+)?{_DOC}{WORD_END}\s+{_PREP}{WORD_END})?)?"
_QW = word_alternation("hvad hvilke hvilken hvilket hvornår hvordan hvorfor")
_IMPERATIVE = word_alternation("find søg vis fortæl giv hent list opsummer forklar beskriv")
_INFINITIVE = word_alternation("finde søge vise fortælle give hente liste opsummere forklare beskrive sige se få høre")
_GREETING = compile_ci(
    r"^(?:(?:hej|hey|hi|hallo|halløj|goddag|godmorgen|god morgen|dav)(?:\s+(?:bot|beslutningsbot|igen))?"
    r"|venligst|please)\s*[,!.:]*\s+"
)
_FRAME_QW = compile_ci(rf"^{_QW}{WORD_END}(?=\s+(?:{_BODY}|{_PREP}){WORD_END}){_TAIL}")
_FRAME_IMPERATIVE = compile_ci(
    rf"^(?:(?:(?:kan|vil|kunne|gider|må)\s+(?:du|i|jeg)\s+(?:venligst\s+|lige\s+)?{_INFINITIVE})"
    rf"|(?:venligst\s+|lige\s+)?{_IMPERATIVE}){WORD_END}{_TAIL}"
)
_FRAME_AUX = compile_ci(rf"^(?:har|havde|er|var|blev|findes|foreligger|ved|kender|eksisterer|kan){WORD_END}{_TAIL}")
# Nouns and participles that open a question on their own ("beslutningen om", "besluttet om").
_FRAME_NOUN = compile_ci(
    r"^(?:direktionens\s+)?" + word_alternation(
        "beslutning beslutningen beslutninger beslutningerne konklusion konklusionen konklusionerne"
        " afgørelse afgørelsen afgørelser referat referatet referater besluttet vedtaget godkendt"
        " drøftet behandlet"
    ) + WORD_END + _TAIL
)
_FRAME_SELF = compile_ci(
    r"^(?:jeg|vi)\s+(?:leder|søger|kigger|mangler|ønsker|har\s+brug\s+for|skal\s+bruge"
    rf"|vil(?:\s+gerne)?(?:\s+(?:vide|høre|se|finde|have|læse))?){WORD_END}{_TAIL}"
)
_FRAME_INFO = compile_ci(
    r"^(?:info|infos|information|informationer|oplysninger|viden|alt|noget|mere)\s+"
    + word_alternation(r"om omkring vedrørende vedr\.? angående ang\.?") + WORD_END
)
_ENDS_IN_PREP = compile_ci(rf"(?:^|\s){_PREP}$")
_CORE = compile_ci(da(r"beslut|vedt|godkend|drøft|behandl|konklu|truffet|traf\b|bestem|aftal|afgør"
                    r"|\bved\b|kender|sagt|sagde|noget|nogen|info|oplysning"))
_PARTICIPLE = word_alternation(
    "godkendt besluttet behandlet drøftet vedtaget diskuteret fremlagt præsenteret forelagt afgjort"
    " bevilget igangsat iværksat sat_i_gang taget_op gennemgået evalueret truffet indført afsluttet"
    " lukket på_dagsordenen oppe til_behandling"
)
# "hvornår blev X godkendt", "er X besluttet": the topic is the middle part.
_MIDDLE = compile_ci(
    r"^(?:" + da("hvornår") + r"\s+)?(?:blev|er|var|bliver|har)\s+(?:der\s+)?(?P<mid>.+?)\s+"
    r"(?:(?:endeligt?|blevet|egentlig|første\s+gang)\s+)*" + _PARTICIPLE + r"$"
)
_TRAILING_PLACE = compile_ci(
    r"(?:\s*,?\s+(?:i|af|fra|på|ved|under)\s+"
    + word_alternation("direktionen direktionsmødet direktionsmøderne mødet møderne ledelsen")
    + r"|\s*,?\s+(?:på\s+forhånd\s+)?tak)$"
)
_LEADING_FILLER = compile_ci(r"^(?:(?:om|omkring|vedr\.?|ang\.?|at|" + da("vedrørende|angående") + r")(?:\s+|$))+")
_TRAILING_FILLER = compile_ci(
    r"(?:\s+(?:om|i|på|fra|til|for|af|med|ved|og|eller|samt|den|det|d\.|vedr\.?|ang\.?|omkring"
    r"|efter|siden|før|inden|mellem|under|" + da("vedrørende|angående") + r"))+$"
)
_WHEN = compile_ci(r"(?<!\w)" + da("hvornår") + r"(?!\w)")

# --- meetings ------------------------------------------------------------------------------------

_MEETING_WORD = compile_ci(
    r"(?<!\w)(?:direktions|beslutnings)?(?:" + da("møde|mødet|møder|møderne")
    + r"|referat\w*|dagsorden\w*|punkter|punkterne)(?!\w)"
)
# What may be left of a question that only asks for a meeting's list of items.
_MEETING_VOCABULARY = frozenset(
    """møde mødet møder møderne direktionsmøde direktionsmødet direktionsmøder direktionsmøderne referat
    referatet referater referaterne beslutningsreferat beslutningsreferatet dagsorden dagsordenen
    dagsordener dagsordenerne punkt punktet punkter punkterne sager sagerne emner emnerne hvilke hvilken
    hvilket hvad hvornår der skete sket blev er var har besluttet behandlet drøftet vedtaget godkendt på
    fra i til af ved om for direktionen direktionens direktion den det de alle alt hele med og vis se
    mig os fik taget op gennemgået gik handlede står stod oversigt over liste listen indhold indholdet
    beslutninger beslutningerne beslutning beslutningen hvordan så ud kan du giv find et en noget andet
    dagens tak""".split()
)
_TOKEN = re.compile(r"[^\W\d_]+|\d+")


def _squash(text: str) -> str:
    return _SPACES.sub(" ", text).strip(_EDGE + " ")


def _take_case(match: re.Match[str], found: list[str]) -> str:
    number = (match["case"] or match.groupdict().get("short") or "").upper().rstrip(".")
    if not number:
        return match.group(0)
    first, _, second = number.partition("/")
    if second and len(second) == 4 and 1 <= int(first) <= 12 and 1950 <= int(second) <= 2099:
        return match.group(0)  # "12/2025" is a month, left for the date patterns
    if number not in found:
        found.append(number)
    return " "


def _cut_tail(pattern: re.Pattern[str], text: str) -> str:
    # Only a short window at the end is searched: an end-anchored pattern tried from every
    # position would make long inputs quadratic.
    while True:
        window = len(text) - 80 if len(text) > 80 else 0
        match = pattern.search(text, window)
        if not match:
            return text
        text = text[: match.start()]


def _strip_frame(text: str) -> str:
    """`text` without its leading question frame; unchanged when it has none."""
    middle = _MIDDLE.match(text)
    if middle:
        return middle["mid"]
    for pattern in (_FRAME_QW, _FRAME_IMPERATIVE, _FRAME_AUX, _FRAME_NOUN, _FRAME_SELF, _FRAME_INFO):
        match = pattern.match(text)
        if not match:
            continue
        frame, rest = match.group(0), text[match.end():]
        ends_in_prep = bool(_ENDS_IN_PREP.search(frame))
        if pattern is _FRAME_AUX and not (_CORE.search(frame) or ends_in_prep):
            continue  # "er budget …" is not a frame; "er der truffet beslutning om" is
        if pattern is _FRAME_NOUN and not (ends_in_prep or not rest.strip()):
            continue  # "Beslutningsstøtte", "beslutning X" without "om": keep the words
        return rest
    return text


def _topic(text: str) -> str:
    text = _GREETING.sub("", text)
    text = _squash(_cut_tail(_TRAILING_PLACE, text))
    for _ in range(3):  # "hej, kan du fortælle …" and "… truffet af beslutninger om" nest
        stripped = _squash(_strip_frame(text))
        if stripped == text:
            break
        text = _squash(_cut_tail(_TRAILING_PLACE, stripped))
    text = _LEADING_FILLER.sub("", text)
    text = _squash(_cut_tail(_TRAILING_FILLER, " " + text))  # the space lets a lone "og" go too
    return text if _HAS_WORD.search(text) else ""


_GENERIC_WORDS = frozenset("sag sagen sager sagerne sagsnummer sagsnummeret punkt punktet punkter emne emnet"
                           " emner det den".split())


def _only_generic(topic: str) -> bool:
    return all(lookup_key(token) in _GENERIC_WORDS for token in _TOKEN.findall(topic))


def _only_meeting_words(topic: str) -> bool:
    return all(lookup_key(token) in _MEETING_VOCABULARY for token in _TOKEN.findall(topic))


# A body after these words is what the item is about, not who decided it.
_FOR_BODY = compile_ci(r"(?<!\w)(?:for|til|over\s+for|overfor|fra\s+\w+\s+til|mellem|hos)\s*$")
_CLOSED_WORD = compile_ci(r"(?<!\w)(?:lukket|lukkede|lukkethed)(?!\w)")
_CLOCK = compile_ci(r"(?<!\w)kl\.?\s*(?P<h>\d{1,2})[:.](?P<m>\d{2})(?!\d)")


def _take_bodies(text: str, bodies) -> tuple[str, list[str], list[str], list[str]]:
    """`text` without the bodies it names, those bodies, and the "soft" ones with their words:
    a body after "for", "til" … ("temadrøftelser for kommunalbestyrelsen") stays in the text,
    a subject unless nothing else is asked."""
    named: list[str] = []
    soft: list[str] = []
    soft_words: list[str] = []
    if bodies is None:
        return text, named, soft, soft_words
    for start, end, names in reversed(bodies.mentions(text)):
        if _FOR_BODY.search(text[:start]):
            soft[:0] = sorted(names)
            soft_words.append(text[start:end])
            continue
        named[:0] = sorted(names)
        text = text[:start] + " " + text[end:]
    return _squash(text), named, soft, soft_words


def _take_period(text: str, today: date | None, dated_by_context: bool) -> tuple[str, Dates, list[str]]:
    """`text` without the period it names (a range, a relative period, a date, a month), the
    period, and the words of a relative one. `dated_by_context`: a meeting word or a body is
    there, so a day without a year ("7. marts") is a date."""
    dates = Dates()
    text = RANGE.sub(dates.range, text)
    relative_words: list[str] = []

    def relative(match: re.Match[str]) -> str:
        if dates.found:
            return match.group(0)
        span = relative_period(match, today or datetime.now(LOCAL).date())
        if span is None:
            return match.group(0)
        dates.found = True
        dates.date_from, dates.date_to, dates.kind = span
        relative_words.append(_squash(match.group(0)))
        return " "

    def month_alone(match: re.Match[str]) -> str:
        if dates.found:
            return match.group(0)
        # A day without a year ("7. marts") is a date only beside a meeting word or a body:
        # "den 7. maj" alone may be a subject.
        span = month_alone_period(match, today or datetime.now(LOCAL).date(), dated_by_context)
        if span is None:
            return match.group(0)
        dates.found = True
        dates.date_from, dates.date_to, dates.kind = span
        return " "

    text = RELATIVE.sub(relative, text)
    text = SINGLE.sub(dates.single, text)
    text = MONTH_ALONE.sub(month_alone, text)
    return text, dates, relative_words


def _period(dates: Dates, topic: str, cases: list[str]) -> tuple[date | None, date | None, str, int | None]:
    """The period asked about (from, to, kind) and the soft year hint: a bare year beside a
    topic is only a hint; alone ("2025", "hvad besluttede direktionen 2025") it is the period."""
    if dates.bare_year is None:
        return dates.date_from, dates.date_to, dates.kind, None
    if topic or dates.found or cases:
        return dates.date_from, dates.date_to, dates.kind, dates.bare_year
    return (*months(dates.bare_year, 1, 12), "year", None)


def _parse(raw: str, today: date | None, bodies) -> Question:
    # Nobody types a question this long; the cap bounds the work on pasted documents.
    text = _squash(_CONTROL.sub(" ", unicodedata.normalize("NFC", raw[:_MAX_CHARS])))
    when = bool(_WHEN.search(text))
    meeting_word = bool(_MEETING_WORD.search(text))
    closed_wanted = bool(_CLOSED_WORD.search(text))
    text, named, soft, soft_words = _take_bodies(text, bodies)

    cases: list[str] = []
    text = _CASE.sub(lambda match: _take_case(match, cases), text)
    text = _PARTIAL_CASE.sub(lambda match: _take_case(match, cases), text)
    clock = _CLOCK.search(text)
    time = f"{int(clock['h']):02d}:{clock['m']}" if clock and int(clock["h"]) < 24 else None
    text, dates, relative_words = _take_period(text, today, meeting_word or bool(named))
    text, relative = _RELATIVE.subn(" ", text)
    text, latest_words = _LATEST.subn(" ", text)
    latest = bool(relative or latest_words)

    topic = _topic(_squash(text))
    if soft:
        rest = topic
        for words_ in soft_words:
            rest = rest.replace(words_, " ")
        if not named and _only_meeting_words(_squash(rest)):
            # Nothing but the body and meeting words ("referat for økonomiudvalget"): it is
            # the body's meetings that are asked about.
            named, topic = soft, _topic(_squash(rest))
    date_from, date_to, kind, year_hint = _period(dates, topic, cases)

    # A day or a month, the latest meeting, or meeting words, with nothing else asked about.
    # "den 7. maj" alone, without a year and a meeting word or body, is not read as a date,
    # so such a question keeps those words in its topic and is not a meeting question.
    meeting = (
        not cases
        and _only_meeting_words(topic)
        and (kind in ("day", "week", "month") or latest or meeting_word or (bool(named) and not kind))
        and not (when and not topic and not kind)  # "hvornår var sidste møde" wants a date
    )
    if meeting or _only_generic(topic):
        # "hvad skete der med sagen?" names no subject: no item answers the word "sag".
        topic = ""
    return Question(raw=raw, topic=topic, case_numbers=tuple(cases), date_from=date_from,
                    date_to=date_to, exact_day=kind == "day", year_hint=year_hint, latest=latest,
                    meeting=meeting, when=when, bodies=tuple(dict.fromkeys(named)), time=time,
                    relative=" ".join(relative_words), closed_wanted=closed_wanted)


def parse_question(text: str, today: date | None = None, bodies=None) -> Question:
    """Read a question typed in chat; never raises, whatever the text.

    `today` (default: today in Copenhagen) is what "i går" and "sidste uge" count from;
    `bodies` (a `knowledge.bodies.BodyMatcher`) finds the bodies the question names and
    takes their names out of the topic.
    """
    raw = text if isinstance(text, str) else ("" if text is None else str(text))
    try:
        return _parse(raw, today, bodies)
    except Exception:  # noqa: BLE001 - a chat bot must answer something for any input
        topic = _SPACES.sub(" ", _CONTROL.sub(" ", raw)).strip(_EDGE)[:500]
        return Question(raw, topic, (), None, None, False, None, False, False, False)
