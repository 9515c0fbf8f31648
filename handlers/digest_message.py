"""The weekly digest as messages: built once as blocks, rendered as text, markdown and card.

`digest_reply` turns a `knowledge.new_decisions.Digest` into blocks (each decision under its
meeting, a meeting's formalities folded into one line, a count of what was left out) and
packs them into messages under a heading. Each message is rendered from its blocks three
ways: plain text (the console, Teams' fallback), markdown (Webex, and the fallback) and
card data (`handlers.digest_card`, which `bot.cards.digest_card` turns into an Adaptive
Card). A message ends where the next block would make it longer than a person reads at
once (PART_BYTES), or no longer fit the chat's channel (its `fits`, `handlers.channels`);
past MAX_ENTRIES decisions the rest is counted, not listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from handlers import digest_card, markup, texts
from handlers.channels import Fits
from handlers.fit import cut, utf8_size
from handlers.messages import Reply
from knowledge import outcome
from knowledge.bodies import display_name
from knowledge.dates import danish
from knowledge.new_decisions import Digest, DigestEntry

# One message of a digest stays under this many UTF-8 bytes of markdown: about a screen and
# a half to read. A longer digest goes out as several messages.
PART_BYTES = 6000
MAX_ENTRIES = 60
# Characters of one decision in a digest: a long one would not fit a message on its own.
DECISION_LIMIT = 1500
# Characters of a formality's title in the one line that folds a meeting's formalities.
FORMAL_TITLE = 40


@dataclass(frozen=True)
class Decision:
    """One decision, under the heading of its meeting."""

    meeting: str
    # The meeting's first decision in the digest: the text names the meeting above it.
    opens_meeting: bool
    day: str
    entry: DigestEntry
    title: str
    case: str
    # The decision cut to DECISION_LIMIT with the meeting and item named, as plain text.
    decision: str


@dataclass(frozen=True)
class Formalities:
    """A meeting's formalities ("Godkendelse af dagsorden", "Eventuelt") in one line."""

    meeting: str
    line: str


@dataclass(frozen=True)
class More:
    """How many decisions were left out past MAX_ENTRIES."""

    line: str


Block = Decision | Formalities | More


@dataclass(frozen=True)
class Heading:
    """The digest's heading: what it counts, from which body, on which topics."""

    decisions: str
    body: str
    topics: tuple[str, ...]

    def text(self) -> str:
        source = texts.DIGEST_FROM.format(body=self.body) if self.body else ""
        return texts.DIGEST_HEADING.format(decisions=self.decisions, source=source, topic=topic_phrases(self.topics)[0])

    def markdown(self) -> str:
        source = texts.DIGEST_FROM.format(body=markup.markdown(self.body)) if self.body else ""
        heading = texts.DIGEST_HEADING.format(decisions=self.decisions, source=source,
                                              topic=topic_phrases(self.topics)[1])
        return f"**{heading}**"


@dataclass
class DigestMessage:
    """One message of a digest: the heading (the first message only) and its blocks."""

    heading: Heading | None
    blocks: list[Block] = field(default_factory=list)
    # Above everything, when the chat may have had this digest before.
    note: str = ""

    def reply(self) -> Reply:
        """The message rendered: text, markdown and card data from the same blocks."""
        text = "\n".join(_lines(self, _text_lines, Heading.text)).strip("\n")
        markdown = "\n".join(_lines(self, _markdown_lines, Heading.markdown)).strip("\n")
        card = self.card()
        if self.note:
            text, markdown, card["note"] = f"{self.note}\n\n{text}", f"{self.note}\n\n{markdown}", self.note
        return Reply(text, markdown, card)

    def card(self) -> dict:
        card = digest_card.new_card(self.heading.text() if self.heading else texts.DIGEST_CONTINUED)
        for block in self.blocks:
            _add_to_card(card, block)
        return card


def topic_phrases(topic: str | list[str] | tuple[str, ...] | None) -> tuple[str, str]:
    """" om »topic«" (or " om »a«, »b«") for text and for markdown; a topic is the user's
    own text, so in markdown it must not turn into a mention or a link."""
    topics = [topic] if isinstance(topic, str) else list(topic or [])
    topics = [t for t in topics if t]
    if not topics:
        return "", ""
    return (texts.SUBSCRIBED_TOPIC.format(topic=texts.TOPICS_JOIN.join(markup.plain(t) for t in topics)),
            texts.SUBSCRIBED_TOPIC.format(topic=texts.TOPICS_JOIN.join(markup.markdown_line(t) for t in topics)))


def digest_reply(digest: Digest, topic: str | list[str] | None = None, fits: Fits | None = None,
                 note: str = "") -> Reply:
    """The digest as one reply, with `extra` replies when it does not fit in one message
    (PART_BYTES, and the channel's `fits` when given). `note` goes above the first."""
    replies = pack(heading(digest, topic), blocks(digest), fits, note)
    first = replies[0]
    first.extra = replies[1:]
    return first


def heading(digest: Digest, topic: str | list[str] | None) -> Heading:
    # The body in the heading when every decision is from one ("fra Økonomiudvalget").
    names = {display_name(body) for _, body, _ in digest.groups if body}
    topics = (topic,) if isinstance(topic, str) else tuple(topic or ())
    return Heading(texts.counted(digest.count, texts.NEW_DECISIONS), names.pop() if len(names) == 1 else "", topics)


def blocks(digest: Digest) -> list[Block]:
    """Each meeting's decisions, then its formalities in a line; past MAX_ENTRIES, a count."""
    found: list[Block] = []
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
            found.append(_decision(meeting, first, day, entry))
            first = False
        formal = [_formality_label(entry) for entry in entries if entry.formality]
        if formal and not first and shown < MAX_ENTRIES:
            found.append(Formalities(meeting, texts.DIGEST_FORMALITIES.format(items=", ".join(formal))))
    if digest.count > shown:
        found.append(More(texts.DIGEST_MORE.format(count=digest.count - shown)))
    return found


def _decision(meeting: str, first: bool, day: str, entry: DigestEntry) -> Decision:
    title = texts.DIGEST_ITEM.format(number=entry.number, title=entry.title)
    case = f" ({texts.DIGEST_CASE.format(case=entry.case_number)})" if entry.case_number else ""
    # A long decision is cut with the meeting and item named, so one entry always fits a
    # message; the whole is in the minutes.
    decision = markup.clean(cut(entry.decision, DECISION_LIMIT, texts.SHORTENED.format(
        date=danish(day), number=entry.number)))
    return Decision(meeting, first, day, entry, title, case, decision)


def _formality_label(entry: DigestEntry) -> str:
    """A formality in the folded line: its title, and "udgik" when the item was dropped."""
    title = cut(entry.title, FORMAL_TITLE, "…") or texts.DIGEST_ITEM.format(number=entry.number, title="")
    if outcome.classify(entry.decision).kind == outcome.WITHDRAWN:
        return texts.DIGEST_WITHDRAWN.format(title=title)
    return title


def pack(first: Heading, found: list[Block], fits: Fits | None, note: str = "") -> list[Reply]:
    """The blocks in messages, rendered: a message ends before the block that would take its
    markdown past PART_BYTES, and gives its last blocks to a next one when the channel would
    not take it (a message keeps at least one block). Most messages fit at once: the channel's
    test, which renders the card, runs about once a message, on the reply that is sent."""
    replies: list[Reply] = []
    for message in _by_size(first, found, note):
        replies += _fitted(message, fits)
    return replies


def _by_size(first: Heading, found: list[Block], note: str) -> list[DigestMessage]:
    messages = [DigestMessage(first, note=note)]
    lines = [first.markdown()]
    for block in found:
        more = _markdown_lines(block)
        if len(lines) > 1 and utf8_size("\n".join(lines + more)) > PART_BYTES:
            messages.append(DigestMessage(None))
            lines = []
        messages[-1].blocks.append(block)
        lines += more
    return messages


def _fitted(message: DigestMessage, fits: Fits | None) -> list[Reply]:
    """`message` as the replies of one or more messages the channel takes: the most blocks
    that fit stay (found by halving, as each test renders a card), the rest go on in a next
    message. Each reply the channel was asked about is the one returned, not rendered again."""
    whole = message.reply()
    if fits is None or len(message.blocks) <= 1 or fits(whole):
        return [whole]
    low, high = 1, len(message.blocks) - 1
    fitting: dict[int, Reply] = {}
    while low < high:
        middle = (low + high + 1) // 2
        trial = DigestMessage(message.heading, message.blocks[:middle], message.note).reply()
        if fits(trial):
            low, fitting[middle] = middle, trial
        else:
            high = middle - 1
    kept = fitting.get(low) or DigestMessage(message.heading, message.blocks[:low], message.note).reply()
    return [kept, *_fitted(DigestMessage(None, message.blocks[low:]), fits)]


# --- rendering ---------------------------------------------------------------------------------


def _lines(message: DigestMessage, render, render_heading) -> list[str]:
    lines = [render_heading(message.heading)] if message.heading else []
    for block in message.blocks:
        lines += render(block)
    return lines


def _text_lines(block: Block) -> list[str]:
    if isinstance(block, More):
        return ["", block.line]
    if isinstance(block, Formalities):
        return [f"  {markup.clean(block.line)}"]
    lines = (["", block.meeting] if block.opens_meeting else []) + [markup.clean(f"- {block.title}{block.case}")]
    lines += [f"  {line}" for line in block.decision.splitlines()]
    if block.entry.proposal:
        lines += [f"  {texts.PROPOSAL_HEADING}:", *[f"  • {markup.clean(part)}" for part in block.entry.proposal]]
    return lines


def _markdown_lines(block: Block) -> list[str]:
    if isinstance(block, More):
        return ["", block.line]
    if isinstance(block, Formalities):
        return [f"  _{markup.markdown(block.line)}_"]
    lines = ["", f"**{markup.markdown(block.meeting)}**"] if block.opens_meeting else []
    lines += [f"- **{markup.markdown(block.title)}**{markup.markdown(block.case)}"]
    lines += [f"  > {line}" for line in markup.markdown(block.decision).splitlines()]
    if block.entry.proposal:
        lines += [f"  > {texts.PROPOSAL_HEADING}:", *[f"  > • {markup.markdown(part)}" for part in block.entry.proposal]]
    return lines


def _add_to_card(card: dict, block: Block) -> None:
    if isinstance(block, More):
        card["more"] = block.line
        return
    meetings = card["meetings"]
    if not meetings or meetings[-1]["heading"] != block.meeting:
        digest_card.add_meeting(card, block.meeting)
    if isinstance(block, Decision):
        digest_card.add_entry(card, block.day, block.entry)
    else:
        digest_card.set_formalities(card, block.line)
