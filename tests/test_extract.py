"""Text extraction from PDF, DOCX, HTML and text files, judged by what the parser makes of it.

Each sample minutes is written as a real PDF (fpdf2), DOCX (python-docx) and HTML page by
`docmaker`, read back with `extract_text` and parsed; the meeting and its items must come
out as they do from the text itself. Broken files must fail with the right DocumentError.
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest
from docmaker import write_docx, write_html, write_pdf
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from knowledge.errors import DocumentError
from knowledge.extract import SUPPORTED_SUFFIXES, extract_text
from knowledge.parse import parse_minutes
from knowledge.paths import SAMPLES_DIR
from knowledge.pdftext import reflow, strip_page_furniture

SAMPLES = sorted(SAMPLES_DIR.glob("*.txt"))
WRITERS = {
    "pdf": write_pdf,
    # Another font, size and justification wrap every paragraph at other words.
    "pdf-times": lambda text, path: write_pdf(text, path, font="Times", scale=1.2, align="J"),
    "docx": write_docx,
    "html": write_html,
}

SHORT_MINUTES = """REFERAT Direktionen d. 10-12-2025

Mødedato Onsdag d. 10. december 2025 kl. 09:00

Punkt 1: {title}

00.01.00I00-2-24

Beslutning

{decision}
"""
LONG_TITLE = (
    "Orientering om den samlede plan for renovering af skoler, daginstitutioner og plejecentre "
    "i hele kommunen frem mod år 2030 med særligt fokus på klimatilpasning og energi"
)
LONG_DECISION = (
    "Direktionen godkender planen og beder om en ny orientering, når de første erfaringer med "
    "renoveringen af skolerne foreligger, og når økonomien for de kommende år er afklaret med "
    "udvalgene, dog senest ved udgangen af næste år."
)


def normalised(text: str) -> str:
    return " ".join(text.split())


def summary(meeting) -> dict:
    """What must survive extraction: the meeting, each item's identity, decision and history."""
    return {
        "meeting": (meeting.body, meeting.date),
        "items": [
            (item.number, item.title, item.case_number, item.closed, normalised(item.decision))
            for item in meeting.items
        ],
        "earlier": [
            (item.number, [(e.body, e.date, e.item) for e in item.earlier]) for item in meeting.items
        ],
    }


@pytest.fixture(scope="module")
def expected() -> dict[str, dict]:
    return {path.name: summary(parse_minutes(path.read_text(encoding="utf-8"))) for path in SAMPLES}


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.name[:3])
def test_every_format_parses_like_the_text(sample: Path, fmt: str, expected, tmp_path: Path):
    suffix = fmt.split("-")[0]
    document = WRITERS[fmt](sample.read_text(encoding="utf-8"), tmp_path / f"{sample.stem}.{suffix}")
    got = summary(parse_minutes(extract_text(document), source=document.name))
    want = expected[sample.name]
    assert got["meeting"] == want["meeting"]
    assert [i[:4] for i in got["items"]] == [i[:4] for i in want["items"]]
    for got_item, want_item in zip(got["items"], want["items"]):
        assert got_item[4] == want_item[4], f"decision of item {want_item[0]}"
    assert got["earlier"] == want["earlier"]


def test_pdf_drops_running_header_and_page_footer(tmp_path: Path):
    document = write_pdf(SAMPLES[0].read_text(encoding="utf-8"), tmp_path / "m.pdf")
    raw = [page.extract_text() for page in PdfReader(document).pages]
    assert len(raw) > 2 and all("Side " in page and "Lemvig Kommune - Direktionen" in page for page in raw)
    text = extract_text(document)
    assert "Side " not in text
    assert "Lemvig Kommune - Direktionen" not in text
    # The paragraph that runs over the first page break is whole again.
    assert "(arbejdsulykker) i arbejdsdagen, som ikke giver fravær" in text


def test_pdf_wrapped_title_and_paragraph_come_back_whole(tmp_path: Path):
    minutes = SHORT_MINUTES.format(title=LONG_TITLE, decision=LONG_DECISION)
    document = write_pdf(minutes, tmp_path / "wrapped.pdf")
    raw = PdfReader(document).pages[0].extract_text().splitlines()
    assert f"Punkt 1: {LONG_TITLE}" not in raw, "the title must really wrap for this test"
    assert LONG_DECISION not in raw, "the decision must really wrap for this test"

    lines = extract_text(document).splitlines()
    # The title is set in bold: it comes back whole, marked as a heading.
    assert f"**Punkt 1: {LONG_TITLE}**" in lines
    assert LONG_DECISION in lines
    item = parse_minutes("\n".join(lines)).items[0]
    assert item.title == LONG_TITLE
    assert item.case_number == "00.01.00I00-2-24"
    assert item.decision == LONG_DECISION


def test_pdf_wrapped_title_of_names_still_gives_the_full_title(tmp_path: Path):
    # Every word capitalised: the re-flow leaves such a break alone, the parser's title
    # continuation picks the second line up.
    title = "Renovering Lemvig Gymnasium Thyborøn Skole Harboøre Skole Klinkby Skole Nørre Nissum Skole Bøvling Skole"
    document = write_pdf(SHORT_MINUTES.format(title=title, decision="Godkendt."), tmp_path / "t.pdf")
    assert f"Punkt 1: {title}" not in PdfReader(document).pages[0].extract_text().splitlines()
    item = parse_minutes(extract_text(document)).items[0]
    assert (item.title, item.case_number, item.decision) == (title, "00.01.00I00-2-24", "Godkendt.")


LONG = "Direktionen drøftede sagen og lagde vægt på, at arbejdet fortsætter i samarbejde med de øvrige"


@pytest.mark.parametrize("line", [
    "Beslutning",
    "Økonomiske konsekvenser",
    "Punkt 2: budget 2026",
    "85.13.00G01-2-23",
    "12/27845",
    "- at planen godkendes",
    "• at planen godkendes",
    "1. at planen godkendes",
    "a) nedbrud på energiforsyning",
    "Beslutning fra Direktionen, den 3. december 2025, punkt 4:",
    "Kommunaldirektøren indstiller:",
    "29.04.26 Budgettemadag inkl. Lemvig 2040",
    "Side 3 af 7",
])
def test_reflow_keeps_structural_lines_on_their_own(line: str):
    assert reflow([LONG, line]) == [LONG, line]


@pytest.mark.parametrize("previous, line, joined", [
    (LONG, "kommuner om en fælles løsning.", f"{LONG} kommuner om en fælles løsning."),
    (LONG, "Kommunikation.", f"{LONG} Kommunikation."),
    (LONG + " og", "Lemvig Kommune deltager.", f"{LONG} og Lemvig Kommune deltager."),
    (LONG + " prioriteres i", "2026.", f"{LONG} prioriteres i 2026."),
    (LONG + " implemen\u00ad", "teringen.", f"{LONG} implementeringen."),
    # Lower case, these are a wrapped sentence, not an item heading or an earlier decision.
    (LONG + " den 19. marts 2025", "pkt. 3.", f"{LONG} den 19. marts 2025 pkt. 3."),
    (LONG, "beslutning fra Direktionen den 3. marts.", f"{LONG} beslutning fra Direktionen den 3. marts."),
    ("Beslutning fra Digitaliseringsstyregruppen og Styregruppen for IT-sikkerhed, den 26.", "februar 2026, punkt 2:",
     "Beslutning fra Digitaliseringsstyregruppen og Styregruppen for IT-sikkerhed, den 26. februar 2026, punkt 2:"),
    (LONG + " -", "Strategiske spor", f"{LONG} - Strategiske spor"),
    ("Kommunikationsstrategi om fremtidens velfærdssamfund i Lemvig", "Kommune.....  12",
     "Kommunikationsstrategi om fremtidens velfærdssamfund i Lemvig Kommune.....  12"),
    ("Handleplan for digitalisering - Strategiske spor for 2026.....", "3",
     "Handleplan for digitalisering - Strategiske spor for 2026..... 3"),
])
def test_reflow_joins_wrapped_sentences(previous: str, line: str, joined: str):
    assert reflow([previous, line]) == [joined]


def test_reflow_leaves_short_and_finished_lines_alone():
    lines = ["Taget til efterretning.", "den blev drøftet", LONG + ".", "men ikke besluttet"]
    assert reflow(["x" * 100, *lines]) == ["x" * 100, *lines]


def test_page_furniture_is_what_repeats_at_the_same_page_edge():
    words = ["Budget", "Skoler", "Veje", "Havn"]
    body = [[f"{word} drøftes.", *(["Beslutning"] * (n + 1)), f"{word} godkendt."] for n, word in enumerate(words)]
    pages = [[f"Referat Direktionen 10-12-2025 side {n}", *lines, f"Side {n} af 4"] for n, lines in enumerate(body)]
    # "Beslutning" is on every page, but never at the page's edge.
    assert strip_page_furniture(pages) == body
    # Three of four pages is "most"; the odd first page keeps its own first line.
    pages[0][0] = "Punkt 1: Budget"
    assert strip_page_furniture(pages) == [["Punkt 1: Budget", *body[0]], *body[1:]]


def test_docx_keeps_tables_and_lists_where_they_are(tmp_path: Path):
    lines = extract_text(write_docx(SAMPLES[0].read_text(encoding="utf-8"), tmp_path / "m.docx")).splitlines()
    before = lines.index("I 2025 udvalgte direktionen følgende spor:")
    row = lines.index("| Velfærdsteknologi | 13 |  |")
    after = lines.index("Se bilag for overblik og status på de projekter, der har kørt inden for de to spor i 2025.")
    assert before < lines.index("- Digital borgerbetjening") < row < after
    # A Word heading comes out marked as one, for the parser.
    assert "# Punkt 1: Handleplan for digitalisering - Strategiske spor for 2026" in lines
    assert "| Eventuelt..... | 11 |" in lines


def test_html_drops_page_chrome_and_reads_declared_charset(tmp_path: Path):
    text = SAMPLES[1].read_text(encoding="utf-8")
    page = write_html(text, tmp_path / "m.html", encoding="windows-1252")
    assert b"charset=\"windows-1252\"" in page.read_bytes()
    extracted = extract_text(page)
    for chrome in ("Forside", "Politik og demokrati", "Rådhusgade 2, 7620", "var menu", "font-family"):
        assert chrome not in extracted
    assert "”fredag lukket”" in extracted
    assert "- At opsamling på KL's AI-storskala arrangement drøftes." in extracted.splitlines()


def test_html_with_markup_inside_blocks(tmp_path: Path):
    page = tmp_path / "p.htm"
    page.write_text(
        "<html><body><header><p>Lemvig Kommune</p></header><article><header><h1>Punkt 1: "
        "Budget</h1></header><p>Direktionen <b>godkender</b>\n   budgettet.<br>Ny linje</p>"
        "<ol><li>første</li><li><p>anden</p></li></ol><!-- note --></article></body></html>",
        encoding="utf-8",
    )
    assert extract_text(page).splitlines() == [
        "# Punkt 1: Budget", "", "Direktionen godkender budgettet.", "", "Ny linje", "", "- første", "- anden",
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_text_files_in_old_and_new_encodings(encoding: str, tmp_path: Path):
    text = SAMPLES[3].read_text(encoding="utf-8")
    path = tmp_path / "m.txt"
    path.write_bytes(text.encode(encoding))
    extracted = extract_text(path)
    assert extracted.lstrip("\ufeff") == text
    assert summary(parse_minutes(extracted)) == summary(parse_minutes(text))


def _random_bytes(size: int, seed: int, nul: bool = True) -> bytes:
    rng = random.Random(seed)
    data = bytes(rng.randrange(256) for _ in range(size))
    return data if nul else data.replace(b"\x00", b"\x01")


def _blank_pdf(path: Path) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 50, 50)  # a scan: something on the page, no text
    pdf.output(str(path))
    return path


def _encrypted_pdf(source: Path, path: Path, user_password: str) -> Path:
    writer = PdfWriter(clone_from=source)
    writer.encrypt(user_password=user_password, owner_password="ejer", algorithm="AES-128")
    writer.write(path)
    return path


@pytest.mark.parametrize("name, make, code", [
    ("junk.pdf", lambda p: p.write_bytes(_random_bytes(4000, 1)), "unreadable"),
    ("junk.docx", lambda p: p.write_bytes(_random_bytes(4000, 2)), "unreadable"),
    ("junk.txt", lambda p: p.write_bytes(_random_bytes(4000, 3)), "unreadable"),
    ("junk-no-nul.txt", lambda p: p.write_bytes(_random_bytes(4000, 4, nul=False)), "unreadable"),
    ("junk.html", lambda p: p.write_bytes(_random_bytes(4000, 5)), "unreadable"),
    ("text.pdf", lambda p: p.write_text("REFERAT Direktionen d. 10-12-2025\nPunkt 1: Budget\n"), "unreadable"),
    ("zip.docx", lambda p: zipfile.ZipFile(p, "w").writestr("hello.txt", "hej"), "unreadable"),
    ("empty.pdf", lambda p: p.write_bytes(b""), "empty"),
    ("empty.docx", lambda p: p.write_bytes(b""), "empty"),
    ("empty.txt", lambda p: p.write_bytes(b""), "empty"),
    ("blank.md", lambda p: p.write_text("\n  \n"), "empty"),
    ("empty.html", lambda p: p.write_text("<html><head><title>x</title></head><body> </body></html>"), "empty"),
    ("scan.pdf", _blank_pdf, "needs_ocr"),
    ("sheet.xlsx", lambda p: p.write_bytes(b"PK\x03\x04"), "unsupported"),
    ("missing.xlsx", lambda p: None, "unsupported"),
])
def test_broken_input_fails_with_the_right_code(name: str, make, code: str, tmp_path: Path):
    path = tmp_path / name
    make(path)
    with pytest.raises(DocumentError) as failure:
        extract_text(path)
    assert failure.value.code == code
    assert failure.value.detail == name


def test_encrypted_pdf_needs_its_password_unless_it_is_empty(tmp_path: Path):
    source = write_pdf(SAMPLES[4].read_text(encoding="utf-8"), tmp_path / "m.pdf")
    locked = _encrypted_pdf(source, tmp_path / "locked.pdf", user_password="hemmelig")
    with pytest.raises(DocumentError) as failure:
        extract_text(locked)
    assert failure.value.code == "unreadable"
    print_protected = _encrypted_pdf(source, tmp_path / "protected.pdf", user_password="")
    assert extract_text(print_protected) == extract_text(source)


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_damaged_files_give_text_or_document_error_only(fmt: str, tmp_path: Path):
    good = WRITERS[fmt](SAMPLES[2].read_text(encoding="utf-8"), tmp_path / f"good.{fmt}").read_bytes()
    rng = random.Random(7)
    for attempt in range(12):
        data = bytearray(good)
        if attempt % 2:
            del data[rng.randrange(len(data) // 4, len(data)):]
        else:
            for _ in range(20):
                data[rng.randrange(len(data))] = rng.randrange(256)
        path = tmp_path / f"damaged{attempt}.{fmt}"
        path.write_bytes(bytes(data))
        try:
            assert isinstance(extract_text(path), str)
        except DocumentError as error:
            assert error.code in ("unreadable", "empty", "needs_ocr")


def test_supported_suffixes():
    assert SUPPORTED_SUFFIXES == frozenset({".pdf", ".docx", ".html", ".htm", ".txt", ".md"})


@pytest.mark.parametrize("end, start, joined", [
    ("til IT-", "udgifter i enhederne.", "til IT-udgifter i enhederne."),
    ("på social-", "sundheds- og ældreområdet.", "på social- sundheds- og ældreområdet."),
    ("Direktionen d. 08-04-", "2026", "Direktionen d. 08-04-2026"),
])
def test_reflow_mends_a_compound_or_date_broken_at_its_dash_and_keeps_shared_endings(end, start, joined):
    long = "Direktionen drøftede sagen og lagde vægt på at arbejdet fortsætter med økonomien " + end
    assert reflow([long, start]) == [long[: -len(end)] + joined]
