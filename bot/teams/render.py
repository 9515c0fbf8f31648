"""What a reply looks like in Teams, and whether it fits one Teams message.

A reply with card data goes out as an Adaptive Card 1.5 (`bot.cards`) with the plain text
as its fallback and summary, anything else as markdown with its line breaks kept. An
answer's next steps are card buttons, or suggested actions in a personal chat. Teams
refuses an activity over 40 KB, counted in UTF-16 over the serialized activity; `fits` is
that test, and `reply_activities` fits every message to it (`handlers.fit`).
"""

from __future__ import annotations

import json

from botbuilder.schema import (
    ActionTypes,
    Activity,
    ActivityTypes,
    Attachment,
    CardAction,
    SuggestedActions,
    TextFormatTypes,
)

from bot.cards import CONTENT_TYPE, answer_card
from handlers import markup
from handlers.fit import fit_reply, utf16_size
from handlers.messages import Reply

CARD_VERSION = "1.5"
# Teams shows the summary in notifications and the activity feed instead of "sent a card".
MAX_SUMMARY = 200
# Teams refuses an activity over 40 KB, counted in UTF-16 over the serialized activity (text
# and attachments). botbuilder sends JSON with non-ASCII characters as \u escapes, and the
# Bot Connector adds the conversation, sender, recipient and service URL on the way:
# ENVELOPE_BYTES keeps room for those.
MAX_ACTIVITY_BYTES = 40_000
ENVELOPE_BYTES = 4_000


def reply_activities(reply: Reply, suggest: bool = False) -> list[Activity]:
    """The Teams messages for a reply and its extra replies, in order, each fitted to
    Teams' size limit. With `suggest` an answer's next steps are suggested actions (imBack)."""
    activities = [reply_activity(fit_reply(reply, fits), suggest)]
    for extra in reply.extra:
        activities += reply_activities(extra, suggest)
    return activities


def activity_size(activity: Activity) -> int:
    """The activity's size as Teams counts it: UTF-16 bytes of its JSON as botbuilder sends it."""
    return utf16_size(json.dumps(activity.serialize()))


def fits(reply: Reply) -> bool:
    """Whether the reply's activity stays under Teams' limit with room for the envelope."""
    return activity_size(reply_activity(reply)) + ENVELOPE_BYTES <= MAX_ACTIVITY_BYTES


def reply_activity(reply: Reply, suggest: bool = False) -> Activity:
    """An Adaptive Card when the reply has card data, otherwise a markdown message."""
    if not reply.card:
        return markdown_activity(reply.markdown)
    steps = reply.card.get("next_steps") or []
    card = answer_card(reply.card, CARD_VERSION, steps=not suggest)
    card["fallbackText"] = markup.clean(reply.text)
    activity = Activity(
        type=ActivityTypes.message,
        # No text: Teams would show it above the card, the answer twice.
        summary=_summary(reply.text),
        attachments=[Attachment(content_type=CONTENT_TYPE, content=card)],
    )
    if suggest and steps:
        # imBack: pressing one posts its question as the person's own message.
        activity.suggested_actions = SuggestedActions(actions=[
            CardAction(type=ActionTypes.im_back, title=markup.clean(step["title"]), value=step["question"])
            for step in steps])
    return activity


def markdown_activity(markdown: str) -> Activity:
    return Activity(type=ActivityTypes.message, text=keep_lines(markdown), text_format=TextFormatTypes.markdown)


def keep_lines(markdown: str) -> str:
    """`markdown` with a hard break ("  ") wherever a line is followed by another.

    Teams renders a single line break as a space (seen in the Agents Playground: the help
    text's last two lines and a decision's dated lines ran together); a blank line would
    instead split lists and quotes apart.
    """
    lines = markdown.split("\n")
    for number, line in enumerate(lines[:-1]):
        if line.strip() and lines[number + 1].strip() and not line.endswith("  "):
            lines[number] = line + "  "
    return "\n".join(lines)


def _summary(text: str) -> str:
    first = next((line.strip() for line in markup.clean(text).splitlines() if line.strip()), "")
    return first if len(first) <= MAX_SUMMARY else first[: MAX_SUMMARY - 1].rstrip() + "…"
