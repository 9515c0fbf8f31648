"""The Webex channel against a fake Webex API on loopback: webhooks in, replies out."""

from __future__ import annotations

import asyncio
import json
import logging
import socket

import aiohttp
import pytest

from bot.server import create_app
from bot.settings import Settings
from bot.webex.channel import (
    WEBEX_BOT,
    WEBEX_CLIENT,
    WEBEX_RETRY,
    Event,
    Identity,
    WebexBot,
    signature_valid,
    strip_mention,
)
from bot.webex.client import RetryPolicy, WebexClient, WebexError
from handlers import texts
from handlers.conversation import Conversation
from handlers.fit import cut, utf8_size
from handlers.messages import Incoming, Reply
from knowledge.index.live import LiveIndex
from tests.chat import make_conversation
from tests.fakes.webex_api import BOT_EMAIL, BOT_ID, BOT_NAME, BOT_UUID, PERSON_EMAIL, PERSON_ID, FakeWebex, Scripted
from tools.payloads import message_webhook, signed_webhook, webex_signature

SECRET = "s3cret"
QUESTION = "hvad besluttede direktionen om Hændelseslog?"
QUICK = RetryPolicy(attempts=5, backoff=0.001, backoff_max=0.01, retry_after_max=1.0)
CARD = "application/vnd.microsoft.card.adaptive"


class RecordingConversation(Conversation):
    """The real conversation, remembering what it was asked."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.asked: list[Incoming] = []

    async def handle(self, message: Incoming) -> Reply:
        self.asked.append(message)
        return await super().handle(message)


@pytest.fixture
def settings(fake, tmp_path) -> Settings:
    return Settings(webex_token="test-token", webex_secret=SECRET, webex_api_url=str(fake.make_url("/v1")),
                    data_dir=tmp_path)


@pytest.fixture
def live(sample_index) -> LiveIndex:
    return LiveIndex(None, sample_index)


@pytest.fixture
def conversation(live) -> RecordingConversation:
    return make_conversation(live.get, kind=RecordingConversation)


@pytest.fixture
async def client(aiohttp_client, settings, live, conversation):
    app = create_app(settings, live=live, conversation=conversation)
    app[WEBEX_RETRY] = QUICK
    return await aiohttp_client(app)


def signed(payload, secret: str = SECRET) -> tuple[bytes, dict[str, str]]:
    return signed_webhook(payload, secret)


def action_webhook(action: dict) -> dict:
    return {"id": "webhook-2", "name": "beslutningsbot cards", "resource": "attachmentActions", "event": "created",
            "data": {"id": action["id"], "type": "submit", "messageId": action["messageId"],
                     "roomId": action["roomId"], "personId": action["personId"]}}


async def deliver(client, payload) -> aiohttp.ClientResponse:
    """POST a signed webhook and wait until the bot has finished handling it."""
    body, headers = signed(payload)
    response = await client.post("/api/webex", data=body, headers=headers)
    if response.status == 200:
        await client.app[WEBEX_BOT].drain()
    return response


# --- a question in, the decision out --------------------------------------------------


async def test_direct_question_gets_one_reply_with_the_decision_and_a_card(client, fake):
    message = fake.add_message(QUESTION, room_id="room-anna")

    response = await deliver(client, message_webhook(message))

    assert response.status == 200
    [sent] = await fake.wait_for_sent(1)
    assert sent["roomId"] == "room-anna"
    assert "Prøvehandling gennemføres" in sent["markdown"]
    assert "8. april 2026" in sent["markdown"]
    [card] = sent["attachments"]
    assert card["contentType"] == CARD
    assert card["content"]["version"] == "1.3"
    assert "Prøvehandling gennemføres" in json.dumps(card["content"], ensure_ascii=False)
    assert len(fake.sent) == 1


async def test_every_api_call_carries_the_bot_token(client, fake):
    message = fake.add_message(QUESTION)
    await deliver(client, message_webhook(message))
    await fake.wait_for_sent(1)
    assert {call.authorization for call in fake.calls} == {"Bearer test-token"}
    assert [call.route for call in fake.calls] == ["GET /people/me", "GET /messages/{id}", "POST /messages"]


async def test_the_conversation_is_asked_as_webex_with_the_sender(client, fake, conversation):
    message = fake.add_message(QUESTION, room_id="room-anna")
    await deliver(client, message_webhook(message))
    [asked] = conversation.asked
    assert asked == Incoming(QUESTION, sender_id=PERSON_ID, sender_name="", direct=True, channel="webex",
                             conversation_id="room-anna", sender_email=PERSON_EMAIL)


async def test_group_message_is_answered_without_the_bots_name(client, fake, conversation):
    html = (f'<p><spark-mention data-object-type="person" data-object-id="{BOT_ID}">{BOT_NAME}</spark-mention> '
            f"{QUESTION}</p>")
    message = fake.add_message(f"{BOT_NAME} {QUESTION}", room_id="room-ledelse", room_type="group", html=html)

    await deliver(client, message_webhook(message))

    [asked] = conversation.asked
    assert asked.text == QUESTION
    assert asked.direct is False
    [sent] = await fake.wait_for_sent(1)
    assert sent["roomId"] == "room-ledelse"
    assert "Prøvehandling gennemføres" in sent["markdown"]


async def test_group_message_without_html_loses_the_leading_display_name(client, fake, conversation):
    message = fake.add_message(f"{BOT_NAME}, {QUESTION}", room_type="group")
    await deliver(client, message_webhook(message))
    assert conversation.asked[0].text == QUESTION


async def test_identity_is_fetched_once_for_many_messages(client, fake):
    for _ in range(3):
        await deliver(client, message_webhook(fake.add_message(QUESTION)))
    await fake.wait_for_sent(3)
    assert len(fake.calls_to("GET /people/me")) == 1


# --- what the bot does not answer -----------------------------------------------------


async def test_own_message_is_ignored_without_fetching_it(client, fake):
    message = fake.add_message("Svar fra botten", person_id=BOT_ID, person_email=BOT_EMAIL)
    response = await deliver(client, message_webhook(message))
    assert response.status == 200
    assert fake.calls_to("GET /messages/{id}") == []
    assert fake.sent == []


async def test_own_message_is_ignored_when_only_the_message_says_so(client, fake):
    message = fake.add_message("Svar fra botten", person_id=BOT_ID, person_email=BOT_EMAIL)
    payload = message_webhook(message)
    del payload["data"]["personId"]
    await deliver(client, payload)
    assert len(fake.calls_to("GET /messages/{id}")) == 1
    assert fake.sent == []


async def test_the_same_event_delivered_twice_is_answered_once(client, fake):
    payload = message_webhook(fake.add_message(QUESTION))
    await deliver(client, payload)
    await deliver(client, payload)
    assert len(fake.sent) == 1


async def test_unknown_resource_is_accepted_and_ignored(client, fake):
    payload = {"resource": "memberships", "event": "created", "data": {"id": "m-1"}}
    response = await deliver(client, payload)
    assert response.status == 200
    assert fake.calls == []


# --- what the route refuses -------------------------------------------------------------


@pytest.mark.parametrize("headers", [
    {"X-Spark-Signature": "0" * 40},
    {"X-Spark-Signature": webex_signature(b"{}", "wrong")},
    {"X-Spark-Signature": "ikke-hex-æøå"},
    {},
], ids=["wrong", "other-secret", "garbage", "missing"])
async def test_unsigned_or_badly_signed_webhook_is_refused_before_any_api_call(client, fake, headers):
    body = json.dumps(message_webhook(fake.add_message(QUESTION))).encode()
    response = await client.post("/api/webex", data=body, headers=headers)
    assert response.status == 401
    await asyncio.sleep(0.05)  # a wrongly started background task would have called by now
    assert fake.calls == []


async def test_signature_over_other_bytes_is_refused(client, fake):
    payload = message_webhook(fake.add_message(QUESTION))
    _, headers = signed(payload)
    tampered = json.dumps({**payload, "name": "changed"}).encode()
    response = await client.post("/api/webex", data=tampered, headers=headers)
    assert response.status == 401
    assert fake.calls == []


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe",
                                  b'{"resource": "messages", "event": "created", "data": {}}',
                                  b'{"resource": "messages", "event": "created", "data": "msg-1"}'],
                         ids=["malformed", "list", "string", "not-utf8", "no-id", "data-not-object"])
async def test_signed_but_malformed_webhook_is_400(client, fake, body):
    _, headers = signed(body)
    response = await client.post("/api/webex", data=body, headers=headers)
    assert response.status == 400
    assert fake.calls == []


async def test_webex_not_configured_answers_404(aiohttp_client, tmp_path, live, fake):
    app = create_app(Settings(data_dir=tmp_path), live=live)
    client = await aiohttp_client(app)
    body, headers = signed(message_webhook(fake.add_message(QUESTION)))
    response = await client.post("/api/webex", data=body, headers=headers)
    assert response.status == 404
    assert await response.json() == {"error": "webex not configured"}
    assert WEBEX_CLIENT not in app


async def test_a_token_without_a_secret_keeps_webex_off(aiohttp_client, tmp_path, live, fake):
    settings = Settings(webex_token="test-token", webex_api_url=str(fake.make_url("/v1")), data_dir=tmp_path)
    client = await aiohttp_client(create_app(settings, live=live))
    body, headers = signed(b"{}", secret="")
    response = await client.post("/api/webex", data=body, headers=headers)
    assert response.status == 404


# --- retries --------------------------------------------------------------------------------


async def test_429_with_retry_after_then_success_delivers_one_reply(client, fake):
    fake.fail("POST /messages", 429, retry_after="0")
    await deliver(client, message_webhook(fake.add_message(QUESTION)))
    assert len(fake.calls_to("POST /messages")) == 2
    assert len(fake.sent) == 1


async def test_500_twice_then_success_delivers_one_reply(client, fake):
    fake.fail("POST /messages", 500, times=2)
    await deliver(client, message_webhook(fake.add_message(QUESTION)))
    assert len(fake.calls_to("POST /messages")) == 3
    assert len(fake.sent) == 1


async def test_failing_fetch_is_retried(client, fake):
    fake.fail("GET /messages/{id}", 503)
    fake.fail("GET /people/me", 429, retry_after="0")
    await deliver(client, message_webhook(fake.add_message(QUESTION)))
    assert len(fake.sent) == 1


async def test_undeliverable_reply_is_logged_without_secrets(client, fake, caplog):
    fake.fail("POST /messages", 500, times=QUICK.attempts)
    with caplog.at_level(logging.DEBUG):
        await deliver(client, message_webhook(fake.add_message(QUESTION, room_id="room-anna")))
    assert fake.sent == []
    assert len(fake.calls_to("POST /messages")) == QUICK.attempts
    assert "could not be delivered" in caplog.text and "room-anna" in caplog.text
    assert "test-token" not in caplog.text and SECRET not in caplog.text


async def test_message_that_cannot_be_fetched_is_logged_and_not_answered(client, fake, caplog):
    payload = message_webhook({"id": "msg-gone", "roomId": "room-x", "roomType": "direct",
                               "personId": PERSON_ID, "personEmail": PERSON_EMAIL, "created": ""})
    with caplog.at_level(logging.ERROR):
        response = await deliver(client, payload)
    assert response.status == 200
    assert len(fake.calls_to("GET /messages/{id}")) == 1  # a 404 is final
    assert fake.sent == []
    assert "msg-gone could not be handled" in caplog.text


# --- cards and extra replies -----------------------------------------------------------------


async def test_card_submit_is_answered_in_its_room(client, fake, conversation):
    action = fake.add_action({"question": "Hændelseslog - TeamEffect 8. april 2026"}, room_id="room-ledelse")
    response = await deliver(client, action_webhook(action))
    assert response.status == 200
    [sent] = await fake.wait_for_sent(1)
    assert sent["roomId"] == "room-ledelse"
    assert "Prøvehandling gennemføres" in sent["markdown"]
    [asked] = conversation.asked
    assert asked.text == "Hændelseslog - TeamEffect 8. april 2026"
    assert asked.sender_id == PERSON_ID and asked.channel == "webex"


async def test_card_submit_without_a_question_is_ignored(client, fake):
    await deliver(client, action_webhook(fake.add_action({"other": "value"})))
    assert fake.sent == []


class FixedConversation(Conversation):
    reply: Reply | Exception

    async def handle(self, message: Incoming) -> Reply:
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply


def fixed_conversation(reply: Reply | Exception) -> FixedConversation:
    conversation = make_conversation(lambda: None, kind=FixedConversation)
    conversation.reply = reply
    return conversation


async def test_extra_replies_follow_the_first(aiohttp_client, settings, live, fake):
    reply = Reply("Første", extra=[Reply("Anden"), Reply("Tredje")])
    app = create_app(settings, live=live, conversation=fixed_conversation(reply))
    app[WEBEX_RETRY] = QUICK
    client = await aiohttp_client(app)
    await deliver(client, message_webhook(fake.add_message("hej")))
    assert [sent["markdown"] for sent in fake.sent] == ["Første", "Anden", "Tredje"]
    assert all("attachments" not in sent for sent in fake.sent)


async def test_a_failing_conversation_gets_an_apology(aiohttp_client, settings, live, fake, caplog):
    app = create_app(settings, live=live, conversation=fixed_conversation(RuntimeError("boom")))
    app[WEBEX_RETRY] = QUICK
    client = await aiohttp_client(app)
    with caplog.at_level(logging.ERROR):
        await deliver(client, message_webhook(fake.add_message("hej")))
    assert [sent["markdown"] for sent in fake.sent] == [texts.SORRY]
    assert "conversation failed" in caplog.text


# --- the pieces on their own -------------------------------------------------------------------

ME = Identity(BOT_ID, (BOT_EMAIL,), BOT_NAME)


@pytest.mark.parametrize("text, html, expected", [
    (f"{BOT_NAME} {QUESTION}", None, QUESTION),
    (f"beslutningsbot: {QUESTION}", None, QUESTION),
    (f"{BOT_NAME}s {QUESTION}", None, f"{BOT_NAME}s {QUESTION}"),
    (f"Besl {QUESTION}", f'<spark-mention data-object-type="person" data-object-id="{BOT_ID}">Besl</spark-mention>',
     QUESTION),
    (f"Hej {BOT_NAME}, {QUESTION}",
     f'Hej <spark-mention data-object-id="{BOT_UUID}" data-object-type="person">{BOT_NAME}</spark-mention>',
     f"Hej {QUESTION}"),
    (f"Anna {QUESTION}", '<spark-mention data-object-type="person" data-object-id="other">Anna</spark-mention>',
     f"Anna {QUESTION}"),
], ids=["leading-name", "lowercase-colon", "longer-word-kept", "short-mention", "uuid-mid-text", "other-person"])
def test_strip_mention(text, html, expected):
    assert strip_mention(text, html, ME) == expected


def test_signature_check():
    body = b'{"a": 1}'
    good = webex_signature(body, "key")
    assert signature_valid(b"key", body, good)
    assert signature_valid(b"key", body, good.upper())
    assert not signature_valid(b"key", body + b" ", good)
    assert not signature_valid(b"", body, webex_signature(body, ""))
    assert not signature_valid(b"key", body, None)


def test_cutting_to_webex_bytes_cuts_on_a_character_boundary():
    assert cut("kort", 7439, size=utf8_size) == "kort"
    shortened = cut("æ" * 5000, 7439, size=utf8_size)
    assert len(shortened.encode("utf-8")) <= 7439 and shortened.endswith("…")


async def test_close_cancels_events_that_outlast_the_grace(fake):
    started = asyncio.Event()

    class SlowConversation(Conversation):
        async def handle(self, message: Incoming) -> Reply:
            started.set()
            await asyncio.sleep(30)
            return Reply("for sent")

    fake.add_message(QUESTION)
    async with aiohttp.ClientSession() as session:
        bot = WebexBot(WebexClient(str(fake.make_url("/v1")), "test-token", session, retry=QUICK),
                       make_conversation(lambda: None, kind=SlowConversation))
        assert bot.dispatch(Event("messages", "msg-1", PERSON_ID))
        await asyncio.wait_for(started.wait(), 5)
        await bot.close(grace=0.01)
    assert fake.sent == []


# --- the client on its own ------------------------------------------------------------------------


@pytest.fixture
def waits() -> list[float]:
    """The waits the client asked for, instead of spending them."""
    return []


@pytest.fixture
async def api(fake, waits):
    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async with aiohttp.ClientSession() as session:
        yield WebexClient(str(fake.make_url("/v1")), "test-token", session, sleep=sleep,
                          timeout=aiohttp.ClientTimeout(total=0.5))


async def test_client_waits_the_retry_after_it_is_told(api, fake, waits):
    fake.fail("GET /people/me", 429, retry_after="7")
    assert (await api.me())["id"] == BOT_ID
    assert waits == [7.0]


async def test_client_caps_a_long_retry_after(api, fake, waits):
    fake.fail("GET /people/me", 429, retry_after="3600")
    await api.me()
    assert waits == [60.0]


async def test_client_backs_off_exponentially_and_gives_up_with_the_status(api, fake, waits):
    fake.fail("GET /people/me", 502, times=5)
    with pytest.raises(WebexError) as raised:
        await api.me()
    assert raised.value.status == 502
    assert waits == [0.5, 1.0, 2.0, 4.0]
    assert len(fake.calls_to("GET /people/me")) == 5


async def test_client_does_not_retry_other_4xx(api, fake, waits):
    with pytest.raises(WebexError) as raised:
        await api.get_message("no-such-message")
    assert raised.value.status == 404
    assert len(fake.calls) == 1 and waits == []


async def test_client_quotes_ids_into_one_path_segment(api, fake):
    with pytest.raises(WebexError):
        await api.get_message("../people/me")
    [call] = fake.calls
    assert call.path == "/v1/messages/..%2Fpeople%2Fme" and call.route == "GET /messages/{id}"


async def test_client_retries_a_slow_answer(api, fake):
    fake.script("GET /people/me", Scripted(delay=2.0))
    assert (await api.me())["displayName"] == BOT_NAME
    assert len(fake.calls_to("GET /people/me")) == 2


async def test_client_retries_a_refused_connection_then_gives_up(fake):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async with aiohttp.ClientSession() as session:
        client = WebexClient(f"http://127.0.0.1:{port}/v1", "test-token", session, retry=QUICK, sleep=sleep)
        with pytest.raises(WebexError) as raised:
            await client.me()
    assert raised.value.status is None
    assert len(waits) == QUICK.attempts - 1


async def test_client_sends_to_a_person_and_needs_one_target(api, fake):
    await api.send_message(person_id=PERSON_ID, markdown="**hej**")
    assert fake.sent == [{"toPersonId": PERSON_ID, "markdown": "**hej**"}]
    with pytest.raises(ValueError):
        await api.send_message(markdown="hej")
    with pytest.raises(ValueError):
        await api.send_message("room", PERSON_ID, markdown="hej")


def test_client_repr_hides_the_token():
    client = WebexClient("https://webexapis.com/v1", "test-token", session=None)  # type: ignore[arg-type]
    assert "test-token" not in repr(client)
