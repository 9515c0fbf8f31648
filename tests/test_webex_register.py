"""`beslutningsbot webex-register` against the fake Webex API on loopback."""

from __future__ import annotations

import argparse
import asyncio

import aiohttp
import pytest

from bot.webex.client import RetryPolicy, WebexClient, WebexError
from tests.fakes.webex_api import TOKEN, FakeWebex
from tools import webex_register
from tools.webex_register import RegisterError, register, remove, webhook_name

URL = "https://beslutningsbot.kommune.dk/api/webex"
SECRET = "webhook-secret-1"
QUICK = RetryPolicy(attempts=3, backoff=0.001, backoff_max=0.01, retry_after_max=0.1)
OURS = {webhook_name("messages", "created"), webhook_name("attachmentActions", "created")}


@pytest.fixture
async def client(fake):
    async with aiohttp.ClientSession() as session:
        yield WebexClient(str(fake.make_url("/v1")), TOKEN, session, retry=QUICK)


def kinds(fake: FakeWebex) -> list[tuple[str, str]]:
    return sorted((hook["resource"], hook["event"]) for hook in fake.webhooks.values())


async def test_register_twice_leaves_exactly_the_two_webhooks_with_the_secret(fake, client):
    first = await register(client, URL, SECRET)
    second = await register(client, URL, SECRET)

    assert kinds(fake) == [("attachmentActions", "created"), ("messages", "created")]
    assert {hook["name"] for hook in fake.webhooks.values()} == OURS
    assert all(hook["targetUrl"] == URL and hook["secret"] == SECRET for hook in fake.webhooks.values())
    assert [hook["id"] for hook in first] == [hook["id"] for hook in second]  # updated, not made again
    assert len(fake.calls_to("POST /webhooks")) == 2
    assert len(fake.calls_to("PUT /webhooks/{id}")) == 2


async def test_register_moves_existing_webhooks_to_the_new_address_and_revives_them(fake, client):
    old = dict(fake.add_webhook(webhook_name("messages", "created"), "messages", status="inactive"))

    await register(client, URL, SECRET)

    assert fake.webhooks[old["id"]] == old | {"targetUrl": URL, "secret": SECRET, "status": "active"}
    assert kinds(fake) == [("attachmentActions", "created"), ("messages", "created")]


async def test_register_deletes_copies_that_would_answer_twice(fake, client):
    for _ in range(3):
        fake.add_webhook(webhook_name("messages", "created"), "messages")

    await register(client, URL, SECRET)

    assert kinds(fake) == [("attachmentActions", "created"), ("messages", "created")]


async def test_register_leaves_webhooks_it_did_not_make_and_names_them(fake, client):
    other = fake.add_webhook("made by hand", "messages", target_url="https://old.kommune.dk/api/webex")

    await register(client, URL, SECRET)

    assert other["id"] in fake.webhooks
    assert webex_register.others(list(fake.webhooks.values())) == [other]


async def test_remove_deletes_all_of_the_bots_webhooks(fake, client):
    await register(client, URL, SECRET)
    fake.add_webhook("made by hand", "messages")

    removed = await remove(client)

    assert fake.webhooks == {}
    assert len(removed) == 3


@pytest.mark.parametrize("url", ["http://beslutningsbot.kommune.dk/api/webex", "beslutningsbot.kommune.dk/api/webex", ""])
async def test_register_refuses_an_address_that_is_not_https(fake, client, url):
    with pytest.raises(RegisterError, match="https://"):
        await register(client, url, SECRET)
    assert fake.calls == []


async def test_register_refuses_an_empty_secret(fake, client):
    with pytest.raises(RegisterError, match="WEBEX_WEBHOOK_SECRET"):
        await register(client, URL, "")
    assert fake.webhooks == {}


async def test_a_refused_token_is_a_webex_error_without_the_token(fake):
    async with aiohttp.ClientSession() as session:
        client = WebexClient(str(fake.make_url("/v1")), "wrong-token", session, retry=QUICK)
        with pytest.raises(WebexError) as caught:
            await register(client, URL, SECRET)
    assert caught.value.status == 401
    assert "wrong-token" not in str(caught.value)


# --- the command line, through add_parser, with the settings from the environment ---------


@pytest.fixture
def command(fake, monkeypatch, tmp_path):
    """Run `webex-register ARGS` as the CLI does, with WEBEX_API_URL pointing at the fake."""
    monkeypatch.chdir(tmp_path)  # no developer's .env
    monkeypatch.setenv("WEBEX_API_URL", str(fake.make_url("/v1")))
    monkeypatch.setenv("WEBEX_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("WEBEX_WEBHOOK_SECRET", SECRET)
    parser = argparse.ArgumentParser(prog="beslutningsbot")
    webex_register.add_parser(parser.add_subparsers(dest="command", required=True))

    async def run(*argv: str) -> int:
        args = parser.parse_args(["webex-register", *argv])
        # The command runs its own event loop; the fake answers on this one meanwhile.
        return await asyncio.to_thread(args.run, args)

    return run


async def test_cli_registers_twice_then_removes(fake, command, capsys):
    assert await command("--url", URL) == 0
    assert await command("--url", URL) == 0
    assert kinds(fake) == [("attachmentActions", "created"), ("messages", "created")]
    assert all(hook["secret"] == SECRET for hook in fake.webhooks.values())
    out = capsys.readouterr().out
    assert "Webhooks registreret" in out and URL in out
    assert SECRET not in out

    assert await command("--remove") == 0
    assert fake.webhooks == {}
    assert "Slettede 2 webhook(s)" in capsys.readouterr().out


async def test_cli_warns_about_webhooks_it_did_not_make(fake, command, capsys):
    fake.add_webhook("made by hand", "messages", target_url="https://old.kommune.dk/api/webex")
    assert await command("--url", URL) == 0
    err = capsys.readouterr().err
    assert "dobbelte svar" in err and "https://old.kommune.dk/api/webex" in err


async def test_cli_without_url_or_token_says_what_is_missing(fake, command, monkeypatch, capsys):
    assert await command() == 2
    assert "--url" in capsys.readouterr().err
    monkeypatch.delenv("WEBEX_BOT_TOKEN")
    assert await command("--url", URL) == 2
    assert "WEBEX_BOT_TOKEN" in capsys.readouterr().err
    assert fake.webhooks == {}


async def test_cli_reports_a_refusal_from_webex(fake, command, monkeypatch, capsys):
    monkeypatch.setenv("WEBEX_BOT_TOKEN", "wrong-token")
    assert await command("--url", URL) == 1
    err = capsys.readouterr().err
    assert "Webex afviste kaldet" in err and "401" in err and "wrong-token" not in err
