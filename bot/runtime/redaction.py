"""The bot token is a password: whoever has it is the bot. It never leaves the process in full —
not on stderr, not in the log, not in an exception we raise. Only the bot id (the part before
the colon, which Telegram shows to anyone as the bot's user id) may appear."""

from __future__ import annotations

import logging
import sys
import traceback


def bot_id(token: str | None) -> str:
    return (token or "").partition(":")[0] or "?"


def redact(text: str, token: str | None) -> str:
    """`text` with every copy of the token (and of its secret part) replaced by «<bot id>:***»."""
    if not token or not text:
        return text
    secret = token.partition(":")[2]
    text = text.replace(token, f"{bot_id(token)}:***")
    return text.replace(secret, "***") if len(secret) >= 8 else text


class TokenRedactor(logging.Filter):
    """A handler filter: the record's message, arguments and traceback with the token redacted."""

    def __init__(self, token: str | None):
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.token:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: let the handler report it as it would
            return True
        record.msg, record.args = redact(message, self.token), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.token)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.token)
        return True


def install(token: str | None) -> None:
    """Redact the token from every log handler of the root logger and from uncaught tracebacks."""
    if not token:
        return
    redactor = TokenRedactor(token)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(existing, TokenRedactor) for existing in handler.filters):
            handler.addFilter(redactor)

    def excepthook(kind, value, trace):
        sys.stderr.write(redact("".join(traceback.format_exception(kind, value, trace)), token))

    sys.excepthook = excepthook
