"""The items' long texts live on disk, in the generation's texts file, not in the store or in
memory: answers, cards, follow-ups, digests and case timelines still show them, and a reindex
swap while questions are answered never mixes two generations."""

from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest

from bot.cards import answer_card
from knowledge.index.build import build_index
from knowledge.index.live import LiveIndex
from knowledge.index.loaded import Index
from knowledge.index.texts import texts_path
from knowledge.new_decisions import build_digest
from tests.chat import Chat, make_conversation

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


def minutes(body: str, day: str, written: str, economy: str, decision: str) -> str:
    return f"""REFERAT {body} d. {day}

Mødedato Onsdag d. {written} kl. 09:00

Punkt 1: Nyt omklædningsrum i svømmehallen

00.22.04G01-3-26

Resumé

Svømmehallens omklædningsrum er nedslidt og skal bygges om.

Indstilling

Forvaltningen indstiller, at ombygningen igangsættes.

Beslutning

{decision}

Sagsfremstilling

Omklædningsrummet blev sidst renoveret i 1998. Fliserne er revnet og ventilationen er utæt.

Økonomiske konsekvenser

{economy}
"""


COMMITTEE = ("Kultur- og Fritidsudvalget", "04-03-2026", "04. marts 2026",
             "Ombygningen koster 2,4 mio. kr. og afholdes af anlægspuljen.", "Anbefales over for Byrådet.")
COUNCIL = ("Byrådet", "25-03-2026", "25. marts 2026",
           "Ombygningen koster 2,4 mio. kr. og afholdes af anlægspuljen.", "Indstillingen godkendt.")


@pytest.fixture
def archive(tmp_path):
    folder = tmp_path / "minutes"
    folder.mkdir()
    (folder / "kfu.txt").write_text(minutes(*COMMITTEE), encoding="utf-8")
    (folder / "byraad.txt").write_text(minutes(*COUNCIL), encoding="utf-8")
    store = tmp_path / "data" / "index.json"
    build_index([folder], store, now=NOW)
    return folder, store


def test_the_store_holds_no_long_texts_and_the_index_reads_them_from_the_texts_file(archive):
    _, store = archive
    assert "anlægspuljen" not in store.read_text(encoding="utf-8")
    assert "Fliserne er revnet" not in store.read_text(encoding="utf-8")
    index = Index.open(store)
    assert texts_path(store, index.generation).exists()
    assert all("sagsfremstilling" not in row and "okonomi" not in row for row in index.items)
    item = index.item(0)
    assert "anlægspuljen" in item["okonomi"] and "Fliserne er revnet" in item["sagsfremstilling"]
    assert item["resume"].startswith("Svømmehallens omklædningsrum")


async def test_answers_cards_follow_ups_and_case_timelines_show_the_texts_from_disk(archive):
    _, store = archive
    index = Index.open(store)
    chat = Chat(make_conversation(lambda: index, clock=lambda: NOW))

    reply = await chat.send("hvad blev besluttet om omklædningsrum i svømmehallen?")
    assert "Indstillingen godkendt." in reply.text
    assert "Indstillingen godkendt." in str(answer_card(reply.card))
    cost = await chat.say("og hvad koster det?")
    assert "Fra »Økonomiske konsekvenser«:" in cost
    assert "Ombygningen koster 2,4 mio. kr. og afholdes af anlægspuljen." in cost

    timeline = await chat.say("sag 00.22.04G01-3-26")
    assert "Anbefales over for Byrådet." in timeline and "Indstillingen godkendt." in timeline

    digest = build_digest(index, None)
    decisions = [entry.decision for _, _, entries in digest.groups for entry in entries]
    assert sorted(decisions) == ["Anbefales over for Byrådet.", "Indstillingen godkendt."]


async def test_a_reindex_swap_while_questions_are_answered_keeps_each_index_on_its_own_texts(archive):
    folder, store = archive
    live = LiveIndex.open(store)
    old = live.get()
    old_texts = texts_path(store, old.generation)
    chat = Chat(make_conversation(lambda: old, clock=lambda: NOW))
    await chat.say("hvad blev besluttet om omklædningsrum i svømmehallen?")

    # The council's minutes are corrected: the economy changes.
    council = list(COUNCIL)
    council[3] = "Ombygningen koster 3,1 mio. kr. og afholdes af kassebeholdningen."
    (folder / "byraad.txt").write_text(minutes(*council), encoding="utf-8")
    done = threading.Event()
    builder = threading.Thread(target=lambda: (build_index([folder], store, now=NOW), done.set()))
    builder.start()
    answers = []
    while not done.is_set() or not answers:
        answers.append(await chat.say("og hvad koster det?"))
        await chat.say("hvad blev besluttet om omklædningsrum i svømmehallen?")
    builder.join()

    # The old generation's texts file is gone from the folder, yet the index that was
    # loaded from it answers from it to the end, with its own texts only.
    assert not old_texts.exists()
    assert all("2,4 mio. kr." in answer and "3,1 mio." not in answer for answer in answers)
    assert "2,4 mio. kr." in await chat.say("og hvad koster det?")

    assert live.refresh()
    new = live.get()
    assert new.generation != old.generation
    fresh = Chat(make_conversation(live.get, clock=lambda: NOW))
    await fresh.say("hvad blev besluttet om omklædningsrum i svømmehallen?")
    assert "3,1 mio. kr. og afholdes af kassebeholdningen." in await fresh.say("og hvad koster det?")
    # The committee's unchanged file was not read again: its texts were carried over.
    committee = next(new.item(doc) for doc, row in enumerate(new.items) if row["body"].startswith("Kultur"))
    assert committee["okonomi"] == COMMITTEE[3] and "Fliserne er revnet" in committee["sagsfremstilling"]


async def test_a_long_decision_is_whole_in_answers_timelines_and_digests_though_memory_holds_its_start(tmp_path):
    decision = ("Indstillingen godkendt med den tilføjelse, at forvaltningen undersøger, om omklædningsrummet "
                "kan indrettes med særskilte kabiner til skoleklasser, og at udvalget orienteres om resultatet "
                "inden sommerferien. Arbejdet udbydes i fagentreprise.")
    folder = tmp_path / "minutes"
    folder.mkdir()
    (folder / "kfu.txt").write_text(minutes(*COMMITTEE), encoding="utf-8")
    (folder / "byraad.txt").write_text(minutes(*COUNCIL[:4], decision), encoding="utf-8")
    store = tmp_path / "index.json"
    build_index([folder], store, now=NOW)
    index = Index.open(store)
    council = next(doc for doc, row in enumerate(index.items) if row["body"] == "Byrådet")
    assert "fagentreprise" not in index.items[council]["decision"]
    assert index.item(council)["decision"] == decision

    chat = Chat(make_conversation(lambda: index, clock=lambda: NOW))
    assert "Arbejdet udbydes i fagentreprise." in await chat.say("hvad blev besluttet om omklædningsrum i svømmehallen?")
    assert "Byrådet, Punkt 1: Nyt omklædningsrum i sv" in await chat.say("sag 00.22.04G01-3-26")
    [stages] = {tuple(stage["decision"] for stage in hit.stages) for hit in index.search("omklædningsrum svømmehallen")}
    assert stages == ("Anbefales over for Byrådet.", decision)
    entries = [entry for _, _, group in build_digest(index, None).groups for entry in group]
    assert any(entry.decision.startswith("Indstillingen godkendt med den tilføjelse") for entry in entries)
