"""Minutes as other systems lay them out (made by tests/layoutmaker.py with python-docx,
LibreOffice and fpdf2, committed in tests/data/layouts): eDoc, Acadre (DOCX and its PDF),
FirstAgenda and agenda portal pages. Items found, decisions cut where they end, and
questions about them answered."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.report import index_summary
from knowledge.index.build import build_index, read_minutes
from knowledge.index.loaded import Index
from tests.chat import Chat, make_conversation

LAYOUTS = Path(__file__).parent / "data" / "layouts"
EDOC = LAYOUTS / "edoc-oekonomiudvalget-2012-12-04.pdf"
FIRSTAGENDA = LAYOUTS / "firstagenda-byraadet-2025-08-27.pdf"
PORTAL = LAYOUTS / "portal-oekonomiudvalget-2025-03-12.html"


def read(path: Path):
    return read_minutes(path, "test")


def test_edoc_referat_with_its_date_on_page_one_gives_eight_items():
    meeting = read(EDOC)
    assert (meeting.mode, meeting.body, meeting.date, meeting.time, meeting.place) == (
        "items", "Økonomiudvalget", "2012-12-04", "16:00", "Mødelokale 1, Rådhuset")
    assert [(i.number, i.title) for i in meeting.items] == [
        (1, "Godkendelse af dagsorden"), (2, "Budgetopfølgning pr. 31. oktober 2012"),
        (3, "Anlægsregnskab for Børnehuset Nordlys"), (4, "Takster for vinterbekæmpelse 2013"),
        (5, "Salg af byggegrunde i Brenderup"), (6, "Høring om kollektiv trafik"), (7, "Meddelelser"),
        (8, "Underskriftsblad"),
    ]
    assert meeting.items[1].case_number == "2012-004411"
    assert meeting.items[0].page == 2  # page 1 is the front page and the contents


def test_edoc_sections_and_a_decision_that_ends_before_who_did_not_take_part():
    budget = read(EDOC).items[1]
    assert budget.resume.startswith("Forvaltningen har udarbejdet budgetopfølgning pr. 31. oktober 2012")
    assert budget.indstilling == ("- At budgetopfølgningen tages til efterretning.\n"
                                  "- At der gives tillægsbevillinger som anført i bilag 1.")
    assert budget.decision == "Indstillingen anbefales over for Byrådet."
    assert budget.bilag == ("Budgetopfølgning pr. 31.10.2012 - samlet oversigt",)


def test_a_last_item_without_a_decision_is_kept_and_the_meeting_is_not_cut_off():
    meeting = read(EDOC)
    assert meeting.notes == () and meeting.items[-1].decision == ""


@pytest.mark.parametrize("name", ["acadre-byraadet-2016-09-21.docx", "acadre-byraadet-2016-09-21.pdf"])
def test_acadre_running_number_and_three_dated_decisions(name):
    meeting = read(LAYOUTS / name)
    assert (meeting.body, meeting.date, meeting.time) == ("Byrådet", "2016-09-21", "16:00")
    assert [(i.number, i.title, i.case_number) for i in meeting.items] == [
        (715, "Kulturkommune 2017", "16/12345"), (716, "Meddelelser", "16/00017"),
    ]
    culture = meeting.items[0]
    # The decision of this meeting's body on this day is the decision; the others are history.
    assert culture.decision == "Godkendt. Kommunen deltager i Kulturkommune 2017 med en ramme på 1,2 mio. kr."
    assert [(e.body, e.date, e.text) for e in culture.earlier] == [
        ("Kultur- og Fritidsudvalget", "2016-09-05", "Anbefales."),
        ("Økonomiudvalget", "2016-09-14", "Anbefales over for Byrådet."),
    ]
    assert culture.indstilling == "Kultur- og Fritidsforvaltningen indstiller, at kommunen deltager i Kulturkommune 2017."
    assert "Sagsansvarlig" not in culture.text
    assert culture.bilag == ("Program for Kulturkommune 2017 (udkast)",)


def test_acadre_pdf_items_know_their_page_and_the_docx_has_none():
    assert [i.page for i in read(LAYOUTS / "acadre-byraadet-2016-09-21.pdf").items] == [1, 2]
    assert [i.page for i in read(LAYOUTS / "acadre-byraadet-2016-09-21.docx").items] == [None, None]


def test_firstagenda_decision_ends_before_the_partys_proposal():
    meeting = read(FIRSTAGENDA)
    assert (meeting.body, meeting.date, meeting.time) == ("Byrådet", "2025-08-27", "17:00")
    assert [(i.number, i.closed) for i in meeting.items] == [(1, False), (2, False), (3, False), (4, True)]
    accounts = meeting.items[1]
    assert accounts.decision == "Byrådet godkendte punkt 1 og 2 med 25 stemmer for og 4 imod (F og Å)."
    assert "BESLUTNINGSFORSLAG" not in accounts.decision and "BESLUTNINGSFORSLAG FRA SF OG ALT" in accounts.text
    plan = meeting.items[2]
    assert plan.decision == "Lokalplanen blev vedtaget endeligt med 27 stemmer for og 2 imod (Ø)."


def test_firstagenda_beslutningspunkter_are_the_indstilling_and_an_attachment_named_indstilling_is_an_attachment():
    accounts = read(FIRSTAGENDA).items[1]
    assert accounts.indstilling.startswith("Borgmesteren indstiller, at Byrådet beslutter:")
    assert accounts.indstilling.endswith("At 2) Revisionens beretning tages til efterretning")
    assert "At 1) Regnskabet for 2024 godkendes endeligt" in accounts.indstilling
    assert "At 1)" not in accounts.resume
    assert accounts.bilag == ("Regnskab 2024", "Indstilling", "Revisionsberetning 2024")
    plan = read(FIRSTAGENDA).items[2]
    assert plan.bilag == ("Indstilling", "Kort over lokalplanområdet")
    assert plan.resume == "Lokalplanen giver mulighed for 140 boliger ved havnen."
    assert plan.indstilling == "Direktionen indstiller, at lokalplan 1234 vedtages endeligt."


def test_portal_page_decisions_end_at_the_next_heading_and_the_signature_sheet_is_not_a_cut():
    meeting = read(PORTAL)
    assert (meeting.body, meeting.date, meeting.time, meeting.notes) == ("Økonomiudvalget", "2025-03-12", "16:00", ())
    assert [(i.number, i.title, i.case_number) for i in meeting.items] == [
        (1, "Godkendelse af dagsorden", "25-001234"), (2, "Budgetopfølgning 1 2025", "25-000777"),
        (3, "Ny affaldsordning for sommerhuse", "25-002468"), (4, "Underskriftsark", "25-000001"),
    ]
    first, budget = meeting.items[:2]
    assert first.decision == "Godkendt."
    assert budget.decision == "Anbefales over for Kommunalbestyrelsen."
    assert budget.indstilling == "Direktionen indstiller, at budgetopfølgningen tages til efterretning."
    assert budget.okonomi == "Merforbruget finansieres af kassebeholdningen."


@pytest.fixture(scope="module")
def layouts_index(tmp_path_factory):
    store = tmp_path_factory.mktemp("layouts") / "index.json"
    report = build_index([LAYOUTS], store)
    return report, Index.open(store)


def test_the_report_says_every_layout_file_was_read_by_its_structure(layouts_index):
    report, _ = layouts_index
    assert {r.name: r.mode for r in report.files} == {path.name: "items" for path in LAYOUTS.rglob("*.*")}
    summary = index_summary(report)
    assert "- edoc-oekonomiudvalget-2012-12-04.pdf: 8 punkter efter dagsordenens struktur" in summary
    assert "afskåret" not in summary


@pytest.mark.parametrize("question, decision", [
    ("hvad besluttede byrådet om kulturkommune 2017?", "Godkendt. Kommunen deltager i Kulturkommune 2017"),
    ("regnskab 2024 endelig godkendelse", "Byrådet godkendte punkt 1 og 2 med 25 stemmer for"),
    ("takster for vinterbekæmpelse", "Anbefales med den ændring, at taksten for snerydning fastholdes"),
    ("affaldsordning for sommerhuse", "Udsat til næste møde."),
])
async def test_questions_about_other_systems_minutes_are_answered(layouts_index, question, decision):
    _, index = layouts_index
    reply = await Chat(make_conversation(lambda: index)).say(question)
    assert decision in reply
    assert "BESLUTNINGSFORSLAG" not in reply


def _bullets_as_dashes(text: str) -> str:
    return " ".join(text.replace("•", "-").split())


@pytest.mark.parametrize("sample", sorted(p.stem for p in (LAYOUTS / "libreoffice").glob("*.pdf")))
def test_the_samples_printed_from_word_by_libreoffice_read_like_their_text(sample):
    from knowledge.parse import parse_minutes
    from knowledge.paths import SAMPLES_DIR

    expected = parse_minutes((SAMPLES_DIR / f"{sample}.txt").read_text(encoding="utf-8"))
    got = read(LAYOUTS / "libreoffice" / f"{sample}.pdf")
    assert (got.body, got.date, got.notes) == (expected.body, expected.date, ())
    assert [(i.number, i.title, i.case_number, i.closed, _bullets_as_dashes(i.decision)) for i in got.items] == [
        (i.number, i.title, i.case_number, i.closed, _bullets_as_dashes(i.decision)) for i in expected.items
    ]
    assert all(item.page for item in got.items)


@pytest.mark.parametrize("name", ["word-teknik-og-miljoe-2025-03-03.docx", "word-teknik-og-miljoe-2025-03-03.pdf"])
def test_word_minutes_numbered_by_words_own_heading_numbering(name):
    meeting = read(LAYOUTS / name)
    assert (meeting.body, meeting.date, meeting.time, meeting.place) == (
        "Teknik- og Miljøudvalget", "2025-03-03", "15:00", "Rådhuset, mødelokale 1")
    assert [(i.number, i.title) for i in meeting.items] == [
        (1, "Godkendelse af dagsorden"), (2, "Vejvedligeholdelse 2025"), (3, "Eventuelt"),
    ]
    roads = meeting.items[1]
    assert roads.decision == "Planen godkendt. Cykelstien på Skolevej prioriteres."
    assert roads.indstilling == "Forvaltningen indstiller, at planen godkendes."
    assert roads.case_number == "25/00456"
