"""What `beslutningsbot loadtest` counts: each question asked, the replies matched to it,
and the figures they add up to (`Figures`, whose `ok` and report the command prints)."""

from __future__ import annotations

import asyncio
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Question:
    """One question sent: where, when, and the replies it got (arrival times)."""

    key: str
    channel: str
    text: str
    sent: float
    replies: list[float] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class Figures:
    """What one load test run measured."""

    conversations: int
    seconds: float
    think: float
    channels: tuple[str, ...] = ("teams", "webex")
    service_latency: float = 0.0
    questions: int = 0
    replies: int = 0
    lost: int = 0
    duplicates: int = 0
    errors: int = 0
    elapsed: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    by_channel: dict[str, list[float]] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.questions > 0 and self.lost == 0 and self.duplicates == 0 and self.errors == 0

    def percentile(self, share: float, values: list[float] | None = None) -> float:
        """Nearest-rank percentile of the reply latencies, in ms (0 without replies)."""
        ordered = sorted(self.latencies_ms if values is None else values)
        if not ordered:
            return 0.0
        return ordered[max(0, math.ceil(share * len(ordered)) - 1)]

    def report(self) -> str:
        shares = [f"{len(range(start, self.conversations, len(self.channels)))} {name.title()}"
                  for start, name in enumerate(self.channels)]
        lines = [
            f"beslutningsbot loadtest: {self.conversations} conversations ({', '.join(shares)}) "
            f"for {self.seconds:g} s, think time {self.think:g} s, "
            f"Bot Connector and Webex API answering after {self.service_latency * 1000:g} ms",
            f"questions sent      {self.questions}",
            f"replies             {self.replies}",
            f"replies lost        {self.lost}",
            f"duplicate replies   {self.duplicates}",
            f"errors              {self.errors}",
            f"throughput          {self.replies / self.elapsed if self.elapsed else 0:.1f} replies/s",
            f"latency p50         {self.percentile(0.50):.0f} ms",
            f"latency p95         {self.percentile(0.95):.0f} ms",
            f"latency p99         {self.percentile(0.99):.0f} ms",
            f"latency max         {max(self.latencies_ms, default=0):.0f} ms",
        ]
        for channel, values in sorted(self.by_channel.items()):
            lines.append(f"  {channel:<6} p50 {self.percentile(0.5, values):.0f} ms, "
                         f"p95 {self.percentile(0.95, values):.0f} ms, "
                         f"p99 {self.percentile(0.99, values):.0f} ms ({len(values)} replies)")
        lines += [f"  error: {sample}" for sample in self.error_samples[:10]]
        lines.append("result              " + ("OK" if self.ok else "FAILED"))
        return "\n".join(lines)


class Ledger:
    """Every question asked and every reply that arrived, matched to each other."""

    def __init__(self) -> None:
        self.questions: dict[str, Question] = {}
        self.open_in_room: dict[str, list[str]] = defaultdict(list)
        self.last_in_room: dict[str, str] = {}
        self.unmatched = 0
        self.errors: list[str] = []
        self.apologies: tuple[str, ...] = ()

    def asked(self, question: Question, room: str | None = None) -> None:
        self.questions[question.key] = question
        if room is not None:
            self.open_in_room[room].append(question.key)
            self.last_in_room[room] = question.key

    def teams_reply(self, conversation_id: str, reply_to: str | None, body: dict[str, Any], at: float) -> None:
        self._arrived(self.questions.get(reply_to or ""), teams_text(body), at)

    def webex_reply(self, room: str, reply_to: str | None, body: dict[str, Any], at: float) -> None:
        waiting = self.open_in_room.get(room)
        # A reply to a room answers its oldest open question; one more is a duplicate.
        key = waiting.pop(0) if waiting else self.last_in_room.get(room, "")
        self._arrived(self.questions.get(key), body.get("markdown", ""), at)

    def _arrived(self, question: Question | None, text: str, at: float) -> None:
        if question is None:
            self.unmatched += 1
            return
        question.replies.append(at)
        question.done.set()
        if any(text.startswith(apology) for apology in self.apologies):
            self.errors.append(f"{question.channel} {question.text!r} got {text[:80]!r}")


def teams_text(body: dict[str, Any]) -> str:
    if body.get("text"):
        return body["text"]
    for attachment in body.get("attachments") or ():
        content = attachment.get("content") or {}
        if isinstance(content, dict) and content.get("fallbackText"):
            return content["fallbackText"]
    return ""


def tally(figures: Figures, ledger: Ledger, failures: list[str]) -> None:
    for question in ledger.questions.values():
        figures.questions += 1
        figures.replies += len(question.replies)
        if not question.replies:
            figures.lost += 1
            continue
        figures.duplicates += len(question.replies) - 1
        latency = (question.replies[0] - question.sent) * 1000
        figures.latencies_ms.append(latency)
        figures.by_channel.setdefault(question.channel, []).append(latency)
    figures.replies += ledger.unmatched
    figures.duplicates += ledger.unmatched
    problems = ledger.errors + failures
    figures.errors = len(problems)
    figures.error_samples = problems[:10]
