"""Feedback on answers: every answer card carries "Rigtigt svar" / "Forkert svar"; a press on
Teams or Webex is stored with the question, the item shown and the time, and nothing else;
an admin's `status` shows the counts and the last wrong answers; `beslutningsbot feedback
--export FILE` writes a question file that `bench --questions FILE` reads."""

from __future__ import annotations

import json

import pytest
from botbuilder.schema import Activity

from bot.cards import answer_card
from bot.teams.channel import BeslutningsBot
from handlers.state.feedback_log import FEEDBACK_FILE, FeedbackLog
from handlers.state.store import StateStore
from tests.chat import Chat, card_actions, make_conversation
from tests.test_cli import run
from tests.test_schemas import TEAMS_CARD, WEBEX_CARD, problems
from tests.test_teams import card_of, teams_adapter
from tests.test_webex import action_webhook, client, deliver, live, message_webhook, settings  # noqa: F401
from tools import evaluate

ASKED = "hvad besluttede direktionen om Hændelseslog?"


def rating(card: dict, title: str) -> dict:
    return next(action["data"] for action in card_actions(card) if action.get("title") == title)


@pytest.fixture
def state(tmp_path):
    return StateStore(tmp_path / "state.json")


async def test_every_answer_card_carries_right_and_wrong_buttons_valid_on_both_channels(sample_index):
    chat = Chat(make_conversation(lambda: sample_index))
    for question in (ASKED, "blev OS2rollekatalog godkendt?", "møde med borgmesteren"):
        reply = await chat.send(question)
        for version, schema in (("1.5", TEAMS_CARD), ("1.3", WEBEX_CARD)):
            card = answer_card(reply.card, version)
            titles = [action["title"] for action in card_actions(card)]
            assert "Rigtigt svar" in titles and "Forkert svar" in titles, question
            assert problems(schema, card) == []
            # A rating is no question: pressing it must not ask the bot anything.
            assert "question" not in rating(card, "Forkert svar")


async def test_teams_press_stores_the_question_the_item_and_the_time_and_nothing_else(sample_index, state, tmp_path):
    conversation = make_conversation(lambda: sample_index, state=state)
    adapter = teams_adapter(BeslutningsBot(conversation), conversation_type="personal")
    await adapter.send(ASKED)
    card = card_of(adapter.activity_buffer[-1])
    adapter.activity_buffer.clear()
    await adapter.send(Activity(type="message", value=rating(card, "Forkert svar")))
    assert "Tak" in adapter.activity_buffer[-1].text
    [stored] = [json.loads(line) for line in (tmp_path / FEEDBACK_FILE).read_text(encoding="utf-8").splitlines()]
    assert set(stored) == {"verdict", "question", "item", "when"}
    assert stored["verdict"] == "wrong" and stored["question"] == ASKED
    assert (stored["item"]["date"], stored["item"]["number"], stored["item"]["body"]) == ("2026-04-08", 2, "Direktionen")
    assert "Prøvehandling" not in json.dumps(stored, ensure_ascii=False)


async def test_teams_universal_action_rating_is_stored_not_asked(sample_index):
    conversation = make_conversation(lambda: sample_index)
    adapter = teams_adapter(BeslutningsBot(conversation), conversation_type="personal")
    reply = await Chat(conversation).send(ASKED)
    data = rating(answer_card(reply.card), "Rigtigt svar")
    await adapter.send(Activity(type="invoke", name="adaptiveCard/action",
                                value={"action": {"type": "Action.Execute", "verb": "x", "data": data}}))
    assert conversation.feedback_log.counts() == (1, 0)


@pytest.fixture
def conversation(live, tmp_path):
    return make_conversation(live.get, state=StateStore(tmp_path / "state.json"))


async def test_webex_press_is_stored_and_thanked_in_the_room(client, fake, conversation):  # noqa: F811
    await deliver(client, message_webhook(fake.add_message(ASKED, room_id="room-anna")))
    [answer] = await fake.wait_for_sent(1)
    card = answer["attachments"][0]["content"]
    await deliver(client, action_webhook(fake.add_action(rating(card, "Rigtigt svar"), room_id="room-anna")))
    _, thanks = await fake.wait_for_sent(2)
    assert thanks["roomId"] == "room-anna" and "Tak" in thanks["markdown"]
    assert conversation.feedback_log.counts() == (1, 0)


async def test_admin_status_shows_the_counts_and_the_last_wrong_answers(sample_index, state):
    conversation = make_conversation(lambda: sample_index, state=state, admins=("boss",))
    chat = Chat(conversation)
    for question, verdict in ((ASKED, "Rigtigt svar"), ("os2sofd", "Forkert svar"), ("budget", "Forkert svar")):
        reply = await chat.send(question)
        await conversation.feedback(None, rating(answer_card(reply.card), verdict))
    report = await Chat(conversation, sender_id="boss").say("status")
    assert "Vurderinger af svar: 1 rigtige, 2 forkerte." in report
    lines = report.splitlines()
    wrong = [line for line in lines if line.startswith("- Forkert:")]
    assert wrong[0].startswith("- Forkert: »budget« viste punkt") and wrong[1].startswith("- Forkert: »os2sofd«")


async def test_a_forged_rating_is_not_stored(sample_index):
    conversation = make_conversation(lambda: sample_index)
    reply = await conversation.feedback(None, {"feedback": "wrong", "asked": "x", "date": "i går", "number": "2"})
    assert "kunne jeg ikke læse" in reply.text
    assert conversation.feedback_log.counts() == (0, 0)


async def test_export_writes_a_question_file_the_bench_reads(sample_index, tmp_path):
    conversation = make_conversation(lambda: sample_index, state=StateStore(tmp_path / "state.json"))
    chat = Chat(conversation)
    for question, verdict in ((ASKED, "Rigtigt svar"), ("budget", "Forkert svar")):
        reply = await chat.send(question)
        await conversation.feedback(None, rating(answer_card(reply.card), verdict))
    exported = tmp_path / "feedback-questions.jsonl"
    done = run("feedback", "--export", str(exported), data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "2 questions written" in done.stdout
    questions = evaluate.load(exported)
    assert [(q["kind"], q["q"], q["mode"]) for q in questions] == [
        ("feedback", ASKED, "top1"), ("feedback-wrong", "budget", "none")]
    assert questions[0]["expect"] == [["2026-04-08", 2, "Direktionen"]]
    checks = evaluate.run(sample_index, questions)
    # The right answer is still right; the wrong one counts as wrong until someone fixes it.
    assert [check.ok for check in checks] == [True, False]


def test_feedback_survives_a_restart(tmp_path):
    log = FeedbackLog(tmp_path / FEEDBACK_FILE)
    log.append({"verdict": "wrong", "question": "q", "item": {"date": "2026-04-08", "number": 2}, "when": "t"})
    assert FeedbackLog(tmp_path / FEEDBACK_FILE).counts() == (0, 1)
