"""The weekly digest as a card on Teams and Webex: one section per meeting, a button per
decision that asks about it, the markdown as the fallback; every message of a long digest
fits Teams' 40 KB (UTF-16) and Webex's card limit and is valid against the schemas."""

from __future__ import annotations

from bot.cards import answer_card
from bot.teams import channel as teams
from bot.webex import channel as webex
from handlers.digests import MAX_ENTRIES, digest_reply
from handlers.fit import fit_reply
from knowledge.new_decisions import Digest, DigestEntry, build_digest
from tests.chat import Chat, card_actions, make_conversation
from tests.test_schemas import TEAMS_CARD, WEBEX_CARD, problems
from tests.test_teams import shown


def parts(reply):
    return [reply, *reply.extra]


def fits_both(part) -> bool:
    """What a digest is packed for when it goes to both channels: each channel's own test."""
    return teams.fits(part) and webex.fits(part)


def buttons(card: dict) -> list[dict]:
    return [action for action in card_actions(card) if action["type"] == "Action.Submit"]


def channel_cards(reply) -> list[tuple[dict, dict, int]]:
    """(Teams card, Webex card, Teams activity size) per message, as the channels send them."""
    activities = teams.reply_activities(reply)
    webex_parts = [fit_reply(part, webex.fits) for part in parts(reply)]
    assert len(activities) == len(webex_parts)
    return [(activity.attachments[0].content, answer_card(part.card, webex.CARD_VERSION), teams.activity_size(activity))
            for activity, part in zip(activities, webex_parts)]


def heavy_digest() -> Digest:
    """Sixty decisions with long titles and decisions in non-ASCII and astral characters, the
    worst a week could bring: Teams counts each \\u-escaped letter as 12 bytes."""
    title = "Ændring af lokalplan for Øster Å-området og æblehaven 𝔸 " * 5
    decision = "Økonomiudvalget anbefaler, at Byrådet godkender ændringen 😀 med bemærkninger. " * 20
    groups = []
    for meeting in range(6):
        day = f"2026-11-{10 + meeting:02d}"
        groups.append((day, "Byrådet", [DigestEntry(day, number, title, decision, f"01.02.03-{number}")
                                        for number in range(1, 11)]))
    return Digest(groups=groups, watermark="2026-11-20T00:00:00")


def test_the_sample_digest_is_a_card_with_a_section_per_meeting_and_a_button_per_decision(sample_index):
    reply = digest_reply(build_digest(sample_index, None), fits=fits_both)
    cards = channel_cards(reply)
    meetings = sum(len(part.card["meetings"]) for part in parts(reply))
    decisions = sum(part.text.count("\n- Punkt ") + part.text.startswith("- Punkt ") for part in parts(reply))
    assert meetings >= 2 and decisions == 26
    assert sum(len(buttons(teams_card)) for teams_card, _, _ in cards) == decisions
    for (teams_card, webex_card, size), part in zip(cards, parts(reply)):
        assert problems(TEAMS_CARD, teams_card) == [] and problems(WEBEX_CARD, webex_card) == []
        assert size + teams.ENVELOPE_BYTES <= teams.MAX_ACTIVITY_BYTES
        # The text is the fallback: Teams shows it where the card cannot be shown, Webex
        # sends the markdown beside the card.
        assert teams_card["fallbackText"] == part.text
    first = cards[0][0]
    assert shown(first["body"][0]["text"]).startswith("Ugeoversigt: ")
    assert shown(first["body"][1]["text"]).startswith("Direktionens møde ")


async def test_a_digest_button_opens_that_decision(sample_index):
    chat = Chat(make_conversation(lambda: sample_index))
    reply = digest_reply(build_digest(sample_index, None))
    card = answer_card(reply.card)
    row = next(element for element in card["body"] if element["type"] == "ColumnSet")
    title = shown(row["columns"][0]["items"][0]["text"])
    opened = await chat.press(card, "Åbn")
    assert opened.kind == "answer"
    assert shown(opened.card["title"]) == title


def test_a_heavy_digest_fits_teams_in_utf16_and_webex_in_every_message_with_its_card():
    reply = digest_reply(heavy_digest(), fits=fits_both)
    assert len(parts(reply)) > 1
    total = 0
    for teams_card, webex_card, size in channel_cards(reply):
        assert size + teams.ENVELOPE_BYTES <= teams.MAX_ACTIVITY_BYTES
        assert problems(TEAMS_CARD, teams_card) == [] and problems(WEBEX_CARD, webex_card) == []
        total += len(buttons(webex_card))
    # No card was dropped to fit: every listed decision still has its button.
    assert total == MAX_ENTRIES
    assert all(webex.fits(part) for part in parts(reply))
