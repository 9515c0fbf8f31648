"""Reading an agenda portal's meeting JSON: the 55 real Greve meetings and small made ones."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from knowledge.index.build import build_index
from knowledge.index.loaded import Index
from knowledge.index.store import open_db, read_tables
from knowledge.model import Item
from knowledge.portal import PORTAL_MANIFEST, read_portal_file
from tests import portalmaker as pm

GREVE = pm.greve_files()


@pytest.fixture(scope="module")
def greve() -> list[tuple[dict, object]]:
    """(the JSON as served, the meeting read from it) for every real meeting."""
    return [(json.loads(path.read_text(encoding="utf-8")), read_portal_file(path, "")) for path in GREVE]


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def portal_decision(point: dict) -> str | None:
    """The portal's own Beslutning section, read independently of the reader: the text
    after the <h3>Beslutning</h3>, without the attendance lines."""
    soup = BeautifulSoup(point["Felter"][0]["Html"], "html.parser")
    heading = next((h for h in soup.find_all("h3") if h.get_text().strip() == "Beslutning"), None)
    if heading is None:
        return None
    section = heading.find_next_sibling()
    for tag in section.find_all(["br", "p", "li", "div", "tr"]):
        tag.insert_before("\n")
    lines = section.get_text().split("\n")
    return "\n".join(line for line in lines if not re.match(r"\s*(Fraværende|Afbud)", line))


def test_every_greve_meeting_is_read_with_its_body_date_and_items(greve):
    assert len(greve) == 55
    items = [item for _, meeting in greve for item in meeting.items]
    assert len(items) == 739
    assert sum(item.closed for item in items) == 50
    assert sum(bool(item.decision) for item in items) == 639
    bodies = Counter(meeting.body for _, meeting in greve)
    assert bodies["Økonomiudvalget"] == 9 and bodies["Byråd 2022-2025"] == 7
    assert len(bodies) == 9
    for data, meeting in greve:
        assert meeting.body == data["Udvalg"]["Navn"]
        assert f"{meeting.date}T{meeting.time}" == data["Moede"]["Dato"][:16]
        assert [item.number for item in meeting.items] == [int(p["Punktnummer"]) for p in data["Dagsordenpunkter"]]
        assert all(item.body == meeting.body and item.date == meeting.date for item in meeting.items)
    assert len({item.id for item in items}) == 739


def test_every_decision_equals_the_portals_beslutning_section(greve):
    compared = 0
    for data, meeting in greve:
        for point, item in zip(data["Dagsordenpunkter"], meeting.items):
            if item.closed:
                continue
            expected = portal_decision(point)
            if expected is None:
                assert item.decision == ""
                continue
            assert words(item.decision) == words(expected), (meeting.body, meeting.date, item.number)
            compared += 1
    assert compared == 639


def test_decisions_read_verbatim_on_a_sample(greve):
    by_key = {(m.body, m.date, item.number): item for _, m in greve for item in m.items}
    item = by_key[("Byråd 2022-2025", "2022-01-31", 16)]
    assert item.title == "Godkendelse af udbudsbetingelser for grundsalg - nyt plejehjem i Tune"
    assert item.decision == "Byrådet godkendte Økonomiudvalgets indstilling."
    assert item.attendance == "Fraværende: Tina Rottbøll"
    assert item.case_number == "21-014347"
    item = by_key[("Klima-, Teknik- og Miljøudvalget", "2022-06-02", 3)]
    assert item.decision == (
        "1. Udvalget anbefaler, at analysen i første omgang deles op i flere jf. bilaget:\n"
        "- Stormflodsanalysen\n- Behov og muligheder for LAR\n"
        "- Trafiksikkerhed og fremkommelighed inkl. 2-1\n2. Anbefales"
    )
    item = by_key[("Beskæftigelses- og Erhvervsudvalget", "2022-01-10", 1)]
    assert (item.decision, item.case_number) == ("Godkendt.", "21-014448")
    assert item.indstilling == "Center for Politik, Organisation & Borgerbetjening indstiller, at dagsordenen godkendes."
    assert item.afgoeres_af == "Beskæftigelses- og Erhvervsudvalget."


def test_case_numbers_are_kept_as_the_municipality_writes_them(greve):
    numbers = {item.case_number for _, m in greve for item in m.items}
    assert {"21-014448", "20-072985K", "19-033355K"} <= numbers
    assert all(n is None or re.fullmatch(r"\d\d-\d{6}K?", n) for n in numbers)


def test_a_closed_item_keeps_title_number_and_date_and_never_its_decision(greve, tmp_path):
    by_key = {(m.body, m.date, item.number): item for _, m in greve for item in m.items}
    item = by_key[("Økonomiudvalget", "2022-02-28", 2)]
    assert item.closed and item.title == "Pendlerparkering på Waves" and item.case_number == "20-055104K"
    assert (item.decision, item.text, item.resume, item.earlier) == ("", "", "", ())
    store = tmp_path / "index.json"
    build_index([pm.GREVE], store)
    # The portal's JSON carries the closed decision ("... fokus på handicappladser ved
    # Waves"); not a word of it may reach the index on disk.
    assert "handicappladser ved Waves" not in store.read_text(encoding="utf-8")
    hits = Index.open(store).search("handicappladser ved Waves pendlerparkering", limit=20)
    assert all("handicappladser" not in (hit.decision or "") for hit in hits)


def test_sagens_forloeb_becomes_the_earlier_treatment_with_body_and_date(greve):
    by_key = {(m.body, m.date, item.number): item for _, m in greve for item in m.items}
    earlier = by_key[("Byråd 2022-2025", "2022-01-31", 16)].earlier
    assert [(e.body, e.date) for e in earlier] == [
        ("Sundheds- og Omsorgsudvalget", "2022-01-10"),
        ("Plan-, Trygheds- og Integrationsudvalget", "2022-01-11"),
        ("Klima-, Teknik- og Miljøudvalget", "2022-01-17"),
        ("Økonomiudvalget", "2022-01-24"),
    ]
    assert earlier[3].text.startswith("Økonomiudvalget anbefaler overfor Byrådet at administrationens indstillingspunkt 1 og 2")
    # The meeting's own "Beslutning ikke frigivet" line is no earlier treatment.
    assert by_key[("Beskæftigelses- og Erhvervsudvalget", "2022-01-10", 1)].earlier == ()


def test_the_greve_folder_indexes_through_the_index_command(tmp_path, monkeypatch):
    from bot.cli import main

    store = tmp_path / "data"
    monkeypatch.setenv("BESLUTNINGSBOT_DATA_DIR", str(store))
    assert main(["index", "--quiet", str(pm.GREVE)]) == 0
    index = Index.open(store / "index.json")
    assert index.stats()["items"] == 739 and index.stats()["meetings"] == 55


def test_html_becomes_readable_text_lists_tables_entities_and_unknown_sections(tmp_path):
    html = pm.item_html(
        decision="<p>Godkendt med &aelig;ndringer:</p><ul><li>f&oslash;rste</li><li>anden</li></ul>"
                 "<br><br>Afbud: Hans Hansen<br>Fraværende: Grete Jensen",
        sections={
            "Resume": "<p>Kort&nbsp;om sagen.</p>",
            "Økonomiske  konsekvenser": "<table><tr><td>Post</td><td>Beløb</td></tr><tr><td>Drift</td><td>1.000</td></tr></table>",
            "Klimavurdering": "<p>Sagen mindsker CO2-udledningen.</p>",
        },
    )
    path = pm.write(tmp_path, pm.meeting("Kultur- og Fritidsudvalget", "2022-05-04T16:00:00+02:00",
                                         [pm.point(1, "Ny svømmehal", html, case="20-054308K")]))
    item = read_portal_file(path, "").items[0]
    assert item.decision == "Godkendt med ændringer:\n- første\n- anden"
    assert item.attendance == "Afbud: Hans Hansen\nFraværende: Grete Jensen"
    assert item.resume == "Kort om sagen."
    assert item.okonomi == "| Post | Beløb |\n| Drift | 1.000 |"
    assert item.case_number == "20-054308K"
    row = item.to_dict() | {"text": ""}
    assert "Sagen mindsker CO2-udledningen." in Item.from_dict(row).text


def test_two_meetings_of_one_body_on_one_day_keep_every_item(tmp_path):
    html = pm.item_html(decision="Godkendt.")
    pm.write(tmp_path, pm.meeting("Byråd 2022-2025", "2022-05-23T17:15:00+02:00",
                                  [pm.point(1, "Budget", html), pm.point(2, "Anlæg", html)]))
    pm.write(tmp_path, pm.meeting("Byråd 2022-2025", "2022-05-23T17:30:00+02:00",
                                  [pm.point(1, "Takster", html), pm.point(2, "Skoler", html)]))
    store = tmp_path / "index.json"
    report = build_index([tmp_path], store)
    assert (report.meetings, report.items) == (2, 4)
    assert not report.warnings
    rows = read_tables(open_db(store))["items"]
    assert len({row["id"] for row in rows}) == 4
    assert sorted(row["title"] for row in rows if row["number"] == 1) == ["Budget", "Takster"]


def test_a_meeting_links_to_its_portal_page_only_when_the_portal_is_known(tmp_path):
    data = pm.meeting("Økonomiudvalget", "2022-06-13T16:00:00+02:00",
                      [pm.point(1, "Budget", pm.item_html("Godkendt."))], meeting_id="3e57a83f-0e73")
    plain = pm.write(tmp_path / "plain", data)
    assert read_portal_file(plain, "").url is None
    synced = pm.write(tmp_path / "synced", data)
    (tmp_path / "synced" / PORTAL_MANIFEST).write_text(json.dumps({"url": "https://dagsordener.greve.dk/"}))
    assert read_portal_file(synced, "").url == "https://dagsordener.greve.dk/vis?id=3e57a83f-0e73"


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", json.dumps({"Moede": {}}).encode()])
def test_a_json_file_that_is_no_portal_meeting_is_named_and_the_others_indexed(tmp_path, content):
    pm.write(tmp_path, pm.meeting("Økonomiudvalget", "2022-06-13T16:00:00+02:00",
                                  [pm.point(1, "Budget", pm.item_html("Godkendt."))]))
    (tmp_path / "broken.json").write_bytes(content)
    report = build_index([tmp_path], tmp_path / "index.json")
    assert report.meetings == 1
    assert [(r.name, r.code) for r in report.warnings] == [("broken.json", "unreadable")]


def test_an_open_items_attachments_are_named_and_a_closed_items_are_not(tmp_path):
    open_point = pm.point(1, "Plan for erhverv", pm.item_html("Godkendt."))
    open_point["Bilag"] = [{"Navn": "Bilag 2 Tidsplan", "Order": 1}, {"Navn": "Bilag 1 Erhvervsplan", "Order": 0}]
    closed_point = pm.point(2, "Lukket: Salg af grund", "<div><p>Solgt til X.</p></div>")
    closed_point["Bilag"] = [{"Navn": "Købsaftale med X", "Order": 0}]
    path = pm.write(tmp_path, pm.meeting("Økonomiudvalget", "2022-03-14T08:00:00+01:00", [open_point, closed_point]))
    first, second = read_portal_file(path, "").items
    assert first.bilag == ("Bilag 1 Erhvervsplan", "Bilag 2 Tidsplan")
    assert second.closed and second.bilag == () and second.decision == ""


def test_hvidovres_layout_decisions_by_body_and_date_word_exports_and_open_flags(tmp_path):
    # Hvidovre's portal heads each decision "Beslutning i <body> den DD-MM-YYYY", wraps each
    # section in a Word export with its own <title>, and marks open items with IsOpen.
    def section(heading: str, text: str) -> str:
        return (f"<h3>{heading}</h3><span><meta name='generator' content='Aspose.Words'>"
                f"<title>Dagsordenspunkt</title><div><p><span>{text}</span></p></div></span>")

    html = "<div><div id='sagsfremstillingContainer'>" + "".join([
        section("Beslutningstema", "Skema A for Grenhusene."),
        section("Indstilling", "Kommunaldirektøren indstiller, at skema A godkendes."),
        section("Beslutning i Økonomiudvalget den 16-03-2026", "Sagen udsættes."),
        section("Beslutning i Kommunalbestyrelsen den 28-04-2026", "Godkendt med 15 stemmer for."),
        section("Sagsfremstilling", "Bebyggelsen er opført i 1950'erne."),
        section("Retsgrundlag", "Almenboligloven."),
    ]) + "</div></div>"
    first = pm.point(1, "Skema A for Grenhusene", html, case="25/26257")
    second = pm.point(2, "Salg af grund", pm.item_html("Solgt."), case="25/30000")
    first["IsOpen"], second["IsOpen"] = True, False
    path = pm.write(tmp_path, pm.meeting("Kommunalbestyrelsen", "2026-04-28T18:00:00+02:00", [first, second]))
    item, closed = read_portal_file(path, "").items
    assert item.decision == "Godkendt med 15 stemmer for."
    assert [(e.body, e.date, e.text) for e in item.earlier] == [("Økonomiudvalget", "2026-03-16", "Sagen udsættes.")]
    assert item.resume == "Skema A for Grenhusene."
    assert item.indstilling == "Kommunaldirektøren indstiller, at skema A godkendes."
    assert item.case_number == "25/26257"
    assert "Dagsordenspunkt" not in Item.from_dict(item.to_dict() | {"text": ""}).text
    assert "Almenboligloven." in item.sagsfremstilling
    assert closed.closed and closed.decision == ""
