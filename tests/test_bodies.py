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
