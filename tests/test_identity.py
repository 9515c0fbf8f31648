"""Which meeting and item a file is: ids that stay apart, and one meeting from several files."""

from __future__ import annotations

import shutil

from handlers.report import index_summary
from knowledge.index.build import build_index
from knowledge.index.store import open_db, read_tables, write_tables
from knowledge.model import stable_id
from knowledge.paths import SAMPLES_DIR
from tests import portalmaker as pm
from tests.docmaker import write_docx, write_pdf


def test_an_index_from_before_item_ids_had_the_time_brings_no_false_news(minutes_dir, tmp_path):
    # Item ids gained the meeting's time; an index built before must not report every
    # decision as new (the weekly digest would send the whole archive again).
    store = tmp_path / "index.json"
    build_index([minutes_dir], store)
    tables = read_tables(open_db(store))
    for row in tables["items"]:
        row["id"] = stable_id(row["body"], row["date"], row["number"])
        row["indexed_at"] = "2020-01-01T00:00:00+00:00"
    for row in tables["sources"]:
        row.pop("reader", None)
    write_tables(open_db(store), tables)

    report = build_index([minutes_dir], store)
    assert (report.new, report.changed, report.removed) == (0, 0, 0)
    assert all(status == "indexed" for status in (r.status for r in report.files))
    rows = read_tables(open_db(store))["items"]
    assert all(row["indexed_at"] == "2020-01-01T00:00:00+00:00" for row in rows if row.get("decision"))
    assert all(row["id"] != stable_id(row["body"], row["date"], row["number"]) for row in rows)


# --- one meeting from several files -----------------------------------------------------------

SAMPLE = SAMPLES_DIR / "000_604951d8f3dc8e69.txt"


def index_of(folder, store):
    report = build_index([folder], store)
    return report, read_tables(open_db(store))


def test_the_pdf_and_the_docx_of_one_meeting_give_one_meeting_and_no_warning(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8")
    folder = tmp_path / "minutes"
    folder.mkdir()
    write_pdf(text, folder / "referat.pdf")
    write_docx(text, folder / "referat.docx")
    report, tables = index_of(folder, tmp_path / "index.json")
    assert (report.meetings, report.items) == (1, 8)
    assert not report.warnings
    assert sorted(tables["meetings"][0]["sources"]) == ["referat.docx", "referat.pdf"]


def test_a_re_download_under_another_name_is_the_same_meeting(tmp_path):
    folder = tmp_path / "minutes"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "referat.txt")
    shutil.copy(SAMPLE, folder / "referat (1).txt")
    report, _ = index_of(folder, tmp_path / "index.json")
    assert (report.meetings, report.items, report.warnings) == (1, 8, [])


def test_two_files_that_disagree_about_a_meeting_are_both_named_and_nothing_is_dropped(tmp_path):
    folder = tmp_path / "minutes"
    folder.mkdir()
    text = SAMPLE.read_text(encoding="utf-8")
    (folder / "a_referat.txt").write_text(text, encoding="utf-8")
    changed = text.replace("Prøvehandling gennemføres", "Prøvehandling udsættes")
    assert changed != text
    (folder / "b_rettet.txt").write_text(changed, encoding="utf-8")
    store = tmp_path / "index.json"
    report, tables = index_of(folder, store)
    assert report.meetings == 1 and report.items == 8
    assert {(r.name, r.code, r.detail) for r in report.warnings} == {
        ("a_referat.txt", "conflict", "b_rettet.txt"), ("b_rettet.txt", "conflict", "a_referat.txt"),
    }
    summary = index_summary(report)
    assert "a_referat.txt" in summary and "samme møde som b_rettet.txt, men filerne er uenige" in summary
    # A second run names them again; nothing is quietly settled by reusing the last run.
    again = build_index([folder], store)
    assert {r.name for r in again.warnings} == {"a_referat.txt", "b_rettet.txt"}


def test_a_file_with_items_the_other_lacks_adds_them_and_both_are_named(tmp_path):
    folder = tmp_path / "minutes"
    folder.mkdir()
    text = SAMPLE.read_text(encoding="utf-8")
    shortened = text[: text.index("Punkt 8")]
    (folder / "a.txt").write_text(shortened, encoding="utf-8")
    (folder / "b.txt").write_text(text, encoding="utf-8")
    report, _ = index_of(folder, tmp_path / "index.json")
    assert (report.meetings, report.items) == (1, 8)
    assert sorted(r.name for r in report.warnings if r.code == "conflict") == ["a.txt", "b.txt"]


def test_a_supplementary_agenda_joins_its_meeting(tmp_path):
    html = pm.item_html(decision="Godkendt.")
    pm.write(tmp_path, pm.meeting("Byråd 2022-2025", "2022-06-20T17:00:00+02:00",
                                  [pm.point(1, "Budget", html), pm.point(2, "Anlæg", html)]))
    pm.write(tmp_path, pm.meeting("Byråd 2022-2025", "2022-06-20T17:00:00+02:00",
                                  [pm.point(1, "Salg af grund", html)], supplementary=True))
    pm.write(tmp_path, pm.meeting("Byråd 2022-2025", "2022-06-20T16:30:00+02:00",
                                  [pm.point(3, "Ekstra punkt", html)], supplementary=True))
    report, tables = index_of(tmp_path, tmp_path / "index.json")
    assert (report.meetings, report.items, report.warnings) == (1, 4, [])
    rows = sorted(tables["items"], key=lambda row: row["number"])
    # The agenda's own items keep their numbers; the supplementary ones follow.
    assert [(row["number"], row["title"]) for row in rows][:2] == [(1, "Budget"), (2, "Anlæg")]
    assert {row["title"] for row in rows[2:]} == {"Ekstra punkt", "Salg af grund"}
    assert [row["number"] for row in rows] == [1, 2, 3, 4]
    assert len({row["id"] for row in rows}) == 4
    assert {row["meeting_id"] for row in rows} == {tables["meetings"][0]["id"]}
    # And the next run, reusing every file, gives the same.
    again = build_index([tmp_path], tmp_path / "index.json")
    assert (again.meetings, again.items) == (1, 4)
    assert all(r.status == "unchanged" for r in again.files)


def test_the_agenda_and_the_minutes_of_one_meeting_give_the_minutes_without_a_warning(tmp_path):
    # Portals publish a meeting's agenda and its minutes under two ids (Hvidovre's listing
    # has both for one committee's meeting); the sync saves both.
    stamp = "2026-03-02T11:00:00+01:00"
    agenda = pm.meeting("Kultur- og Fritidsudvalget", stamp, [
        pm.point(1, "Godkendelse af dagsorden", pm.item_html(None, {"Resume": "<p>Dagsorden.</p>"})),
        pm.point(2, "Ny svømmehal", pm.item_html(None, {"Resume": "<p>Forslag.</p>"})),
    ])
    minutes = pm.meeting("Kultur- og Fritidsudvalget", stamp, [
        pm.point(1, "Godkendelse af dagsorden", pm.item_html("Godkendt.")),
        pm.point(2, "Ny svømmehal", pm.item_html("Anbefales.")),
    ])
    pm.write(tmp_path, agenda, name="a_dagsorden.json")
    pm.write(tmp_path, minutes, name="b_referat.json")
    report, tables = index_of(tmp_path, tmp_path / "index.json")
    assert (report.meetings, report.items, report.warnings) == (1, 2, [])
    assert sorted(row["decision"] for row in tables["items"]) == ["Anbefales.", "Godkendt."]
