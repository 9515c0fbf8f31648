"""Digest subscriptions: the chat commands, the digest text, and one delivery run.

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
import copy
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Awaitable, Callable

from handlers import digest_card, markup, texts
from handlers.clock import Clock, local_time
from handlers.fit import cut, utf8_size
from handlers.messages import Incoming, Reply
from handlers.schedule import WeeklySchedule
from handlers.state.store import StateStore
from knowledge import outcome
from knowledge.bodies import display_name
from knowledge.dates import danish
from knowledge.digest import Digest, DigestEntry, build_digest, newest_indexing_time
from knowledge.index import Index
from knowledge.text import fold

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
# Subscriptions one chat may hold (topics, and "all"). A chat's topics are merged into one
# weekly message, and past about twenty topics that message stops being a summary: a chat
# that follows that much wants every decision (`abonner` without a topic). The limit also
# bounds what one chat can add to the store (1,500 subscriptions from one room were
# accepted before), so the 10,000 subscriptions the store is sized for are 500 chats at
# the limit, or many more at the usual one to three.
MAX_SUBSCRIPTIONS_PER_CHAT = 20
# Characters of a formality's title in the one line that folds a meeting's formalities.
FORMAL_TITLE = 40


def topic_key(topic: str | None) -> str:
    """The topic as compared: "Skolereform", "skolereform" and "skoleréform " are one."""
    return " ".join(fold(topic or "").split())


def _topic_phrases(topic: str | list[str] | None) -> tuple[str, str]:
    """" om »topic«" (or " om »a«, »b«") for text and for markdown; a topic is the user's
    own text, so in markdown it must not turn into a mention or a link."""
    topics = [topic] if isinstance(topic, str) else list(topic or [])
    topics = [t for t in topics if t]
    if not topics:
        return "", ""
    return (texts.SUBSCRIBED_TOPIC.format(topic=texts.TOPICS_JOIN.join(markup.plain(t) for t in topics)),
            texts.SUBSCRIBED_TOPIC.format(topic=texts.TOPICS_JOIN.join(markup.markdown_line(t) for t in topics)))


def _formality_label(entry) -> str:
    """A formality in the folded line: its title, and "udgik" when the item was dropped."""
    title = cut(entry.title, FORMAL_TITLE, "…") or texts.DIGEST_ITEM.format(number=entry.number, title="")
    if outcome.classify(entry.decision).kind == outcome.WITHDRAWN:
        return texts.DIGEST_WITHDRAWN.format(title=title)
    return title


def digest_reply(digest: Digest, topic: str | list[str] | None = None) -> Reply:
    """The digest as one reply, with `extra` replies when it does not fit in one message.
    Each meeting lists its decisions, a short one with what it approved, and folds its
    formalities into one line."""
    topic_text, topic_markdown = _topic_phrases(topic)
    decisions = texts.counted(digest.count, texts.NEW_DECISIONS)
    # The body in the heading when every decision is from one ("fra Økonomiudvalget").
    names = {display_name(body) for _, body, _ in digest.groups if body}
    name = names.pop() if len(names) == 1 else ""
    source = texts.DIGEST_FROM.format(body=name) if name else ""
    source_markdown = texts.DIGEST_FROM.format(body=markup.markdown(name)) if name else ""
    heading = texts.DIGEST_HEADING.format(decisions=decisions, source=source, topic=topic_text)
    heading_markdown = f"**{texts.DIGEST_HEADING.format(decisions=decisions, source=source_markdown, topic=topic_markdown)}**"
    # (text lines, markdown lines, what it adds to the card: ("entry", meeting, day, entry),
    # ("formal", meeting, line) or ("more", text)) per entry
    blocks: list[tuple[list[str], list[str], tuple]] = []
    shown = 0
    for day, body, entries in digest.groups:
        meeting = texts.DIGEST_MEETING.format(body=display_name(body) if body else texts.SOME_BODY, date=danish(day))
        first = True
        for entry in entries:
            if entry.formality:
                continue
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
            if entry.proposal:
                text += [f"  {texts.PROPOSAL_HEADING}:", *[f"  • {markup.clean(part)}" for part in entry.proposal]]
                markdown += [f"  > {texts.PROPOSAL_HEADING}:",
                             *[f"  > • {markup.markdown(part)}" for part in entry.proposal]]
            blocks.append((text, markdown, ("entry", meeting, day, entry)))
            first = False
        formal = [_formality_label(entry) for entry in entries if entry.formality]
        if formal and not first and shown < MAX_ENTRIES:
            line = texts.DIGEST_FORMALITIES.format(items=", ".join(formal))
            blocks.append(([f"  {markup.clean(line)}"], [f"  _{markup.markdown(line)}_"], ("formal", meeting, line)))
    if digest.count > shown:
        more = texts.DIGEST_MORE.format(count=digest.count - shown)
        blocks.append((["", more], ["", more], ("more", more)))
    parts: list[tuple[list[str], list[str], dict]] = [([heading], [heading_markdown], digest_card.new_card(heading))]
    for text, markdown, adds in blocks:
        size = utf8_size("\n".join(parts[-1][1] + markdown))
        card = parts[-1][2]
        if len(parts[-1][1]) > 1 and (size > PART_BYTES or not _card_takes(card, adds)):
            parts.append(([], [], digest_card.new_card(texts.DIGEST_CONTINUED)))
        parts[-1][0].extend(text)
        parts[-1][1].extend(markdown)
        _add_to_card(parts[-1][2], adds)
    # The card beside each message shows the same decisions; the markdown is its fallback.
    replies = [Reply("\n".join(text).strip("\n"), "\n".join(markdown).strip("\n"), card) for text, markdown, card in parts]
    first_reply = replies[0]
    first_reply.extra = replies[1:]
    return first_reply


def _add_to_card(card: dict, adds: tuple) -> None:
    if adds[0] == "more":
        card["more"] = adds[1]
        return
    meetings = card["meetings"]
    if not meetings or meetings[-1]["heading"] != adds[1]:
        digest_card.add_meeting(card, adds[1])
    if adds[0] == "entry":
        digest_card.add_entry(card, adds[2], adds[3])
    else:
        digest_card.set_formalities(card, adds[2])


def _card_takes(card: dict, adds: tuple) -> bool:
    """Whether the card stays within its size with `adds` in it."""
    trial = copy.deepcopy(card)
    _add_to_card(trial, adds)
    return digest_card.card_size(trial) <= digest_card.CARD_BYTES


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
        topic = " ".join(topic.split()) or None
        mine = await self._mine(message)
        same = [s for s in mine if topic_key(s.get("topic")) == topic_key(topic)]
        if same:
            # Said as the chat first wrote it, not as it was written this time.
            topic_text, topic_markdown = _topic_phrases(same[0].get("topic"))
            return Reply(texts.ALREADY_SUBSCRIBED.format(topic=topic_text, next=self.next_text()),
                         texts.ALREADY_SUBSCRIBED.format(topic=topic_markdown, next=self.next_text()))
        if len(mine) >= MAX_SUBSCRIPTIONS_PER_CHAT:
            return Reply(texts.TOO_MANY_SUBSCRIPTIONS.format(limit=MAX_SUBSCRIPTIONS_PER_CHAT))
        topic_text, topic_markdown = _topic_phrases(topic)
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
        return digest_reply(digest, subscription.get("topic"))

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
        reply = digest_reply(digest, topics)
        if any(s.get("sending") for s in chat):
            card = {**reply.card, "note": texts.DIGEST_MAYBE_AGAIN} if reply.card else None
            reply = Reply(f"{texts.DIGEST_MAYBE_AGAIN}\n\n{reply.text}",
                          f"{texts.DIGEST_MAYBE_AGAIN}\n\n{reply.markdown or reply.text}",
                          card, extra=reply.extra)
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
