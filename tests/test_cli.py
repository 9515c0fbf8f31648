"""The command line as a newcomer uses it: the installed `beslutningsbot` script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = shutil.which("beslutningsbot", path=str(Path(sys.executable).parent))


def run(*args: str, data_dir: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "BESLUTNINGSBOT_DATA_DIR": str(data_dir), **env}
    command = [SCRIPT, *args] if SCRIPT else [sys.executable, "-m", "bot", *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, env=environment, timeout=120)


def test_ask_on_a_fresh_data_folder_prints_the_decision_with_its_date(tmp_path):
    done = run("ask", "hvad besluttede direktionen om Hændelseslog?", data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "8. april 2026" in done.stdout
    assert "Prøvehandling gennemføres og evalueres inden systemet erhverves" in done.stdout
    assert "Punkt 2: Hændelseslog - TeamEffect" in done.stdout
    assert "85.02.02P35-106-24" in done.stdout
    assert "Digitaliseringsstyregruppen" in done.stdout  # the earlier decision, as history


def test_ask_json_gives_the_hits(tmp_path):
    done = run("ask", "--json", "hvad besluttede direktionen om Hændelseslog?", data_dir=tmp_path)
    hits = json.loads(done.stdout)
    assert (hits[0]["date"], hits[0]["number"]) == ("2026-04-08", 2)
    assert set(hits[0]) == {"date", "number", "title", "case_number", "decision", "closed", "score", "source", "body"}


def test_python_m_bot_is_the_same_command(tmp_path):
    done = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "os2sofd"], capture_output=True,
                          text=True, env={**os.environ, "BESLUTNINGSBOT_DATA_DIR": str(tmp_path)}, timeout=120)
    assert json.loads(done.stdout)[0]["date"] == "2025-12-10"


def test_index_prints_a_summary_with_warnings_by_file(tmp_path, minutes_dir):
    (minutes_dir / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    done = run("index", "--quiet", str(minutes_dir), data_dir=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    assert "6 filer, 5 møder, 38 punkter, 32 beslutninger, 6 lukkede punkter" in done.stdout
    assert "broken.pdf: filen kan ikke læses" in done.stdout


def test_index_of_a_missing_folder_fails_in_danish(tmp_path):
    done = run("index", "--quiet", str(tmp_path / "nowhere"), data_dir=tmp_path / "data")
    assert done.returncode == 1
    assert "referatmappen findes ikke" in done.stderr


def test_chat_answers_line_by_line(tmp_path):
    done = run("chat", data_dir=tmp_path, stdin="hjælp\nos2sofd\n")
    assert done.returncode == 0
    assert "Spørg mig om" in done.stdout
    assert "Punkt 3: IT-Projekt - Implementering af OS2sofd og OS2rollekatalog" in done.stdout


def test_bad_settings_stop_with_a_clear_message(tmp_path):
    done = run("ask", "x", data_dir=tmp_path, WEBEX_BOT_TOKEN="token-that-must-not-show")
    assert done.returncode == 2
    assert "WEBEX_WEBHOOK_SECRET" in done.stderr
    assert "token-that-must-not-show" not in done.stderr + done.stdout


def test_digest_preview_prints_what_was_indexed_since(tmp_path):
    run("index", "--quiet", data_dir=tmp_path)
    recent = run("digest", "--preview", data_dir=tmp_path)
    assert recent.stdout.startswith("Ugeoversigt: 26 nye beslutninger fra Direktionen")
    assert "Direktionens møde 8. april 2026" in recent.stdout
    assert "Lukket" not in recent.stdout
    later = run("digest", "--preview", "--since", "2999-01-01", data_dir=tmp_path)
    assert later.stdout.strip() == "Der er ingen nye beslutninger til din ugeoversigt lige nu."
    topic = run("digest", "--preview", "--topic", "sociale medier", data_dir=tmp_path)
    assert "Opdaterede retningslinjer for brug af sociale medier" in topic.stdout
    assert "Hændelseslog" not in topic.stdout


def test_chat_with_a_corrupt_index_explains_and_genindekser_repairs_it(tmp_path):
    (tmp_path / "index.json").write_text("[]")
    done = run("chat", data_dir=tmp_path, stdin="hændelseslog\ngenindekser\n")
    assert done.returncode == 0, done.stderr
    assert "Indekset kan ikke læses lige nu. En administrator skal køre »genindekser«." in done.stdout
    assert "Genindeksering færdig" in done.stdout
    again = run("ask", "hændelseslog", data_dir=tmp_path)
    assert "8. april 2026" in again.stdout
