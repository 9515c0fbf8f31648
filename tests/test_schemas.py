"""Every card the bot sends, checked with `jsonschema` against the official JSON schemas kept in
`tests/data/schemas` (where each file came from: `tests/data/schemas/SOURCES.md`): Adaptive
Cards 1.5 as Teams gets them, 1.3 as Webex gets them, and the Teams app package against the
v1.22 manifest schema. Teams' 40 KB limit is counted in UTF-16, as Teams counts it.

The cards are taken from what the real server posts to the fake Bot Connector and the fake
Webex API, and, for every item of the sample minutes, from the same functions the channels
use. The digest card is checked in `tests/test_digest_card.py`.
"""

from __future__ import annotations

import asyncio
import json
import zipfile
from pathlib import Path

import jsonschema
import pytest

from bot.cards import answer_card
from bot.teams import channel as teams
from bot.webex import channel as webex
from handlers.fit import fit_reply, utf16_size
from handlers.listing import pick_meeting_reply
from handlers.messages import Incoming, Reply
from tests.fakes.connector import FakeConnector
from tests.fakes.webex_api import FakeWebex
from tests.test_channels_end_to_end import Bot
from tools.teams_package import build_package
from tests.chat import make_conversation

SCHEMAS = Path(__file__).parent / "data" / "schemas"
APP_ID = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
QUESTIONS = [
    "hvad besluttede direktionen om Hændelseslog?",            # an answer
    "hvornår blev handleplanen for digitalisering godkendt?",  # when
    "sag 85.13.00G01-2-23",                                     # a whole case
    "referat fra direktionen 8. april 2026",                    # a whole meeting
    "hvad besluttede direktionen om rumfærger på Mars?",        # nothing answers
    "hjælp",                                                    # a command
]


def validator(name: str, kind: type[jsonschema.protocols.Validator]) -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    kind.check_schema(schema)
    return kind(schema, format_checker=kind.FORMAT_CHECKER)


TEAMS_CARD = validator("adaptive-card-1.5.json", jsonschema.Draft6Validator)
WEBEX_CARD = validator("adaptive-card-1.3.json", jsonschema.Draft6Validator)
MANIFEST = validator("MicrosoftTeams-v1.22.schema.json", jsonschema.Draft4Validator)


def problems(check: jsonschema.protocols.Validator, document: dict) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message[:300]}" for error in check.iter_errors(document)]


@pytest.fixture
async def bot(tmp_path, aiohttp_server, aiohttp_client):
    connector = FakeConnector()
    connector.url = str((await aiohttp_server(connector.app(), host="127.0.0.1")).make_url("/"))
    fake_webex = FakeWebex()
    fake_webex.server = await aiohttp_server(fake_webex.app(), host="127.0.0.1")
    running = Bot(tmp_path, connector, fake_webex)
    running.client = await aiohttp_client(running.app)
    return running


# --- the schemas bite ----------------------------------------------------------------------


def test_the_schemas_refuse_what_the_clients_refuse():
    table = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "Table", "columns": [], "rows": []}]}
    assert problems(TEAMS_CARD, table) == []
    assert problems(WEBEX_CARD, table | {"version": "1.3"}) != []  # Table is new in 1.5
    typo = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "x", "wrapp": True}]}
    assert problems(TEAMS_CARD, typo) != []
    assert problems(MANIFEST, {"manifestVersion": "1.22"}) != []


# --- what the server sends -----------------------------------------------------------------


async def test_every_card_the_server_posts_to_teams_and_webex_is_valid_and_within_teams_limit(bot):
    for number, question in enumerate(QUESTIONS):
        await bot.teams(question, who=f"user{number}")
        await bot.webex_say(question, room=f"room-{number}")
    await bot.until(lambda: len(bot.webex.sent) >= len(QUESTIONS))

    teams_cards = [(posted.body, attachment["content"]) for posted in bot.connector.of_type("message")
                   for attachment in posted.body.get("attachments") or ()]
    webex_cards = [attachment["content"] for sent in bot.webex.sent for attachment in sent.get("attachments") or ()]
    assert len(teams_cards) >= 4 and len(webex_cards) >= 4  # answer, when, case, meeting
    for activity, card in teams_cards:
        assert card["version"] == "1.5" and problems(TEAMS_CARD, card) == []
        assert utf16_size(json.dumps(activity)) <= teams.MAX_ACTIVITY_BYTES
    for card in webex_cards:
        assert card["version"] == "1.3" and problems(WEBEX_CARD, card) == []


# --- every item, every list ----------------------------------------------------------------


def teams_cards(reply: Reply) -> list[tuple[int, dict]]:
    """(UTF-16 size of the activity, card) for each Teams message of the reply."""
    return [(teams.activity_size(activity), attachment.content)
            for activity in teams.reply_activities(reply) for attachment in activity.attachments or ()]


def webex_cards(reply: Reply) -> list[dict]:
    return [answer_card(part.card, webex.CARD_VERSION)
            for part in (fit_reply(part, webex.fits) for part in (reply, *reply.extra)) if part.card]


def test_the_card_for_every_item_of_the_samples_is_valid_on_both_channels(sample_index):
    conversation = make_conversation(lambda: sample_index)
    titled = [row for row in sample_index.items if row["title"].strip()]  # one closed item has none
    replies = [asyncio.run(conversation.handle(Incoming(f"hvad besluttede direktionen om {row['title']}")))
               for row in titled]
    sizes = []
    for reply in replies:
        for size, card in teams_cards(reply):
            assert problems(TEAMS_CARD, card) == [], reply.text[:80]
            sizes.append(size)
        for card in webex_cards(reply):
            assert problems(WEBEX_CARD, card) == [], reply.text[:80]
    assert len(sizes) == len(titled)
    assert max(sizes) <= teams.MAX_ACTIVITY_BYTES


def test_the_pick_list_of_several_meetings_on_one_day_is_valid_on_both_channels():
    meetings = [{"id": "m-1", "body": "Direktionen", "time": "09:00", "item_ids": ["a", "b"]},
                {"id": "m-2", "body": "Digitaliseringsstyregruppen", "time": "13:00", "item_ids": ["c"]}]
    reply = pick_meeting_reply("2026-04-08", meetings)

    [(size, card)] = teams_cards(reply)
    assert problems(TEAMS_CARD, card) == [] and size <= teams.MAX_ACTIVITY_BYTES
    assert [problems(WEBEX_CARD, card) for card in webex_cards(reply)] == [[]]


def test_teams_size_is_counted_in_utf16_so_astral_characters_count_four_bytes():
    reply = Reply("😀" * 100)
    [activity] = teams.reply_activities(reply)
    as_sent = json.dumps(activity.serialize())
    assert teams.activity_size(activity) == len(as_sent.encode("utf-16-le"))
    # json.dumps escapes each emoji as two \\ud83d-style escapes, six ASCII characters each.
    assert teams.activity_size(activity) >= 100 * 12 * 2


# --- the Teams app package -----------------------------------------------------------------


def test_the_built_teams_package_is_valid_against_the_v1_22_manifest_schema(tmp_path):
    package = build_package(APP_ID, tmp_path / "beslutningsbot-teams.zip", valid_domain="beslutningsbot.kommune.dk")

    manifest = json.loads(zipfile.ZipFile(package).read("manifest.json"))

    assert manifest["manifestVersion"] == "1.22"
    assert manifest["$schema"].endswith("/teams/v1.22/MicrosoftTeams.schema.json")
    assert problems(MANIFEST, manifest) == []
