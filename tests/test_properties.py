"""Properties that hold for any input: the parsers, the search and the two HTTP endpoints.

Hypothesis makes the inputs: arbitrary text, the real sample minutes mutated (lines
dropped, doubled, shuffled, junk put in, the end cut off), arbitrary strings as questions,
and arbitrary bytes, JSON and activity-shaped JSON posted to `/api/messages` and
`/api/webex`. Runs are derandomized and keep no example database, so CI sees the same
examples every time. The server runs once for the module, in a thread with its own event
loop, so each example is a plain HTTP request; host names other than loopback are refused
for the whole module, so no generated URL can reach the network.
"""

from __future__ import annotations

import asyncio
import json
import threading

import pytest
import requests
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.server import create_app
from bot.settings import Settings
from bot.webex.channel import WEBEX_RETRY
from bot.webex.client import RetryPolicy
from handlers.answer import answer_reply
from handlers.fit import fit_reply, utf8_size
from knowledge.errors import DocumentError
from knowledge.index.build import build_index
from knowledge.index.live import LiveIndex
from knowledge.parse import parse_minutes
from knowledge.paths import SAMPLES_DIR
from knowledge.question import Question, parse_question
from tests.fakes.connector import FakeConnector
from tests.fakes.webex_api import FakeWebex
from tools.payloads import message_webhook, signed_webhook, teams_message

SAMPLES = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES_DIR.glob("*.txt"))]
CLOSED_EMPTY = ("resume", "indstilling", "decision", "sagsfremstilling", "supplerende", "okonomi",
                "afgoeres_af", "bilag", "earlier", "text")
SECRET = "property-secret"
QUESTION = "hvad besluttede direktionen om Hændelseslog?"
FAST = dict(deadline=None, derandomize=True, database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


# --- the minutes parser -------------------------------------------------------------------------


def check_parse(text: str) -> None:
    """parse_minutes gives a meeting or a DocumentError, and closed items stay empty."""
    try:
        meeting = parse_minutes(text, source="x.txt")
    except DocumentError:
        return
    assert meeting.items and meeting.date
    for item in meeting.items:
        assert isinstance(item.number, int) and item.date == meeting.date
        if item.closed:
            assert not any(getattr(item, name) for name in CLOSED_EMPTY), item


@settings(max_examples=300, **FAST)
@given(st.text(max_size=2000))
def test_parser_on_arbitrary_text(text):
    check_parse(text)


LINE = st.sampled_from([
    "", "Punkt 1: Lukket: Noget fortroligt", "Punkt 2: Budget", "PUNKT 3 - Lukket: x", "Pkt. 4. Sag",
    "Beslutning", "Resumé", "Indstilling", "Sagsfremstilling", "Bilag", "Indholdsfortegnelse",
    "REFERAT Direktionen d. 08-04-2026", "Mødedato Onsdag d. 8. april 2026 kl. 09:00", "Mødested Rådhuset",
    "Beslutning fra Digitaliseringsstyregruppen, den 3. marts 2026, punkt 4:", "85.02.02P35-106-24",
    "| Punkt 5: Lukket: x..... | 12 |", "Side 3 af 9", "**Beslutning**", "# Punkt 6: Lukket: Personale",
    "Kommunaldirektøren indstiller:", "\x00\x01\ufeff\u00ad", "Lukket", "punkt 7: lukket",
]) | st.text(max_size=80)


@st.composite
def mutated_sample(draw) -> str:
    lines = draw(st.sampled_from(SAMPLES)).splitlines()
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            break
        operation = draw(st.sampled_from(["drop", "duplicate", "shuffle", "junk", "truncate", "swap"]))
        at = draw(st.integers(0, len(lines) - 1))
        if operation == "drop":
            del lines[at:at + draw(st.integers(1, 30))]
        elif operation == "duplicate":
            lines[at:at] = lines[at:at + draw(st.integers(1, 30))]
        elif operation == "shuffle":
            end = min(len(lines), at + draw(st.integers(2, 40)))
            part = lines[at:end]
            lines[at:end] = draw(st.permutations(part))
        elif operation == "junk":
            lines[at:at] = draw(st.lists(LINE, min_size=1, max_size=5))
        elif operation == "truncate":
            lines = lines[:at]
        else:
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
    text = "\n".join(lines)
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]
    return text


@settings(max_examples=150, **FAST)
@given(mutated_sample())
def test_parser_on_mutated_samples(text):
    check_parse(text)


def test_parser_on_the_samples_themselves_keeps_closed_items_empty():
    for text in SAMPLES:
        check_parse(text)
        assert any(item.closed for item in parse_minutes(text).items) or "Lukket" not in text


# --- questions ----------------------------------------------------------------------------------------


@settings(max_examples=400, **FAST)
@given(st.text(max_size=600))
def test_question_parser_never_raises(text):
    question = parse_question(text)
    assert isinstance(question, Question) and isinstance(question.topic, str)
    assert all(isinstance(case, str) for case in question.case_numbers)


QUESTIONISH = st.lists(st.sampled_from([
    "hvad", "besluttede", "direktionen", "om", "seneste", "beslutning", "sag", "85.13.00G01-2-23", "referat",
    "fra", "8.", "april", "2026", "marts", "2025", "i", "hændelseslog", "os2", "lukket", "punkt", "?", "mellem",
    "og", "hvornår", "blev", "godkendt", "Q1", "1. kvartal", "12/27845", "EMN-2025-003383", "før", "efter",
]) | st.text(max_size=12), max_size=12).map(" ".join)


@settings(max_examples=200, **FAST)
@given(st.text(max_size=300) | QUESTIONISH)
def test_search_and_reply_never_raise(sample_index, text):
    result = sample_index.answer(text)
    reply = fit_reply(answer_reply(result), lambda part: utf8_size(part.markdown) <= 7000)
    assert reply.text and len(reply.markdown.encode("utf-8")) <= 7000


# --- the HTTP endpoints ---------------------------------------------------------------------------------


class Background:
    """An event loop in a thread, to run the server and its fakes beside synchronous tests."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="properties-server", daemon=True)
        self.thread.start()

    def run(self, coroutine, timeout: float = 30.0):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


async def _serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real server (Teams authentication off, Webex on) and its fakes, for the module."""
    background = Background()
    connector, webex = FakeConnector(), FakeWebex()
    runners = []

    async def start():
        connector_runner, connector.url = await _serve(connector.app())
        webex_runner, webex_url = await _serve(webex.app())
        settings = Settings(data_dir=tmp_path_factory.mktemp("data"), webex_token=webex.token, teams_noauth="local",
                            webex_secret=SECRET, webex_api_url=f"{webex_url}/v1", digest="off")
        build_index([SAMPLES_DIR], settings.store_path)
        app = create_app(settings, live=LiveIndex.open(settings.store_path))
        app[WEBEX_RETRY] = RetryPolicy(attempts=2, backoff=0.001, backoff_max=0.001, retry_after_max=0.01)
        bot_runner, url = await _serve(app)
        runners.extend([bot_runner, webex_runner, connector_runner])
        return url

    url = background.run(start())
    http = requests.Session()
    http.trust_env = False  # no proxy from the environment between us and 127.0.0.1
    yield type("Server", (), {"url": url, "http": http, "connector": connector, "webex": webex})
    http.close()

    async def stop():
        for runner in runners:
            await runner.cleanup()

    background.run(stop())
    background.stop()


def post(server, path: str, body: bytes, headers: dict[str, str] | None = None) -> int:
    return server.http.post(server.url + path, data=body, headers=headers or {}, timeout=30).status_code


def sign(body: bytes) -> dict[str, str]:
    return signed_webhook(body, SECRET)[1]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=25,
)
ACTIVITY_KEYS = ["type", "id", "channelId", "text", "textFormat", "from", "conversation", "recipient",
                 "entities", "value", "name", "attachments", "channelData", "timestamp", "replyToId",
                 "membersAdded", "locale", "summary"]
ACCOUNT_KEYS = ["id", "name", "aadObjectId", "conversationType", "tenantId", "isGroup", "role"]


def base_activity(service_url: str, activity_id: str = "a1", **fields) -> dict:
    return teams_message(service_url, QUESTION, who="p", activity_id=activity_id, **fields)


@st.composite
def activity_shaped(draw) -> dict:
    """A real activity with some fields replaced by arbitrary JSON (serviceUrl is kept)."""
    activity = base_activity("SERVICE_URL")
    for key in draw(st.lists(st.sampled_from(ACTIVITY_KEYS), max_size=4, unique=True)):
        activity[key] = draw(JSON | st.sampled_from(["message", "invoke", "conversationUpdate", "typing", "event"]))
    for account in draw(st.lists(st.sampled_from(["from", "conversation", "recipient"]), max_size=2, unique=True)):
        if isinstance(activity.get(account), dict):
            activity[account][draw(st.sampled_from(ACCOUNT_KEYS))] = draw(JSON)
    if draw(st.booleans()):
        activity["type"] = draw(st.sampled_from(["message", "invoke", "conversationUpdate"]))
        if activity["type"] == "invoke":
            activity["name"] = "adaptiveCard/action"
    return activity


@settings(max_examples=120, **FAST)
@given(st.binary(max_size=600))
def test_arbitrary_bytes_to_teams_are_refused_with_4xx(server, body):
    assert 400 <= post(server, "/api/messages", body, {"Content-Type": "application/json"}) < 500


@settings(max_examples=120, **FAST)
@given(JSON)
def test_arbitrary_json_to_teams_is_refused_with_4xx(server, value):
    assert 400 <= post(server, "/api/messages", json.dumps(value).encode(), {"Content-Type": "application/json"}) < 500


@settings(max_examples=150, **FAST)
@given(activity_shaped())
def test_activity_shaped_json_to_teams_never_gets_a_5xx(server, activity):
    body = json.dumps(activity).replace("SERVICE_URL", server.connector.url + "/").encode()
    status = post(server, "/api/messages", body, {"Content-Type": "application/json"})
    assert status < 500 and status in (200, 201, 400, 401, 404, 501), status


@settings(max_examples=100, **FAST)
@given(st.binary(max_size=600) | JSON.map(lambda value: json.dumps(value).encode()))
def test_arbitrary_unsigned_bodies_to_webex_are_401(server, body):
    assert post(server, "/api/webex", body, {"Content-Type": "application/json"}) == 401


WEBHOOKISH = st.fixed_dictionaries({
    "resource": st.sampled_from(["messages", "attachmentActions", "memberships"]) | JSON,
    "event": st.sampled_from(["created", "deleted"]) | JSON,
    "data": st.fixed_dictionaries({}, optional={"id": st.text(max_size=20) | JSON, "personId": JSON,
                                                "roomId": JSON}) | JSON,
})


@settings(max_examples=150, **FAST)
@given(st.binary(max_size=600) | JSON.map(lambda value: json.dumps(value).encode())
       | WEBHOOKISH.map(lambda value: json.dumps(value).encode()))
def test_arbitrary_signed_bodies_to_webex_never_get_a_5xx(server, body):
    status = post(server, "/api/webex", body, sign(body))
    assert status in (200, 400), status


def test_a_body_over_the_size_limit_is_413(server):
    body = b'{"text": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    assert post(server, "/api/messages", body, {"Content-Type": "application/json"}) == 413
    assert post(server, "/api/webex", body, sign(body)) == 413


def test_after_all_that_the_server_still_answers(server):
    # Runs after the properties above (pytest keeps file order): the same server, still well.
    health = server.http.get(server.url + "/healthz", timeout=30)
    assert health.status_code == 200 and health.json()["status"] == "ok"
    before = len(server.connector.of_type("message"))
    activity = base_activity(server.connector.url + "/", activity_id="after-all", conversation="a:after-all")
    assert post(server, "/api/messages", json.dumps(activity).encode(), {"Content-Type": "application/json"}) == 201
    answers = [posted for posted in server.connector.of_type("message")[before:]
               if posted.conversation_id == "a:after-all"]
    assert len(answers) == 1
    assert "Prøvehandling gennemføres" in json.dumps(answers[0].body, ensure_ascii=False)
    message = server.webex.add_message(QUESTION, room_id="room-after-all")
    body, headers = signed_webhook(message_webhook(message), SECRET)
    assert post(server, "/api/webex", body, headers) == 200
    sent = []
    for _ in range(500):
        sent = [s for s in server.webex.sent if s.get("roomId") == "room-after-all"]
        if sent:
            break
        threading.Event().wait(0.01)
    assert len(sent) == 1 and "Prøvehandling gennemføres" in sent[0]["markdown"]
