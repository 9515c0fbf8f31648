"""The Teams message extension: search decisions from the compose box, through botbuilder's
TestAdapter and over HTTP against the fake Bot Connector, and its command in the app manifest."""

from __future__ import annotations

import asyncio
import json
import zipfile

from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, ConversationAccount

from bot.cards import CONTENT_TYPE
from bot.server import create_app
from bot.settings import Settings
from bot.teams import compose as teams_search
from bot.teams.channel import BeslutningsBot
from bot.teams.compose import QUERY_INVOKE, SEARCH_COMMAND, SEARCH_PARAMETER
from handlers import texts
from handlers.compose_search import search_decisions
from handlers.conversation import Conversation
from knowledge.index.live import LiveIndex
from tests.chat import make_conversation
from tools.teams_package import build_package

BOT = ChannelAccount(id="28:beslutningsbot", name="Beslutningsbot")
USER = ChannelAccount(id="29:anne", name="Anne Jensen", aad_object_id="aad-anne")
APP_ID = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"


def query(text: str, skip: int = 0, count: int = 25) -> dict:
    """The value of a composeExtension/query invoke as Teams sends it."""
    return {"commandId": SEARCH_COMMAND, "parameters": [{"name": SEARCH_PARAMETER, "value": text}],
            "queryOptions": {"skip": skip, "count": count}}


def adapter_for(conversation: Conversation) -> TestAdapter:
    template = Activity(channel_id="msteams", service_url="https://smba.trafficmanager.net/emea/",
                        from_property=USER, recipient=BOT,
                        conversation=ConversationAccount(id="19:general@thread.tacv2", conversation_type="channel"))
    return TestAdapter(BeslutningsBot(conversation).on_turn, template)


async def search(conversation: Conversation, text: str, **options) -> dict:
    adapter = adapter_for(conversation)
    await adapter.send(Activity(type=ActivityTypes.invoke, name=QUERY_INVOKE, value=query(text, **options)))
    [invoke] = adapter.activity_buffer  # nothing is posted to the chat: only the invoke's answer
    assert invoke.type == ActivityTypes.invoke_response and invoke.value.status == 200
    return invoke.value.body


def previews(body: dict) -> list[dict]:
    return [attachment["preview"]["content"] for attachment in body["composeExtension"]["attachments"]]


# --- through the TestAdapter ---------------------------------------------------------------


async def test_typing_a_subject_lists_matching_decisions_with_title_date_body_and_a_short_decision(sample_index):
    body = await search(make_conversation(lambda: sample_index), "hændelseslog")

    extension = body["composeExtension"]
    assert extension["type"] == "result" and extension["attachmentLayout"] == "list"
    first = previews(body)[0]
    assert "Hændelseslog" in first["title"]
    assert first["subtitle"].startswith("8. april 2026 · Direktionen")
    assert first["text"] and len(first["text"]) <= 100


async def test_the_chosen_result_is_inserted_as_the_answer_card_without_buttons_that_ask_the_bot(sample_index):
    body = await search(make_conversation(lambda: sample_index), "hændelseslog")

    attachment = body["composeExtension"]["attachments"][0]
    card = attachment["content"]
    assert attachment["contentType"] == CONTENT_TYPE and card["version"] == "1.5"
    assert "Hændelseslog" in card["body"][0]["text"] and card["fallbackText"]
    # The card may land in a chat the bot is not in: a button there could not be answered.
    assert all(action["type"] != "Action.Submit" for action in card.get("actions", []))


async def test_closed_items_never_appear_in_the_compose_search(sample_index):
    closed = [row for row in sample_index.items if row.get("closed") and row["title"].strip()]
    assert closed, "the samples hold closed items"
    conversation = make_conversation(lambda: sample_index)
    for row in closed:
        body = await search(conversation, row["title"])
        shown = json.dumps(body, ensure_ascii=False)
        assert row["title"] not in shown, row["title"]
        assert "Lukket" not in shown


def test_paging_through_results_gives_the_next_ones_in_order(sample_index):
    everything = search_decisions(sample_index, "direktionen")
    assert len(everything) > 4 and not any(found.card["closed"] for found in everything)
    second_page = search_decisions(sample_index, "direktionen", skip=2, count=2)
    assert [found.title for found in second_page] == [found.title for found in everything[2:4]]


async def test_nothing_found_and_an_empty_box_get_a_danish_message_not_an_error(sample_index):
    conversation = make_conversation(lambda: sample_index)

    nothing = await search(conversation, "rumfærger på Mars")
    empty = await search(conversation, "   ")

    assert nothing["composeExtension"]["type"] == "message"
    assert nothing["composeExtension"]["text"] == texts.COMPOSE_NOTHING.format(query="rumfærger på Mars")
    assert empty == {"composeExtension": {"type": "message", "text": texts.COMPOSE_TYPE_SUBJECT}}


async def test_a_search_slower_than_teams_waits_is_answered_in_time_with_a_message(sample_index, monkeypatch):
    release = asyncio.Event()
    loop = asyncio.get_running_loop()

    def slow_search(*args, **kwargs):
        asyncio.run_coroutine_threadsafe(release.wait(), loop).result()
        return []

    monkeypatch.setattr(teams_search, "search_decisions", slow_search)
    monkeypatch.setattr(teams_search, "ANSWER_WITHIN", 0.05)
    try:
        body = await teams_search.query_response(make_conversation(lambda: sample_index), query("hændelseslog"),
                                                 within=0.05)
    finally:
        release.set()
    assert body == {"composeExtension": {"type": "message", "text": texts.COMPOSE_TOO_SLOW}}


async def test_a_preview_shows_markup_from_the_minutes_as_text(sample_index, monkeypatch):
    from handlers.compose_search import Found

    found = [Found(title="Punkt 1: <b>fed</b> & <script>", subtitle="1. maj 2026", decision="x < y", card={
        "kind": "answer", "title": "t", "date": "1. maj 2026", "decision": "d"})]
    monkeypatch.setattr(teams_search, "search_decisions", lambda *a, **k: found)

    body = await teams_search.query_response(make_conversation(lambda: sample_index), query("noget"))

    assert previews(body)[0]["title"] == "Punkt 1: &lt;b&gt;fed&lt;/b&gt; &amp; &lt;script&gt;"
    assert previews(body)[0]["text"] == "x &lt; y"


# --- over HTTP, against the fake Bot Connector ----------------------------------------------


async def test_the_invoke_is_answered_over_http_with_the_body_as_json_once(aiohttp_client, sample_index, tmp_path,
                                                                          connector):
    # Regression guard: CloudAdapter.process in botbuilder 4.17.1 serializes an invoke body
    # a second time and answers 500; bot/teams/adapter.py returns it as the bot made it.
    client = await aiohttp_client(create_app(Settings(data_dir=tmp_path, digest="off", teams_noauth="local"),
                                             live=LiveIndex(None, sample_index)))
    activity = {"type": "invoke", "name": QUERY_INVOKE, "id": "invoke-1", "channelId": "msteams",
                "serviceUrl": connector.url, "from": {"id": USER.id, "name": USER.name, "aadObjectId": "aad-anne"},
                "conversation": {"id": "a:anne", "conversationType": "personal", "tenantId": "t"},
                "recipient": {"id": BOT.id, "name": BOT.name}, "value": query("hændelseslog")}

    response = await client.post("/api/messages", json=activity)

    assert response.status == 200 and response.content_type == "application/json", await response.text()
    body = await response.json()
    assert body["composeExtension"]["type"] == "result"
    assert "Hændelseslog" in body["composeExtension"]["attachments"][0]["preview"]["content"]["title"]
    assert connector.posted == []  # no typing indicator, no message: the answer is the invoke body


# --- the app manifest ----------------------------------------------------------------------


def test_the_teams_package_declares_the_search_command_for_this_bot(tmp_path):
    package = build_package(APP_ID, tmp_path / "p.zip", valid_domain="beslutningsbot.kommune.dk")

    manifest = json.loads(zipfile.ZipFile(package).read("manifest.json"))

    [extension] = manifest["composeExtensions"]
    assert extension["botId"] == APP_ID
    [command] = extension["commands"]
    assert (command["id"], command["type"]) == (SEARCH_COMMAND, "query")
    assert [parameter["name"] for parameter in command["parameters"]] == [SEARCH_PARAMETER]
