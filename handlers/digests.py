"""Digest subscriptions: the chat commands, the digest text, and one delivery run.

A run goes through the active subscriptions one at a time: it builds the digest of what
was indexed after the subscription's watermark, hands it to the channel to deliver, and
moves the watermark only after the channel says it was sent. So a run that stops half way
leaves the rest with their old watermarks (they get theirs next time) and the first ones
with new ones (they get nothing twice). A channel that says the bot is gone (403, 404)
makes the subscription inactive.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Awaitable, Callable

from handlers import texts
from handlers import markup
from handlers.fit import cut
from handlers.clock import Clock, local_time
from handlers.messages import Incoming, Reply
from handlers.schedule import WeeklySchedule
from knowledge.dates import danish
from knowledge.digest import Digest, build_digest, newest_indexing_time
from knowledge.index import Index
from knowledge.state import StateStore

log = logging.getLogger(__name__)

SENT, GONE, FAILED = "sent", "gone", "failed"
Deliver = Callable[[dict, Reply], Awaitable[str]]


# One message of a digest stays under this many UTF-8 bytes of markdown (Webex takes 7,439;
# Teams about 40 KB with the card, so the smaller serves both); a longer digest goes out as
# several messages, and past MAX_ENTRIES the rest is counted, not listed.
PART_BYTES = 6000
MAX_ENTRIES = 60
# Characters of one decision in a digest: a long one would not fit a message on its own.
DECISION_LIMIT = 1500


def _topic_phrases(topic: str | None) -> tuple[str, str]:
    """" om »topic«" for text and for markdown; the topic is the user's own text, so in
    markdown it must not turn into a mention or a link."""
    if not topic:
        return "", ""
    return (texts.SUBSCRIBED_TOPIC.format(topic=markup.plain(topic)),
            texts.SUBSCRIBED_TOPIC.format(topic=markup.markdown_line(topic)))


def digest_reply(digest: Digest, topic: str | None = None) -> Reply:
    """The digest as one reply, with `extra` replies when it does not fit in one message."""
    topic_text, topic_markdown = _topic_phrases(topic)
    decisions = texts.counted(digest.count, texts.NEW_DECISIONS)
    heading = texts.DIGEST_HEADING.format(decisions=decisions, topic=topic_text)
    heading_markdown = f"**{texts.DIGEST_HEADING.format(decisions=decisions, topic=topic_markdown)}**"
    blocks: list[tuple[list[str], list[str]]] = []  # (text lines, markdown lines) per entry
    shown = 0
    for day, body, entries in digest.groups:
        meeting = texts.DIGEST_MEETING.format(body=body, date=danish(day))
        first = True
        for entry in entries:
            if shown == MAX_ENTRIES:
                break
            shown += 1
            title = texts.DIGEST_ITEM.format(number=entry.number, title=entry.title)
            case = f" ({texts.DIGEST_CASE.format(case=entry.case_number)})" if entry.case_number else ""
            # A long decision is cut with the meeting and item named, so one entry always fits
            # a message; the whole is in the minutes.
            decision = markup.clean(cut(entry.decision, DECISION_LIMIT, texts.SHORTENED.format(
                date=danish(day), number=entry.number)))
            text = ([""] + [meeting] if first else []) + [markup.clean(f"- {title}{case}")]
            text += [f"  {line}" for line in decision.splitlines()]
            markdown = (["", f"**{markup.markdown(meeting)}**"] if first else [])
            markdown += [f"- **{markup.markdown(title)}**{markup.markdown(case)}"]
            markdown += [f"  > {line}" for line in markup.markdown(decision).splitlines()]
            blocks.append((text, markdown))
            first = False
    if digest.count > shown:
        more = texts.DIGEST_MORE.format(count=digest.count - shown)
        blocks.append((["", more], ["", more]))
    parts: list[tuple[list[str], list[str]]] = [([heading], [heading_markdown])]
    for text, markdown in blocks:
        size = len("\n".join(parts[-1][1] + markdown).encode("utf-8"))
        if size > PART_BYTES and len(parts[-1][1]) > 1:
            parts.append(([], []))
        parts[-1][0].extend(text)
        parts[-1][1].extend(markdown)
    replies = [Reply("\n".join(text).strip("\n"), "\n".join(markdown).strip("\n")) for text, markdown in parts]
    first_reply = replies[0]
    first_reply.extra = replies[1:]
    return first_reply


@dataclass
class RunResult:
    sent: int = 0
    empty: int = 0
    failed: int = 0
    gone: int = 0


class Digests:
    """Subscriptions and digest runs over one index and state store."""

    def __init__(self, index: Callable[[], Index], state: StateStore, schedule: WeeklySchedule | None,
                 clock: Clock, deliver: Deliver | None = None) -> None:
        self.index = index
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
        topic = topic.strip() or None
        topic_text, topic_markdown = _topic_phrases(topic)
        existing = [s for s in await self._mine(message) if (s.get("topic") or None) == topic]
        if existing:
            return Reply(texts.ALREADY_SUBSCRIBED.format(topic=topic_text, next=self.next_text()),
                         texts.ALREADY_SUBSCRIBED.format(topic=topic_markdown, next=self.next_text()))
        watermark = await asyncio.to_thread(lambda: newest_indexing_time(self.index()))
        await asyncio.to_thread(self.state.add_subscription, {
            "channel": message.channel, "conversation_id": message.conversation_id,
            "address": dict(message.address), "direct": message.direct,
            "subscriber_id": message.sender_id, "subscriber_name": message.sender_name or message.sender_email,
            "created": self.clock().isoformat(timespec="seconds"), "topic": topic,
            "watermark": watermark, "active": True,
        })
        return Reply(texts.SUBSCRIBED.format(topic=topic_text, next=self.next_text()),
                     texts.SUBSCRIBED.format(topic=topic_markdown, next=self.next_text()))

    async def unsubscribe(self, message: Incoming, rest: str) -> Reply:
        topic = rest.strip() or None
        removed = await asyncio.to_thread(self.state.remove_subscriptions, message.channel,
                                          message.conversation_id, topic)
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
        return digest_reply(digest, subscription.get("topic"))

    async def _mine(self, message: Incoming) -> list[dict]:
        """The active subscriptions of the chat `message` came from."""
        return [s for s in await asyncio.to_thread(self.state.subscriptions)
                if s["channel"] == message.channel and s["conversation_id"] == message.conversation_id]

    # --- a run ---------------------------------------------------------------------------

    async def run(self, concurrency: int = 8) -> RunResult:
        """Deliver every active subscription's digest once; one run at a time.

        Up to `concurrency` subscriptions are served at once, so one busy conversation
        waiting on its channel's rate limit does not hold up the others. Each watermark
        moves on its own, right after its send.
        """
        async with self.lock:
            result = RunResult()
            index = self.index()
            slots = asyncio.Semaphore(concurrency)

            async def serve(subscription: dict, writes: list[asyncio.Future]) -> None:
                async with slots:
                    try:
                        await self._serve(index, subscription, result, writes)
                    except Exception:
                        # One subscription's trouble (a state write that failed, say) must
                        # not cancel the others' sends; its watermark stays, so it is tried
                        # again next time.
                        log.exception("digest for subscription %s failed", subscription.get("doc_id"))
                        result.failed += 1

            subscriptions = await asyncio.to_thread(self.state.subscriptions)
            writes: list[asyncio.Future] = []
            try:
                async with asyncio.TaskGroup() as group:
                    for subscription in subscriptions:
                        group.create_task(serve(subscription, writes))
            finally:
                # However the run ends, every send the channel accepted has its watermark
                # on disk before `run` returns or raises.
                if writes:
                    await asyncio.gather(*writes, return_exceptions=True)
            return result

    async def _serve(self, index: Index, subscription: dict, result: RunResult,
                     writes: list[asyncio.Future]) -> None:
        digest = await asyncio.to_thread(build_digest, index, subscription.get("watermark"), subscription.get("topic"))
        if digest.empty:
            result.empty += 1
            return
        outcome = await self._deliver(subscription, digest_reply(digest, subscription.get("topic")))
        if outcome == SENT:
            # Shielded: if the run is cancelled now, the write that records the accepted send
            # still finishes, so the subscriber does not get the same digest again.
            write = asyncio.ensure_future(asyncio.to_thread(self.state.update_subscription, subscription["doc_id"], {
                "watermark": digest.watermark, "last_sent": self.clock().isoformat(timespec="seconds")}))
            writes.append(write)
            await asyncio.shield(write)
            result.sent += 1
        elif outcome == GONE:
            log.warning("digest subscription %s in %s is gone; marked inactive",
                        subscription["doc_id"], subscription["channel"])
            await asyncio.to_thread(self.state.update_subscription, subscription["doc_id"], {"active": False})
            result.gone += 1
        else:
            result.failed += 1

    async def _deliver(self, subscription: dict, reply: Reply) -> str:
        if self.deliver is None:
            return FAILED
        try:
            return await self.deliver(subscription, reply)
        except Exception:
            log.exception("digest delivery to subscription %s failed", subscription.get("doc_id"))
            return FAILED
