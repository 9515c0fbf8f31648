"""The names of bodies as people say them."""

import pytest

from knowledge.bodies import aliases, display_name
from knowledge.text import fold


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Byråd 2022-2025", "Byrådet"),
        ("Økonomiudvalget", "Økonomiudvalget"),
        ("FORRETNINGSUDVALGET", "Forretningsudvalget"),
        ("Direktionen", "Direktionen"),
        ("Kommunalbestyrelsen", "Kommunalbestyrelsen"),
        ("Klima-, Teknik- og Miljøudvalget", "Klima-, Teknik- og Miljøudvalget"),
    ],
)
def test_a_body_is_shown_the_way_people_say_it(raw, shown):
    assert display_name(raw) == shown


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        ("Økonomiudvalget", "ØU"),
        ("Økonomiudvalget", "økonomiudvalg"),
        ("Klima-, Teknik- og Miljøudvalget", "teknikudvalget"),
        ("Klima-, Teknik- og Miljøudvalget", "KTMU"),
        ("Kultur- og Fritidsudvalget", "kulturudvalget"),
        ("Byråd 2022-2025", "byrådet"),
        ("Byråd 2022-2025", "kommunalbestyrelsen"),
        ("Direktionen", "direktionen"),
    ],
)
def test_a_body_is_known_by_the_names_people_use(raw, said):
    assert fold(said) in aliases(raw)


def test_a_name_of_several_words_gets_no_made_up_initials():
    assert "iu" not in aliases("KMB IT-udvalget")


# --- finding the bodies a question names -------------------------------------------------------------

from knowledge.bodies import BodyMatcher  # noqa: E402

GREVE_BODIES = BodyMatcher([
    "Byråd 2022-2025", "Økonomiudvalget", "Klima-, Teknik- og Miljøudvalget", "Kultur- og Fritidsudvalget",
    "Skole-, Børne- og Ungeudvalget", "Beskæftigelses- og Erhvervsudvalget", "Social- og Handicapudvalget",
    "Sundheds- og Omsorgsudvalget", "Plan- og Tryghedsudvalget",
])


@pytest.mark.parametrize(("question", "body"), [
    ("hvad besluttede byrådet om skolen?", "Byråd 2022-2025"),
    ("hvad besluttede ØU om budget", "Økonomiudvalget"),
    ("økonomiudvalgets beslutning om budget", "Økonomiudvalget"),
    ("hvad har teknik- og miljøudvalget besluttet om veje", "Klima-, Teknik- og Miljøudvalget"),
    ("kulturudvalget og svømmehallen", "Kultur- og Fritidsudvalget"),
    ("beskæftigelsesudvalget", "Beskæftigelses- og Erhvervsudvalget"),
    ("økonomiudvalgt om budget", "Økonomiudvalget"),  # one letter missing
    ("referat fra klima-, teknik- og miljøudvalget 4. april 2022", "Klima-, Teknik- og Miljøudvalget"),
    ("teknik og miljøudvalget om veje", "Klima-, Teknik- og Miljøudvalget"),  # no hyphen
    ("ØU's beslutninger om budget", "Økonomiudvalget"),
])
def test_a_question_names_a_body_in_the_words_people_use(question, body):
    found, rest = GREVE_BODIES.find(question)
    assert found == (body,)
    assert "udvalg" not in rest.lower() and "byråd" not in rest.lower() and "ØU" not in rest
    assert "teknik" not in rest.lower() and "'s" not in rest


@pytest.mark.parametrize("question", [
    "budget for social- og handicapområdet",  # an area, not the committee
    "høring i handicaprådet",  # a råd is not an udvalg with the same field
    "udvalget",
    "br",  # two lower-case letters are a word, not initials
])
def test_words_that_only_look_like_a_body_are_left_alone(question):
    assert GREVE_BODIES.find(question) == ((), question)


def test_a_name_of_several_words_is_also_known_by_its_last_word():
    # "referat fra it-udvalget 15. maj 2013" was a topic search, not Ballerup's meeting,
    # because only "KMB IT-udvalget" whole was a name of the body.
    assert {"it-udvalget", "it-udvalg"} <= aliases("KMB IT-udvalget")
    assert "udvalget" not in aliases("KMB IT-udvalget")
