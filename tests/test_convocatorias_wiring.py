"""How the convocatorias are wired into the Application: the conversations come before the plain
commands, the periodic job runs at start-up and every minute, COCREA_REMINDER_DAYS reaches it,
the CLI refuses bad input with one line, and the commands are documented."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from telegram.ext import CommandHandler, ConversationHandler

from bot.app import build_application
from bot.cli import main as cli_main
from bot.runtime.jobs import CONVOCATORIAS_INTERVAL
from bot.runtime.settings import Settings, SettingsError
from bot.store import Store
from handlers import convocatorias as handlers
from handlers.callbacks import MAX_BYTES, encode_action

TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghij"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def application(tmp_path):
    return build_application(Settings(token=TOKEN, db_path=tmp_path / "cocrea.db", reminder_days=5))


def test_conversations_come_before_the_plain_commands(application):
    handlers_in_order = application.handlers[0]
    names = [h.name for h in handlers_in_order if isinstance(h, ConversationHandler)]
    assert {"convocar", "mis_convocatorias"} <= set(names)
    # basics' plain /cancelar ("nothing to cancel") must not take the flows' own /cancelar.
    plain_cancel = next(i for i, h in enumerate(handlers_in_order)
                        if isinstance(h, CommandHandler) and "cancelar" in h.commands)
    conversations = [i for i, h in enumerate(handlers_in_order)
                     if isinstance(h, ConversationHandler) and h.name in ("convocar", "mis_convocatorias")]
    assert max(conversations) < plain_cancel
    for conversation in (h for h in handlers_in_order if isinstance(h, ConversationHandler)):
        if conversation.name in ("convocar", "mis_convocatorias"):
            assert conversation.conversation_timeout == Settings().flow_timeout.total_seconds()
            assert any("cancelar" in f.commands for f in conversation.fallbacks)


def test_the_job_runs_at_start_up_and_every_minute_with_the_configured_days(application):
    jobs = {job.name: job for job in application.job_queue.jobs()}
    assert set(jobs) >= {"convocatorias-start", "convocatorias"}
    assert jobs["convocatorias-start"].job.misfire_grace_time is None
    assert jobs["convocatorias"].job.trigger.interval.total_seconds() == CONVOCATORIAS_INTERVAL
    assert application.bot_data[handlers.DESK_KEY].reminder_days == 5


def test_a_bad_reminder_setting_stops_the_start(tmp_path):
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "COCREA_DB": str(tmp_path / "cocrea.db"), "COCREA_REMINDER_DAYS": "tres"}
    with pytest.raises(SettingsError, match="COCREA_REMINDER_DAYS"):
        Settings.from_env(env)


def test_callback_data_fits_telegram_limit():
    longest = ["e:san-luis-potosi", "k:facilitadora", "o:fix", f"xy:{10**12}", f"s:{10**12}", f"m:{10**12}"]
    assert all(len(encode_action("conv", arg).encode()) <= MAX_BYTES for arg in longest)


# -- the CLI ----------------------------------------------------------------------------------


@pytest.mark.parametrize("args, message", [
    (["--entidad", "narnia", "--paso", "7", "--cierra", "2099-01-01"], "no reconozco la entidad 'narnia'"),
    (["--entidad", "oaxaca", "--paso", "7", "--cierra", "31 de febrero"], "--cierra: No entendí «31 de febrero»"),
    (["--entidad", "oaxaca", "--paso", "7", "--cierra", "2020-01-01 18:00"], "La fecha de cierre ya pasó"),
    (["--entidad", "oaxaca", "--paso", "4", "--cierra", "en 2 semanas"], "El paso de una convocatoria es 2, 3 o 7"),
    (["--entidad", "oaxaca", "--paso", "7", "--cierra", "en 2 semanas", "--abre", "en 3 semanas"], "antes de abrir"),
    (["--entidad", "oaxaca", "--paso", "7", "--cierra", "en 2 semanas", "--abre", "asdf"], "--abre: No entendí"),
])
def test_cli_refuses_bad_input_in_one_line(tmp_path, monkeypatch, capsys, args, message):
    monkeypatch.setenv("COCREA_DB", str(tmp_path / "cocrea.db"))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert cli_main(["convocar", "--titulo", "Mesas de cocreación", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and err.startswith("Error: ")
    assert Store(tmp_path / "cocrea.db").current_convocatorias(None, datetime(2000, 1, 1, tzinfo=timezone.utc)) == []


def test_cli_publishes_and_queues_the_announcement(tmp_path, monkeypatch, capsys):
    db_path = tmp_path / "cocrea.db"
    store = Store(db_path)
    store.subscribe(7, "oaxaca")
    monkeypatch.setenv("COCREA_DB", str(db_path))
    code = cli_main(["convocar", "--entidad", "Oaxaca", "--paso", "7", "--titulo", "Mesas 2027",
                     "--cierra", "en 2 semanas", "--url", "https://stl.oaxaca.example", "--como", "Formulario",
                     "--contacto", "stl@oaxaca.example", "--descripcion", "Para todas las personas."])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Convocatoria publicada en Oaxaca: «Mesas 2027» (convocatoria 1)." in out
    assert "a las 23:59 (hora del centro de México)" in out and "Avisos en cola: 1." in out
    record = store.convocatoria(1)
    assert (record.info.kind, record.info.step, record.info.how_to_apply, record.published_by) == \
        ("mesas", 7, "Formulario", "cli")


def test_commands_and_settings_are_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for needle in ("python -m bot convocar", "COCREA_REMINDER_DAYS", "/convocar", "/mis_convocatorias",
                   "/convocatorias"):
        assert needle in readme, needle
