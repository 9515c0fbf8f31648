"""Digest subscriptions: the chat commands and one delivery run (the digest's messages are
`handlers.digest_message`).

A run serves one chat at a time per slot: it builds the digest of what was indexed after
each of the chat's subscriptions' watermarks, merges them into one message (a chat with
ten topics gets one digest, not ten), records that the send is under way, hands it to the
channel, and moves the watermarks only after the channel says it was sent. So a run that
stops half way leaves the rest with their old watermarks (they get theirs next time) and
the first ones with new ones (they get nothing twice). A chat whose send was under way
when the process died cannot know whether it arrived: it gets the digest again next time,
marked as perhaps sent before. A channel that says the bot is gone (403, 404) makes the
chat's subscriptions inactive.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Awaitable, Callable

from handlers import markup, texts
from handlers.channels import FAILED, GONE, SENT, Channels
from handlers.clock import Clock, local_time

# The digest's messages (`handlers.digest_message`); its limits are named here too.
from handlers.digest_message import MAX_ENTRIES, PART_BYTES, digest_reply, topic_phrases  # noqa: F401
from handlers.messages import Incoming, Reply
from handlers.schedule import WeeklySchedule
from handlers.state.store import StateStore
from knowledge.index.loaded import Index
from knowledge.new_decisions import Digest, DigestEntry, build_digest, newest_indexing_time
from knowledge.text import fold

log = logging.getLogger(__name__)

Deliver = Callable[[dict, Reply], Awaitable[str]]


# Subscriptions one chat may hold (topics, and "all"). A chat's topics are merged into one
# weekly message, and past about twenty topics that message stops being a summary: a chat
# that follows that much wants every decision (`abonner` without a topic). The limit also
# bounds what one chat can add to the store (1,500 subscriptions from one room were
# accepted before), so the 10,000 subscriptions the store is sized for are 500 chats at
# the limit, or many more at the usual one to three.
MAX_SUBSCRIPTIONS_PER_CHAT = 20


def topic_key(topic: str | None) -> str:
    """The topic as compared: "Skolereform", "skolereform" and "skoleréform " are one."""
    return " ".join(fold(topic or "").split())


@dataclass
class RunResult:
    sent: int = 0
    empty: int = 0
    failed: int = 0
    gone: int = 0


class Digests:
    """Subscriptions and digest runs over one index and state store."""

    def __init__(self, index: Callable[[], Index], state: StateStore, schedule: WeeklySchedule | None,
                 clock: Clock, deliver: Deliver | None = None, *, channels: Channels | None = None) -> None:
        self.index = index
        # What fits one message of each channel: a digest is packed into messages for its chat's.
        self.channels = channels or Channels()
        self.state = state
        self.schedule = schedule
        self.clock = clock
        self.deliver = deliver
        self.lock = asyncio.Lock()

    def next_text(self) -> str:
        if self.schedule is None:
            return texts.DIGEST_OFF
        return texts.NEXT_DIGEST.format(when=self.schedule.describe(self.schedule.next_after(self.clock())))

    # --- chat commands -------------------------------------------------------------------

    async def subscribe(self, message: Incoming, topic: str) -> Reply:
        topic = " ".join(topic.split()) or None
        mine = await self._mine(message)
        same = [s for s in mine if topic_key(s.get("topic")) == topic_key(topic)]
        if same:
            # Said as the chat first wrote it, not as it was written this time.
            topic_text, topic_markdown = topic_phrases(same[0].get("topic"))
            return Reply(texts.ALREADY_SUBSCRIBED.format(topic=topic_text, next=self.next_text()),
                         texts.ALREADY_SUBSCRIBED.format(topic=topic_markdown, next=self.next_text()))
        if len(mine) >= MAX_SUBSCRIPTIONS_PER_CHAT:
            return Reply(texts.TOO_MANY_SUBSCRIPTIONS.format(limit=MAX_SUBSCRIPTIONS_PER_CHAT))
        topic_text, topic_markdown = topic_phrases(topic)
        watermark = await asyncio.to_thread(lambda: newest_indexing_time(self.index()))
        await asyncio.to_thread(self.state.add_subscription, {
            "channel": message.channel, "conversation_id": message.conversation_id,
            "address": dict(message.address), "direct": message.direct,
            "subscriber_id": message.sender_id, "subscriber_name": message.who,
            "created": self.clock().isoformat(timespec="seconds"), "topic": topic,
            "watermark": watermark, "active": True,
        })
        return Reply(texts.SUBSCRIBED.format(topic=topic_text, next=self.next_text()),
                     texts.SUBSCRIBED.format(topic=topic_markdown, next=self.next_text()))

    async def unsubscribe(self, message: Incoming, rest: str) -> Reply:
        topic = rest.strip() or None
        wanted = topic_key(topic)
        removed = await asyncio.to_thread(self.state.remove_subscriptions, message.channel,
                                          message.conversation_id,
                                          (lambda value: topic_key(value) == wanted) if topic else None)
        if not removed:
            return Reply(texts.NOT_SUBSCRIBED)
        return Reply(texts.UNSUBSCRIBED.format(subscriptions=texts.counted(removed, texts.SUBSCRIPTIONS)))

    async def list(self, message: Incoming, rest: str) -> Reply:
        mine = await self._mine(message)
        if not mine:
            return Reply(texts.NOT_SUBSCRIBED)
        lines, markdown = [texts.SUBSCRIPTIONS_HEADING], [texts.SUBSCRIPTIONS_HEADING]
        for entry in mine:
            when = local_time(entry["created"])
            topic, who = entry.get("topic"), entry["subscriber_name"]
            what = texts.SUBSCRIPTION_TOPIC.format(topic=markup.plain(topic)) if topic else texts.SUBSCRIPTION_ALL
            lines.append(texts.SUBSCRIPTION_LINE.format(what=what, when=when, who=markup.plain(who)))
            # Topic and name were written by people: repeated as text, never as markup.
            what = texts.SUBSCRIPTION_TOPIC.format(topic=markup.markdown_line(topic)) if topic else what
            markdown.append(texts.SUBSCRIPTION_LINE.format(what=what, when=when, who=markup.markdown_line(who)))
        # A list needs a blank line after it, or Teams reads the note as part of the last item.
        lines += ["", self.next_text()]
        markdown += ["", self.next_text()]
        return Reply("\n".join(lines), "\n".join(markdown))

    async def preview(self, message: Incoming) -> Reply:
        """What this chat's digest would say now (the admin's "digest vis")."""
        mine = await self._mine(message)
        # Without a subscription here, the digest a subscriber would get covers a week.
        week_ago = (self.clock() - timedelta(days=7)).isoformat(timespec="seconds")
        subscription = mine[0] if mine else {"watermark": week_ago, "topic": None}
        digest = await asyncio.to_thread(build_digest, self.index(), subscription.get("watermark"), subscription.get("topic"))
        if digest.empty:
            return Reply(texts.DIGEST_EMPTY_PREVIEW)
        return await asyncio.to_thread(digest_reply, digest, subscription.get("topic"), self.channels.fits(message.channel))

    async def _mine(self, message: Incoming) -> list[dict]:
        """The active subscriptions of the chat `message` came from."""
        return await asyncio.to_thread(self.state.chat_subscriptions, message.channel, message.conversation_id)

    # --- a run ---------------------------------------------------------------------------

    async def run(self, concurrency: int = 8) -> RunResult:
        """Deliver every chat's digest once; one run at a time.

        Up to `concurrency` chats are served at once, one slot each whatever its number of
        subscriptions, so a busy chat waiting on its channel's rate limit does not hold up
        the others. Each chat's watermarks move together, right after its send.
        """
        async with self.lock:
            result = RunResult()
            index = self.index()
            slots = asyncio.Semaphore(concurrency)

            async def serve(chat: list[dict], writes: list[asyncio.Future]) -> None:
                async with slots:
                    try:
                        await self._serve(index, chat, result, writes)
                    except Exception:
                        # One chat's trouble (a state write that failed, say) must not
                        # cancel the others' sends; its watermarks stay, so it is tried
                        # again next time.
                        log.exception("digest for chat %s failed", chat[0].get("conversation_id"))
                        result.failed += 1

            chats: dict[tuple[str, str], list[dict]] = {}
            for subscription in await asyncio.to_thread(self.state.subscriptions):
                chats.setdefault((subscription["channel"], subscription["conversation_id"]), []).append(subscription)
            writes: list[asyncio.Future] = []
            try:
                async with asyncio.TaskGroup() as group:
                    for chat in chats.values():
                        group.create_task(serve(chat, writes))
            finally:
                # However the run ends, every send the channel accepted has its watermarks
                # on disk before `run` returns or raises.
                if writes:
                    await asyncio.gather(*writes, return_exceptions=True)
            return result

    async def _serve(self, index: Index, chat: list[dict], result: RunResult,
                     writes: list[asyncio.Future]) -> None:
        """One chat: its subscriptions' digests merged into one message."""
        digests = await asyncio.to_thread(
            lambda: [(s, build_digest(index, s.get("watermark"), s.get("topic"))) for s in chat])
        news = [(s, digest) for s, digest in digests if not digest.empty]
        if not news:
            if any(s.get("sending") for s in chat):
                await asyncio.to_thread(self.state.update_subscriptions, [s["doc_id"] for s in chat],
                                        {"sending": None})
            result.empty += 1
            return
        topics = None if any(not s.get("topic") for s, _ in news) else [s["topic"] for s, _ in news]
        digest = merge_digests([digest for _, digest in news])
        # A chat whose send was under way when the process stopped may have it already.
        note = texts.DIGEST_MAYBE_AGAIN if any(s.get("sending") for s in chat) else ""
        # Off the event loop: the channel's test renders each message's card.
        reply = await asyncio.to_thread(digest_reply, digest, topics, self.channels.fits(chat[0]["channel"]), note)
        ids = [s["doc_id"] for s in chat]
        # The intent, on disk before the send: if the process dies before the watermarks
        # move, the next run knows this chat may already have it.
        await asyncio.to_thread(self.state.update_subscriptions, ids, {"sending": digest.watermark})
        outcome = await self._deliver(chat[0], reply)
        if outcome == SENT:
            # Shielded: if the run is cancelled now, the write that records the accepted send
            # still finishes, so the chat does not get the same digest again.
            write = asyncio.ensure_future(asyncio.to_thread(self.state.update_subscriptions, ids, {
                "watermark": digest.watermark, "sending": None,
                "last_sent": self.clock().isoformat(timespec="seconds")}))
            writes.append(write)
            await asyncio.shield(write)
            result.sent += 1
        elif outcome == GONE:
            log.warning("digest chat %s in %s is gone; %d subscriptions marked inactive",
                        chat[0]["conversation_id"], chat[0]["channel"], len(ids))
            await asyncio.to_thread(self.state.update_subscriptions, ids, {"active": False, "sending": None})
            result.gone += 1
        else:
            # The channel said it was not delivered: nothing to warn about next time.
            await asyncio.to_thread(self.state.update_subscriptions, ids, {"sending": None})
            result.failed += 1

    async def _deliver(self, subscription: dict, reply: Reply) -> str:
        if self.deliver is None:
            return FAILED
        try:
            return await self.deliver(subscription, reply)
        except Exception:
            log.exception("digest delivery to subscription %s failed", subscription.get("doc_id"))
            return FAILED


def merge_digests(digests: list[Digest]) -> Digest:
    """One digest of several (a chat's topics): each decision once, meetings newest first."""
    meetings: dict[tuple[str, str], dict[tuple[int, str], DigestEntry]] = {}
    for digest in digests:
        for day, body, entries in digest.groups:
            meeting = meetings.setdefault((day, body), {})
            for entry in entries:
                meeting.setdefault((entry.number, entry.title), entry)
    merged = Digest(watermark=max(digest.watermark for digest in digests))
    for (day, body), entries in sorted(meetings.items(), key=lambda pair: pair[0][0], reverse=True):
        merged.groups.append((day, body, sorted(entries.values(), key=lambda entry: entry.number)))
    return merged
