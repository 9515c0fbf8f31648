"""Answers a leader can act on: what was approved, yes or no, when, follow-ups, meetings as
lists with buttons, and a link to the minutes. Chats over the sample minutes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.cards import answer_card
from tests.chat import Chat, card_actions, make_conversation


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def chat(sample_index, clock):
    return Chat(make_conversation(lambda: sample_index, clock=clock))


# --- what was approved -----------------------------------------------------------------------


async def test_a_short_approval_says_what_the_indstilling_it_approved_was(chat):
    reply = await chat.say("os2 rolle katalog")
    assert "Indstillingerne godkendt." in reply
    assert "Indstillingen:" in reply
    assert "- At direktionen godkender projektbeskrivelsen for implementering af OS2sofd og OS2rollekatalog." in reply
    assert "284.467 kr. afholdes af puljen til selvbetjeningsløsninger" in reply


async def test_backing_the_4_strategic_tracks_names_the_four(chat):
    reply = await chat.say("strategiske spor for 2026")
    assert "Direktionen bakker fuldt op om de 4 strategiske spor." in reply
    assert "AI, cybersikkerhed og fælles IT-drift, velfærdsteknologi samt digital borgerbetjening" in reply


async def test_a_long_decision_that_says_it_all_gets_no_indstilling(chat):
    reply = await chat.say("hvad besluttede direktionen om Hændelseslog?")
    assert "Indstillingen:" not in reply


# --- yes or no -------------------------------------------------------------------------------


async def test_was_it_approved_begins_with_yes_when_the_decision_approves(chat):
    reply = await chat.say("blev OS2rollekatalog godkendt?")
    assert reply.startswith("Ja. Direktionen godkendte det 10. december 2025.")


async def test_guidelines_sent_to_hearing_are_not_yes(chat):
    reply = await chat.say("blev retningslinjerne for sociale medier godkendt?")
    assert reply.startswith("Nej, ikke endnu. Direktionen hverken godkendte eller afviste det 10. december 2025")
    assert "til høring" in reply and "igen i maj 2026" in reply


async def test_taken_note_of_is_neither_yes_nor_no(chat):
    reply = await chat.say("blev projektporteføljen godkendt?")
    assert reply.startswith("Hverken ja eller nej. Direktionen tog det til efterretning")


# --- when was it approved ----------------------------------------------------------------------


async def test_when_was_the_handleplan_approved_does_not_name_the_2026_tracks(chat):
    reply = await chat.say("hvornår blev handleplanen for digitalisering godkendt?")
    first = reply.split("\n")[0]
    assert first.startswith("Referaterne viser ikke, at »handleplanen for digitalisering« blev godkendt.")
    assert "20. marts 2024 (Direktionen: udsat)" in first and "27. marts 2024" in first
    assert "8. april 2026" not in first
    assert "Punkt 1: Handleplan for digitalisering\n" in reply


async def test_when_was_it_approved_names_the_meeting_that_approved_it(chat):
    reply = await chat.say("hvornår blev OS2rollekatalog godkendt?")
    assert reply.startswith("Det blev godkendt på Direktionens møde 10. december 2025, punkt 3.")


# --- follow-ups --------------------------------------------------------------------------------


async def test_follow_ups_are_about_the_item_just_shown(chat):
    await chat.say("hvad besluttede direktionen om Hændelseslog?")

    cost = await chat.say("og hvad koster det?")
    assert cost.startswith("Punkt 2: Hændelseslog - TeamEffect (Direktionen, 8. april 2026)")
    assert "Fra »Økonomiske konsekvenser«:" in cost
    assert "Prøvehandlingerne med Hændelseslog - 6 måneder - kr. 70.125." in cost
    assert "Budget 2027-2030" not in cost

    approved = await chat.say("blev den godkendt?")
    assert approved.startswith("Hverken ja eller nej.")
    assert "Prøvehandling gennemføres" in approved

    when = await chat.say("hvornår?")
    assert "Det blev behandlet på Direktionens møde 8. april 2026, punkt 2." in when

    who = await chat.say("hvem deltog?")
    assert "Alice Ervolder Olesen deltager i mødet kl. 10:30." in who

    nxt = await chat.say("hvad sker der nu?")
    assert "Der skal anvises finansiering, når evalueringen fremsendes til drøftelse." in nxt


async def test_a_follow_up_after_half_an_hour_is_a_new_question(chat, clock):
    await chat.say("hvad besluttede direktionen om Hændelseslog?")
    clock.now += timedelta(minutes=31)
    assert "Økonomiske konsekvenser" not in await chat.say("og hvad koster det?")


async def test_each_conversation_has_its_own_follow_ups(sample_index, clock):
    conversation = make_conversation(lambda: sample_index, clock=clock)
    anna, bo = Chat(conversation, "anna"), Chat(conversation, "bo")
    await anna.say("hvad besluttede direktionen om Hændelseslog?")
    await bo.say("os2 rolle katalog")
    assert "70.125" in await anna.say("og hvad koster det?")
    assert "284.467" in await bo.say("hvad koster det?")


async def test_a_question_with_its_own_subject_is_not_a_follow_up(chat):
    await chat.say("hvad besluttede direktionen om Hændelseslog?")
    reply = await chat.say("hvad besluttede direktionen om registrering af kunst?")
    assert "Registrering og forsikring af Lemvig Kommunes kunst" in reply


# --- meetings as lists ---------------------------------------------------------------------------


async def test_a_meeting_is_one_line_per_item_with_a_button_each(chat):
    reply = await chat.send("referat fra direktionen 8. april 2026")
    lines = reply.text.split("\n")
    assert lines[0] == "Direktionens møde 8. april 2026 (kl. 09:00, Udvalgsværelse 1):"
    assert "- Punkt 5: Gensidig orientering om status på implementering af reformer: Udgik." in lines
    assert len(lines) <= 12
    card = answer_card(reply.card, "1.5")
    buttons = [action for action in card_actions(card) if action["type"] == "Action.Submit"]
    assert len(buttons) == 6  # the eight items less the two closed ones


async def test_an_item_opens_from_the_meeting_card_and_by_its_number(chat):
    reply = await chat.send("referat fra direktionen 8. april 2026")
    card = answer_card(reply.card, "1.3")
    second = [action for action in card_actions(card) if action["type"] == "Action.Submit"][1]
    opened = await chat.send(second["data"]["question"])
    assert opened.text.startswith("Direktionen besluttede 8. april 2026, Punkt 2: Hændelseslog - TeamEffect")

    await chat.say("referat fra direktionen 8. april 2026")
    assert "Punkt 3: Evaluering af visionsdag" in await chat.say("punkt 3")


# --- links ---------------------------------------------------------------------------------------


async def test_an_answer_links_to_the_published_file_when_a_base_url_is_set(sample_index):
    chat = Chat(make_conversation(lambda: sample_index, minutes_url="https://www.lemvig.dk/referater/"))
    reply = await chat.send("os2 rolle katalog")
    assert "Referatet: https://www.lemvig.dk/referater/003_7724f94b15bee77c.txt" in reply.text
    assert "[Referatet](https://www.lemvig.dk/referater/003_7724f94b15bee77c.txt)" in reply.markdown
    card = answer_card(reply.card, "1.5")
    assert {"type": "Action.OpenUrl", "title": "Åbn referatet",
            "url": "https://www.lemvig.dk/referater/003_7724f94b15bee77c.txt"} in card["actions"]


async def test_without_a_base_url_there_is_no_link_and_never_a_server_path(chat):
    reply = await chat.send("os2 rolle katalog")
    assert "Referatet:" not in reply.text
    assert "/" not in reply.text.split("Indstillingen:")[0].replace("t.o.m.", "")
    assert not any(action["type"] == "Action.OpenUrl" for action in card_actions(answer_card(reply.card)))


# --- "Se også" -----------------------------------------------------------------------------------


async def test_see_also_puts_the_distinguishing_part_first_and_drops_closed_items(chat):
    reply = await chat.send("hvornår blev handleplanen for digitalisering godkendt?")
    assert "- Projektportefølje (Handleplan for digitalisering), 10. december 2025" in reply.text
    labels = [action["title"] for action in answer_card(reply.card)["actions"] if action["type"] == "Action.Submit"]
    assert any(label.startswith("Projektportefølje (") and label.endswith(", 10. december 2025") for label in labels)
    assert all(len(label) <= 60 for label in labels)


async def test_see_also_names_no_closed_items_unless_asked_for(chat):
    assert "Lukket" not in (await chat.say("evaluering af visionsdag")).split("Se også")[-1]
    reply = await chat.say("lukket punkt om møde med borgmesteren")
    assert reply.count("Lukket: Møde med borgmesteren") >= 2


# --- the length of a reply ------------------------------------------------------------------------


def test_every_answer_to_the_question_sets_reads_in_15_lines_on_a_phone(sample_index):
    # Regression: a quarter of the answers ran to 20-30 lines (long decisions, four "Se
    # også", every earlier treatment), past what a phone shows without scrolling far.
    from handlers.answer import answer_reply
    from tests.conftest import DATA, load_questions

    questions = load_questions() + load_questions(DATA / "questions_heldout.jsonl")
    for question in questions:
        reply = answer_reply(sample_index.answer(question["q"]))
        lines = [line for line in reply.text.splitlines() if line.strip()]
        assert len(lines) <= 15, (question["q"], reply.text)


async def test_a_long_decision_is_cut_at_a_line_with_where_to_read_the_rest(chat):
    reply = await chat.say("planlægning af temadrøftelser")
    assert "(forkortet; se hele referatet for 8. april 2026, punkt 4)" in reply
    assert "16.12.26" not in reply


async def test_a_follow_up_with_nothing_shown_before_says_how_to_ask(chat):
    # Regression: "og hvad koster det?" first answered the closed "Budget 2027-2030" item.
    reply = await chat.say("og hvad koster det?")
    assert reply.startswith("Hvilket punkt tænker du på? Spørg først om et emne, fx »hvad besluttede direktionen om")
    assert "Budget 2027-2030" not in reply


async def test_after_a_meeting_a_follow_up_asks_which_item(chat):
    await chat.say("referat fra direktionen 8. april 2026")
    assert (await chat.say("hvad koster det?")).startswith("Hvilket punkt på mødet tænker du på?")
    assert "70.125" in await chat.say("punkt 2") + await chat.say("hvad koster det?")


# --- the console -------------------------------------------------------------------------------


def test_the_console_chat_keeps_the_item_for_follow_ups_and_links_when_told_where(tmp_path):
    from tests.test_cli import run

    done = run("chat", data_dir=tmp_path, stdin="os2 rolle katalog\nhvad koster det?\nblev det godkendt?\n",
               BESLUTNINGSBOT_MINUTES_URL="https://www.lemvig.dk/referater")
    assert done.returncode == 0, done.stderr
    assert "Indstillingen:\n- At direktionen godkender projektbeskrivelsen" in done.stdout
    assert "Fra »Økonomiske konsekvenser«:" in done.stdout
    assert "Ja. Direktionen godkendte det 10. december 2025." in done.stdout
    assert "Referatet: https://www.lemvig.dk/referater/003_7724f94b15bee77c.txt" in done.stdout


def test_a_minutes_url_that_is_not_a_web_address_stops_the_start(tmp_path):
    from tests.test_cli import run

    done = run("ask", "x", data_dir=tmp_path, BESLUTNINGSBOT_MINUTES_URL="/srv/referater")
    assert done.returncode == 2
    assert "BESLUTNINGSBOT_MINUTES_URL must be an http(s) address" in done.stderr


async def test_who_decided_names_the_body_and_who_has_the_final_say(chat):
    await chat.say("anlægsbevilling fælles teknisk vedligeholdelse")
    reply = await chat.say("hvem skal beslutte det?")
    assert "Direktionen besluttede det 27. marts 2024, punkt 3." in reply
    assert "Sagen afgøres af Kommunalbestyrelsen, via Teknik- og Miljøudvalget og Økonomi- og Erhvervsudvalget." in reply


async def test_a_question_naming_a_case_number_or_a_date_is_not_a_follow_up(chat):
    # Regression: "hvad blev besluttet i sag …?" names nothing but the case, and was taken
    # for a follow-up on nothing.
    assert (await chat.say("hvad blev besluttet i sag 85.02.02P35-106-24?")).startswith("Sag 85.02.02P35-106-24")
    await chat.say("os2 rolle katalog")
    assert "Evaluering af visionsdag" in await chat.say("hvad blev besluttet 8. april 2026?")


def test_every_answer_to_the_portal_questions_reads_in_15_lines_except_whole_meetings(greve_index):
    # A meeting is listed one line per decision (a council meeting has thirty); every other
    # reply keeps to a phone's screen, a long Indstilling included.
    from handlers.answer import answer_reply
    from tests.conftest import DATA, load_questions

    for question in load_questions(DATA / "questions_greve.jsonl"):
        result = greve_index.answer(question["q"])
        if result.kind == "meeting":
            continue
        reply = answer_reply(result)
        lines = [line for line in reply.text.splitlines() if line.strip()]
        assert len(lines) <= 15, (question["q"], reply.text)
