"""A digest names the decisions that matter, each readable on its own, and folds the
formalities into one line per meeting: over the samples and over a real portal's meetings."""

from __future__ import annotations

from handlers.digests import digest_reply
from knowledge.new_decisions import build_digest


def test_udgik_and_eventuelt_intet_are_folded_not_listed_as_decisions(sample_index):
    text = digest_reply(build_digest(sample_index, None)).full_text
    assert "- Punkt 5: Gensidig orientering om status på implementering af reformer" not in text
    assert "- Punkt 6: Eventuelt" not in text.split("Direktionens møde 19. marts 2025")[0]
    assert "  Desuden, uden ny beslutning: Gensidig orientering om status på… (udgik), Eventuelt." in text
    # "Eventuelt" with a real decision in it is news.
    assert "- Punkt 6: Eventuelt (Sag 00.15.00I00-1-24)\n  Direktionen ønsker en evaluering af Lukke-fredag." in text


def test_a_short_approval_in_the_digest_says_what_was_approved(sample_index):
    text = digest_reply(build_digest(sample_index, None)).full_text
    os2 = text.split("Implementering af OS2sofd og OS2rollekatalog")[1].split("- Punkt 4")[0]
    assert "Indstillingerne godkendt.\n  Indstillingen:\n  • At direktionen godkender projektbeskrivelsen" in os2
    assert "284.467 kr." in os2


def test_a_note_that_only_repeats_the_indstilling_gets_no_indstilling(sample_index):
    text = digest_reply(build_digest(sample_index, None)).full_text
    status = text.split("Statusmøde med udviklingschefen")[1].split("- Punkt 2")[0]
    assert "Indstillingen" not in status


def test_portal_formalities_are_one_line_per_meeting(greve_index):
    digest = build_digest(greve_index, None)
    text = digest_reply(digest).full_text
    assert "Godkendelse af dagsorden (Sag" not in text
    assert "Underskriftsark" not in text.replace("Desuden, uden ny beslutning: ", "\n").split("\n- ")[0]
    assert not any(line.startswith("- Punkt") and ("Godkendelse af dagsorden" in line or "Underskriftsark" in line)
                   for line in text.splitlines())
    assert "Desuden, uden ny beslutning: Godkendelse af dagsorden" in text
    # Every formality is counted out: the heading counts the decisions listed.
    formalities = sum(entry.formality for _, _, entries in digest.groups for entry in entries)
    assert formalities > 40
    assert digest.count == sum(not entry.formality for _, _, entries in digest.groups for entry in entries)


def test_digest_meetings_are_named_as_people_say_the_body(greve_index):
    text = digest_reply(build_digest(greve_index, None)).full_text
    assert "Byrådets møde 20. juni 2022" in text
    assert "Byråd 2022-2025s møde" not in text
    assert text.startswith("Ugeoversigt: ") and " fra " not in text.splitlines()[0]


# --- help and welcome name the bodies the index holds (issue 12, point 3) ---------------------


async def test_help_over_a_portal_speaks_of_its_bodies_not_of_direktionen(greve_index):
    from tests.chat import Chat, make_conversation

    conversation = make_conversation(lambda: greve_index)
    reply = await Chat(conversation).say("hjælp")
    assert reply.startswith("Spørg mig om, hvad Byrådet, Økonomiudvalget og 7 andre har besluttet, fx:")
    assert "direktion" not in reply.lower()
    assert "- referat fra byrådet 20. juni 2022" in reply
    assert "direktion" not in conversation.welcome().lower()
    assert "Byrådet" in conversation.console_welcome()
    assert "direktion" not in (await Chat(conversation).say("  ")).lower()


async def test_every_example_in_the_help_gets_an_answer(greve_index, sample_index):
    from tests.chat import make_conversation
    from tests.chat import Chat

    for index in (greve_index, sample_index):
        chat = Chat(make_conversation(lambda: index))
        examples = [line[2:] for line in (await chat.say("hjælp")).splitlines() if line.startswith("- ")]
        assert len(examples) == 5
        for example in examples:
            reply = await Chat(make_conversation(lambda: index)).say(example)
            assert not reply.startswith("Jeg fandt"), (example, reply)


# --- a case through its bodies (portal minutes) ----------------------------------------------


async def test_yes_no_on_a_portal_case_answers_from_the_last_body(greve_index):
    from tests.chat import make_conversation
    from tests.chat import Chat

    reply = await Chat(make_conversation(lambda: greve_index)).say("blev klub havana frigivelse af anlægsmidler godkendt?")
    assert reply.startswith("Ja. Byrådet godkendte det 4. april 2022.")


async def test_when_was_a_portal_case_approved_names_the_councils_meeting(greve_index):
    from tests.chat import make_conversation
    from tests.chat import Chat

    chat = Chat(make_conversation(lambda: greve_index))
    reply = await chat.say("hvornår blev udbudsbetingelser for grundsalg nyt plejehjem godkendt?")
    assert reply.startswith("Det blev godkendt på Byrådets møde 31. januar 2022, punkt 16.")
    assert "Byrådet besluttede 31. januar 2022" in reply
    # Byrådet approved Økonomiudvalget's recommendation, not the administration's Indstilling.
    assert "Indstillingen:\n- Økonomiudvalget, 24. januar 2022: Økonomiudvalget anbefaler overfor Byrådet at " \
           "administrationens indstillingspunkt 1 og 2 godkendes." in reply
    assert len([line for line in reply.splitlines() if line.strip()]) <= 15


async def test_a_council_meeting_folds_formalities_and_closed_items_into_a_line_each(greve_chat_on):
    from datetime import datetime, timezone

    reply = await greve_chat_on(datetime(2022, 6, 21, 9, 0, tzinfo=timezone.utc)).send("hvad besluttede byrådet i går?")
    lines = reply.text.splitlines()
    assert lines[0] == "Byrådets møde 20. juni 2022 (kl. 17:00, Byrådssalen):"
    assert "- Desuden, uden ny beslutning: 1 Godkendelse af dagsorden, 4 Program for byrådsmødet, " \
           "10 Borgmesteren orienterer, 41 Underskriftsark" in lines
    assert any(line.startswith("- Lukkede punkter: 5 Orientering, 6 Orientering fra administrationen") for line in lines)
    assert not any("Underskriftsark: " in line for line in lines)
    assert len([entry for entry in reply.card["entries"] if entry["question"]]) == 41 - 4 - 4  # less formal, closed


async def test_a_closed_item_names_its_body_where_the_index_holds_several(greve_index):
    from tests.chat import make_conversation
    from tests.chat import Chat

    reply = await Chat(make_conversation(lambda: greve_index)).say("hvad besluttede økonomiudvalget om pendlerparkering?")
    assert reply.startswith("28. februar 2022, Økonomiudvalget: Punkt 2: Lukket: Pendlerparkering på Waves")


async def test_a_council_meeting_card_fits_teams_and_webex_and_opens_the_chosen_item(greve_chat_on):
    # Regression: forty rows of buttons (24 KB of card) made both channels drop the card.
    from datetime import datetime, timezone

    from bot.cards import answer_card, submitted_question
    from bot.teams import channel as teams
    from bot.webex import channel as webex
    from handlers.fit import fit_reply

    chat = greve_chat_on(datetime(2022, 6, 21, 9, 0, tzinfo=timezone.utc))
    reply = await chat.send("hvad besluttede byrådet i går?")
    for fits in (teams.fits, webex.fits):
        assert fit_reply(reply, fits).card is reply.card
    card = answer_card(reply.card, "1.3")
    [pick] = [element for element in card["body"] if element["type"] == "Input.ChoiceSet"]
    assert len(pick["choices"]) == 33
    assert [action["title"] for action in card["actions"]] == ["Åbn"]
    chosen = next(choice for choice in pick["choices"] if choice["title"].startswith("Punkt 27: Ladestandere"))
    # Teams and Webex bring the chosen value back as the input "question".
    opened = await chat.say(submitted_question({"question": chosen["value"]}))
    assert opened.startswith("Byrådet besluttede 20. juni 2022, Punkt 27: Ladestandere i Greve Kommune")
