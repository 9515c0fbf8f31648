"""The search over many bodies (55 real Greve portal meetings, nine bodies): a body named in
a question narrows it, a day with several meetings gives a pick list, a case goes through
its bodies under one number, and case numbers of every form are found or honestly not."""

from __future__ import annotations

from datetime import date

import pytest


def test_a_named_body_narrows_the_search_to_its_items(greve_index):
    result = greve_index.answer("hvad besluttede teknikudvalget om cykelstiprojekter med puljemidler?")
    assert result.kind == "answer" and result.bodies == ["Klima-, Teknik- og Miljøudvalget"]
    assert {hit.body for hit in result.hits} == {"Klima-, Teknik- og Miljøudvalget"}
    assert (result.hits[0].date, result.hits[0].case_number) == ("2022-02-14", "21-012340")
    assert "teknik" not in result.question.topic.lower()


@pytest.mark.parametrize("said", ["byrådet", "Byrådet", "byraadet", "kommunalbestyrelsen"])
def test_byraadet_is_the_byraad_of_the_electoral_period(greve_index, said):
    result = greve_index.answer(f"hvad besluttede {said} om Mosede Fort?")
    assert result.bodies == ["Byrådet"]
    assert (result.hits[0].body, result.hits[0].date) == ("Byråd 2022-2025", "2022-04-04")
    assert result.hits[0].body_name == "Byrådet"


def test_a_body_with_nothing_on_the_subject_says_so_and_carries_what_others_decided(greve_index):
    result = greve_index.answer("hvad besluttede social- og handicapudvalget om Mosede Fort?")
    assert (result.kind, result.reason) == ("none", "body_has_nothing")
    assert result.hits == []
    assert result.elsewhere and all("Mosede Fort" in hit.title for hit in result.elsewhere)
    assert {hit.body_name for hit in result.elsewhere} <= {"Byrådet", "Økonomiudvalget", "Klima-, Teknik- og Miljøudvalget",
                                                          "Kultur- og Fritidsudvalget"}


def test_a_day_when_several_bodies_met_gives_each_meeting_to_pick(greve_index):
    result = greve_index.answer("referat fra mødet 4. april 2022")
    assert result.kind == "meetings"
    bodies = [meeting["body_name"] for meeting in result.meetings]
    assert "Byrådet" in bodies and "Økonomiudvalget" in bodies and len(bodies) == len(set(bodies))
    byraad = next(meeting for meeting in result.meetings if meeting["body_name"] == "Byrådet")
    assert (byraad["date"], byraad["time"][:5], byraad["items"]) == ("2022-04-04", "19:00", 34)
    # Picking one asks the question that opens exactly that meeting.
    picked = greve_index.answer(byraad["question"])
    assert picked.kind == "meeting" and {hit.body for hit in picked.hits} == {"Byråd 2022-2025"}


def test_a_meeting_question_naming_a_body_lists_that_bodys_meeting(greve_index):
    result = greve_index.answer("hvad skete der i ØU 4. april 2022?")
    assert result.kind == "meeting"
    assert {hit.body for hit in result.hits} == {"Økonomiudvalget"}
    assert [hit.number for hit in result.hits] == sorted(hit.number for hit in result.hits)


def test_the_latest_meeting_of_a_named_body(greve_index):
    result = greve_index.answer("seneste møde i kulturudvalget")
    assert result.kind == "meeting"
    assert {(hit.body, hit.date) for hit in result.hits} == {("Kultur- og Fritidsudvalget", "2022-06-10")}


def test_seneste_gives_the_last_stage_of_a_case_and_every_stage_is_on_the_hit(greve_index):
    result = greve_index.answer("seneste beslutning om cykelstiprojekter med puljemidler")
    best = result.hits[0]
    assert (best.body_name, best.date) == ("Byrådet", "2022-03-07")
    assert [(stage["body_name"], stage["date"]) for stage in best.stages] == [
        ("Klima-, Teknik- og Miljøudvalget", "2022-02-14"), ("Økonomiudvalget", "2022-02-28"),
        ("Byrådet", "2022-03-07"),
    ]


def test_see_also_never_repeats_the_answers_case_from_another_body(greve_index):
    # Regression: "Se også" listed the same title from three bodies (one case's stages).
    result = greve_index.answer("Mosede Fort forundersøgelse og fundraising")
    subjects = [(hit.case_number, hit.title) for hit in result.see_also]
    assert (result.hits[0].case_number, result.hits[0].title) not in subjects
    assert len(subjects) == len(set(subjects))
    assert len(result.hits[0].stages) == 4


def test_stages_of_one_day_follow_the_meetings_times(greve_index):
    result = greve_index.answer("sag 22-004797")
    assert [hit.body_name for hit in result.hits] == [
        "Byrådet", "Økonomiudvalget", "Beskæftigelses- og Erhvervsudvalget"]


@pytest.mark.parametrize("question", [
    "sag 20-078105K", "hvad er status på 20-078105K?", "20-078105k", "sagsnr. 20-078105K i byrådet",
    "sag 20-078105",  # without the letter the municipality adds
])
def test_greves_case_numbers_whole_or_inside_a_sentence(greve_index, question):
    result = greve_index.answer(question)
    assert result.kind == "case"
    assert {hit.case_number for hit in result.hits} == {"20-078105K"}
    assert len(result.hits) == 3


def test_a_case_number_not_in_the_index_gets_no_answer_but_the_nearest_numbers(greve_index):
    result = greve_index.answer("hvad blev besluttet i sag 22-002711?")
    assert (result.kind, result.reason, result.hits) == ("none", "unknown_case", [])
    assert "22-002710" in [case["case_number"] for case in result.cases]


def test_a_partial_case_number_lists_the_cases_it_begins(greve_index):
    result = greve_index.answer("sag 22-0027")
    assert result.kind == "cases"
    assert len(result.cases) > 1
    assert all(case["case_number"].startswith("22-0027") for case in result.cases)


def test_every_hit_carries_its_body(greve_index):
    for question in ("budget", "sag 22-002011", "referat fra økonomiudvalget 4. april 2022"):
        hits = greve_index.answer(question).hits
        assert hits and all(hit.body and hit.body_name for hit in hits)


def test_a_period_without_meetings_says_so_and_names_the_nearest(greve_index):
    result = greve_index.answer("hvad besluttede byrådet om budget i sidste uge?", today=date(2022, 3, 2))
    assert (result.kind, result.reason) == ("none", "no_meetings_in_period")
    assert result.question.relative == "i sidste uge"
    assert [meeting["body_name"] for meeting in result.meetings] == ["Byrådet"] * len(result.meetings)
    assert result.meetings[0]["date"] == "2022-03-07"


def test_yesterday_is_read_against_the_given_today(greve_index):
    result = greve_index.answer("hvad besluttede økonomiudvalget i går?", today=date(2022, 4, 5))
    assert result.kind == "meeting"
    assert {(hit.body, hit.date) for hit in result.hits} == {("Økonomiudvalget", "2022-04-04")}


def test_spring_of_a_year_is_a_period(greve_index):
    result = greve_index.answer("Mosede Fort i foråret 2022")
    assert (result.question.date_from, result.question.date_to) == (date(2022, 3, 1), date(2022, 5, 31))
    assert result.hits and all("2022-03-01" <= hit.date <= "2022-05-31" for hit in result.hits)


def test_questions_over_the_greve_meetings_are_mostly_right(greve_index):
    # Written as users ask (own words, typos, a committee, a period, case numbers, meeting
    # listings, questions nothing answers) before the ranking was looked at.
    from tests.conftest import DATA, load_questions
    from tools import evaluate

    checks = evaluate.run(greve_index, load_questions(DATA / "questions_greve.jsonl"))
    wrong = [(c.question["id"], c.question["q"], c.got[:2]) for c in checks if not c.ok]
    assert len(wrong) <= len(checks) * 0.1, wrong


@pytest.mark.parametrize("question", ["sag", "hvad skete der med sagen?", "sagen"])
def test_the_word_sag_alone_gets_no_confident_answer(greve_index, question):
    # Regression: "sag" answered "Byggesagsbehandling §60" as if it were the subject.
    result = greve_index.answer(question)
    assert result.kind == "empty" and result.hits == []
