"""Understanding one Danish question typed in chat: this module owns turning the text into a
`Question` — the topic in the user's own words with the question frame ("hvad besluttede
direktionen om …") stripped, the journal numbers, an explicit date or period, a soft year
hint, and whether the user wants the latest decision, a whole meeting, or when something
happened. It is pure (no I/O; stdlib and `knowledge.dates` only) and never raises.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from knowledge.dates import MONTH_ABBREVIATIONS, MONTHS, month_number


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


def _da(fragment: str) -> str:
    # People on keyboards without æøå write ae/oe/aa; plain o/a would collide with real
    # words ("for" is not "før"), so only the two-letter spellings are accepted.
    return fragment.replace("æ", "(?:æ|ae)").replace("ø", "(?:ø|oe)").replace("å", "(?:å|aa)")


def _words(spec: str) -> str:
    """An alternation of the space-separated words in `spec`; "_" stands for a space."""
    words = {word.replace("_", r"\s+") for word in spec.split()}
    # Longest first so "fra og med" wins over "fra".
    return "(?:" + "|".join(_da(w) for w in sorted(words, key=len, reverse=True)) + ")"


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_W = r"(?=[\s,:;]|$)"  # a frame word ends here (so "MED-udvalget" never loses its "MED")

# --- cleaning ------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
_EDGE = " \t,;:.!?¿¡…-–—\"'`´“”„‟«»‹›"
_HAS_WORD = re.compile(r"\w")
_MAX_CHARS = 2000

# --- journal numbers -------------------------------------------------------------------------

_CASE = _compile(
    r"(?:(?<!\w)(?:(?:i|om|for|vedr\.?|" + _da("vedrørende|angående") + r")\s+)?"
    r"(?:sagsnummeret|sagsnummer|sagsnr\.?|sags-nr\.?|sagen|sag|journalnummeret|journalnummer"
    r"|journalnr\.?|j\.\s?nr\.?|jnr\.?)\s*(?:nr\.?\s*)?[:#]?\s*)?"
    r"(?<![\w./-])(?P<case>"
    r"\d{2}\.\d{2}\.\d{2}[a-zæøå]\d{2}-\d{1,6}-\d{2}"  # KLE: 85.11.04P20-28-25
    r"|[a-zæøå]{2,6}-(?:19|20)\d{2}-\d{3,10}"  # EMN-2025-008912
    r"|\d{2}/\d{3,8}"  # 12/27845 (dd/dddd is vetted below: it may be month/year)
    r"|(?:19|20)\d{2}-(?:\d{3}|\d{5,8}|(?!19|20)\d{4})"  # 2011-29298, never 2027-2030
    r")(?![\w/-]|\.\d)"
)

# --- dates and periods -------------------------------------------------------------------------

_YEAR = r"(?:19[5-9]\d|20\d\d)"
_MONTH = "(?:" + "|".join(sorted({*MONTHS, *MONTH_ABBREVIATIONS}, key=len, reverse=True)) + ")"
# "budget på 2000 kr." is an amount, not a year.
_NOT_AMOUNT = r"(?!\s*(?:%|(?:kr|kroner|mio|mia|millioner|milliarder|procent|stk|timer|ansatte)(?!\w)))"


def _unit(t: str) -> str:
    """One day, month, quarter or year; `t` keeps group names unique when used twice."""
    return (
        rf"(?:(?<![\d.])(?P<wd{t}>\d{{1,2}})\.?\s*(?P<wm{t}>{_MONTH})(?!\w)\.?,?\s+(?P<wy{t}>{_YEAR})"
        rf"|(?<![\d./-])(?P<nd{t}>\d{{1,2}})[-./](?P<nm{t}>\d{{1,2}})(?:[-./]|\s)(?P<ny{t}>{_YEAR})"
        rf"|(?<![\d./-])(?P<iy{t}>{_YEAR})-(?P<im{t}>\d{{1,2}})-(?P<id{t}>\d{{1,2}})"
        rf"|(?<!\w)(?P<mm{t}>{_MONTH})(?!\w)\.?\s+(?P<my{t}>{_YEAR})"
        rf"|(?<![\d./-])(?P<om{t}>\d{{1,2}})[/-](?P<oy{t}>{_YEAR})"
        rf"|(?<!\w)(?:(?P<q{t}>[1-4])\.\s*kvartal|q(?P<qq{t}>[1-4]))\s+(?P<qy{t}>{_YEAR})"
        rf"|(?<![\w./-])(?P<yy{t}>{_YEAR}){_NOT_AMOUNT}"
        r")(?!\d|[-/–.]\d)"  # "Budget 2027-2030" and "2025/26" are titles, not dates
    )


_DAY_WORD = r"(?:(?<!\w)(?:den|d\.)\s+)?"
_WEEKDAY = _words("mandag tirsdag onsdag torsdag fredag lørdag søndag")
# How a preposition opens the period; any other preposition means the unit itself.
_OPEN = {"siden": "from", "fra og med": "from", "efter": "after", "før": "before", "inden": "before",
         "til og med": "until", "indtil": "until", "frem til": "until", "op til": "until"}
_PREPS = _words(
    r"fra_og_med til_og_med i_løbet_af i_perioden i_året i_år året år frem_til op_til siden efter"
    r" før inden indtil fra til i på per pr\."
)
_RANGE = _compile(
    r"(?<!\w)(?:mellem|fra og med|fra|i perioden fra|i perioden|perioden fra|perioden)\s+"
    + _DAY_WORD + _unit("a") + r"\s+(?:og|til og med|til|-|–)\s+" + _DAY_WORD + _unit("b")
)
_SINGLE = _compile(
    rf"(?:(?<!\w)(?P<prep>{_PREPS})\s+)?(?:(?<!\w){_WEEKDAY}(?:en)?\s+)?" + _DAY_WORD + _unit("s")
    + r"(?:\s+kl\.?\s*\d{1,2}(?:[:.]\d{2})?)?"
)


def _months(year: int, first: int, last: int) -> tuple[date, date]:
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


def _bounds(match: re.Match[str], t: str) -> tuple[date, date, str] | None:
    """First and last day of the unit matched with tag `t`, and its kind."""
    g = lambda name: match.group(name + t)  # noqa: E731
    try:
        if g("wd") or g("nd") or g("iy"):
            parts = (g("wy"), month_number(g("wm")), g("wd")) if g("wd") else (
                (g("ny"), g("nm"), g("nd")) if g("nd") else (g("iy"), g("im"), g("id")))
            day = date(*(int(part) for part in parts))  # type: ignore[arg-type]
            return day, day, "day"
        if g("mm") or g("om"):
            month = month_number(g("mm")) if g("mm") else int(g("om"))
            return (*_months(int(g("my") or g("oy")), month, month), "month")  # type: ignore[arg-type]
        if g("qy"):
            quarter = int(g("q") or g("qq"))
            return (*_months(int(g("qy")), 3 * quarter - 2, 3 * quarter), "quarter")
        if g("yy"):
            return (*_months(int(g("yy")), 1, 12), "year")
    except (TypeError, ValueError):
        pass  # "31. februar 2025" or an unknown month word: not a date after all
    return None


def _plain(word: str) -> str:
    """A word lower-cased with ae/oe/aa read as æ/ø/å, for set look-ups."""
    return _SPACES.sub(" ", word.lower()).replace("ae", "æ").replace("oe", "ø").replace("aa", "å")


class _Dates:
    """Collects what the date patterns find while they are cut out of the text."""

    def __init__(self) -> None:
        self.date_from: date | None = None
        self.date_to: date | None = None
        self.kind = ""  # day/month/quarter/year of a single period; "" for open ranges
        self.found = False
        self.bare_year: int | None = None

    def range(self, match: re.Match[str]) -> str:
        first, last = _bounds(match, "a"), _bounds(match, "b")
        if not first or not last:
            return match.group(0)
        if not self.found:
            self.found = True
            self.date_from, self.date_to = min(first[0], last[0]), max(first[1], last[1])
        return " "

    def single(self, match: re.Match[str]) -> str:
        if not (span := _bounds(match, "s")):
            return match.group(0)
        start, end, kind = span
        prep = _plain(match["prep"] or "")
        if kind == "year" and not prep:
            # A year standing with topic words ("FBV 2024"); decided later whether it is a
            # hint or, when nothing else is asked, the period itself.
            if self.bare_year is not None:
                return match.group(0)
            self.bare_year = start.year
            return " "
        if not self.found:
            self.found = True
            opens = _OPEN.get(prep)
            if opens == "from":
                self.date_from = start
            elif opens == "after":  # "efter marts 2025": from the first day after March
                self.date_from = end + timedelta(days=1)
            elif opens == "before":  # "inden maj 2025": up to the day before May
                self.date_to = start - timedelta(days=1)
            elif opens == "until":
                self.date_to = end
            else:
                self.date_from, self.date_to, self.kind = start, end, kind
        return " "


# --- latest ----------------------------------------------------------------------------------

_LATEST_WORD = r"(?:aller)?(?:seneste|senest|sidste|sidst|nyeste|nyest)"
# "sidste år", "i den seneste måned": relative periods are read as a wish for the latest.
_RELATIVE = _compile(
    rf"(?<!\w)(?:(?:i|fra|inden for)\s+)?(?:(?:den|det|de)\s+)?{_LATEST_WORD}(?:\s+\d+)?\s+"
    r"(?:gang|år|" + _da("måned") + r"(?:er)?|uger?|kvartal)(?!\w)"
)
_LATEST = _compile(rf"(?<!\w)(?:(?:den|det|de)\s+)?{_LATEST_WORD}(?!\w)")

# --- question frames ----------------------------------------------------------------------------

_BODY = _words(
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
_PREP = _words(
    r"om omkring vedrørende vedr\.? angående ang\.? ift\.? i_forhold_til med_hensyn_til mht\.? til for"
    " i på med ved efter fra af at"
)
_DOC = _words("referatet referat referaterne dagsordenen dagsorden mødet møde møderne direktionsmødet"
              " direktionen sagen")
# Frame words, then one preposition, optionally "i referatet om" style: never beyond that,
# so "om den nye skole" keeps "den nye skole".
_TAIL = rf"(?:\s+{_BODY}{_W})*(?:\s+{_PREP}{_W}(?:\s+(?:det\s+|den\s+)?{_DOC}{_W}\s+{_PREP}{_W})?)?"
_QW = _words("hvad hvilke hvilken hvilket hvornår hvordan hvorfor")
_IMPERATIVE = _words("find søg vis fortæl giv hent list opsummer forklar beskriv")
_INFINITIVE = _words("finde søge vise fortælle give hente liste opsummere forklare beskrive sige se få høre")
_GREETING = _compile(
    r"^(?:(?:hej|hey|hi|hallo|halløj|goddag|godmorgen|god morgen|dav)(?:\s+(?:bot|beslutningsbot|igen))?"
    r"|venligst|please)\s*[,!.:]*\s+"
)
_FRAME_QW = _compile(rf"^{_QW}{_W}(?=\s+(?:{_BODY}|{_PREP}){_W}){_TAIL}")
_FRAME_IMPERATIVE = _compile(
    rf"^(?:(?:(?:kan|vil|kunne|gider|må)\s+(?:du|i|jeg)\s+(?:venligst\s+|lige\s+)?{_INFINITIVE})"
    rf"|(?:venligst\s+|lige\s+)?{_IMPERATIVE}){_W}{_TAIL}"
)
_FRAME_AUX = _compile(rf"^(?:har|havde|er|var|blev|findes|foreligger|ved|kender|eksisterer|kan){_W}{_TAIL}")
# Nouns and participles that open a question on their own ("beslutningen om", "besluttet om").
_FRAME_NOUN = _compile(
    r"^(?:direktionens\s+)?" + _words(
        "beslutning beslutningen beslutninger beslutningerne konklusion konklusionen konklusionerne"
        " afgørelse afgørelsen afgørelser referat referatet referater besluttet vedtaget godkendt"
        " drøftet behandlet"
    ) + _W + _TAIL
)
_FRAME_SELF = _compile(
    r"^(?:jeg|vi)\s+(?:leder|søger|kigger|mangler|ønsker|har\s+brug\s+for|skal\s+bruge"
    rf"|vil(?:\s+gerne)?(?:\s+(?:vide|høre|se|finde|have|læse))?){_W}{_TAIL}"
)
_FRAME_INFO = _compile(
    r"^(?:info|infos|information|informationer|oplysninger|viden|alt|noget|mere)\s+"
    + _words(r"om omkring vedrørende vedr\.? angående ang\.?") + _W
)
_ENDS_IN_PREP = _compile(rf"(?:^|\s){_PREP}$")
_CORE = _compile(_da(r"beslut|vedt|godkend|drøft|behandl|konklu|truffet|traf\b|bestem|aftal|afgør"
                    r"|\bved\b|kender|sagt|sagde|noget|nogen|info|oplysning"))
_PARTICIPLE = _words(
    "godkendt besluttet behandlet drøftet vedtaget diskuteret fremlagt præsenteret forelagt afgjort"
    " bevilget igangsat iværksat sat_i_gang taget_op gennemgået evalueret truffet indført afsluttet"
    " lukket på_dagsordenen oppe til_behandling"
)
# "hvornår blev X godkendt", "er X besluttet": the topic is the middle part.
_MIDDLE = _compile(
    r"^(?:" + _da("hvornår") + r"\s+)?(?:blev|er|var|bliver|har)\s+(?:der\s+)?(?P<mid>.+?)\s+"
    r"(?:(?:endeligt?|blevet|egentlig|første\s+gang)\s+)*" + _PARTICIPLE + r"$"
)
_TRAILING_PLACE = _compile(
    r"(?:\s*,?\s+(?:i|af|fra|på|ved|under)\s+"
    + _words("direktionen direktionsmødet direktionsmøderne mødet møderne ledelsen")
    + r"|\s*,?\s+(?:på\s+forhånd\s+)?tak)$"
)
_LEADING_FILLER = _compile(r"^(?:(?:om|omkring|vedr\.?|ang\.?|at|" + _da("vedrørende|angående") + r")(?:\s+|$))+")
_TRAILING_FILLER = _compile(
    r"(?:\s+(?:om|i|på|fra|til|for|af|med|ved|og|eller|samt|den|det|d\.|vedr\.?|ang\.?|omkring"
    r"|efter|siden|før|inden|mellem|under|" + _da("vedrørende|angående") + r"))+$"
)
_WHEN = _compile(r"(?<!\w)" + _da("hvornår") + r"(?!\w)")

# --- meetings ------------------------------------------------------------------------------------

_MEETING_WORD = _compile(
    r"(?<!\w)(?:direktions|beslutnings)?(?:" + _da("møde|mødet|møder|møderne")
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
    number = match["case"].upper()
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


def _only_meeting_words(topic: str) -> bool:
    return all(_plain(token) in _MEETING_VOCABULARY for token in _TOKEN.findall(topic))


def _parse(raw: str) -> Question:
    # Nobody types a question this long; the cap bounds the work on pasted documents.
    text = _squash(_CONTROL.sub(" ", unicodedata.normalize("NFC", raw[:_MAX_CHARS])))
    when = bool(_WHEN.search(text))
    meeting_word = bool(_MEETING_WORD.search(text))

    cases: list[str] = []
    text = _CASE.sub(lambda match: _take_case(match, cases), text)
    dates = _Dates()
    text = _RANGE.sub(dates.range, text)
    text = _SINGLE.sub(dates.single, text)
    text, relative = _RELATIVE.subn(" ", text)
    text, latest_words = _LATEST.subn(" ", text)
    latest = bool(relative or latest_words)

    topic = _topic(_squash(text))

    date_from, date_to, kind = dates.date_from, dates.date_to, dates.kind
    year_hint = None
    if dates.bare_year is not None:
        if topic or dates.found or cases:
            year_hint = dates.bare_year
        else:  # "2025" alone, or "hvad besluttede direktionen 2025": the year is the period
            (date_from, date_to), kind = _months(dates.bare_year, 1, 12), "year"

    # A day or a month, the latest meeting, or meeting words, with nothing else asked about.
    # "den 7. maj" without a year is not read as a date (the year is unknown), so such a
    # question keeps those words in its topic and is not a meeting question.
    meeting = (
        not cases
        and _only_meeting_words(topic)
        and (kind in ("day", "month") or latest or meeting_word)
        and not (when and not topic and not kind)  # "hvornår var sidste møde" wants a date
    )
    if meeting:
        topic = ""
    return Question(raw=raw, topic=topic, case_numbers=tuple(cases), date_from=date_from,
                    date_to=date_to, exact_day=kind == "day", year_hint=year_hint, latest=latest,
                    meeting=meeting, when=when)


def parse_question(text: str) -> Question:
    """Read a question typed in chat; never raises, whatever the text."""
    raw = text if isinstance(text, str) else ("" if text is None else str(text))
    try:
        return _parse(raw)
    except Exception:  # noqa: BLE001 - a chat bot must answer something for any input
        topic = _SPACES.sub(" ", _CONTROL.sub(" ", raw)).strip(_EDGE)[:500]
        return Question(raw, topic, (), None, None, False, None, False, False, False)
