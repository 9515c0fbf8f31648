"""Reading what a decision did, and what a question asks about it."""

from __future__ import annotations

import pytest

from knowledge import outcome
from knowledge.links import source_url


@pytest.mark.parametrize("decision, kind", [
    ("Indstillingerne godkendt.", "approved"),
    ("Godkendt", "approved"),
    ("Direktionen bakker fuldt op om de 4 strategiske spor.", "approved"),
    ("Indstillingen anbefales.", "recommended"),
    ("Taget til efterretning.", "noted"),
    ("Prioriteringerne blev drøftet og blev taget til efterretning.", "noted"),
    ("Indstillingen blev ikke godkendt.", "rejected"),
    ("Ansøgningen afvises.", "rejected"),
    ("Udsættes til næste møde.", "postponed"),
    ("Retningslinjerne sendes til høring.\n\nDrøftes igen i maj 2026.", "postponed"),
    ("Udgik.", "withdrawn"),
    ("Punktet udgik.", "withdrawn"),
    ("Handleplan for digitalisering blev drøftet.", "neither"),
    ("Direktionen ønsker at prioritere projekter indenfor følgende indsatsler:\n\n- Velfærdsteknologi\n\n"
     "Øvrige indsatsler udsættes til 2026.", "neither"),
    ("Intet.", "neither"),
    # Portal minutes (Greve): the main verb comes first.
    ("Økonomiudvalget anbefaler overfor Byrådet at administrationens indstilling godkendes.", "recommended"),
    ("Byrådet godkendte Økonomiudvalgets indstilling.", "approved"),
    ("Økonomiudvalget besluttede af sende sagen tilbage til fornyet behandling", "postponed"),
    ("1-7 anbefales med følgende bemærkning under punkt 1", "recommended"),
    ("Udvalget undlod at tage stilling.", "neither"),
])
def test_a_decision_is_read_by_its_first_sentence_that_says_something(decision, kind):
    assert outcome.classify(decision).kind == kind


def test_a_decision_naming_its_at_points_approves_only_those():
    indstilling = "Kommunaldirektøren indstiller:\n\n- At A godkendes.\n- At B godkendes.\n- At C godkendes."
    assert outcome.proposal_parts(indstilling, "Indstillingens 2. at godkendt.") == ["At B godkendes."]
    assert outcome.proposal_parts(indstilling, "Godkendt.") == ["At A godkendes.", "At B godkendes.", "At C godkendes."]


@pytest.mark.parametrize("question, asked", [
    ("blev OS2rollekatalog godkendt?", "approved"),
    ("er budgettet blevet vedtaget?", "approved"),
    ("blev ansøgningen afvist?", "rejected"),
    ("hvad besluttede direktionen om budget?", None),
    ("hvornår blev handleplanen godkendt?", None),
])
def test_a_yes_no_question_about_an_outcome_is_recognised(question, asked):
    assert outcome.asked_outcome(question) == asked


def test_a_portal_meeting_links_to_its_page_and_a_pdf_to_its_page_number():
    assert source_url({"source": "x.json"}, {"url": "https://dagsordener.greve.dk/vis?id=1"}) == \
        "https://dagsordener.greve.dk/vis?id=1"
    assert source_url({"source": "Referat 8. april.pdf", "page": 5}, None, "https://k.dk/ref") == \
        "https://k.dk/ref/Referat%208.%20april.pdf#page=5"


def test_a_link_never_carries_a_folder_of_the_server():
    assert source_url({"source": "/srv/referater/2026/a.pdf"}, None, "https://k.dk/ref/") == "https://k.dk/ref/a.pdf"
    assert source_url({"source": "/srv/referater/2026/a.pdf"}, None, "") is None
    assert source_url({"source": "a.pdf"}, {"url": "file:///srv/a.pdf"}, "") is None
