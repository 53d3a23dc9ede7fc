"""Callback data: versioned, short, validated. Format: "<version>|<code>|<argument>".

Old messages keep their buttons forever, so anything we cannot read (another version, an
unknown code, an argument that no longer exists, or tampered data) gets a friendly answer and
never an exception."""

from __future__ import annotations

import re
from dataclasses import dataclass

VERSION = "1"
MAX_BYTES = 64  # Telegram's limit for callback_data

# action kind -> short code in callback data. Knowledge actions and runtime ones share it.
CODES: dict[str, str] = {
    "state": "e", "states": "es", "step": "p", "steps": "ps", "phase": "f", "phases": "fs",
    "term": "t", "terms": "ts", "subscribe": "s", "docs": "d", "convs": "c", "sources": "src",
    "help": "h", "map": "m", "docs_page": "dp", "convs_page": "cp",
    # runtime actions (subscriptions, privacy, publishing, convocatorias, admin)
    "sub_only": "so", "unsub": "u", "reminders": "r", "erase": "x", "erase_no": "xn",
    "sub_settings": "ss", "subs": "sl", "sub_undo": "ur",
    # the buttons under a notice (bot/core/notices.py, handlers/notices.py)
    "notice_card": "nc", "notice_unsub": "nu", "notice_undo": "nr",
    "pub": "pb", "conv": "cv",
    # questions to the team and «¿Te sirvió?» (handlers/curation.py)
    "ask": "q", "vote": "v", "curate": "cq", "answer": "ca",
}
KINDS = {code: kind for kind, code in CODES.items()}
_ARG = re.compile(r"[a-z0-9_.:\-]{0,48}")


@dataclass(frozen=True)
class Decoded:
    kind: str
    arg: str


class BadCallback(ValueError):
    """Callback data we do not (or no longer) understand."""


def encode_action(kind: str, arg: str = "") -> str:
    data = f"{VERSION}|{CODES[kind]}|{arg}"
    if len(data.encode()) > MAX_BYTES or not _ARG.fullmatch(arg):
        raise ValueError(f"callback data too long or malformed: {data!r}")
    return data


def pattern(kind: str, arg: str = "") -> str:
    """The regular expression a CallbackQueryHandler matches for `kind` with an argument that
    fully matches `arg` (itself a regular expression): the version and the code come from here."""
    return rf"^{re.escape(VERSION)}\|{re.escape(CODES[kind])}\|(?:{arg})$"


def decode_action(data: str | None) -> Decoded:
    if not data or len(data.encode()) > MAX_BYTES:
        raise BadCallback("empty or too long")
    parts = data.split("|")
    if len(parts) != 3 or parts[0] != VERSION:
        raise BadCallback("unknown version")
    code, arg = parts[1], parts[2]
    if code not in KINDS or not _ARG.fullmatch(arg):
        raise BadCallback("unknown action")
    return Decoded(KINDS[code], arg)
