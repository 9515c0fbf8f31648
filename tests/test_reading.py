"""Never a silent zero: every file in the minutes folder is read by its structure, read as
text only, or named as skipped with a reason, and the report says which."""

from __future__ import annotations

import shutil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.report import index_summary
from knowledge.errors import DocumentError
from knowledge.index.build import build_index
from knowledge.index.loaded import Index
from knowledge.parse import parse_minutes
from knowledge.paths import SAMPLES_DIR

NO_HEADINGS = """Mødereferat

Teknik- og Miljøudvalget

Dato: 04.12.2012

Udvalget drøftede vinterbekæmpelsen på de kommunale veje og besluttede at
saltning af cykelstier prioriteres før villaveje fra denne vinter.

Næste møde holdes i januar.
"""


def index_folder(tmp_path, files: dict[str, bytes | str]):
    folder = tmp_path / "minutes"
    folder.mkdir()
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
    store = tmp_path / "data" / "index.json"
    return build_index([folder], store), Index.open(store)


def test_minutes_without_item_headings_are_indexed_as_text_and_found(tmp_path):
    report, index = index_folder(tmp_path, {"udvalg.txt": NO_HEADINGS})
    (result,) = report.files
    assert (result.status, result.mode, result.code, result.items) == ("indexed", "text", "no_items", 1)
    hits = index.search("saltning af cykelstier")
    assert hits and hits[0].date == "2012-12-04"
    assert "saltning af cykelstier" in index.item(0)["sagsfremstilling"]


def test_the_report_names_how_each_file_was_read_and_the_true_reason(tmp_path):
    shutil.copy(SAMPLES_DIR / "000_604951d8f3dc8e69.txt", tmp_path / "sample.txt")
    report, _ = index_folder(tmp_path, {
        "udvalg.txt": NO_HEADINGS,
        "referat.txt": (tmp_path / "sample.txt").read_text(encoding="utf-8"),
        "gammel.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),
        "scan.png": b"\x89PNG\r\n\x1a\n" + bytes(100),
        "noter.odt": b"PK\x03\x04",
    })
    summary = index_summary(report)
    assert "- referat.txt: 8 punkter efter dagsordenens struktur" in summary
    assert ("- udvalg.txt: læst som ren tekst (1 afsnit), fordi der er ingen dagsordenspunkter i filen"
            in summary)
    assert "mødedato" not in summary.split("udvalg.txt")[1].splitlines()[0]
    assert "- gammel.doc: sprunget over: gammelt Word-format (.doc)" in summary
    assert "- scan.png: sprunget over: et billede uden tekst" in summary
    assert "- noter.odt: sprunget over: filtypen understøttes ikke" in summary


def test_the_chat_report_counts_the_plain_files_and_names_the_others(tmp_path):
    report, _ = index_folder(tmp_path, {
        **{f"{number}.txt": (SAMPLES_DIR / name).read_text(encoding="utf-8")
           for number, name in enumerate(sorted(p.name for p in SAMPLES_DIR.glob("*.txt")))},
        "udvalg.txt": NO_HEADINGS,
        "gammel.doc": b"\xd0\xcf\x11\xe0",
    })
    text = index_summary(report, 1.0)
    assert "- 5 filer læst efter dagsordenens struktur" in text
    assert "- udvalg.txt: læst som ren tekst" in text
    assert "- gammel.doc: sprunget over" in text


def test_a_file_with_no_date_anywhere_is_dated_by_the_file_and_says_so(tmp_path):
    report, index = index_folder(tmp_path, {"noter.txt": "Punkt 1: Budget\n\nBeslutning\n\nGodkendt."})
    (result,) = report.files
    assert (result.mode, result.code, result.items) == ("items", "no_meeting_date", 1)
    assert "filens egen dato er brugt" in index_summary(report)
    assert index.items[0]["decision"] == "Godkendt."


def test_a_text_only_file_does_not_take_the_place_of_the_same_meetings_minutes(tmp_path):
    minutes = (SAMPLES_DIR / "000_604951d8f3dc8e69.txt").read_text(encoding="utf-8")
    attachment = "Bilag til Direktionen d. 08-04-2026\n\nEn oversigt over hændelser i 2025."
    report, index = index_folder(tmp_path, {"referat.txt": minutes, "bilag.txt": attachment})
    assert sorted(r.mode for r in report.files) == ["items", "text"]
    assert not any(r.code == "duplicate" for r in report.files)
    assert report.meetings == 2 and report.items == 9


# --- any text indexes: items, or text-only entries, never nothing --------------------------------

SAMPLES = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES_DIR.glob("*.txt"))]
LINES = st.sampled_from([
    "", "1. Budget 2026", "715. Kulturkommune 2017", "1.1 Status siden sidst", "Sagsnr.: 12/3456",
    "Beslutning", "BESLUTNING", "Indstilling", "Beslutningspunkter", "Bilag", "Indstilling",
    "BESLUTNINGSFORSLAG FRA SF OG ALT", "Fraværende: Jens Hansen (A)", "Underskriftsark",
    "Beslutning i Byrådet den 21-09-2016", "Dato: 04.12.2012", "Referat", "Byrådet den 27. august 2025",
    "# 2. Lokalplan", "**3. Regnskab**", "\f", "Side 2 af 9", "Lukket: Personale", "At 1) Regnskabet godkendes",
]) | st.text(max_size=60)


@st.composite
def shuffled_minutes(draw) -> str:
    lines = draw(st.sampled_from(SAMPLES)).splitlines()
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, max(0, len(lines) - 1)))
        operation = draw(st.sampled_from(["cut", "shuffle", "junk", "drop"]))
        if operation == "cut":
            lines = lines[:at]
        elif operation == "shuffle":
            end = min(len(lines), at + draw(st.integers(2, 60)))
            lines[at:end] = draw(st.permutations(lines[at:end]))
        elif operation == "junk":
            lines[at:at] = draw(st.lists(LINES, min_size=1, max_size=8))
        else:
            del lines[at:at + draw(st.integers(1, 40))]
    return "\n".join(lines)


def check_reads(text: str) -> None:
    try:
        meeting = parse_minutes(text, "x.txt", fallback_date=__import__("datetime").date(2024, 1, 1))
    except DocumentError as error:
        assert error.code == "empty" and not text.strip()
        return
    assert meeting.items, "a file with text must give items or text-only entries"
    assert meeting.mode in ("items", "text")
    for item in meeting.items:
        assert item.date == meeting.date and isinstance(item.number, int)
        if meeting.mode == "text":
            assert not item.decision


FAST = dict(deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])


@settings(max_examples=200, **FAST)
@given(st.lists(LINES, max_size=40).map("\n".join) | st.text(max_size=1500))
def test_any_text_gives_items_or_text_only_entries_never_nothing(text):
    check_reads(text)


@settings(max_examples=120, **FAST)
@given(shuffled_minutes())
def test_cut_and_shuffled_minutes_give_items_or_text_only_entries(text):
    check_reads(text)


# --- layout: what the document's own headings say ------------------------------------------------


def test_pdf_items_know_the_page_they_start_on(tmp_path):
    from knowledge.extract import extract_text
    from tests.docmaker import write_pdf

    document = write_pdf((SAMPLES_DIR / "000_604951d8f3dc8e69.txt").read_text(encoding="utf-8"), tmp_path / "m.pdf")
    meeting = parse_minutes(extract_text(document), "m.pdf")
    pages = [item.page for item in meeting.items]
    assert pages[0] == 1 and pages == sorted(pages) and pages[-1] > 3


def test_a_scanned_pdf_is_named_as_needing_ocr(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")  # a picture of a page, no text layer
    folder = tmp_path / "scan"
    folder.mkdir()
    pdf.output(str(folder / "scan.pdf"))
    report = build_index([folder], tmp_path / "index.json")
    assert "- scan.pdf: en scannet PDF uden tekstlag; den skal have OCR" in index_summary(report)


def test_a_scanned_pdf_is_read_through_ocrmypdf_when_it_is_installed(tmp_path, monkeypatch):
    from fpdf import FPDF

    from tests.docmaker import write_pdf

    # A stand-in for ocrmypdf on PATH: it "recognises" the page as a known text PDF.
    recognised = write_pdf("REFERAT Direktionen d. 06-05-2026\n\nPunkt 1: Cykelpolitik\n\nBeslutning\n\n"
                           "Cykelpolitikken godkendes.\n", tmp_path / "recognised.pdf")
    tools = tmp_path / "bin"
    tools.mkdir()
    fake = tools / "ocrmypdf"
    fake.write_text('#!/bin/sh\nfor last; do :; done\ncp "$FAKE_OCR_RESULT" "$last"\n', encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}:{__import__('os').environ['PATH']}")
    monkeypatch.setenv("FAKE_OCR_RESULT", str(recognised))
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")
    folder = tmp_path / "scans"
    folder.mkdir()
    pdf.output(str(folder / "scan.pdf"))
    report = build_index([folder], tmp_path / "index.json")
    (result,) = report.files
    assert (result.mode, result.items, result.code) == ("items", 1, "ocr")
    assert "- scan.pdf: 1 punkt efter dagsordenens struktur; en scannet PDF, læst med OCR" in index_summary(report)


@settings(max_examples=40, **FAST)
@given(st.lists(LINES, min_size=1, max_size=30).map("\n".join) | shuffled_minutes())
def test_any_text_file_is_indexed_or_named_never_left_out(text):
    import tempfile
    from pathlib import Path

    from knowledge.index.store import open_db

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "referat.txt").write_text(text, encoding="utf-8")
        report = build_index([Path(folder)], None, db=open_db(None))
    (result,) = report.files
    if result.status == "failed":
        # Named in the report all the same: no text at all, or more control characters than
        # text has (the extractor's garbage check).
        assert result.code in ("empty", "unreadable")
    else:
        assert result.mode in ("items", "text") and result.items > 0
