"""The README's chat examples are what the bot answers now: each conversation is replayed
over the bundled samples and compared line by line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from handlers.conversation import Conversation
from tests.chat import Chat

README = Path(__file__).parent.parent / "README.md"


def conversations() -> list[list[tuple[str, str]]]:
    """Each ```text block between the chat-example markers: (question, answer) turns."""
    text = README.read_text(encoding="utf-8")
    section = text.split("<!-- chat examples")[1].split("<!-- /chat examples -->")[0]
    found = []
    for block in re.findall(r"```text\n(.*?)\n```", section, flags=re.S):
        turns: list[tuple[str, list[str]]] = []
        for line in block.split("\n"):
            if line.startswith("> "):
                turns.append((line[2:], []))
            else:
                turns[-1][1].append(line)
        found.append([(question, "\n".join(answer)) for question, answer in turns])
    return found


def test_the_readme_has_chat_examples():
    assert len(conversations()) >= 8


@pytest.mark.parametrize("turns", conversations(), ids=lambda turns: turns[0][0])
async def test_each_readme_example_is_what_the_bot_answers(sample_index, turns):
    chat = Chat(Conversation(lambda: sample_index))
    for question, expected in turns:
        assert await chat.say(question) == expected, question
