"""Suggested next steps under an answer: the whole case, the whole meeting, a subscription
to the subject. Teams' personal chats get them as suggested actions (imBack), a team
channel and Webex as card buttons; pressing one asks what a person would type."""

from __future__ import annotations

from dataclasses import replace

import pytest
from botbuilder.schema import Activity

from bot.teams.channel import BeslutningsBot
from handlers.next_steps import next_steps
from tests.chat import Chat, card_actions, make_conversation
from tests.test_teams import card_of, shown, teams_adapter
from tests.test_webex import action_webhook, client, deliver, live, message_webhook, settings  # noqa: F401

MINUTES_URL = "https://www.lemvig.dk/politik/referater"
ASKED = "hvad besluttede direktionen om Hændelseslog?"
STEPS = {
    "Hele sagen": "sag 85.02.02P35-106-24",
    "Hele mødet": "referat fra direktionen 8. april 2026",
    "Abonner på »Hændelseslog«": "abonner Hændelseslog",
}


def step_buttons(card: dict) -> dict[str, str]:
    return {action["title"]: action["data"]["question"] for action in card_actions(card)
            if action["type"] == "Action.Submit" and action["title"] in STEPS}


@pytest.fixture
def chat(sample_index):
    return Chat(make_conversation(lambda: sample_index, minutes_url=MINUTES_URL))


async def test_an_answer_offers_the_whole_case_the_whole_meeting_and_its_subject(chat):
    reply = await chat.send(ASKED)
    assert {step["title"]: step["question"] for step in reply.card["next_steps"]} == STEPS


async def test_the_steps_ask_what_a_person_would_type(chat):
    case = await chat.say(STEPS["Hele sagen"])
    assert case.startswith("Sag 85.02.02P35-106-24 er behandlet")
    meeting = await chat.say(STEPS["Hele mødet"])
    assert meeting.startswith("Direktionens møde 8. april 2026")
    subscribed = await chat.say(STEPS["Abonner på »Hændelseslog«"])
    assert "abonnerer nu på ugeoversigten over nye beslutninger om »Hændelseslog«" in subscribed


async def test_no_case_step_without_a_case_number_and_none_for_a_closed_item(chat):
    reply = await chat.send(ASKED)
    hit = chat.conversation.index().search(ASKED)[0]
    assert hit.case_number == "85.02.02P35-106-24" and reply.card["next_steps"]
    titles = [step["title"] for step in next_steps(replace(hit, case_number=None), "Hændelseslog")]
    assert titles == ["Hele mødet", "Abonner på »Hændelseslog«"]
    assert next_steps(replace(hit, closed=True), "Hændelseslog") == []


async def test_a_long_pressed_title_is_no_subject_to_subscribe_to(chat):
    reply = await chat.send("Hændelseslog - TeamEffect til prøvehandling i hele organisationen 8. april 2026")
    assert not any(step["question"].startswith("abonner") for step in reply.card.get("next_steps", []))


# --- Teams ----------------------------------------------------------------------------------


async def test_teams_personal_chat_shows_the_steps_as_suggested_actions_not_card_buttons(sample_index):
    conversation = make_conversation(lambda: sample_index, minutes_url=MINUTES_URL)
    adapter = teams_adapter(BeslutningsBot(conversation), conversation_type="personal")
    await adapter.send(ASKED)
    answer = adapter.activity_buffer[-1]
    suggested = {action.title: action.value for action in answer.suggested_actions.actions}
    assert suggested == STEPS
    assert {action.type for action in answer.suggested_actions.actions} == {"imBack"}
    assert step_buttons(card_of(answer)) == {}
    # imBack posts the question as the person's own message.
    adapter.activity_buffer.clear()
    await adapter.send(suggested["Hele mødet"])
    meeting = card_of(adapter.activity_buffer[-1])
    assert shown(meeting["body"][0]["text"]).startswith("Direktionens møde 8. april 2026")


async def test_teams_channel_has_the_steps_as_card_buttons_since_it_shows_no_suggested_actions(sample_index):
    conversation = make_conversation(lambda: sample_index, minutes_url=MINUTES_URL)
    adapter = teams_adapter(BeslutningsBot(conversation), conversation_type="channel")
    await adapter.send(ASKED)
    answer = adapter.activity_buffer[-1]
    assert not answer.suggested_actions
    buttons = step_buttons(card_of(answer))
    assert buttons == STEPS
    adapter.activity_buffer.clear()
    await adapter.send(Activity(type="message", value={"question": buttons["Hele sagen"]}))
    case = adapter.activity_buffer[-1]
    assert "Sag 85.02.02P35-106-24" in json_text(case)


def json_text(activity) -> str:
    import json

    return shown(json.dumps(activity.serialize(), ensure_ascii=False))


# --- Webex ----------------------------------------------------------------------------------


@pytest.fixture
def conversation(live):
    return make_conversation(live.get, minutes_url=MINUTES_URL)


async def test_webex_answer_card_has_step_buttons_and_pressing_one_lists_the_case(client, fake):  # noqa: F811
    await deliver(client, message_webhook(fake.add_message(ASKED, room_id="room-anna")))
    [answer] = await fake.wait_for_sent(1)
    card = answer["attachments"][0]["content"]
    buttons = step_buttons(card)
    assert buttons == STEPS
    await deliver(client, action_webhook(fake.add_action({"question": buttons["Hele sagen"]}, room_id="room-anna")))
    _, case = await fake.wait_for_sent(2)
    assert "85.02.02P35-106-24 er behandlet" in shown(case["markdown"])
