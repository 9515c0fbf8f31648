"""Suggested next steps under an answer: the whole case, the whole meeting, and a
subscription to the subject asked about.

Each step is a button title and the question it asks, as a person would type it ("sag
<nr>", "referat fra <body> <date>", "abonner <emne>"), so pressing it is the same as
writing it. Only the steps that make sense are offered: no case step without a case
number, no subscription without a subject. Teams shows them as suggested actions, Webex
as card buttons (see `bot/cards.py`).
"""

from __future__ import annotations

from handlers import texts
from knowledge.bodies import display_name
from knowledge.dates import danish
from knowledge.search import Hit

# A subject longer than this is a title typed or pressed whole, not a subject to follow.
MAX_SUBJECT_CHARS = 40


def next_steps(hit: Hit, topic: str = "") -> list[dict[str, str]]:
    """The steps to offer under the answer showing `hit`, asked about `topic`."""
    if hit.closed:
        return []
    steps = []
    if hit.case_number:
        steps.append({"title": texts.NEXT_CASE, "question": texts.NEXT_CASE_QUESTION.format(case=hit.case_number)})
    if hit.body and hit.date:
        body = display_name(hit.body).lower()
        steps.append({"title": texts.NEXT_MEETING,
                      "question": texts.NEXT_MEETING_QUESTION.format(body=body, date=danish(hit.date))})
    subject = " ".join(topic.split())
    if subject and len(subject) <= MAX_SUBJECT_CHARS:
        steps.append({"title": texts.NEXT_SUBSCRIBE.format(subject=subject),
                      "question": texts.NEXT_SUBSCRIBE_QUESTION.format(subject=subject)})
    return steps
