"""The conversation as a chat: questions, help, commands, and what goes wrong."""

from __future__ import annotations

import pytest

from handlers.messages import Incoming
from handlers.state.store import StateStore
from tests.chat import Chat, make_conversation


@pytest.fixture
def chat(sample_index):
    return Chat(make_conversation(lambda: sample_index))


async def test_a_question_gets_the_decision(chat):
    reply = await chat.say("hvad besluttede direktionen om Hændelseslog?")
    assert "Direktionen besluttede 8. april 2026, Punkt 2: Hændelseslog - TeamEffect" in reply
    assert "Sag 85.02.02P35-106-24" in reply
    assert "Prøvehandling gennemføres og evalueres inden systemet erhverves." in reply
    assert "Se også:" not in reply or "- " in reply


async def test_help_in_three_spellings(chat):
    for word in ("hjælp", "help", "?", "/hjælp"):
        assert "Spørg mig om" in await chat.say(word)


@pytest.mark.parametrize("typed, suggested", [("/hjlp", "hjælp"), ("/genindeks", "genindekser"), ("!statsu", "status")])
async def test_an_unknown_command_gets_the_closest_one(chat, typed, suggested):
    assert f"Mente du »{suggested}«?" in await chat.say(typed)


async def test_a_one_word_question_is_not_taken_for_a_command(chat):
    assert "Evaluering af visionsdag" in await chat.say("visionsdag")


async def test_an_empty_message_gets_a_hint(chat):
    assert "Skriv, hvad du vil vide" in await chat.say("   \n ")


async def test_a_20000_character_message_is_refused_politely(chat):
    assert "for langt" in await chat.say("hændelseslog " * 1600)


async def test_nothing_found_says_so_and_offers_titles(chat):
    reply = await chat.say("hvad besluttede direktionen om cykelstier?")
    assert reply.startswith("Jeg fandt intet i referaterne, der svarer på »cykelstier«.")


async def test_a_closed_item_shows_title_and_date_only(chat):
    reply = await chat.say("møde med borgmesteren")
    assert reply.startswith("8. april 2026: Punkt 8: Lukket: Møde med borgmesteren\nPunktet er lukket.")
    assert "00.01.00I00" not in reply


async def test_status_with_more_text_is_a_question(chat):
    reply = await chat.say("status på implementering af reformer")
    assert "Gensidig orientering om status på implementering af reformer" in reply


async def test_a_broken_index_gets_a_danish_message(tmp_path):
    from knowledge.errors import IndexUnavailable

    def broken():
        raise IndexUnavailable("corrupt")

    reply = await Chat(make_conversation(broken)).say("hændelseslog")
    assert "Indekset kan ikke læses lige nu. En administrator skal køre »genindekser«." == reply


async def test_an_unexpected_error_gets_an_apology_without_details():
    def exploding():
        raise RuntimeError("secret internals")

    reply = await Chat(make_conversation(exploding)).say("hændelseslog")
    assert reply == "Beklager, noget gik galt hos mig. Prøv igen om lidt."


@pytest.mark.parametrize("where", ["memory", "disk"])
async def test_non_admins_are_refused_and_audited(sample_index, tmp_path, where):
    state = StateStore(None if where == "memory" else tmp_path / "state.json")
    conversation = make_conversation(lambda: sample_index, state=state, admins=("boss",))
    for command in ("genindekser", "reindex", "status"):
        assert f"Det er kun administratorer, der kan bruge »{command}«." == await Chat(conversation).say(command)
    assert [(e["command"], e["result"]) for e in state.recent_audit()] == [
        ("status", "afvist"), ("reindex", "afvist"), ("genindekser", "afvist")]


async def test_a_command_word_followed_by_a_question_is_a_question(chat):
    # Regression (review): "hjælp til …" was refused as a command with extra text.
    reply = await chat.say("hjælp til registrering af kunst")
    assert "Registrering og forsikring af Lemvig Kommunes kunst" in reply


async def test_an_empty_index_says_so(tmp_path):
    from knowledge.index.build import build_index
    from knowledge.index.loaded import Index

    (tmp_path / "minutes").mkdir()
    build_index([tmp_path / "minutes"], tmp_path / "index.json")
    empty = Index.open(tmp_path / "index.json")
    reply = await Chat(make_conversation(lambda: empty)).say("hændelseslog")
    # Not "Jeg fandt intet": that would say the subject was never treated.
    assert reply.startswith("Indekset rummer endnu ingen referater")


async def test_the_help_text_writes_no_angle_brackets_that_teams_could_take_for_a_tag(chat):
    # Regression: "»abonner <emne>«" could be eaten as an HTML tag by Teams.
    help_text = await chat.say("hjælp")
    assert "<" not in help_text and "»abonner budget«" in help_text


async def test_nothing_near_enough_still_says_how_to_ask(chat):
    reply = await chat.say("qwzx plorkt")
    assert reply.startswith("Jeg fandt intet i referaterne, der svarer på »qwzx plorkt«.")
    assert "sagsnummer" in reply and "mødedato" in reply and "»hjælp«" in reply


async def test_the_subscription_list_ends_before_the_closing_note(sample_index):
    # Regression: without a blank line, Teams glued the note into the last bullet.
    chat = Chat(make_conversation(lambda: sample_index), channel="msteams")
    await chat.say("abonner")
    reply = await chat.conversation.handle(Incoming("abonnementer", **chat.sender))
    for text in (reply.text, reply.markdown):
        bullets, note = text.rsplit("\n\n", 1)
        assert bullets.splitlines()[-1].startswith("- alle nye beslutninger")
        assert note.startswith("Ugeoversigten er slået fra")
