"""A closed item ("Lukket") shows its title and date and nothing more, anywhere.

Its text is never stored or indexed; no reply, card, `ask --json` line or digest shows its
decision, its other sections or its journal number, unless the person typed that number.
Split out of test_security.py; the no-internet guard of tests/conftest.py applies here as everywhere.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime

import pytest

from bot import cli
from bot.cards import answer_card
from bot.teams.channel import reply_activity
from handlers.answer import answer_reply
from handlers.digests import digest_reply
from handlers.fit import fit_reply, utf8_size
from knowledge.index.build import build_index
from knowledge.index.loaded import Index
from knowledge.new_decisions import build_digest
from knowledge.paths import SAMPLES_DIR

SECRET_MEETING = """REFERAT Direktionen d. 02-12-2026

Mødedato Onsdag d. 2. december 2026 kl. 09:00

Punkt 1: Ny ordning for cykelparkering

00.01.00A00-70-26

Beslutning

Ordningen godkendes.

Punkt 2: Lukket: Fortrolig personalesag om Zebrafinke

00.01.00A00-77-26

Resumé

HEMMELIGRESUME handler om medarbejder Xyloforia.

Indstilling

Direktøren indstiller HEMMELIGINDSTILLING.

Beslutning

HEMMELIGBESLUTNING: sagen afsluttes med Xyloforia.

Sagsfremstilling

HEMMELIGSAGSFREMSTILLING med flere detaljer.
"""
HIDDEN = ("HEMMELIG", "Xyloforia", "00.01.00A00-77-26")


@pytest.fixture(scope="module")
def closed_world(tmp_path_factory):
    """The samples and a meeting with a closed item full of secrets, indexed on disk."""
    folder = tmp_path_factory.mktemp("minutes")
    for sample in SAMPLES_DIR.iterdir():
        shutil.copy(sample, folder / sample.name)
    (folder / "secret.txt").write_text(SECRET_MEETING, encoding="utf-8")
    store = tmp_path_factory.mktemp("data") / "index.json"
    build_index([folder], store)
    return folder, store, Index.open(store)


def closed_items(index: Index) -> list[dict]:
    return [row for row in index.items if row.get("closed")]


def questions_about(item: dict) -> list[str]:
    day = datetime.fromisoformat(item["date"])
    return [item["title"], f"lukket punkt om {item['title']}", f"hvad besluttede direktionen om {item['title']}?",
            f"referat fra direktionen {day.day}. {_MONTHS[day.month - 1]} {day.year}",
            "HEMMELIGBESLUTNING Xyloforia", "personalesag Zebrafinke"]


_MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
           "november", "december"]


def assert_nothing_hidden(shown: str, question: str, closed: list[dict]) -> None:
    for secret in HIDDEN:
        if secret.lower() not in question.lower():
            assert secret not in shown, f"{secret!r} shown for {question!r}"
    for item in closed:
        # A closed item's journal number is not shown either, unless the person typed it.
        if item.get("case_number") and item["case_number"] not in question:
            assert item["case_number"] not in shown, f"{item['case_number']!r} shown for {question!r}"


def test_closed_text_is_never_stored(closed_world):
    _, store, index = closed_world
    stored = store.read_text(encoding="utf-8")
    for secret in ("HEMMELIG", "Xyloforia"):
        assert secret not in stored
        assert not [term for term in index.searcher.postings.vocabulary if secret.lower() in term]
    [secret_item] = [row for row in closed_items(index) if "Zebrafinke" in row["title"]]
    assert set(secret_item) >= {"title", "date", "closed"}
    assert not any(secret_item.get(name) for name in ("decision", "resume", "indstilling", "sagsfremstilling"))


def test_closed_items_show_only_title_and_date_in_every_reply_and_card(closed_world):
    _, _, index = closed_world
    closed = closed_items(index)
    assert len(closed) >= 4
    for item in closed:
        for question in questions_about(item):
            for channel_bytes in (None, 7000):
                reply = answer_reply(index.answer(question))
                if channel_bytes:
                    reply = fit_reply(reply, lambda part: utf8_size(part.markdown) <= channel_bytes)
                shown = [reply.text, reply.markdown]
                if reply.card:
                    shown += [json.dumps(answer_card(reply.card, "1.5"), ensure_ascii=False),
                              json.dumps(answer_card(reply.card, "1.3"), ensure_ascii=False),
                              json.dumps(reply_activity(reply).serialize(), ensure_ascii=False)]
                for text in shown:
                    assert_nothing_hidden(text, question, closed)


def test_closed_items_in_ask_json_have_no_decision_or_journal_number(closed_world, monkeypatch, capsys):
    folder, store, index = closed_world
    monkeypatch.setenv("BESLUTNINGSBOT_DATA_DIR", str(store.parent))
    monkeypatch.setenv("BESLUTNINGSBOT_MINUTES_DIR", str(folder))
    closed = closed_items(index)
    for item in closed:
        for question in questions_about(item):
            assert cli.main(["ask", "--json", question]) == 0
            printed = capsys.readouterr().out
            assert_nothing_hidden(printed, question, closed)
            for hit in json.loads(printed):
                if hit["closed"]:
                    assert hit["decision"] is None and hit["case_number"] is None
            assert cli.main(["ask", question]) == 0
            assert_nothing_hidden(capsys.readouterr().out, question, closed)


def test_closed_items_are_left_out_of_digests(closed_world):
    _, _, index = closed_world
    closed = closed_items(index)
    for topic in (None, "personalesag", "Zebrafinke", "cykelparkering"):
        reply = digest_reply(build_digest(index, None, topic), topic)
        for text in (reply.text, reply.markdown):
            assert_nothing_hidden(text, "", closed)
            assert "Lukket" not in text
