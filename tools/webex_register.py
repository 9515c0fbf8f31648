"""Webex set-up: the bot's webhooks, registered idempotently, and removed.

The bot hears Webex through two webhooks, one for new messages (`messages`/`created`) and one
for card submits (`attachmentActions`/`created`), both pointing at the server's
`/api/webex` route and signed with `WEBEX_WEBHOOK_SECRET`. `register(client, url, secret)`
lists the bot's webhooks and, for each of the two, updates the one with its name (new
target, new secret, active again), deletes any further copies and creates it if missing, so
running it again leaves exactly two. `remove(client)` deletes every webhook the bot's token
owns. `add_parser(subparsers)` adds `beslutningsbot webex-register`.

Webex lists at most 100 webhooks per page; a bot has a handful, so one page is read.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from bot.webex.client import WebexClient

WEBHOOKS = (("messages", "created"), ("attachmentActions", "created"))
ROUTE = "/api/webex"


class RegisterError(ValueError):
    """The webhooks cannot be registered as asked; the message says what to fix."""


def webhook_name(resource: str, event: str) -> str:
    return f"beslutningsbot {resource} {event}"


async def list_webhooks(client: WebexClient) -> list[dict[str, Any]]:
    """The webhooks the bot's token owns."""
    answer = await client.request("GET", "webhooks")
    return list(answer.get("items") or [])


async def register(client: WebexClient, url: str, secret: str) -> list[dict[str, Any]]:
    """Create or update the bot's two webhooks for `url`, signed with `secret`; return them.

    Raises RegisterError for a URL or secret Webex should not be given, WebexError when the
    API refuses.
    """
    check_target(url)
    if not secret:
        raise RegisterError("WEBEX_WEBHOOK_SECRET is empty: every webhook must be signed")
    existing = await list_webhooks(client)
    registered = []
    for resource, event in WEBHOOKS:
        name = webhook_name(resource, event)
        ours = [hook for hook in existing
                if hook.get("name") == name and hook.get("resource") == resource and hook.get("event") == event]
        if ours:
            keep, *copies = ours
            # Resource and event cannot change on a webhook; the rest is set anew, and "active"
            # revives a webhook Webex switched off after failed deliveries.
            hook = await client.request("PUT", f"webhooks/{_segment(keep['id'])}", json={
                "name": name, "targetUrl": url, "secret": secret, "status": "active"})
            for copy in copies:
                # Two webhooks for one event deliver every message twice.
                await client.request("DELETE", f"webhooks/{_segment(copy['id'])}")
        else:
            hook = await client.request("POST", "webhooks", json={
                "name": name, "targetUrl": url, "resource": resource, "event": event, "secret": secret})
        registered.append(hook)
    return registered


async def remove(client: WebexClient) -> list[dict[str, Any]]:
    """Delete every webhook the bot's token owns; return the ones deleted."""
    removed = []
    for hook in await list_webhooks(client):
        await client.request("DELETE", f"webhooks/{_segment(hook['id'])}")
        removed.append(hook)
    return removed


def others(hooks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Webhooks that `register` did not make: each may deliver events a second time."""
    names = {webhook_name(resource, event) for resource, event in WEBHOOKS}
    return [hook for hook in hooks if hook.get("name") not in names]


def check_target(url: str) -> None:
    parts = urlsplit(url or "")
    if parts.scheme != "https" or not parts.hostname:
        raise RegisterError(f"--url must be the bot's public https:// address, e.g. "
                            f"https://beslutningsbot.kommune.dk{ROUTE}, not {url!r}")


def describe(hook: dict[str, Any]) -> str:
    """One line for a webhook, without its secret."""
    return (f"{hook.get('name', '?')}: {hook.get('resource', '?')}/{hook.get('event', '?')} -> "
            f"{hook.get('targetUrl', '?')} ({hook.get('status', '?')}, id {hook.get('id', '?')})")


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `webex-register` on the CLI's subcommands."""
    parser = subparsers.add_parser(
        "webex-register", help="create or update the bot's Webex webhooks (or --remove them)",
        description="Point the Webex bot's webhooks at this server. Reads WEBEX_BOT_TOKEN, "
                    "WEBEX_WEBHOOK_SECRET and WEBEX_API_URL like the server does.")
    parser.add_argument("--url", default=None, metavar="URL",
                        help=f"the server's public Webex address, e.g. https://beslutningsbot.kommune.dk{ROUTE}")
    parser.add_argument("--remove", action="store_true", help="delete all of the bot's webhooks instead")
    parser.set_defaults(run=cmd_webex_register)
    return parser


def cmd_webex_register(args: argparse.Namespace) -> int:
    from bot.webex.client import WebexError

    try:
        settings = Settings.load()
    except SettingsError as error:
        print(f"Fejl i indstillingerne: {error}", file=sys.stderr)
        return 2
    if not settings.webex_token:
        print("Fejl i indstillingerne: WEBEX_BOT_TOKEN is empty: set the bot's access token from "
              "developer.webex.com.", file=sys.stderr)
        return 2
    if not args.remove and not args.url:
        print(f"Angiv --url, fx https://beslutningsbot.kommune.dk{ROUTE} (or --remove).", file=sys.stderr)
        return 2
    try:
        hooks, extra = asyncio.run(_run(settings, None if args.remove else args.url))
    except RegisterError as error:
        print(f"Webhooks kan ikke registreres: {error}", file=sys.stderr)
        return 2
    except WebexError as error:
        print(f"Webex afviste kaldet: {error}", file=sys.stderr)
        return 1
    if args.remove:
        print(f"Slettede {len(hooks)} webhook(s):")
    else:
        print("Webhooks registreret:")
        if not args.url.rstrip("/").endswith(ROUTE):
            print(f"Bemærk: adressen ender ikke på {ROUTE}; den skal nå serverens {ROUTE}.", file=sys.stderr)
    for hook in hooks:
        print(f"  {describe(hook)}")
    if extra:
        print("Botten har også disse webhooks, som kan give dobbelte svar "
              "(slet dem med --remove og registrér igen):", file=sys.stderr)
        for hook in extra:
            print(f"  {describe(hook)}", file=sys.stderr)
    return 0


async def _run(settings: Settings, url: str | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    import aiohttp

    from bot.webex.client import WebexClient

    async with aiohttp.ClientSession() as session:
        client = WebexClient(settings.webex_api_url, settings.webex_token, session)
        if url is None:
            return await remove(client), []
        hooks = await register(client, url, settings.webex_secret)
        return hooks, others(await list_webhooks(client))


def _segment(value: str) -> str:
    return quote(str(value), safe="")
