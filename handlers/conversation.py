"""The conversation: one incoming message in, one reply out, the same for every channel.

A message is routed by its exact first word through `COMMANDS`; anything else is a
question for the search, which runs in a worker thread so the event loop that serves
Teams and Webex never waits on it. Admin-only commands are declared in the table and
checked in `_allowed`, the one place that decides who may run them; every admin command
is written to the audit log with its result.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Awaitable, Callable, Iterable, Protocol

from rapidfuzz import fuzz, process

from handlers import texts
from handlers.answer import answer_reply
from handlers.clock import LOCAL, Clock
from handlers.digests import Digests
from handlers.examples import console_welcome, empty_question_reply, help_reply, welcome_markdown
from handlers.feedback import record as record_feedback
from handlers.followup import FocusMemory, answer_follow_up, open_item, open_meeting
from handlers.messages import Incoming, Outbox, Reply
from handlers.reindex import Reindexer
from handlers.report import index_unavailable
from handlers.state.feedback_log import FEEDBACK_FILE, FeedbackLog
from handlers.state.store import StateStore
from handlers.status import status_reply
from handlers.tasks import Tasks
from knowledge.errors import IndexUnavailable
from knowledge.index.loaded import Index
from knowledge.links import Links
from knowledge.search import Hit

log = logging.getLogger(__name__)

MAX_QUESTION = 500
IndexSource = Callable[[], Index]


@dataclass(frozen=True)
class Command:
    """One chat command: its method, whether only admins may use it, whether it takes text."""

    method: str
    admin: bool = False
    takes_text: bool = False


COMMANDS: dict[str, Command] = {
    "hjælp": Command("help"),
    "help": Command("help"),
    "?": Command("help"),
    "abonner": Command("subscribe", takes_text=True),
    "afmeld": Command("unsubscribe", takes_text=True),
    "abonnementer": Command("subscriptions"),
    "digest": Command("digest", admin=True, takes_text=True),
    "genindekser": Command("reindex", admin=True),
    "reindex": Command("reindex", admin=True),
    "status": Command("status", admin=True),
    # The buttons of a meeting or pick list: "vis punkt 3 møde <id>", "vis møde <id>".
    "vis": Command("open", takes_text=True),
}


class Answers(Protocol):
    """What a channel asks of the conversation: a `Conversation`, or one that wraps it (the
    server counts and times each message, `bot.metrics.CountedConversation`)."""

    index: IndexSource
    minutes_url: str

    async def handle(self, message: Incoming) -> Reply: ...

    async def feedback(self, message: Incoming, data: dict) -> Reply: ...

    def welcome(self) -> str: ...


class Conversation:
    """Answers messages from any channel."""

    def __init__(self, index: IndexSource, *, state: StateStore, digests: Digests, reindexer: Reindexer,
                 outbox: Outbox, tasks: Tasks, clock: Clock, admins: Iterable[str] = (),
                 minutes_url: str = "") -> None:
        self.index = index
        self.state = state
        self.digests = digests
        self.reindexer = reindexer
        # Replies that come later (a reindex report, the result of `digest nu`).
        self.outbox = outbox
        self.tasks = tasks
        self.clock = clock
        self.admins = frozenset(admin.lower() for admin in admins)
        self.minutes_url = minutes_url
        self.focus = FocusMemory()
        path = self.state.path.with_name(FEEDBACK_FILE) if self.state.path else None
        self.feedback_log = FeedbackLog(path)

    async def handle(self, message: Incoming) -> Reply:
        text = " ".join(message.text.split())
        if not text:
            return empty_question_reply(self._index_or_none())
        if len(text) > MAX_QUESTION:
            return Reply(texts.TOO_LONG.format(limit=MAX_QUESTION))
        first, _, rest = text.partition(" ")
        word = first.lower()
        if word[:1] == "/" and word[1:] in COMMANDS:
            word = word[1:]
        command = COMMANDS.get(word)
        if command is None:
            suggestion = _suggest(word, rest)
            if suggestion:
                return Reply(texts.UNKNOWN_COMMAND.format(suggestion=suggestion))
            return await self.ask(text, message)
        if rest and not command.takes_text:
            # "status på hændelseslog" or "hjælp til flygtninge" is a question, not a command.
            return await self.ask(text, message)
        try:
            if command.admin:
                refusal = await self._allowed(message, word)
                if refusal is not None:
                    return refusal
            method: Callable[[Incoming, str], Awaitable[Reply]] = getattr(self, command.method)
            return await method(message, rest)
        except Exception:
            log.exception("command %s failed", word)
            return Reply(texts.SORRY)

    # --- who may do what -----------------------------------------------------------------

    def is_admin(self, message: Incoming) -> bool:
        ids = {message.sender_id.lower(), message.sender_email.lower()} - {""}
        return bool(ids & self.admins)

    async def _allowed(self, message: Incoming, word: str) -> Reply | None:
        if not self.is_admin(message):
            await self._audit(message, word, texts.RESULT_REFUSED)
            return Reply(texts.NOT_ADMIN.format(command=word))
        if not message.direct:
            await self._audit(message, word, f"{texts.RESULT_REFUSED}: {texts.GROUP_CHAT}")
            return Reply(texts.ADMIN_USE_DIRECT.format(command=word))
        return None

    async def _audit(self, message: Incoming, command: str, result: str) -> None:
        await asyncio.to_thread(self.state.audit, self.clock(), message, command, result)

    # --- commands ------------------------------------------------------------------------

    async def help(self, message: Incoming, rest: str) -> Reply:
        return help_reply(self._index_or_none())

    def welcome(self) -> str:
        """The welcome (markdown) when the bot joins a chat, naming the bodies the index holds."""
        return welcome_markdown(self._index_or_none())

    def console_welcome(self) -> str:
        return console_welcome(self._index_or_none())

    def _index_or_none(self) -> Index | None:
        """The index for help texts; they fall back to general wording without one."""
        try:
            return self.index()
        except Exception:
            return None

    async def subscribe(self, message: Incoming, rest: str) -> Reply:
        return await self.digests.subscribe(message, rest)

    async def unsubscribe(self, message: Incoming, rest: str) -> Reply:
        return await self.digests.unsubscribe(message, rest)

    async def subscriptions(self, message: Incoming, rest: str) -> Reply:
        return await self.digests.list(message, rest)

    async def digest(self, message: Incoming, rest: str) -> Reply:
        action = rest.strip().lower()
        if action == "vis":
            reply = await self.digests.preview(message)
            await self._audit(message, "digest vis", texts.RESULT_OK)
            return reply
        if action == "nu":
            # In the background: a run paced for thousands of subscribers takes far longer
            # than a chat request may. The admin hears the result through the outbox.
            self.tasks.start("digest nu", self._digest_now(message))
            await self._audit(message, "digest nu", texts.RESULT_STARTED)
            return Reply(texts.DIGEST_STARTED)
        return Reply(texts.DIGEST_USAGE)

    async def _digest_now(self, message: Incoming) -> None:
        try:
            result = await self.digests.run()
        except Exception:
            await self._audit(message, "digest nu", texts.RESULT_FAILED)
            await self.outbox.send(message, Reply(texts.SORRY))
            raise  # logged with its traceback by the task helper, as "digest nu failed"
        await self._audit(message, "digest nu", f"{texts.RESULT_OK}: {result.sent} {texts.SENT_WORD}")
        await self.outbox.send(message, Reply(texts.DIGEST_SENT.format(
            sent=result.sent, empty=result.empty, failed=result.failed, gone=result.gone)))

    async def reindex(self, message: Incoming, rest: str) -> Reply:
        async def notify(reply: Reply) -> None:
            await self.outbox.send(message, reply)

        reply, result = await self.reindexer.start(message, notify)
        await self._audit(message, "genindekser", result)
        return reply

    async def status(self, message: Incoming, rest: str) -> Reply:
        reply = await asyncio.to_thread(status_reply, self.index, self.state, self.reindexer, self.feedback_log)
        await self._audit(message, "status", texts.RESULT_OK)
        return reply

    async def feedback(self, message: Incoming, data: dict) -> Reply:
        """A pressed "Rigtigt svar" / "Forkert svar" button (see `handlers.feedback`)."""
        when = self.clock().isoformat(timespec="seconds")
        return await asyncio.to_thread(record_feedback, self.feedback_log, data, when)

    async def open(self, message: Incoming, rest: str) -> Reply:
        """A list's button: "vis punkt 3 møde <id>" or "vis møde <id>"; anything else after
        "vis" is a question."""
        wanted = _open_request(rest)
        if wanted is None:
            return await self.ask(f"vis {rest}".strip(), message)
        number, meeting_id = wanted
        try:
            index = self.index()
        except IndexUnavailable as error:
            return Reply(index_unavailable(error))
        link = self._link(index)
        if number is None:
            reply = await asyncio.to_thread(open_meeting, index, meeting_id, link)
        else:
            reply = await asyncio.to_thread(open_item, index, meeting_id, number, link)
        if reply is None:
            return Reply(texts.NOT_A_MEETING)
        self.focus.remember(message.conversation_id, reply.card, self.clock())
        return reply

    # --- questions -----------------------------------------------------------------------

    def _link(self, index: Index) -> Callable[[Hit], str | None]:
        links = Links(index.meetings, self.minutes_url)
        return links.for_hit

    async def ask(self, question: str, message: Incoming | None = None) -> Reply:
        """The answer to a question; a short follow-up on what this conversation was just
        shown is answered from that item. Each channel fits the reply to its own limits when
        it sends (`handlers.fit`)."""
        conversation = message.conversation_id if message is not None else None
        try:
            index = self.index()
            if not index.items:
                return Reply(texts.INDEX_EMPTY, kind="empty")
            link = self._link(index)
            focus = self.focus.get(conversation, self.clock()) if conversation else None
            reply = await asyncio.to_thread(answer_follow_up, index, focus, question, link)
            if reply is not None:
                reply.kind = reply.kind or "answer"
            if reply is None:
                # "i går" and "sidste uge" count from today in Copenhagen, by this chat's clock.
                today = self.clock().astimezone(LOCAL).date()
                result = await asyncio.to_thread(index.answer, question, 5, today)
                reply = answer_reply(result, link=link)
                reply.kind = result.kind
        except IndexUnavailable as error:
            return Reply(index_unavailable(error), kind="unavailable")
        except Exception:
            log.exception("question failed")
            return Reply(texts.SORRY, kind="error")
        if conversation:
            self.focus.remember(conversation, reply.card, self.clock())
        return reply


def _open_request(rest: str) -> tuple[int | None, str] | None:
    """(item number or None, meeting id) from "punkt 3 møde <id>" or "møde <id>"."""
    words = rest.split()
    if len(words) == 4 and words[0].lower() == "punkt" and words[1].isdigit() and words[2].lower() == texts.MEETING_WORD:
        return int(words[1]), words[3]
    if len(words) == 2 and words[0].lower() == texts.MEETING_WORD:
        return None, words[1]
    return None


def _suggest(word: str, rest: str) -> str | None:
    """The command a mistyped command word was meant to be ("/hjlp" → "hjælp").

    Only a word written like a command counts: with a leading slash or exclamation mark,
    or alone and very close to a command name. A question's first word is left alone.
    """
    marked = word[:1] in ("/", "!")
    name = word.lstrip("/!")
    if not marked and (rest or len(name) < 4):
        return None
    match = process.extractOne(name, [c for c in COMMANDS if len(c) > 1], scorer=fuzz.ratio)
    if match is None:
        return None
    cutoff = 60 if marked else 80
    return match[0] if match[1] >= cutoff else None
