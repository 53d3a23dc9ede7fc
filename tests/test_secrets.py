"""The bot token is a password: only the bot id (before the colon) may be shown, on stderr, in
the log or in an error we raise. Settings never print it either."""

from __future__ import annotations

import io
import logging
import os

import pytest
from telegram.error import InvalidToken, NetworkError

from bot import app, cli
from bot.runtime import redaction
from bot.runtime.lock import InstanceLock
from bot.runtime.settings import Settings, SettingsError
from bot.store import Store

TOKEN = "987654321:AAE-a-secret-that-must-never-be-printed"
SECRET = TOKEN.partition(":")[2]


def test_redact_keeps_only_the_bot_id():
    text = f"POST https://api.telegram.org/bot{TOKEN}/getMe failed; token was {TOKEN}, secret {SECRET}"
    redacted = redaction.redact(text, TOKEN)
    assert SECRET not in redacted and "987654321:***" in redacted
    assert redaction.redact("nothing here", None) == "nothing here"


def test_settings_do_not_show_the_token_or_the_webhook_secret():
    settings = Settings(token=TOKEN, webhook_secret="webhook-secret-value")
    assert SECRET not in repr(settings) and "webhook-secret-value" not in repr(settings)


def test_log_records_are_redacted_message_arguments_and_traceback():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(redaction.TokenRedactor(TOKEN))
    logger = logging.getLogger("test-secrets")
    logger.addHandler(handler)
    try:
        logger.error("calling %s", f"https://api.telegram.org/bot{TOKEN}/getUpdates")
        try:
            raise NetworkError(f"could not reach /bot{TOKEN}/getUpdates")
        except NetworkError:
            logger.exception("polling failed")
    finally:
        logger.removeHandler(handler)
    logged = stream.getvalue()
    assert SECRET not in logged and logged.count("987654321:***") == 2, logged


@pytest.mark.parametrize("error", [InvalidToken(f"The token `{TOKEN}` was rejected by the server."),
                                   NetworkError(f"https://api.telegram.org/bot{TOKEN}/getMe: refused")])
def test_a_rejected_token_or_a_network_error_at_start_up_never_shows_the_token(tmp_path, monkeypatch, capsys, error):
    def fail(*args, **kwargs):
        logging.getLogger("telegram.ext").error("initialize failed with %s", TOKEN, exc_info=error)
        raise error

    monkeypatch.setattr(app, "_run", fail)
    monkeypatch.setattr(app, "build_application", lambda settings: None)
    monkeypatch.setattr(logging.getLogger(), "handlers", [logging.StreamHandler()])  # stderr, as run_bot sets up
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("COCREA_DB", str(tmp_path / "cocrea.db"))
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:9")
    assert cli.main(["run"]) == 2
    captured = capsys.readouterr()
    assert SECRET not in captured.err + captured.out
    assert "987654321" in captured.err and "TELEGRAM_" in captured.err.splitlines()[-1]


def test_the_raised_error_itself_does_not_carry_the_token(tmp_path, monkeypatch):
    monkeypatch.setattr(app, "_run", lambda *a: (_ for _ in ()).throw(InvalidToken(f"The token `{TOKEN}` was rejected")))
    monkeypatch.setattr(app, "build_application", lambda settings: None)
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    with pytest.raises(SettingsError) as raised:
        app.run_bot(Settings(token=TOKEN, db_path=tmp_path / "cocrea.db"))
    assert SECRET not in str(raised.value) and "987654321" in str(raised.value)
    assert raised.value.__suppress_context__  # the original (with the token) is not chained into a traceback


def test_a_new_database_its_wal_and_its_lock_are_readable_by_their_owner_only(tmp_path):
    previous = os.umask(0o022)  # the usual umask, which leaves new files world-readable
    try:
        store = Store(tmp_path / "cocrea.db")
        store.subscribe(1, "jalisco")
        lock = InstanceLock(tmp_path / "cocrea.db").acquire()
    finally:
        os.umask(previous)
    try:
        for name in ("cocrea.db", "cocrea.db-wal", "cocrea.db-shm", "cocrea.db.lock"):
            mode = (tmp_path / name).stat().st_mode & 0o777
            assert mode == 0o600, (name, oct(mode))
    finally:
        lock.release()
        store.close()
