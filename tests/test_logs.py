"""Log lines: BESLUTNINGSBOT_LOG_FORMAT=json writes one JSON object per line, every line of a
request carries its request id (also in the X-Request-Id answer header), and no secret shows."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot import logs
from bot.server import create_app
from bot.settings import Settings, SettingsError
from bot.webex.channel import WEBEX_BOT, WEBEX_RETRY
from bot.webex.client import RetryPolicy
from knowledge.index.live import LiveIndex
from tools.payloads import message_webhook, signed_webhook, teams_message

QUESTION = "hvad besluttede direktionen om Hændelseslog?"
SECRET = "webhook-secret-value"


@pytest.fixture
def captured():
    """The root logger configured as the server does it, writing into a buffer; restored after."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()

    def configure(settings: Settings) -> io.StringIO:
        logs.configure(settings, stream)
        return stream

    yield configure
    root.handlers[:], level = saved
    root.setLevel(level)


def records(stream: io.StringIO) -> list[dict]:
    lines = [line for line in stream.getvalue().splitlines() if line.strip()]
    return [json.loads(line) for line in lines]  # fails on any line that is not one JSON object


async def test_json_lines_carry_the_teams_request_id_from_the_message_to_its_reply(
        captured, aiohttp_client, sample_index, tmp_path, connector):
    settings = Settings(data_dir=tmp_path, digest="off", log_format="json", teams_noauth="local")
    stream = captured(settings)
    client = await aiohttp_client(create_app(settings, live=LiveIndex(None, sample_index)))

    response = await client.post("/api/messages", json=teams_message(connector.url, QUESTION))

    request_id = response.headers["X-Request-Id"]
    assert response.status == 201 and len(request_id) == 16
    answered = [r for r in records(stream) if "message answered" in r["message"]]
    assert [(r["request_id"], r["message"].split(":")[1].split()[0]) for r in answered] == [(request_id, "answer")]
    assert set(answered[0]) == {"time", "level", "logger", "message", "request_id"}
    assert QUESTION not in stream.getvalue()  # what people ask is not logged


async def test_a_webex_answer_in_the_background_logs_with_the_webhook_request_id(
        captured, aiohttp_client, sample_index, tmp_path, fake):
    settings = Settings(data_dir=tmp_path, digest="off", log_format="json", webex_token="test-token",
                        webex_secret=SECRET, webex_api_url=str(fake.make_url("/v1")))
    stream = captured(settings)
    app = create_app(settings, live=LiveIndex(None, sample_index))
    app[WEBEX_RETRY] = RetryPolicy(attempts=1, backoff=0.001, backoff_max=0.01, retry_after_max=1.0)
    client = await aiohttp_client(app)
    message = fake.add_message(QUESTION, room_id="room-anna")
    body, headers = signed_webhook(message_webhook(message), SECRET)
    fake.fail("POST /messages", 500, times=1)  # the reply fails: its error line must carry the id too

    response = await client.post("/api/webex", data=body, headers=headers | {"X-Request-Id": "proxy-id-0001"})
    await client.app[WEBEX_BOT].drain()

    lines = records(stream)
    assert response.headers["X-Request-Id"] == "proxy-id-0001"
    answered = [r for r in lines if "webex message answered" in r["message"]]
    undelivered = [r for r in lines if "could not be delivered" in r["message"]]
    assert [r["request_id"] for r in answered + undelivered] == ["proxy-id-0001", "proxy-id-0001"]
    assert "traceback" in undelivered[0]
    assert "test-token" not in stream.getvalue() and SECRET not in stream.getvalue()


async def test_the_access_log_line_carries_the_request_id_of_its_request(captured, aiohttp_server, aiohttp_client,
                                                                         sample_index, tmp_path):
    # Regression: aiohttp writes the access line after the middleware has reset the id ("-").
    settings = Settings(data_dir=tmp_path, digest="off", log_format="json")
    stream = captured(settings)
    app = create_app(settings, live=LiveIndex(None, sample_index))
    server = await aiohttp_server(app, access_log_class=logs.RequestIdAccessLogger,
                                  access_log=logging.getLogger("aiohttp.access"))
    client = await aiohttp_client(server)

    response = await client.get("/readyz", headers={"X-Request-Id": "probe-from-proxy-1"})

    [line] = [r for r in records(stream) if r["logger"] == "aiohttp.access"]
    assert response.status == 200 and "GET /readyz" in line["message"]
    assert line["request_id"] == "probe-from-proxy-1"


def test_a_request_id_that_could_forge_log_lines_is_replaced():
    assert logs.new_request_id("ok-id-from-proxy") == "ok-id-from-proxy"
    for offered in ('x"\n{"level": "INFO"}', "short", "a" * 65, None):
        replaced = logs.new_request_id(offered)
        assert replaced != offered and len(replaced) == 16


def test_a_secret_in_a_message_or_traceback_is_masked_in_json(captured):
    stream = captured(Settings(log_format="json", webex_token="tok-123456", webex_secret=SECRET))
    try:
        raise ValueError(f"bad token tok-123456 and {SECRET}")
    except ValueError:
        logging.getLogger("bot.test").exception("failed with tok-123456")

    [record] = records(stream)
    assert record["message"] == "failed with ***" and record["request_id"] == "-"
    assert "tok-123456" not in stream.getvalue() and SECRET not in stream.getvalue()
    assert "ValueError: bad token *** and ***" in record["traceback"]


def test_text_format_stays_one_line_per_record_with_the_request_id(captured):
    stream = captured(Settings())
    token = logs.REQUEST_ID.set("abcdef0123456789")
    try:
        logging.getLogger("bot.test").warning("hello")
    finally:
        logs.REQUEST_ID.reset(token)
    assert stream.getvalue().rstrip().endswith("WARNING bot.test [abcdef0123456789]: hello")


def test_log_format_must_be_text_or_json():
    assert Settings.load({"BESLUTNINGSBOT_LOG_FORMAT": "json"}, env_file=None).log_format == "json"
    with pytest.raises(SettingsError, match="BESLUTNINGSBOT_LOG_FORMAT"):
        Settings.load({"BESLUTNINGSBOT_LOG_FORMAT": "xml"}, env_file=None)
