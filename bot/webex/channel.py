"""The Webex channel: the `POST /api/webex` webhook and the background work it starts.

A webhook only names a message or a card submit by id. The route checks the
`X-Spark-Signature` over the raw body before anything else, answers 200 at once and hands
the event to `WebexBot`, which fetches the message or the submit, removes the bot's
mention in group spaces, asks the channel-neutral `Conversation` and posts the reply
(markdown, and an Adaptive Card v1.3 when the reply has card data) to the same room. At
most `MAX_CONCURRENT` events are handled at a time. The aiohttp session, the
`WebexClient` and the `WebexBot` live in the app's cleanup context under the AppKeys
below, so other parts of the server (the digest) send through the same client.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import html
import json
import logging
import re
from collections import deque
from dataclasses import dataclass
from typing import Any, AsyncIterator, Awaitable, Callable

import aiohttp
from aiohttp import web

from bot.cards import submitted_question
from bot.metrics import METRICS
from bot.settings import Settings
from bot.webex.client import DEFAULT_TIMEOUT, RetryPolicy, WebexClient, WebexError
from bot.webex.inbox import WebexInbox, parse_time
# What a reply looks like in Webex, what fits one message, and sending it
# (`bot.webex.replies`); named here too, as the Webex channel's own.
from bot.webex.replies import CARD_VERSION, MAX_CARD_BYTES, MAX_MARKDOWN_BYTES, WebexSender, fits, send_reply  # noqa: F401
from handlers import feedback, texts
from handlers.channels import Channel, Channels
from handlers.conversation import Answers
from handlers.messages import Incoming, Reply
from handlers.tasks import Tasks

log = logging.getLogger(__name__)

CHANNEL = "webex"
ROUTE = "/api/webex"
SIGNATURE_HEADER = "X-Spark-Signature"
# Each event waits on two API round trips (fetching the message, posting the reply) and a
# search; with 8 at a time, 50 ms round trips capped Webex at about 50 answers a second, and
# under load Webex questions queued while Teams ones did not (`beslutningsbot loadtest`).
MAX_CONCURRENT = 64
# Events waiting for a slot. Each waits as a few hundred bytes in memory and a line in the
# inbox file, so a burst well beyond what Webex sends one bot (1,000 webhooks at once) is
# queued and answered, not refused: at the ~50 answers a second this server manages with
# slow API round trips, 10,000 waiting is three minutes of work. Beyond it, 503.
MAX_PENDING = 10_000
SHUTDOWN_GRACE = 5.0
INBOX_FILE = "webex-inbox.jsonl"


@dataclass(frozen=True)
class Event:
    """One webhook event worth handling: a new message or a card submit, by id."""

    resource: str  # "messages" or "attachmentActions"
    id: str
    person_id: str = ""
    created: float | None = None  # when the message was created (POSIX seconds), if said


@dataclass(frozen=True)
class Identity:
    """The bot itself, as `people/me` describes it."""

    id: str
    emails: tuple[str, ...] = ()
    display_name: str = ""

    def is_me(self, person_id: str) -> bool:
        # Mentions in html may carry the bare UUID instead of the API's base64 id.
        return bool(person_id) and person_id in (self.id, _uuid_of(self.id))


def parse_event(payload: dict[str, Any]) -> Event | None:
    """The event a webhook body announces; None for resources and events the bot ignores.

    Raises ValueError when a known event lacks the id it must carry.
    """
    resource, kind = payload.get("resource"), payload.get("event")
    if kind != "created" or resource not in ("messages", "attachmentActions"):
        return None
    data = payload.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not data["id"]:
        raise ValueError("webhook data without an id")
    person = data.get("personId")
    return Event(resource, data["id"], person if isinstance(person, str) else "", parse_time(data.get("created")))


def signature_valid(secret: bytes, body: bytes, signature: str | None) -> bool:
    """Whether `signature` is the hex HMAC-SHA1 of `body` under `secret`."""
    if not secret or not signature:
        return False
    expected = hmac.new(secret, body, hashlib.sha1).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.strip().lower().encode("utf-8", "replace"))


_MENTION = re.compile(r"<spark-mention\b([^>]*)>(.*?)</spark-mention>", re.IGNORECASE | re.DOTALL)
_ATTRIBUTE = re.compile(r"([\w-]+)\s*=\s*[\"']([^\"']*)[\"']")
_TAG = re.compile(r"<[^>]+>")


def strip_mention(text: str, html_text: str | None, me: Identity) -> str:
    """The text of a group-space message without the mention of the bot.

    The html names the mention exactly as it appears in the text (a person may shorten
    the name); without html, a leading display name is removed.
    """
    names = []
    for attributes, inner in _MENTION.findall(html_text or ""):
        values = {key.lower(): html.unescape(value) for key, value in _ATTRIBUTE.findall(attributes)}
        if values.get("data-object-type", "person") == "person" and me.is_me(values.get("data-object-id", "")):
            names.append(html.unescape(_TAG.sub("", inner)).strip())
    names = [name for name in names if name]
    for name in names:
        text = re.sub(rf"\s*(?<!\w){re.escape(name)}(?!\w)[,:;]?\s*", " ", text, count=1)
    if not names and me.display_name:
        text = re.sub(rf"^\s*{re.escape(me.display_name)}(?!\w)[,:;]?\s*", "", text, count=1, flags=re.IGNORECASE)
    return text.strip()


class WebexBot:
    """Handles webhook events in background tasks, a bounded number at a time.

    Every accepted event goes through the `WebexInbox`: an id it has seen is not answered
    again, an event it holds but did not finish is taken up again at the next start.
    """

    def __init__(self, client: WebexClient, conversation: Answers, *,
                 concurrency: int = MAX_CONCURRENT, pending: int = MAX_PENDING,
                 failed: Callable[[str], None] | None = None, inbox: WebexInbox | None = None) -> None:
        self.client = client
        self.conversation = conversation
        # Told the channel when a reply could not be delivered (the server counts them).
        self.failed = failed
        self.inbox = inbox if inbox is not None else WebexInbox(None)
        self._concurrency = concurrency
        self._pending = pending
        self._queue: deque[Event] = deque()
        self._tasks = Tasks()
        self._identity: Identity | None = None
        self._identity_lock = asyncio.Lock()

    def dispatch(self, event: Event) -> bool:
        """Queue `event` to be handled in the background; False when too many are waiting."""
        if self.inbox.seen(event.resource, event.id):
            log.info("webex %s %s delivered again; ignored", event.resource, event.id)
            return True
        if self.inbox.too_old(event.created):
            log.warning("webex %s %s is older than the bot answers (a replay?); ignored", event.resource, event.id)
            return True
        if len(self._queue) + len(self._tasks) >= self._pending:
            log.error("webex backlog full (%d events); %s %s refused",
                      len(self._queue) + len(self._tasks), event.resource, event.id)
            return False
        self.inbox.accept(event.resource, event.id, event.person_id, event.created)
        self._queue.append(event)
        self._start_waiting()
        return True

    def resume(self) -> int:
        """Queue the events an earlier run accepted but did not finish; how many."""
        waiting = self.inbox.unfinished()
        for entry in waiting:
            log.info("webex %s %s was not answered before the restart; answering now", entry.resource, entry.id)
            self._queue.append(Event(entry.resource, entry.id, entry.person_id, entry.created))
        self._start_waiting()
        return len(waiting)

    def _start_waiting(self) -> None:
        while self._queue and len(self._tasks) < self._concurrency:
            event = self._queue.popleft()
            name = f"webex {event.resource} {event.id}"
            self._tasks.start(name, self.handle(event), failure=f"{name} could not be handled",
                              done=lambda task, event=event: self._event_done(event, task))

    def _event_done(self, event: Event, task: asyncio.Task[None]) -> None:
        # An event cancelled at shutdown stays unfinished in the inbox and is taken up at the
        # next start; one that was tried, answered or not, is not tried again.
        if not task.cancelled():
            self.inbox.finish(event.resource, event.id)
        self._start_waiting()

    async def drain(self) -> None:
        """Wait until every event queued so far is handled."""
        while len(self._tasks) or self._queue:
            await self._tasks.wait()
            await asyncio.sleep(0)

    async def close(self, grace: float = SHUTDOWN_GRACE) -> None:
        """Give running events `grace` seconds to finish, then cancel the rest. Events not
        finished stay in the inbox and are answered at the next start."""
        self._queue.clear()
        cancelled = await self._tasks.close(grace)
        self._queue.clear()
        if cancelled:
            log.warning("webex: %d events cancelled at shutdown; answered at the next start", cancelled)
        self.inbox.close()

    async def identity(self) -> Identity:
        """The bot's own identity, fetched once."""
        async with self._identity_lock:
            if self._identity is None:
                me = await self.client.me()
                emails = tuple(str(email).lower() for email in me.get("emails") or ())
                self._identity = Identity(str(me.get("id", "")), emails, str(me.get("displayName") or ""))
            return self._identity

    async def handle(self, event: Event) -> None:
        """Answer one event; raises when the message or submit cannot be fetched."""
        if event.resource == "messages":
            await self._answer_message(event)
        elif event.resource == "attachmentActions":
            await self._answer_action(event)

    async def _answer_message(self, event: Event) -> None:
        me = await self.identity()
        # The bot's own posts come back as webhooks too; answering them would loop.
        if me.is_me(event.person_id):
            return
        message = await self.client.get_message(event.id)
        if me.is_me(message.get("personId", "")) or str(message.get("personEmail", "")).lower() in me.emails:
            return
        room_id = message.get("roomId")
        if not room_id:
            log.warning("webex message %s has no room; not answered", event.id)
            return
        direct = message.get("roomType") == "direct"
        text = message.get("text") or ""
        if not direct:
            text = strip_mention(text, message.get("html"), me)
        incoming = Incoming(text, sender_id=message.get("personId", ""), sender_name="", direct=direct,
                            channel=CHANNEL, conversation_id=room_id,
                            sender_email=message.get("personEmail", ""))
        await self._answer(incoming)

    async def _answer_action(self, event: Event) -> None:
        action = await self.client.get_attachment_action(event.id)
        if action.get("type") != "submit":
            return
        room_id = action.get("roomId")
        rated = feedback.submitted(action.get("inputs"))
        if rated is not None and room_id:
            # A rating is stored, not asked: only its thanks goes back to the room.
            rater = Incoming("", sender_id=action.get("personId", ""), direct=False, channel=CHANNEL,
                             conversation_id=room_id)
            await self._answer(rater, rated)
            return
        question = submitted_question(action.get("inputs"))
        if question is None or not room_id:
            log.info("webex card submit %s carries no question; ignored", event.id)
            return
        # A submit does not say what kind of room it came from; a "Se også" button only
        # asks a question, so it is treated as the more restricted group case.
        incoming = Incoming(question, sender_id=action.get("personId", ""), sender_name="", direct=False,
                            channel=CHANNEL, conversation_id=room_id)
        await self._answer(incoming)

    async def _answer(self, incoming: Incoming, rated: dict | None = None) -> None:
        try:
            if rated is not None:
                reply = await self.conversation.feedback(incoming, rated)
            else:
                reply = await self.conversation.handle(incoming)
        except Exception:
            log.exception("webex: the conversation failed in room %s", incoming.conversation_id)
            reply = Reply(texts.SORRY)
        try:
            await send_reply(self.client, reply, room_id=incoming.conversation_id)
        except WebexError as error:
            log.error("webex reply to room %s could not be delivered: %s", incoming.conversation_id, error,
                      exc_info=True)
            if self.failed is not None:
                self.failed(CHANNEL)


WEBEX_CLIENT = web.AppKey("webex_client", WebexClient)
WEBEX_BOT = web.AppKey("webex_bot", WebexBot)
# Set before start-up to change how hard the client retries (tests make it quick).
WEBEX_RETRY = web.AppKey("webex_retry", RetryPolicy)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def setup(app: web.Application, settings: Settings, conversation: Answers, channels: Channels) -> None:
    """Add `POST /api/webex` and register Webex in `channels`; without a token and a secret
    the route answers 404 and Webex is not registered."""
    if not (settings.webex_token and settings.webex_secret):
        if settings.webex_token:
            # An empty secret would let anyone sign a webhook.
            log.error("WEBEX_BOT_TOKEN is set but WEBEX_WEBHOOK_SECRET is not; Webex stays off")
        app.router.add_post(ROUTE, _not_configured)
        return
    app[WEBEX_RETRY] = RetryPolicy()
    app.router.add_post(ROUTE, _webhook_handler(settings.webex_secret.encode("utf-8")))
    app.cleanup_ctx.append(_webex_context(settings, conversation))
    channels.register(Channel(CHANNEL, fits, WebexSender(app, WEBEX_CLIENT).send))
    # After every cleanup context has started (the index is loaded by then).
    app.on_startup.append(_resume)


async def _resume(app: web.Application) -> None:
    bot = app.get(WEBEX_BOT)
    if bot is not None:
        bot.resume()


def _webex_context(settings: Settings, conversation: Answers) -> Callable[[web.Application], AsyncIterator[None]]:
    async def context(app: web.Application) -> AsyncIterator[None]:
        async with aiohttp.ClientSession(timeout=DEFAULT_TIMEOUT) as session:
            client = WebexClient(settings.webex_api_url, settings.webex_token, session, retry=app[WEBEX_RETRY])
            metrics = app.get(METRICS)
            inbox = await asyncio.to_thread(WebexInbox, settings.state_path.with_name(INBOX_FILE))
            bot = WebexBot(client, conversation, failed=metrics.reply_failed if metrics else None, inbox=inbox)
            app[WEBEX_CLIENT] = client
            app[WEBEX_BOT] = bot
            yield
            await bot.close()
    return context


async def _not_configured(request: web.Request) -> web.Response:
    return web.json_response({"error": "webex not configured"}, status=404)


def _webhook_handler(secret: bytes) -> Handler:
    async def webhook(request: web.Request) -> web.Response:
        # The signature covers the exact bytes, so they are read before any parsing.
        body = await request.read()
        if not signature_valid(secret, body, request.headers.get(SIGNATURE_HEADER)):
            log.warning("webex webhook refused: missing or wrong signature")
            return web.json_response({"error": "invalid signature"}, status=401)
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):
            return web.json_response({"error": "malformed json"}, status=400)
        if not isinstance(payload, dict):
            return web.json_response({"error": "expected a json object"}, status=400)
        try:
            event = parse_event(payload)
        except ValueError:
            return web.json_response({"error": "webhook data without an id"}, status=400)
        if event is None:
            return web.json_response({"status": "ignored"})
        if not request.app[WEBEX_BOT].dispatch(event):
            return web.json_response({"error": "busy"}, status=503)
        return web.json_response({"status": "accepted"})
    return webhook


def _uuid_of(person_id: str) -> str:
    """The UUID inside a Webex base64 id (ciscospark://us/PEOPLE/<uuid>), or ""."""
    try:
        decoded = base64.urlsafe_b64decode(person_id + "=" * (-len(person_id) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return ""
    return decoded.rsplit("/", 1)[-1] if decoded.startswith("ciscospark://") else ""
