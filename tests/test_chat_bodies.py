"""Chatting about many bodies (55 real Greve portal meetings): body filters, meeting pick
lists and case numbers, as a user sees them."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest


@pytest.fixture
def chat(greve_chat_on):
    # A fixed clock: 5 April 2022, 09:00 in Copenhagen.
    return greve_chat_on(datetime(2022, 4, 5, 7, 0, tzinfo=timezone.utc))


async def test_a_named_committee_answers_with_its_own_decision(chat):
    reply = await chat.say("hvad besluttede teknik- og miljøudvalget om Mosede Fort?")
    assert reply.startswith("Klima-, Teknik- og Miljøudvalget besluttede 21. marts 2022")
    assert "Mosede Fort, forundersøgelse og fundraising" in reply


async def test_byraadet_is_named_the_way_people_say_it(chat):
    reply = await chat.say("hvad besluttede byrådet om Mosede Fort?")
    assert reply.startswith("Byrådet besluttede 4. april 2022")
    assert "Byråd 2022-2025" not in reply


async def test_a_body_with_nothing_on_it_says_so_and_offers_what_others_decided(chat):
    reply = await chat.say("hvad besluttede social- og handicapudvalget om Mosede Fort?")
    assert reply.startswith("Social- og Handicapudvalget har intet om »Mosede Fort« i referaterne.")
    assert "Byrådet besluttede 4. april 2022" in reply


async def test_a_day_with_several_meetings_lists_them_to_pick(chat):
    reply = await chat.say("referat fra 4. april 2022")
    assert reply.startswith("Flere møder 4. april 2022. Hvilket vil du se?")
    assert "- Byrådet (kl. 19:00): 34 punkter" in reply
    assert "- Økonomiudvalget (kl. 16:00): 6 punkter" in reply


async def test_a_pick_list_comes_with_a_button_per_meeting(chat, greve_index):
    reply = await chat.conversation.ask("referat fra 4. april 2022")
    entries = reply.card["entries"]
    assert len(entries) == len(greve_index.answer("referat fra 4. april 2022").meetings)
    byraad = next(entry for entry in entries if entry["title"].startswith("Byrådet"))
    opened = await chat.say(byraad["question"])
    assert opened.startswith("Byrådets møde 4. april 2022")


async def test_a_meeting_question_naming_a_body_lists_that_meeting(chat):
    reply = await chat.say("hvad besluttede økonomiudvalget i går?")
    assert reply.startswith("Økonomiudvalgets møde 4. april 2022")


async def test_a_case_timeline_names_every_body(chat):
    reply = await chat.say("hvad er status på sag 21-012340?")
    assert reply.startswith("Sag 21-012340 er behandlet 3 gange, nyeste først:")
    assert "7. marts 2022, Byrådet, Punkt 24" in reply
    assert "28. februar 2022, Økonomiudvalget, Punkt 16" in reply
    assert "14. februar 2022, Klima-, Teknik- og Miljøudvalget, Punkt 7" in reply


async def test_an_unknown_case_number_is_not_answered_but_the_nearest_are_offered(chat):
    reply = await chat.say("hvad blev besluttet i sag 22-002711?")
    assert reply.startswith("Jeg kender ingen sag med nummeret 22-002711.")
    assert "Sag 22-002710" in reply
    assert "besluttede" not in reply.split("\n")[0]


async def test_a_partial_case_number_lists_its_cases(chat):
    reply = await chat.say("sag 22-0027")
    assert "sager har et sagsnummer, der begynder med 22-0027" in reply
    assert "Sag 22-002710: Rekreative tiltag på klimabassin ved Strandby Have" in reply


async def test_a_period_without_meetings_says_so_and_names_the_nearest(chat):
    reply = await chat.say("hvad besluttede byrådet om budget i dag?")
    assert reply.startswith("Der var ingen møder i dag.")
    assert "Byrådet, 4. april 2022" in reply


async def test_a_listed_title_ending_in_a_full_stop_is_not_followed_by_a_colon(chat):
    reply = await chat.say("referat fra byrådet 31. januar 2022")
    assert "- Punkt 1: Godkendelse af dagsorden: Dagsordenen blev godkendt." in reply
    assert ".:" not in reply


async def test_see_also_names_the_body_once_when_the_title_already_names_it(chat):
    reply = await chat.say("blev budgetopfølgning 1 godkendt?")
    assert "- Budgetopfølgning 1 2022, Kultur- og Fritidsudvalget, 1. juni 2022\n" in reply
    assert "Kultur- og Fritidsudvalget, 1. juni 2022, Kultur- og Fritidsudvalget" not in reply


async def test_a_body_the_minutes_hold_no_meetings_of_is_named_with_the_bodies_they_do_hold(chat):
    # Greve's minutes hold no Direktion: "Jeg fandt intet … »Hændelseslog«" hid why.
    reply = await chat.say("hvad besluttede direktionen om Hændelseslog?")
    assert reply.startswith("Referaterne har ingen møder i Direktionen.")
    assert "De har møder i " in reply and "Byrådet, " in reply and "Økonomiudvalget." in reply
    assert "»Hændelseslog«" not in reply


async def test_a_body_the_minutes_do_not_hold_still_gets_what_other_bodies_decided(chat):
    reply = await chat.say("hvad besluttede direktionen om budgetopfølgning 1?")
    assert reply.startswith("Referaterne har ingen møder i Direktionen.")
    assert "Andre har behandlet det:" in reply
    assert "Budgetopfølgning 1 2022" in reply


async def test_a_body_named_as_the_subject_of_an_item_still_answers_with_that_item(chat):
    reply = await chat.say("hvad besluttede handicaprådet om handicappolitik")
    assert "Referaterne har ingen møder i" not in reply
    assert "Handicaprådets årsberetning 2022" in reply


async def test_a_body_typed_without_danish_letters_is_named_with_them(chat):
    reply = await chat.say("hvad besluttede regionsraadet om Hændelseslog")
    assert reply.startswith("Referaterne har ingen møder i Regionsrådet.")
