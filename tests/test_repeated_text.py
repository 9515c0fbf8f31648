"""What the bot repeats of a person's words (a topic, a name) is shown as text, never as markup:
it cannot mention everyone, carry a link or format the reply, on either channel.

Split out of test_security.py, whose server with its fakes it uses (the no-internet guard is tests/conftest.py's, for every test).
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.answer import none_reply
from handlers.markup import markdown as escape_markdown
from handlers.messages import Incoming
from knowledge.question import parse_question
from knowledge.search import Result
from tests.chat import make_conversation
from tests.test_security import start  # noqa: F401 (fixture)

INJECTIONS = [
    "<at>Alle</at> zyxqvorp",
    "@all zyxqvorp",
    "<@all> zyxqvorp",
    "<@personEmail:chef@kommune.dk|Chefen> zyxqvorp",
    '<spark-mention data-object-type="groupMention" data-group-type="all">alle</spark-mention> zyxqvorp',
    "[klik her](http://evil.example/login) zyxqvorp",
    "![billede](http://evil.example/x.png) zyxqvorp",
    "<a href='http://evil.example'>zyxqvorp</a>",
    "**fed** _kursiv_ `kode` # overskrift > citat | tabel ~~streg~~ zyxqvorp",
    "&lt;at&gt;Alle&lt;/at&gt; &#64;all zyxqvorp",
    "http://evil.example/zyxqvorp",
]
UNSAFE = set("\\`*_{}[]()<>#+!|~@")


def inert(fragment: str) -> bool:
    """True when every markup character in `fragment` is escaped and no entity can form."""
    position = 0
    while position < len(fragment):
        char = fragment[position]
        if char == "\\":
            position += 2
            continue
        if char in UNSAFE:
            return False
        position += 1
    return "&" not in fragment.replace("&amp;", "")


def quoted(markdown: str) -> list[str]:
    """What the bot quotes back between » and «."""
    return re.findall(r"»(.*?)«", markdown, flags=re.DOTALL)


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(st.text(max_size=300))
def test_escaped_user_text_is_always_inert(text):
    assert inert(escape_markdown(text))


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(topic=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=120))
def test_the_none_reply_quotes_any_topic_inertly(topic):
    reply = none_reply(Result("none", parse_question(f"zyxqvorp {topic}")))
    for fragment in quoted(reply.markdown):
        assert inert(fragment)


@pytest.mark.parametrize("payload", INJECTIONS)
async def test_user_text_repeated_back_cannot_mention_link_or_mark_up(start, payload):
    server = await start()
    await server.webex_say(payload, room="room-q")
    await server.webex_say(f"abonner {payload}", room="room-q")
    await server.webex_say("abonnementer", room="room-q")
    await server.teams(payload, who="bo", name=f"Bo {payload}")
    await server.teams(f"abonner {payload}", who="bo", name=f"Bo {payload}")
    await server.teams("abonnementer", who="bo", name=f"Bo {payload}")
    sent = server.webex_replies("room-q") + [reply.get("text", "") for reply in server.teams_replies()]
    assert len(sent) == 6
    for markdown in sent:
        fragments = quoted(markdown) + re.findall(r"oprettet .*? af (.*)$", markdown, flags=re.MULTILINE)
        assert fragments, markdown
        for fragment in fragments:
            assert inert(fragment), (payload, markdown)
        for raw in ("<at>", "<@", "<spark-mention", "](http", "<a href"):
            assert not re.search(r"(?<!\\)" + re.escape(raw), markdown), (raw, markdown)


async def test_a_subscription_topic_and_name_are_repeated_as_text_not_markup(sample_index):
    # Regression: "abonner <emne>" and "abonnementer" put the topic and the subscriber's name
    # into the markdown as written, so a topic could mention everyone or carry a link.
    conversation = make_conversation(lambda: sample_index)
    person = Incoming("", sender_id="aad-bo", sender_name="[Bo](http://evil.example)", channel="msteams",
                      conversation_id="a:bo")
    payload = "<at>Alle</at> [klik](http://evil.example) @all"
    subscribed = await conversation.handle(replace(person, text=f"abonner {payload}"))
    again = await conversation.handle(replace(person, text=f"abonner {payload}"))
    listed = await conversation.handle(replace(person, text="abonnementer"))
    for reply in (subscribed, again, listed):
        assert payload in reply.text  # the plain text keeps what was written
        for fragment in quoted(reply.markdown) + re.findall(r" af (.*)$", reply.markdown, flags=re.MULTILINE):
            assert inert(fragment), reply.markdown
