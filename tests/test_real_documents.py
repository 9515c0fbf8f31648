"""Real documents from the case systems (copied byte for byte into tests/data/real, see its
SOURCES.md): the item counts SOURCES.md gives, titles, sections and decisions as written,
and how the indexing report says each file was read."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.report import index_summary
from knowledge.extract import extract_text
from knowledge.index.build import build_index, read_minutes
from knowledge.parse import parse_minutes

REAL = Path(__file__).parent / "data" / "real"
REGIONH = REAL / "regionh-sbsys-edagsorden-xml" / "Publication553.xml"
BALLERUP = REAL / "ballerup-sbsys-edagsorden-xml" / "Publication32.xml"
AARHUS_XML = REAL / "aarhus-getorganized-publication" / "publication.xml"
AARHUS_PDF = REAL / "aarhus-getorganized-publication" / "Appendix_referat - åbent.pdf"
EDOC = REAL / "middelfart-edoc-agenda-xml-TESTMEETING"
EDOC_FIRST = EDOC / "2017-04-21 12.00.48" / "41a93779-8b2a-414b-9f87-691e24f8f40a"
EDOC_SECOND = EDOC / "2017-04-21 12.24.03" / "e9117c72-1d79-4fe9-9653-ef7ab6f27187"


def read(path: Path):
    return read_minutes(path, "test")


# --- SBSYS eDagsorden publication XML -----------------------------------------------------------


def test_sbsys_region_hovedstaden_gives_four_items_with_upper_case_sections():
    meeting = read(REGIONH)
    assert (meeting.body, meeting.date, meeting.time, meeting.place) == ("Forretningsudvalget", "2012-09-25", "15:30", "H2")
    assert [(i.number, i.closed) for i in meeting.items] == [(1, False), (2, False), (3, False), (4, False)]
    assert meeting.items[1].title == "Anvendelse af beløb til hospitalsudstyr og patientnære arealer"
    first = meeting.items[0]
    assert first.indstilling.startswith("at det som bilag vedlagte forslag til styrelsesvedtægt godkendes endeligt")
    assert first.indstilling.endswith("på baggrund af Økonomi- og Indenrigsministeriets godkendelse.")
    assert first.resume.startswith("Forretningsudvalget besluttede på sit møde den 18. september 2012")
    assert first.okonomi.startswith("En tiltrædelse af indstillingen indebærer ikke i sig selv")
    assert first.afgoeres_af == "Regionsrådet."


def test_sbsys_dated_decision_history_is_earlier_and_todays_empty_heading_is_no_decision():
    first = read(REGIONH).items[0]
    assert first.decision == ""
    (earlier,) = first.earlier
    assert (earlier.body, earlier.date) == ("Forretningsudvalget", "2012-09-18")
    assert earlier.text.startswith("Sagen udsat til behandling på ekstraordinært forretningsudvalgsmøde den 25. september")


def test_sbsys_placeholder_tomt_indhold_is_no_decision():
    third = read(REGIONH).items[2]
    assert third.decision == "" and "Tomt indhold" not in third.text
    assert third.indstilling.endswith("finansieres under konto øvrig regional udvikling.")


def test_sbsys_ballerup_gives_five_items_with_indstilling_after_sagsfremstilling():
    meeting = read(BALLERUP)
    assert (meeting.body, meeting.date, meeting.time) == ("KMB IT-udvalget", "2013-05-15", "16:30")
    assert [i.title for i in meeting.items] == [
        "Meddelelser",
        "Oplæg til standard it-arbejdsplads for Kommunalbestyrelsens medlemmer i 2014-2018",
        "Indførelse af systemet SAPA (Sagsoverblik/Partskontakt)",
        "Regler for indkøb af it-udstyr",
        "Status på eDagsorden",
    ]
    assert not any(item.decision for item in meeting.items)
    fifth = meeting.items[4]
    assert fifth.indstilling.startswith("Sekretariat for Politik og Ledelse indstiller, at")
    assert fifth.resume == "Orientering om status for eDagsorden."
    assert fifth.afgoeres_af == "KMB IT-udvalget"
    assert meeting.items[2].bilag == ("Brev fra KL til Kommunalbestyrelsen vedr Monopolbrud",)


# --- GetOrganized: publication XML and the Word-made referat PDF ---------------------------------


def test_getorganized_xml_keeps_hierarchical_numbers_as_labels_and_closes_the_closed_referat():
    meeting = read(AARHUS_XML)
    assert (meeting.body, meeting.date, meeting.time) == ("Mødesystemgruppen", "2016-10-06", "13:00")
    assert [item.shown_number for item in meeting.items] == [
        "1", "1.1", "1.2", "1.3", "1.4", "2", "2.1", "2.2", "2.3", "3", "0", "0",
    ]
    assert [item.number for item in meeting.items] == list(range(1, 13))
    assert [(i.title, i.closed) for i in meeting.items[-2:]] == [("Lukket referat", True), ("Åbent referat", False)]
    assert len({item.id for item in meeting.items}) == 12


def test_getorganized_referat_pdf_gives_ten_numbered_headings_with_their_pages():
    meeting = read(AARHUS_PDF)
    assert (meeting.mode, meeting.body, meeting.date, meeting.time, meeting.place) == (
        "items", "Mødesystemgruppen", "2016-10-06", "13:00", "Rådhuset lokale 233")
    assert [(i.shown_number, i.title) for i in meeting.items] == [
        ("1", "First Agenda"), ("1.1", "Status siden sidst"), ("1.2", "Status på udviklingsønsker"),
        ("1.3", "Besøg af First Agenda"), ("1.4", "Plan for resten af året"), ("2", "GetOrganized"),
        ("2.1", "Status siden sidst"), ("2.2", "Plan for resten af året"),
        ("2.3", "Status over udviklingsønsker"), ("3", "Eventuelt"),
    ]
    assert [i.page for i in meeting.items] == [1, 1, 2, 2, 2, 3, 3, 3, 4, 4]


def test_getorganized_referat_label_is_the_decision_and_an_empty_one_is_none():
    items = read(AARHUS_PDF).items
    status = items[1]
    assert status.decision.startswith("Alle skal have indhold. Byrådsmedlemmer der ikke kan skifte")
    assert status.decision.endswith("når man tilknytter til et udvalg.")
    assert status.sagsfremstilling.startswith("Der er blevet foretaget et servicevindue")
    assert items[2].decision == ""


# --- eDoc (Fujitsu) agenda XML and its HTML rendering -------------------------------------------


@pytest.mark.parametrize("suffix", [".xml", ".html"])
def test_edoc_first_publication_gives_five_items_serial_2_to_6(suffix):
    meeting = read(EDOC_FIRST.with_suffix(suffix))
    assert (meeting.body, meeting.date, meeting.time) == ("Hennys testudvalg", "2017-05-02", "10:00")
    assert [(i.number, i.title) for i in meeting.items] == [
        (2, "test"), (3, "test tabel"), (4, "Fejloprettet"), (5, "Fejloprettet"), (6, "Underskriftsblad"),
    ]
    assert [i.case_number for i in meeting.items][:3] == [None, "200906126", "2013-003869"]
    assert not any(item.decision for item in meeting.items)  # "Beslutning ikke frigivet"
    fourth = meeting.items[2]
    assert fourth.resume.startswith("Udvalget skal drøfte status, politiske beslutninger")
    assert fourth.indstilling == "At punktet drøftes."


@pytest.mark.parametrize("suffix", [".xml", ".html"])
def test_edoc_second_publication_gives_six_items_and_the_confidential_ones_are_closed(suffix):
    meeting = read(EDOC_SECOND.with_suffix(suffix))
    assert [(i.number, i.closed) for i in meeting.items] == [
        (1, False), (2, False), (3, False), (4, False), (5, True), (6, True),
    ]
    secret = meeting.items[4]
    assert secret.title == "Anders' møgsag" and secret.case_number == "2016-003798"
    assert not any((secret.resume, secret.indstilling, secret.sagsfremstilling, secret.okonomi, secret.text))


# --- the report over the whole folder -----------------------------------------------------------


def test_index_of_the_real_folder_reads_every_file_by_its_structure_and_the_attachment_as_text(tmp_path):
    report = build_index([REAL], tmp_path / "index.json")
    modes = {result.name: (result.mode, result.items) for result in report.files}
    assert modes["Publication553.xml"] == ("items", 4)
    assert modes["Publication32.xml"] == ("items", 5)
    assert modes["publication.xml"] == ("items", 12)
    assert modes["Appendix_referat - åbent.pdf"] == ("items", 10)
    assert modes["41a93779-8b2a-414b-9f87-691e24f8f40a.xml"] == ("items", 5)
    assert modes["e9117c72-1d79-4fe9-9653-ef7ab6f27187.html"] == ("items", 6)
    # The enclosure is a letter, not minutes: read as text, said so, and still findable.
    assert modes["1.pdf"][0] == "text"
    summary = index_summary(report)
    assert "- 1.pdf: læst som ren tekst" in summary
    assert "- SOURCES.md: læst som ren tekst" in summary
    assert "- Publication553.xml: 4 punkter efter dagsordenens struktur" in summary


def test_the_parser_alone_reads_the_getorganized_pdf_text_the_same():
    meeting = parse_minutes(extract_text(AARHUS_PDF), AARHUS_PDF.name)
    assert len(meeting.items) == 10 and meeting.notes == ()


async def test_an_answer_shows_the_item_number_as_the_minutes_write_it(tmp_path):
    from knowledge.index.loaded import Index
    from tests.chat import Chat, make_conversation

    folder = tmp_path / "minutes"
    folder.mkdir()
    (folder / AARHUS_PDF.name).write_bytes(AARHUS_PDF.read_bytes())
    build_index([folder], tmp_path / "index.json")
    reply = await Chat(make_conversation(lambda: Index.open(tmp_path / "index.json"))).say("besøg af first agenda")
    assert "Punkt 1.3: Besøg af First Agenda" in reply
