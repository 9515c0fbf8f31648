"""Teams: the bot through botbuilder's TestAdapter, and POST /api/messages in-process
against a fake Bot Connector on loopback."""

from __future__ import annotations

import base64
import json
import logging
import re

import pytest
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, ConversationAccount, Entity, Mention

from bot.cards import CONTENT_TYPE
from bot.server import create_app
from bot.settings import Settings
from bot.teams.adapter import BotAuthConfig, TeamsAdapter
from bot.teams.channel import (
    TEAMS_ADAPTER,
    TEAMS_APP_ID,
    TEAMS_BOT,
    BeslutningsBot,
    markdown_activity,
    without_bot_mention,
)
from handlers import texts
from handlers.conversation import Conversation
from handlers.messages import Incoming, Reply
from knowledge.index.live import LiveIndex
from tests.chat import make_conversation
from tools.payloads import teams_message

BOT = ChannelAccount(id="28:beslutningsbot", name="Beslutningsbot")
USER = ChannelAccount(id="29:anne", name="Anne Jensen", aad_object_id="aad-anne")
MENTION = "<at>Beslutningsbot</at>"
QUESTION = "hvad besluttede direktionen om Hændelseslog?"
APP_ID = "00000000-0000-0000-0000-00000000b0b0"
PASSWORD = "pw-very-secret-value"
# What Teams sends when an Action.Execute button (Universal Actions) is pressed.
EXECUTE = {"action": {"type": "Action.Execute", "verb": "seOgså", "data": {"question": QUESTION}},
           "trigger": "manual"}


class Recording(Conversation):
    """The real conversation, remembering what the handlers were given."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.seen: list[Incoming] = []

    async def handle(self, message: Incoming) -> Reply:
        self.seen.append(message)
        return await super().handle(message)


def mention_entity() -> Mention:
    return Mention(mentioned=BOT, text=MENTION, type="mention")


def teams_adapter(bot: BeslutningsBot, conversation_type: str = "channel") -> TestAdapter:
    template = Activity(
        channel_id="msteams",
        service_url="https://smba.trafficmanager.net/emea/",
        from_property=USER,
        recipient=BOT,
        conversation=ConversationAccount(id="19:general@thread.tacv2", conversation_type=conversation_type,
                                         is_group=conversation_type != "personal"),
    )
    return TestAdapter(bot.on_turn, template)


def card_of(activity) -> dict:
    """The Adaptive Card of a sent activity (an Activity, or its JSON from the connector)."""
    if isinstance(activity, Activity):
        attachment = activity.attachments[0]
        assert attachment.content_type == CONTENT_TYPE
        return attachment.content
    attachment = activity["attachments"][0]
    assert attachment["contentType"] == CONTENT_TYPE
    return attachment["content"]


def shown(markdown: str) -> str:
    """What a markdown renderer shows for escaped text: each backslash escape undone."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("&amp;", "&")


def facts(card: dict) -> dict[str, str]:
    fact_set = next(element for element in card["body"] if element["type"] == "FactSet")
    return {shown(fact["title"]): shown(fact["value"]) for fact in fact_set["facts"]}


def assert_hændelseslog(card: dict) -> None:
    assert card["version"] == "1.5"
    assert shown(card["body"][0]["text"]) == "Punkt 2: Hændelseslog - TeamEffect"
    assert facts(card)["Dato"] == "8. april 2026"
    assert facts(card)["Sag"] == "85.02.02P35-106-24"
    assert shown(card["body"][2]["text"]).startswith("Prøvehandling gennemføres")
    assert "Prøvehandling gennemføres" in card["fallbackText"]


# --- the bot, through botbuilder's TestAdapter ----------------------------------------------


async def test_mentioned_question_is_answered_with_a_card(sample_index):
    conversation = make_conversation(lambda: sample_index, kind=Recording)
    adapter = teams_adapter(BeslutningsBot(conversation))

    await adapter.send(Activity(type="message", text=f"{MENTION} {QUESTION}", entities=[mention_entity()]))

    # A team channel gets no typing indicator: Teams sent it to the thread and dropped the reply.
    [answer] = adapter.activity_buffer
    assert answer.type == ActivityTypes.message
    assert not answer.text
    assert answer.summary.startswith("Direktionen besluttede 8. april 2026")
    assert_hændelseslog(card_of(answer))
    [seen] = conversation.seen
    assert seen == Incoming(QUESTION, sender_id="aad-anne", sender_name="Anne Jensen", direct=False,
                            channel="msteams", conversation_id="19:general@thread.tacv2")


async def test_personal_chat_is_direct(sample_index):
    conversation = make_conversation(lambda: sample_index, kind=Recording)
    adapter = teams_adapter(BeslutningsBot(conversation), conversation_type="personal")

    await adapter.send(QUESTION)

    assert conversation.seen[0].direct is True
    assert_hændelseslog(card_of(adapter.activity_buffer[1]))


async def test_se_også_button_asks_its_question(sample_index):
    adapter = teams_adapter(BeslutningsBot(make_conversation(lambda: sample_index)), conversation_type="personal")
    await adapter.send("seneste beslutning om projektporteføljen")
    first = card_of(adapter.activity_buffer[-1])
    pressed = first["actions"][0]["data"]
    assert pressed == {"question": "Handleplan for digitalisering - Projektportefølje 19. marts 2025"}
    adapter.activity_buffer.clear()

    # Teams brings an Action.Submit back as a message with the data as value and no text.
    await adapter.send(Activity(type="message", value=pressed))

    typing, answer = adapter.activity_buffer
    assert typing.type == ActivityTypes.typing
    card = card_of(answer)
    assert shown(card["body"][0]["text"]) == "Punkt 2: Handleplan for digitalisering - Projektportefølje"
    assert facts(card)["Dato"] == "19. marts 2025"


async def test_universal_action_invoke_answers_and_returns_200(sample_index):
    adapter = teams_adapter(BeslutningsBot(make_conversation(lambda: sample_index)))

    await adapter.send(Activity(type="invoke", name="adaptiveCard/action", value=EXECUTE))

    answer, invoke = adapter.activity_buffer
    assert_hændelseslog(card_of(answer))
    assert invoke.type == ActivityTypes.invoke_response
    assert invoke.value.status == 200
    assert invoke.value.body == {"statusCode": 200, "type": "application/vnd.microsoft.activity.message",
                                 "value": texts.CARD_ACTION_ANSWERED}


async def test_universal_action_without_question_is_a_card_error(sample_index):
    adapter = teams_adapter(BeslutningsBot(make_conversation(lambda: sample_index)))

    await adapter.send(Activity(type="invoke", name="adaptiveCard/action",
                                value={"action": {"type": "Action.Execute", "data": {}}}))

    [invoke] = adapter.activity_buffer
    assert invoke.value.status == 200
    assert invoke.value.body["statusCode"] == 400
    assert invoke.value.body["value"]["message"] == texts.CARD_ACTION_UNKNOWN


async def test_welcome_when_the_bot_is_added(sample_index):
    adapter = teams_adapter(BeslutningsBot(make_conversation(lambda: sample_index)))

    await adapter.send(Activity(type="conversationUpdate", members_added=[BOT]))

    [welcome] = adapter.activity_buffer
    # Each line ends in a hard break, so Teams keeps the lines apart.
    # Each line ends in a hard break, so Teams keeps the lines apart; the bodies and examples
    # are the index's own (names and titles from the minutes are escaped as markdown).
    lines = welcome.text.split("  \n")
    assert lines[0] == "Hej, jeg er Beslutningsbot. Jeg fortæller, hvad Direktionen har besluttet, citeret fra referaterne. Spørg fx:"
    assert [line.split("\n")[0] for line in lines[1:4]] == ["- hvad besluttede direktionen om handleplan for digitalisering?",
                          "- seneste beslutning om handleplan for digitalisering", "- sag 85\\.13.00G01-2-23"]
    assert welcome.text_format == "markdown"


async def test_no_welcome_when_someone_else_joins(sample_index):
    adapter = teams_adapter(BeslutningsBot(make_conversation(lambda: sample_index)))

    await adapter.send(Activity(type="conversationUpdate", members_added=[ChannelAccount(id="29:bo", name="Bo")]))

    assert adapter.activity_buffer == []


async def test_reply_without_card_is_markdown_and_extras_follow_in_order():
    class Scripted(Conversation):
        async def handle(self, message: Incoming) -> Reply:
            return Reply("første", "**første**", extra=[Reply("anden"), Reply("tredje")])

    adapter = teams_adapter(BeslutningsBot(make_conversation(lambda: None, kind=Scripted)))

    await adapter.send("hjælp")

    sent = adapter.activity_buffer
    assert [(activity.text, activity.text_format) for activity in sent] == [
        ("**første**", "markdown"), ("anden", "markdown"), ("tredje", "markdown")]


# --- mentions ------------------------------------------------------------------------------


def test_mention_is_removed_only_where_it_is_the_mention():
    # botbuilder's remove_recipient_mention uses the name as a regex, everywhere in the text.
    bot = ChannelAccount(id="28:b", name="Bot (test)")
    activity = Activity(text="<at>Bot (test)</at> hvad sagde Bot (test) om <at>Anne</at>?", recipient=bot,
                        entities=[Mention(mentioned=bot, text="<at>Bot (test)</at>", type="mention")])

    assert without_bot_mention(activity) == "hvad sagde Bot (test) om Anne?"


def test_mention_read_off_the_wire_is_removed():
    activity = Activity().deserialize({
        "type": "message", "text": f"{MENTION} {QUESTION}",
        "recipient": {"id": BOT.id, "name": BOT.name},
        "entities": [{"type": "clientInfo", "locale": "da-DK"},
                     {"type": "mention", "text": MENTION, "mentioned": {"id": BOT.id, "name": BOT.name}}],
    })
    assert isinstance(activity.entities[1], Entity)

    assert without_bot_mention(activity) == QUESTION


# --- HTTP in-process, against a fake Bot Connector -------------------------------------------


@pytest.fixture
def serve(aiohttp_client, sample_index, tmp_path):
    async def start(conversation: Conversation | None = None, **settings):
        settings = {"teams_noauth": "local"} | settings if not settings.get("app_id") else settings
        app = create_app(Settings(data_dir=tmp_path, **settings), live=LiveIndex(None, sample_index),
                         conversation=conversation)
        return await aiohttp_client(app)

    return start


def teams_activity(service_url: str, **fields) -> dict:
    """A question in a Teams channel that @mentions the bot, as the Bot Connector posts it."""
    activity = teams_message(service_url, f"{MENTION} {QUESTION}", who="anne", name=USER.name, chat="channel",
                             conversation="19:general@thread.tacv2;messageid=1712345678901", tenant="tenant-1",
                             activity_id="1712345678901")
    activity["timestamp"] = "2026-04-09T08:00:00.000Z"
    activity["recipient"] = {"id": BOT.id, "name": BOT.name}
    activity["entities"] = [{"type": "mention", "text": MENTION, "mentioned": {"id": BOT.id, "name": BOT.name}}]
    activity.update(fields)
    return activity


async def test_message_is_answered_once_at_the_connector(serve, connector):
    client = await serve()

    response = await client.post("/api/messages", json=teams_activity(connector.url))

    assert response.status == 201
    # No typing indicator to a channel thread: a real client dropped the reply that followed.
    assert [posted.type for posted in connector.posted] == ["message"]
    [answer] = connector.of_type("message")
    assert answer.conversation_id == "19:general@thread.tacv2;messageid=1712345678901"
    assert answer.reply_to_id == "1712345678901"
    assert answer.authorization is None
    assert_hændelseslog(card_of(answer.body))


async def test_setup_leaves_adapter_bot_and_app_id_on_the_app(serve):
    client = await serve()
    app = client.server.app

    assert isinstance(app[TEAMS_ADAPTER], TeamsAdapter)
    assert isinstance(app[TEAMS_BOT], BeslutningsBot)
    assert app[TEAMS_APP_ID] == ""


@pytest.mark.parametrize("authorization", [None, "", "Basic dXNlcjpwdw==", "Bearer", "Bearer not-a-token"])
async def test_without_a_valid_token_is_401_and_nothing_is_sent(serve, connector, caplog, authorization):
    client = await serve(app_id=APP_ID, app_password=PASSWORD, app_tenant_id="tenant-1")
    headers = {} if authorization is None else {"Authorization": authorization}

    response = await client.post("/api/messages", json=teams_activity(connector.url), headers=headers)

    assert response.status == 401
    assert connector.posted == []
    assert client.server.app[TEAMS_APP_ID] == APP_ID
    assert PASSWORD not in caplog.text


def _unsigned_jwt(claims: dict) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'typ': 'JWT', 'kid': 'k1'})}.{part(claims)}.c2lnbmF0dXJl"


async def test_token_from_a_foreign_issuer_is_401_without_fetching_keys(serve, connector):
    client = await serve(app_id=APP_ID, app_password=PASSWORD, app_tenant_id="tenant-1")
    token = _unsigned_jwt({"iss": "https://evil.example", "aud": APP_ID, "serviceurl": connector.url})

    response = await client.post("/api/messages", json=teams_activity(connector.url),
                                 headers={"Authorization": f"Bearer {token}"})

    assert response.status == 401
    assert connector.posted == []


def test_auth_config_repr_hides_the_password():
    config = BotAuthConfig.from_settings(Settings(app_id=APP_ID, app_password=PASSWORD, app_tenant_id="t"))

    assert PASSWORD not in repr(config)
    assert config.APP_TYPE == "SingleTenant"
    assert BotAuthConfig.from_settings(Settings()).auth_enabled is False


async def test_without_json_content_type_is_400(serve, connector):
    client = await serve()

    response = await client.post("/api/messages", data=json.dumps(teams_activity(connector.url)).encode())

    assert response.status == 400
    assert connector.posted == []


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"message"', b'{"text": "no type"}',
                                  b'{"type": "message", "from": "not an account"}', "\xff".encode("latin-1")])
async def test_body_that_is_not_an_activity_is_400(serve, connector, body):
    client = await serve()

    response = await client.post("/api/messages", data=body, headers={"Content-Type": "application/json"})

    assert response.status == 400
    assert connector.posted == []


async def test_invoke_body_is_returned_as_is_not_serialized_twice(serve, connector):
    # Regression: CloudAdapter.process in 4.17.1 serializes an invoke body that is already a
    # dict again, fails, and answers 500.
    client = await serve()
    activity = teams_activity(connector.url, type="invoke", name="adaptiveCard/action", value=EXECUTE, text=None)

    response = await client.post("/api/messages", json=activity)

    assert response.status == 200
    assert await response.json() == {"statusCode": 200, "type": "application/vnd.microsoft.activity.message",
                                     "value": texts.CARD_ACTION_ANSWERED}
    [answer] = connector.of_type("message")
    assert_hændelseslog(card_of(answer.body))


async def test_failing_turn_sends_the_danish_apology(serve, connector, caplog):
    class Broken(Conversation):
        async def handle(self, message: Incoming) -> Reply:
            raise RuntimeError("indre detalje")

    client = await serve(conversation=make_conversation(lambda: None, kind=Broken))

    with caplog.at_level(logging.ERROR, logger="bot.teams.adapter"):
        response = await client.post("/api/messages", json=teams_activity(connector.url))

    assert response.status == 201
    [apology] = connector.of_type("message")
    assert apology.body["text"] == texts.SORRY
    assert "indre detalje" not in apology.body["text"]
    assert any(record.exc_info for record in caplog.records)


async def test_unexpected_failure_is_500_without_its_text(serve, connector, caplog, monkeypatch):
    client = await serve()

    async def explode(*args, **kwargs):
        raise RuntimeError("indre detalje")

    monkeypatch.setattr(client.server.app[TEAMS_ADAPTER], "process_activity", explode)
    with caplog.at_level(logging.ERROR, logger="bot.teams.adapter"):
        response = await client.post("/api/messages", json=teams_activity(connector.url))

    assert response.status == 500
    assert "indre detalje" not in await response.text()
    assert any(record.exc_info and "indre detalje" in str(record.exc_info[1]) for record in caplog.records)


async def test_without_an_app_id_only_this_machine_may_call(tmp_path):
    # Regression (review): with MicrosoftAppId empty and the default host 0.0.0.0, anyone
    # could post an activity posing as an admin and make the bot post to any service URL.
    from unittest import mock

    from aiohttp.test_utils import make_mocked_request

    from bot.teams.channel import messages

    app = create_app(Settings(data_dir=tmp_path, teams_noauth="local"))
    for remote in ("203.0.113.5", "10.0.0.7", "2001:db8::1", "::ffff:10.0.0.7"):
        transport = mock.Mock()
        transport.get_extra_info.side_effect = (
            lambda name, default=None, r=remote: (r, 4321) if name == "peername" else default)
        request = make_mocked_request("POST", "/api/messages", app=app, transport=transport,
                                      headers={"Content-Type": "application/json"})
        assert request.remote == remote
        response = await messages(request)
        assert response.status == 403, remote


async def test_a_group_chat_still_sees_the_typing_indicator_before_the_answer(serve, connector):
    client = await serve()
    chat = {"id": "19:chat@thread.v2", "conversationType": "groupChat", "isGroup": True, "tenantId": "tenant-1"}

    response = await client.post("/api/messages", json=teams_activity(connector.url, conversation=chat))

    assert response.status == 201
    assert [(posted.type, posted.conversation_id) for posted in connector.posted] == [
        ("typing", "19:chat@thread.v2"), ("message", "19:chat@thread.v2")]


def test_lines_of_a_markdown_message_stay_apart_in_teams_and_lists_stay_lists():
    # Regression: Teams showed the help text's last two lines as one (a single line break
    # is a space in markdown), and meeting lists ran a decision's dated lines together.
    activity = markdown_activity("Ugeoversigt: »abonner«.\nAdministratorer: »status«.\n\n- a\n  29\\.04.26 b\n- c")
    assert activity.text == "Ugeoversigt: »abonner«.  \nAdministratorer: »status«.\n\n- a  \n  29\\.04.26 b  \n- c"
