"""The parser on the five real minutes and on the variations real minutes have."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.errors import DocumentError
from knowledge.paths import SAMPLES_DIR
from knowledge.parse import parse_minutes

SAMPLES = sorted(SAMPLES_DIR.glob("*.txt"))


@pytest.fixture(scope="module")
def meetings():
    return {m.date: m for m in (parse_minutes(p.read_text(encoding="utf-8"), p.name) for p in SAMPLES)}


def item(meetings, day: str, number: int):
    return next(i for i in meetings[day].items if i.number == number)


def test_five_meetings_38_items_6_closed(meetings):
    items = [i for m in meetings.values() for i in m.items]
    assert len(meetings) == 5
    assert len(items) == 38
    assert sum(i.closed for i in items) == 6


def test_every_open_item_has_a_decision_and_no_closed_item_has_text(meetings):
    for m in meetings.values():
        for i in m.items:
            if i.closed:
                assert not any((i.decision, i.resume, i.indstilling, i.sagsfremstilling, i.text, i.bilag, i.earlier))
            else:
                assert i.decision.strip(), (m.date, i.number)


def test_meeting_header(meetings):
    m = meetings["2026-04-08"]
    assert (m.body, m.time, m.place) == ("Direktionen", "09:00", "Udvalgsværelse 1")
    assert meetings["2024-03-27"].place == "Udvalgsværelse 1, Lemvig Rådhus"


def test_literal_decisions(meetings):
    assert item(meetings, "2026-04-08", 2).decision.startswith(
        "Prøvehandling gennemføres og evalueres inden systemet erhverves"
    )
    assert item(meetings, "2025-03-19", 5).decision == "Punktet udgik."
    assert item(meetings, "2026-04-08", 5).decision == "Udgik."
    assert item(meetings, "2026-04-08", 6).decision == "Intet."


def test_decision_keeps_lists_as_written(meetings):
    decision = item(meetings, "2025-03-19", 1).decision
    assert "- Velfærdsteknologi\n- Digital borgerbetjening" in decision


def test_earlier_decision_of_direktionens_mode(meetings):
    first = item(meetings, "2024-03-27", 1)
    assert [(e.body, e.date, e.item, e.text) for e in first.earlier] == [
        ("Direktionen", "2024-03-20", 3, "Drøftes igen på næste møde.")
    ]
    assert first.earlier[0].heading == "Beslutning fra Direktionens møde den 20. marts 2024, pkt. 3"
    assert first.decision.startswith("Handleplan for digitalisering blev drøftet.")


def test_earlier_decision_of_another_body_is_not_the_decision(meetings):
    hendelseslog = item(meetings, "2026-04-08", 2)
    assert hendelseslog.earlier[0].body == "Digitaliseringsstyregruppen"
    assert hendelseslog.earlier[0].date == "2026-02-26"
    assert hendelseslog.earlier[0].item == 7
    assert "Digitaliseringsstyregruppen" not in hendelseslog.decision


def test_sections_and_journal_numbers(meetings):
    hendelseslog = item(meetings, "2026-04-08", 2)
    assert hendelseslog.title == "Hændelseslog - TeamEffect"
    assert hendelseslog.case_number == "85.02.02P35-106-24"
    assert hendelseslog.resume.startswith("Hændelsesloggen fra TeamEffect")
    assert hendelseslog.indstilling.startswith("Kommaldirektøren indstiller:")
    assert "vold, trusler og chikane" in hendelseslog.sagsfremstilling
    assert hendelseslog.okonomi.startswith("Økonomi og HR udtaler")
    kunst = item(meetings, "2024-03-27", 4)
    assert kunst.supplerende.startswith("Lemvig Kommune er forsikret")
    assert kunst.afgoeres_af == "Direktionen."
    assert kunst.bilag == ("Miniprojektdokument - Registrering af kunst i Lemvig Kommune",
                           "Oversigt over institutioner m.v. udenfor Rådhuset")


def test_closed_items_with_and_without_title(meetings):
    empty = item(meetings, "2024-03-27", 7)
    assert empty.closed and empty.title == ""
    budget = item(meetings, "2026-04-08", 7)
    assert budget.closed and budget.title == "Budget 2027-2030 for Økonomi- og Erhvervsudvalget"


def test_table_of_contents_is_not_items(meetings):
    assert [i.number for i in meetings["2025-05-07"].items] == list(range(1, 9))


def test_item_ids_are_stable():
    text = SAMPLES[0].read_text(encoding="utf-8")
    first = [i.id for i in parse_minutes(text).items]
    second = [i.id for i in parse_minutes(text + "\n").items]
    assert first == second and len(set(first)) == len(first)


OTHER_BODY = """REFERAT Aarhus Byråd d. 27-08-2025

Mødedato 27-08-2025

Punkt 1: Letbane til Hasselager -
forlængelse af linjen

EMN-2025-003383

Beslutninger

Byrådet godkendte indstillingen.

Sagsfremstilling

Letbanen forlænges.
\f
Side 2 af 3

Punkt 2: Ældre sag

12/27845

Beslutning

Udsat.

Punkt 3: Gammel sag

2011-29298

Beslutning

Taget til efterretning.
"""


def test_other_body_plural_heading_and_other_journal_forms():
    meeting = parse_minutes(OTHER_BODY, "aarhus.txt")
    assert (meeting.body, meeting.date) == ("Aarhus Byråd", "2025-08-27")
    first, second, third = meeting.items
    assert first.title == "Letbane til Hasselager - forlængelse af linjen"
    assert first.case_number == "EMN-2025-003383"
    assert first.decision == "Byrådet godkendte indstillingen."
    assert first.sagsfremstilling == "Letbanen forlænges."
    assert (second.case_number, second.decision) == ("12/27845", "Udsat.")
    assert third.case_number == "2011-29298"


def test_decision_before_case_text_and_resume_without_accent():
    text = """REFERAT Direktionen d. 01-02-2024

Punkt 1: Noget

00.01.00A00-1-24

Resume

Kort.

Beslutning

Godkendt.

Sagsfremstilling

Lang tekst.
"""
    only = parse_minutes(text).items[0]
    assert (only.resume, only.decision, only.sagsfremstilling) == ("Kort.", "Godkendt.", "Lang tekst.")


@pytest.mark.parametrize("text, code", [
    ("", "empty"),
    ("   \n\n", "empty"),
    ("Punkt 1: Noget\n\nBeslutning\n\nJa.", "no_meeting"),
])
def test_documents_with_nothing_to_index_say_why(text, code):
    with pytest.raises(DocumentError) as error:
        parse_minutes(text, "x.txt")
    assert error.value.code == code


def test_minutes_without_item_headings_are_read_as_text_not_dropped():
    meeting = parse_minutes("REFERAT Direktionen d. 01-02-2024\n\nIngen punkter her.", "x.txt")
    assert (meeting.mode, meeting.notes, meeting.date, meeting.body) == ("text", ("no_items",), "2024-02-01", "Direktionen")
    assert "Ingen punkter her." in meeting.items[0].text


def test_a_file_without_any_date_is_dated_by_the_fallback_and_says_so():
    meeting = parse_minutes("Punkt 1: Noget\n\nBeslutning\n\nJa.", "x.txt", fallback_date=date(2024, 5, 1))
    assert (meeting.date, meeting.notes, meeting.items[0].decision) == ("2024-05-01", ("no_meeting_date",), "Ja.")


def test_minutes_cut_off_in_the_middle_are_reported_and_their_items_kept():
    text = SAMPLES[0].read_text(encoding="utf-8")
    cut = parse_minutes(text[: text.index("Punkt 4:")], "cut.txt")
    assert [note.split(":")[0] for note in cut.notes] == ["truncated"]
    assert [i.number for i in cut.items] == [1, 2, 3]


def test_a_last_item_without_a_decision_is_not_cut_off():
    text = "Referat\nByrådet\nDato: 04.12.2012\n\n1. Budget\n\nSagsnr.: 12/345\n\nBeslutning\n\nGodkendt.\n\n"
    meeting = parse_minutes(text + "2. Underskriftsark\n\nSagsnr.: 12/346\n\nSagsfremstilling\n\nUnderskrifter.")
    assert meeting.notes == () and [i.title for i in meeting.items] == ["Budget", "Underskriftsark"]


NUMBERED_PLAIN = """Beslutningsprotokol
Teknik- og Miljøudvalget
Dato: 04.12.2012

1.
Godkendelse af dagsorden
Sagsnr.: 2012-1234
Beslutning
Godkendt.

2. Vejbelysning i Nørre Aaby
Sagsnr.: 2012-2222
INDSTILLING
Forvaltningen indstiller:
1. At belysningen udskiftes.
2. At udgiften afholdes af anlægspuljen.
BESLUTNING:
Godkendt.
Fraværende: Hans Jensen (V)

3. Eventuelt
Beslutning: Intet.
"""


def test_numbered_items_in_plain_text_with_a_number_alone_on_its_line_and_lists_in_the_indstilling():
    meeting = parse_minutes(NUMBERED_PLAIN)
    assert (meeting.body, meeting.date, meeting.mode) == ("Teknik- og Miljøudvalget", "2012-12-04", "items")
    assert [(i.number, i.title, i.case_number) for i in meeting.items] == [
        (1, "Godkendelse af dagsorden", "2012-1234"), (2, "Vejbelysning i Nørre Aaby", "2012-2222"),
        (3, "Eventuelt", None),
    ]
    lights = meeting.items[1]
    assert lights.indstilling == ("Forvaltningen indstiller:\n1. At belysningen udskiftes.\n"
                                  "2. At udgiften afholdes af anlægspuljen.")
    assert lights.decision == "Godkendt."
    assert meeting.items[2].decision == "Intet."


def test_a_decision_ends_at_a_partys_proposal_and_at_attendance_but_keeps_its_own_lines():
    text = ("REFERAT Byrådet d. 27-08-2025\n\nPunkt 1: Regnskab\n\nBeslutning\n\nGodkendt med 25 stemmer.\n"
            "Borgmesteren takkede revisionen.\n\nÆndringsforslag fra Venstre:\nAt overskuddet bruges på veje.\n\n"
            "Fraværende: Mette Lund (B)\n")
    item = parse_minutes(text).items[0]
    assert item.decision == "Godkendt med 25 stemmer.\nBorgmesteren takkede revisionen."
    assert "Ændringsforslag fra Venstre" in item.text
