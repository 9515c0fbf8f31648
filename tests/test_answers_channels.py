"""The answers of issue 14 as Teams and Webex show them: the lead and what was approved in
the card, follow-ups in the same chat, a meeting as a list card whose buttons open items,
and the button to the minutes."""

from __future__ import annotations

import json

import pytest

from bot.teams.channel import BeslutningsBot
from tests.chat import card_actions, make_conversation
from tests.test_teams import card_of, shown, teams_adapter
from tests.test_webex import action_webhook, client, deliver, live, message_webhook, settings  # noqa: F401

MINUTES_URL = "https://www.lemvig.dk/politik/referater"


def submits(card: dict) -> list[dict]:
    return [action for action in card_actions(card) if action["type"] == "Action.Submit"]


def texts_of(card: dict) -> str:
    return json.dumps(card["body"], ensure_ascii=False)


# --- Teams ----------------------------------------------------------------------------------


@pytest.fixture
def teams(sample_index):
    conversation = make_conversation(lambda: sample_index, minutes_url=MINUTES_URL)
    return teams_adapter(BeslutningsBot(conversation), conversation_type="personal")


async def answer_card_after(adapter, text) -> dict:
    adapter.activity_buffer.clear()
    await adapter.send(text)
    return card_of(adapter.activity_buffer[-1])


async def test_teams_card_says_yes_and_what_was_approved_with_a_button_to_the_minutes(teams):
    card = await answer_card_after(teams, "blev OS2rollekatalog godkendt?")
    assert shown(card["body"][0]["text"]) == "Ja. Direktionen godkendte det 10. december 2025."
    body = shown(texts_of(card))
    assert "Indstillingen" in body and "284.467 kr." in body
    assert {"type": "Action.OpenUrl", "title": "Åbn referatet",
            "url": f"{MINUTES_URL}/003_7724f94b15bee77c.txt"} in card["actions"]


async def test_teams_follow_ups_in_one_chat_answer_from_the_item_just_shown(teams):
    await answer_card_after(teams, "hvad besluttede direktionen om Hændelseslog?")
    cost = await answer_card_after(teams, "og hvad koster det?")
    assert cost["body"][0]["text"] == "Fra »Økonomiske konsekvenser«:"
    assert shown(cost["body"][1]["text"]) == "Punkt 2: Hændelseslog - TeamEffect"
    assert "70.125" in shown(texts_of(cost))
    approved = await answer_card_after(teams, "blev den godkendt?")
    assert shown(approved["body"][0]["text"]).startswith("Hverken ja eller nej.")


async def test_teams_meeting_is_a_list_card_whose_buttons_open_the_items(teams):
    card = await answer_card_after(teams, "referat fra direktionen 8. april 2026")
    assert shown(card["body"][0]["text"]).startswith("Direktionens møde 8. april 2026 (kl. 09:00")
    buttons = submits(card)
    assert [button["title"] for button in buttons] == ["Åbn"] * 6
    teams.activity_buffer.clear()
    # Teams brings an Action.Submit back as a message with the data as value and no text.
    from botbuilder.schema import Activity

    await teams.send(Activity(type="message", value=buttons[1]["data"]))
    opened = card_of(teams.activity_buffer[-1])
    assert shown(opened["body"][0]["text"]) == "Punkt 2: Hændelseslog - TeamEffect"
    assert any(action["type"] == "Action.OpenUrl" for action in opened["actions"])


# --- Webex ----------------------------------------------------------------------------------


@pytest.fixture
def conversation(live):
    return make_conversation(live.get, minutes_url=MINUTES_URL)


async def test_webex_follow_ups_in_one_room_and_a_link_in_markdown(client, fake):  # noqa: F811
    await deliver(client, message_webhook(fake.add_message("hvad besluttede direktionen om Hændelseslog?",
                                                           room_id="room-anna")))
    await deliver(client, message_webhook(fake.add_message("hvem deltog?", room_id="room-anna")))
    await deliver(client, message_webhook(fake.add_message("hvem deltog?", room_id="room-bo")))
    first, who, other = await fake.wait_for_sent(3)
    assert f"[Referatet]({MINUTES_URL}/000_604951d8f3dc8e69.txt)" in first["markdown"]
    assert "Alice Ervolder Olesen deltager i mødet kl. 10:30." in shown(who["markdown"])
    assert who["roomId"] == "room-anna"
    # Another room has seen no item: its "hvem deltog?" is a question of its own.
    assert "Alice Ervolder Olesen" not in other["markdown"]


async def test_webex_meeting_card_button_opens_the_item(client, fake):  # noqa: F811
    await deliver(client, message_webhook(fake.add_message("referat fra direktionen 8. april 2026",
                                                           room_id="room-anna")))
    [listing] = await fake.wait_for_sent(1)
    card = listing["attachments"][0]["content"]
    assert card["version"] == "1.3"
    assert len(listing["markdown"].splitlines()) <= 13
    press = submits(card)[0]["data"]
    await deliver(client, action_webhook(fake.add_action(press, room_id="room-anna")))
    _, opened = await fake.wait_for_sent(2)
    assert "Direktionen bakker fuldt op om de 4 strategiske spor" in opened["markdown"]
    assert "Indstillingen" in opened["markdown"]
