"""The README's chat examples are what the bot answers now: each conversation is replayed
over the minutes its section names (the bundled samples, or the Greve portal meetings on a
given day) and compared line by line."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.chat import Chat, make_conversation

README = Path(__file__).parent.parent / "README.md"
_SECTION = re.compile(r"<!-- chat examples(?P<attrs>[^>]*)-->(?P<body>.*?)<!-- /chat examples -->", re.S)


def conversations() -> list[tuple[str, str | None, list[tuple[str, str]]]]:
    """(minutes, today, turns) for each ```text block of each chat-example section."""
    found = []
    for section in _SECTION.finditer(README.read_text(encoding="utf-8")):
        attrs = section["attrs"]
        minutes = "greve" if "greve" in attrs else "samples"
        today = re.search(r"today (\d{4}-\d{2}-\d{2})", attrs)
        for block in re.findall(r"```text\n(.*?)\n```", section["body"], flags=re.S):
            turns: list[tuple[str, list[str]]] = []
            for line in block.split("\n"):
                if line.startswith("> "):
                    turns.append((line[2:], []))
                else:
                    turns[-1][1].append(line)
            found.append((minutes, today[1] if today else None,
                          [(question, "\n".join(answer)) for question, answer in turns]))
    return found


def test_the_readme_has_chat_examples_over_the_samples_and_a_portal():
    minutes = [entry[0] for entry in conversations()]
    assert minutes.count("samples") >= 8 and minutes.count("greve") >= 6


@pytest.mark.parametrize("minutes, today, turns", conversations(), ids=lambda value: value[0][0]
                         if isinstance(value, list) else None)
async def test_each_readme_example_is_what_the_bot_answers(request, minutes, today, turns):
    index = request.getfixturevalue("greve_index" if minutes == "greve" else "sample_index")
    clock = None
    if today:
        moment = datetime.fromisoformat(today).replace(hour=9, tzinfo=timezone.utc)
        clock = lambda: moment  # noqa: E731
    conversation = make_conversation(lambda: index, clock=clock) if clock else make_conversation(lambda: index)
    chat = Chat(conversation)
    for question, expected in turns:
        assert await chat.say(question) == expected, question


# --- the settings table ------------------------------------------------------------------------

_SETTING_ROW = re.compile(r"^\| `(?P<env>[^`]+)`(?P<secret> \*\(secret\)\*)? \| (?P<default>[^|]*?) ?\|", re.M)


def readme_settings() -> list[tuple[str, str, bool]]:
    """(variable, default, secret) of each row of the README's settings table."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("\n## Settings\n"):]
    section = section[:section.index("\n## ", 1)]
    return [(row["env"], row["default"].strip(), bool(row["secret"])) for row in _SETTING_ROW.finditer(section)]


def test_the_readme_settings_table_lists_every_setting_with_its_default_and_secret_flag():
    # Regression: the table was copied by hand from `Settings`, and nothing noticed a field
    # added to one and not the other.
    from bot.settings import Settings

    readme = readme_settings()
    assert len(readme) == len({env for env, _, _ in readme}), "a variable is listed twice"
    settings = {env: (default, secret) for env, default, secret, _ in Settings.table()}
    assert {env: (default, secret) for env, default, secret in readme} == settings


def test_the_settings_table_check_reads_the_rows_it_should():
    # Guards the check above: a changed table layout must not make it compare two empty lists.
    rows = {env: (default, secret) for env, default, secret in readme_settings()}
    assert rows["BESLUTNINGSBOT_PORT"] == ("3978", False)
    assert rows["WEBEX_BOT_TOKEN"] == ("", True)
    assert rows["BESLUTNINGSBOT_DATA_DIR"] == ("~/.local/share/beslutningsbot", False)
