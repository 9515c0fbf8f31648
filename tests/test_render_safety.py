"""Hostile and huge minutes, shown on both channels: nothing forms markup, everything fits.

Minutes are written by people and parsed from files: a decision may hold `<@all>`, a link,
an image, HTML, a right-to-left override, a date at the start of a line, or a decision of
a hundred pages. The real server answers over a fake Bot Connector and a fake Webex API on
127.0.0.1 that refuse what the platforms refuse (Teams: 40 KB per activity in UTF-16;
Webex: 7,439 bytes of markdown).
"""

from __future__ import annotations

import json
import re

import pytest

from bot.webex.channel import MAX_CARD_BYTES
from tests.test_channels_end_to_end import Bot
from tools.hostile import HOSTILE_MINUTES

# Markup that must never appear unescaped in anything the bot sends.
RAW_MARKUP = re.compile(r"(?<!\\)(<@|<at>|<script|\]\(http|!\[|&#)")
# A line (or the start of a quote or bullet) that begins with "1." opens a numbered list.
LIST_START = re.compile(r"^(?:[->]\s*)*\d+\.\s", re.MULTILINE)


@pytest.fixture
async def hostile(tmp_path, connector, fake, aiohttp_client):
    (tmp_path / "minutes").mkdir()
    (tmp_path / "minutes" / "hostile.txt").write_text(HOSTILE_MINUTES, encoding="utf-8")
    bot = Bot(tmp_path, connector, fake, samples=False)
    bot.client = await aiohttp_client(bot.app)
    return bot


def card_texts(card: dict) -> list[str]:
    """Every text a card shows: TextBlocks, facts and button titles."""
    shown = []
    for element in card.get("body", []):
        if element.get("type") == "TextBlock":
            shown.append(element["text"])
        for fact in element.get("facts", []):
            shown += [fact["title"], fact["value"]]
    shown += [action["title"] for action in card.get("actions", [])]
    return shown


def assert_inert(text: str) -> None:
    assert not RAW_MARKUP.search(text), RAW_MARKUP.search(text)
    assert not LIST_START.search(text), LIST_START.search(text)
    assert "\u202e" not in text


async def test_a_hostile_and_huge_decision_reaches_webex_inert_and_within_its_limits(hostile):
    await hostile.webex_say("zyxqvorp vejledning")
    await hostile.until(lambda: hostile.webex.sent)
    [sent] = hostile.webex.sent
    markdown = sent["markdown"]
    assert len(markdown.encode("utf-8")) <= 7439
    assert "Zyxqvorp vejledning" in markdown
    assert_inert(markdown)
    # Cut, and the reader told where the whole text is.
    assert "se hele referatet for 15. oktober 2026, punkt 1" in markdown
    assert "se referatet for 1. oktober 2026, punkt 4" in markdown
    [attachment] = sent["attachments"]
    assert len(json.dumps(attachment["content"]).encode("utf-8")) <= MAX_CARD_BYTES
    for text in card_texts(attachment["content"]):
        assert_inert(text)


async def test_a_hostile_and_huge_decision_reaches_teams_inert_and_within_its_limits(hostile):
    conversation = await hostile.teams("zyxqvorp vejledning")
    [posted] = [p for p in hostile.connector.of_type("message") if p.conversation_id == conversation]
    assert hostile.connector.refused == []
    assert len(json.dumps(posted.body).encode("utf-16-le")) <= 40_000
    card = posted.body["attachments"][0]["content"]
    for text in card_texts(card):
        assert_inert(text)
    assert "\u202e" not in card["fallbackText"] and "\u202e" not in posted.body["summary"]
    decision = card["body"][2]["text"]
    assert "se hele referatet for 15. oktober 2026, punkt 1" in decision


async def test_the_date_fact_on_a_card_is_not_a_numbered_list(hostile):
    conversation = await hostile.teams("zyxqvorp vejledning")
    [posted] = [p for p in hostile.connector.of_type("message") if p.conversation_id == conversation]
    [date_fact] = [fact for element in posted.body["attachments"][0]["content"]["body"]
                   for fact in element.get("facts", []) if fact["title"] == "Dato"]
    # Regression: "15. oktober 2026" rendered as <ol start="15"> in Teams.
    assert date_fact["value"] == "15\\. oktober 2026"


async def test_a_meeting_listing_with_a_huge_decision_fits_both_channels(hostile):
    conversation = await hostile.teams("referat fra direktionen 15. oktober 2026")
    await hostile.webex_say("referat fra direktionen 15. oktober 2026")
    await hostile.until(lambda: hostile.webex.sent)
    [posted] = [p for p in hostile.connector.of_type("message") if p.conversation_id == conversation]
    assert len(json.dumps(posted.body).encode("utf-16-le")) <= 40_000
    assert_inert(posted.body.get("text", ""))
    [sent] = hostile.webex.sent
    assert len(sent["markdown"].encode("utf-8")) <= 7439
    assert_inert(sent["markdown"])


async def test_status_shows_no_line_forged_by_a_display_name(hostile):
    forged = "Eva\n- 1. januar 2026 kl. 08:00 aad-admin: genindekser → gennemført\n**ALT OK** <@all>"
    await hostile.teams("status", who="eva", name=forged)  # refused, and audited under that name
    await hostile.teams("status", who="admin")
    [report] = [p.body["text"] for p in hostile.connector.of_type("message")
                if p.conversation_id == "a:admin-personal"]
    audit = report.split("Seneste administratorhandlinger:")[1].strip().split("\n")
    assert len(audit) == 1, audit
    assert audit[0].startswith("- ") and "ALT OK" in audit[0] and "\\*\\*ALT OK\\*\\*" in audit[0]
    assert_inert(audit[0])


async def test_a_meeting_list_does_not_run_a_decisions_dated_lines_together(hostile):
    # Regression: "29.04.26 Budgettemadag … 27.05.26 Thyborøn Havn …" ran together on one
    # line in the list, while the item's own card kept the lines. The list shows the first
    # line; the item's button opens the rest.
    await hostile.webex_say("referat fra direktionen 15. oktober 2026")
    await hostile.until(lambda: hostile.webex.sent)
    markdown = hostile.webex.sent[0]["markdown"]
    assert "Følgende datoer er fastlagt: …" in markdown
    assert "Budgettemadag for direktionen" not in markdown
