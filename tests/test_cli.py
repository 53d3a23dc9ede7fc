"""The command line as operators and outside tools use it: ask (text, --json, --json -),
check-knowledge, and the console that starts when there is no token."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from bot.cli import main
from tests.bot_process import ROOT


@pytest.fixture(autouse=True)
def isolated_db(tmp_path, monkeypatch):
    monkeypatch.setenv("COCREA_DB", str(tmp_path / "cocrea.db"))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)


def test_ask_prints_the_answer(capsys):
    assert main(["ask", "¿cómo", "va", "Jalisco?"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Jalisco · ") and "NOSC 2019 (noviembre de 2019)" in out


def test_ask_json_is_one_object_with_the_contract_fields(capsys):
    assert main(["ask", "--json", "qué es un STL"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert {"intent", "state", "step", "term", "text", "sources"} <= set(answer)
    assert (answer["intent"], answer["term"], answer["state"]) == ("glossary", "stl", None)
    assert all({"name", "date", "title"} <= set(s) for s in answer["sources"])


def test_ask_json_from_stdin_is_one_object_per_line(capsys, monkeypatch):
    questions = ["como va edomex", "paso 6", "", "x" * 10_000, "<b>hola</b> & 😀", "'; DROP TABLE chats;--", "clima en colima"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(questions) + "\n"))
    assert main(["ask", "--json", "-"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(questions)
    answers = [json.loads(line) for line in lines]
    assert (answers[0]["intent"], answers[0]["state"]) == ("state_status", "Estado de México")
    assert (answers[1]["intent"], answers[1]["step"]) == ("step", 6)
    assert answers[-1]["intent"] == "out_of_scope" and answers[-1]["state"] == "Colima"
    assert all(a["text"] for a in answers)


def test_check_knowledge_prints_a_summary(capsys):
    assert main(["check-knowledge"]) == 0
    out = capsys.readouterr().out
    assert "válida" in out and "Entidades: 32" in out and "Pasos: 13" in out


@pytest.mark.e2e
def test_without_a_token_the_console_starts_and_answers(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bot"], cwd=ROOT, input="hola\n/paso 6\n2\n/salir\n",
                            capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "COCREA_DB": str(tmp_path / "c.db")})
    assert result.returncode == 0, result.stderr
    assert "TELEGRAM_BOT_TOKEN" in result.stderr  # says how to connect Telegram
    assert "Paso 6 de 13" in result.stdout
    assert "Paso 7 de 13" in result.stdout  # [2] 7 ▶ was pressed by typing its number


def test_importing_the_cli_reads_no_knowledge():
    """check-knowledge must run when a data file is malformed: nothing on the way to it may load
    the knowledge at import time (a module-level default_knowledge() once made it crash with a
    traceback instead of listing the problems)."""
    probe = ("import bot.cli, knowledge.loader; "
             "print(knowledge.loader.default_knowledge.cache_info().currsize)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "0"
