"""What a line of minutes is: an item heading, a section heading, a header field, or text.

The case systems (SBSYS, eDoc, Acadre, FirstAgenda, Prepare, GetOrganized) and the
hand-written Word minutes each write agenda items, sections and the meeting header their
own way. This module owns their vocabulary, so that the parser (`knowledge.parse`) and the
PDF re-flow (`knowledge.pdftext`) recognise the same lines. Matching is on markup-free
lines; whether a line was a heading in the document's layout (a Word heading, an HTML
<h2>, a bold PDF line) is the parser's business, because only it knows the line's marks.
"""

from __future__ import annotations

import re

# A section heading, by its words, and the Item field it fills ("other": text only).
SECTION_NAMES = {
    "resumé": "resume",
    "resume": "resume",
    "sammendrag": "resume",
    "kort resumé": "resume",
    "præsentation": "resume",
    "indstilling": "indstilling",
    "indstillinger": "indstilling",
    "beslutningspunkter": "indstilling",
    "forslag til beslutning": "indstilling",
    "forvaltningen foreslår": "indstilling",
    "administrationens indstilling": "indstilling",
    "direktionens indstilling": "indstilling",
    "forvaltningens indstilling": "indstilling",
    "beslutning": "decision",
    "beslutninger": "decision",
    "referat": "decision",
    "afgørelse": "decision",
    "sagsfremstilling": "sagsfremstilling",
    "fremstilling": "sagsfremstilling",
    "sagsbeskrivelse": "sagsfremstilling",
    "beskrivelse": "sagsfremstilling",
    "sagens forløb": "sagsfremstilling",
    "sagsforløb": "sagsfremstilling",
    "sagens indhold": "sagsfremstilling",
    "oplæg": "sagsfremstilling",
    "supplerende sagsfremstilling": "supplerende",
    "økonomiske konsekvenser": "okonomi",
    "økonomiske konsekvenser og finansiering": "okonomi",
    "økonomi og finansiering": "okonomi",
    "økonomi": "okonomi",
    "bevillingsmæssige konsekvenser": "okonomi",
    "sagen afgøres endelig af": "afgoeres_af",
    "sagen afgøres af": "afgoeres_af",
    "beslutningen træffes af": "afgoeres_af",
    "beslutningskompetence": "afgoeres_af",
    "kompetence": "afgoeres_af",
    "bilag": "bilag",
    "bilagsliste": "bilag",
    "bilagsfortegnelse": "bilag",
    # Sections the model does not name; their text still counts in the item's whole text.
    "lovgrundlag": "other",
    "retsgrundlag": "other",
    "sagsprocedure": "other",
    "tidligere behandling": "other",
    "punktet behandlet tidligere": "other",
    "vision, politikker og strategier": "other",
    "politikker og strategier": "other",
    "andre konsekvenser": "other",
    "personalemæssige konsekvenser": "other",
    "miljømæssige konsekvenser": "other",
    "handicapaspekter": "other",
    "forvaltningens bemærkninger": "other",
    "høring": "other",
    "høring af handicaprådet": "other",
    "høring af ældrerådet": "other",
    "høringssvar": "other",
    "kommunikation": "other",
    "tidsplan": "other",
    "baggrund": "other",
    "proces": "other",
    "videre proces": "other",
    "sagen skal behandles i": "other",
}
LONGEST_SECTION = max(len(name) for name in SECTION_NAMES) + 3

# "Punkt 3: Budget", "PUNKT 3 - Lukket: x", "Pkt. 4. Sag", "Dagsordenspunkt 2: ...".
# Case-sensitive on purpose: "pkt. 3." at the start of a wrapped sentence is not an item.
ITEM_HEADING = re.compile(
    r"^(?:Punkt|PUNKT|Pkt\.?|Dagsordenspunkt|DAGSORDENSPUNKT)\s*(?P<number>\d{1,4}(?:\.\d{1,2})?)"
    r"(?:\s*[:.\-–]\s*|\s+(?=[A-ZÆØÅ\d\"«(]))(?P<title>.*)$"
)
# "3. Budget 2026", "715. Kulturkommune 2017", "1.1 Status siden sidst", "12 Eventuelt":
# an item only where the layout makes it a heading, or where a case number or section
# heading follows it (the parser decides which).
NUMBERED_HEADING = re.compile(
    r"^(?P<number>[1-9]\d{0,3}(?:\.[1-9]\d?){0,2})\.?\s+(?P<title>[A-ZÆØÅ\d\"«(][^\t]{0,240})$"
)
CLOSED_PREFIX = re.compile(r"^(?:lukket(?:\s+punkt)?|fortrolig(?:\s+publicering)?)\s*[:.\-–]?\s*", re.IGNORECASE)
CLOSED_TITLE = re.compile(r"^(?:lukket|fortrolig)\b", re.IGNORECASE)
EARLIER_DECISION = re.compile(
    r"^beslutning(?:er)?\s+(?:fra|i|truffet i|truffet af)\s+(?P<rest>.+?)\s*:?$", re.IGNORECASE
)
# "Byrådets beslutning", "FORRETNINGSUDVALGETS BESLUTNING": a decision named by its body.
BODY_DECISION = re.compile(r"^(?P<body>[\wæøåÆØÅ\- ]{3,60}?(?:s|es|ets|ens))\s+beslutning\s*:?$", re.IGNORECASE)
EARLIER_ITEM = re.compile(r"\b(?:punkt|pkt|sag nr)\.?\s*(?P<item>\d{1,4})\b", re.IGNORECASE)
RECOMMENDS = re.compile(r"^[^.]{0,80}\bindstiller\s*[:,]?$", re.IGNORECASE)
# A party's proposal ends the decision it follows: "BESLUTNINGSFORSLAG FRA SF OG ALT",
# "Ændringsforslag fra Venstre", "Forslag fra Enhedslisten:".
PROPOSAL = re.compile(
    r"^(?:beslutningsforslag|ændringsforslag|forslag|protokoltilførsel|mindretalsudtalelse)"
    r"(?:\s+(?:fra|stillet af)\b.*|\s*:.*)?$",
    re.IGNORECASE,
)
# Attendance lines end a decision: "Fraværende: Jens Hansen (A)", "Afbud fra ...".
ATTENDANCE = re.compile(
    r"^(?:fraværende|afbud|fravær|til stede|ikke til stede|deltagere|mødt|deltog ikke|inhabil)"
    r"(?:\s+(?:medlemmer|fra|var)\b.{0,100}|\s*:.{0,200})?$"
    # "Jens Hansen (A) deltog ikke i behandlingen af punktet."
    r"|^[A-ZÆØÅ][\wæøåÆØÅ.\- ]{1,60}(?:\([A-ZÆØÅ]{1,3}\))?\s+(?:deltog ikke|var fraværende|forlod mødet"
    r"|var inhabil|erklærede sig inhabil|havde meldt afbud)\b.{0,120}$",
    re.IGNORECASE,
)
SIGNATURES = re.compile(r"^(?:underskriftsark|underskriftsblad|underskrifter|underskrift)\b", re.IGNORECASE)
# Journal numbers: KLE-based (85.02.02P35-106-24), EMN-2025-003383, 12/27845, 2011-29298,
# eDoc's bare 200906126.
JOURNAL_NUMBER = re.compile(
    r"\d{2}\.\d{2}\.\d{2}[-.]?[A-ZÆØÅ]\d{2}-\d{1,6}-\d{2}"
    r"|[A-ZÆØÅ]{2,6}-(?:19|20)\d{2}-\d{3,8}"
    r"|\d{2}/\d{3,8}"
    r"|(?:19|20)\d{2}-\d{3,8}",
    re.IGNORECASE,
)
JOURNAL_LINE = re.compile(
    r"^(?:(?:sags?\s*(?:nr|nummer)|j\.?\s*nr|journal(?:nummer|nr)|sagsid|acadre\s*sag)\.?\s*:?\s*)?"
    r"(?P<number>" + JOURNAL_NUMBER.pattern + r")\.?$",
    re.IGNORECASE,
)
# "Sagsnr.: 200906126", "Sags nr. 24/123 Dok.nr ...": a labelled case number, any form.
CASE_LABEL = re.compile(
    r"^(?:sags?\s*(?:nr|nummer)|j\.?\s*nr|journal(?:nummer|nr)|sagsid)\.?\s*:?\s*(?P<number>[\w./\-]{4,40})",
    re.IGNORECASE,
)
HEADER = re.compile(
    r"^(?:referat|beslutningsprotokol|protokol)\s+(?:af\s+|fra\s+)?(?:møde\s+i\s+)?(?P<body>.+?)\s+(?:d\.|den)\s*(?P<date>.+)$",
    re.IGNORECASE,
)
# "Byrådet den 27. august 2025", "Økonomiudvalget d. 04.12.2012 kl. 16.00".
BODY_DATE = re.compile(
    r"^(?:(?:referat|beslutningsprotokol|protokol|dagsorden)\s+(?:af\s+|fra\s+|for\s+)?(?:møde\s+i\s+)?)?"
    r"(?P<body>[A-ZÆØÅ][\wæøåÆØÅ\-.,& ]{2,80}?)\s+(?:den|d\.)\s+(?P<date>\d.*)$",
)
DOCUMENT_KIND = re.compile(r"^(?:referat|beslutningsprotokol|protokol|dagsorden|mødereferat)\s*:?$", re.IGNORECASE)
MEETING_DATE = re.compile(
    r"^(?:mødedato|mødetidspunkt|mødetid|dato|tidspunkt|tid|dato og tid)\b\s*:?\s*(?P<value>[^:\s].*)$", re.IGNORECASE
)
MEETING_PLACE = re.compile(r"^(?:mødested|sted)\b\s*:?\s*(?P<value>[^:\s].*)$", re.IGNORECASE)
MEETING_BODY = re.compile(r"^(?:udvalg|organ|forum|mødeforum|møde i)\s*:\s*(?P<value>.+)$", re.IGNORECASE)
# Words a body's name ends on ("Kultur- og Fritidsudvalget", "Byrådet", "Direktionen").
BODY_WORD = re.compile(
    r"(?:udvalg(?:et)?|råd(?:et)?|bestyrelse(?:n)?|direktion(?:en)?|styregruppe(?:n)?|gruppe(?:n)?"
    r"|forum|forummet|ledelse(?:n)?|repræsentantskab(?:et)?|forsamling(?:en)?|repræsentation(?:en)?"
    r"|kommunalbestyrelse(?:n)?|regionsråd(?:et)?|komité(?:en)?|nævn(?:et)?)$",
    re.IGNORECASE,
)
TOC_HEADING = re.compile(r"^(?:indholdsfortegnelse|indhold|dagsordenspunkter|punkter på dagsordenen)$", re.IGNORECASE)
TOC_LEADER = re.compile(r"(?:\.{3,}|…)\s*\|?\s*\d+\s*\|?\s*$|\t\s*\d+\s*$")
PAGE_NUMBER = re.compile(r"^(?:(?:side|page)\s+\d+(?:\s+(?:af|of|/)\s+\d+)?|\d{1,3})$", re.IGNORECASE)
TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}")
MARKUP = re.compile(r"\*\*|__")


def clean_line(line: str) -> str:
    """A line without markdown heading marks, bold marks and surrounding space."""
    line = line.strip()
    if line.startswith("#"):
        line = line.lstrip("#").strip()
    return MARKUP.sub("", line).strip()


def section_key(line: str) -> str:
    # A trailing full stop is not stripped: "Kommunikation." ends a sentence, not a heading.
    return " ".join(line.rstrip(":, ").lower().split())


def section_kind(line: str) -> str | None:
    """The section a heading line starts ("decision" for "BESLUTNING:"), or None."""
    if not line or len(line) > LONGEST_SECTION:
        return None
    return SECTION_NAMES.get(section_key(line))


def inline_section(line: str) -> tuple[str, str] | None:
    """("decision", "Godkendt.") for "Beslutning: Godkendt.": a label with its text after it."""
    head, colon, rest = line.partition(":")
    if not colon or not rest.strip() or len(head) > LONGEST_SECTION:
        return None
    kind = SECTION_NAMES.get(section_key(head))
    return (kind, rest.strip()) if kind else None


LIST_MARK = re.compile(r"^(?:[-•▪◦*–]|\uf0b7|\uf0a7)\s+")


def without_list_mark(line: str) -> str:
    """"Regnskab 2024" from "- Regnskab 2024": an attachment's name without its bullet."""
    return LIST_MARK.sub("", line, count=1)


def ends_decision(line: str) -> bool:
    """Whether `line` starts something that is not part of the decision before it."""
    return bool(PROPOSAL.match(line) or ATTENDANCE.match(line) or SIGNATURES.match(line))


def number_key(label: str) -> tuple[int, ...]:
    """"1.2" → (1, 2): the order of item numbers as written."""
    return tuple(int(part) for part in label.split(".") if part)
