"""Callback data: versioned, short, validated. Format: "<version>|<code>|<argument>", then the
views the button was opened from, nearest first, as more "|<code>|<argument>" pairs (as many as
fit in Telegram's 64 bytes: the oldest are dropped). Two marks: the code "b" (back) carries the
view «◀ Volver» returns to as its argument, "<code>.<argument>"; a pair "|n|" says the button
opens a new message (its reply cannot be rebuilt, so it is kept).

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
    "state": "e", "state_more": "em", "states": "es", "step": "p", "steps": "ps", "phase": "f", "phases": "fs",
    "term": "t", "terms": "ts", "subscribe": "s", "docs": "d", "convs": "c", "sources": "src",
    "help": "h", "map": "m", "docs_page": "dp", "convs_page": "cp", "welcome": "w",
    # runtime actions (subscriptions, privacy, publishing, convocatorias, admin)
    "sub_only": "so", "unsub": "u", "reminders": "r", "erase": "x", "erase_no": "xn",
    "sub_settings": "ss", "subs": "sl", "sub_undo": "ur", "baja_page": "bl",
    # the buttons under a notice (bot/core/notices.py, handlers/notices.py)
    "notice_card": "nc", "notice_unsub": "nu", "notice_undo": "nr",
    "pub": "pb", "conv": "cv",
    # questions to the team and «¿Te sirvió?» (handlers/curation.py)
    "ask": "q", "vote": "v", "curate": "cq", "answer": "ca",
}
KINDS = {code: kind for kind, code in CODES.items()}
BACK, FRESH = "b", "n"  # marks, not kinds (see the module's docstring)
_ARG = re.compile(r"[a-z0-9_.:\-]{0,48}")


@dataclass(frozen=True)
class Decoded:
    kind: str
    arg: str
    back: tuple[tuple[str, str], ...] = ()  # (kind, arg) of the views it was opened from, nearest first
    returning: bool = False  # «◀ Volver»
    fresh: bool = False  # open as a new message


class BadCallback(ValueError):
    """Callback data we do not (or no longer) understand."""


def encode_action(kind: str, arg: str = "", back: tuple[tuple[str, str], ...] = (), *, returning: bool = False,
                  fresh: bool = False) -> str:
    data = f"{VERSION}|{BACK}|{CODES[kind]}.{arg}" if returning else f"{VERSION}|{CODES[kind]}|{arg}"
    if len(data.encode()) > MAX_BYTES or not _ARG.fullmatch(arg):
        raise ValueError(f"callback data too long or malformed: {data!r}")
    if fresh:
        data += f"|{FRESH}|"
    for origin_kind, origin_arg in back:
        more = f"{data}|{CODES[origin_kind]}|{origin_arg}"
        if len(more.encode()) > MAX_BYTES or not _ARG.fullmatch(origin_arg):
            break  # the oldest views are the ones left out
        data = more
    return data


def pattern(kind: str, arg: str = "") -> str:
    """The regular expression a CallbackQueryHandler matches for `kind` with an argument that
    fully matches `arg` (itself a regular expression): the version and the code come from here."""
    return rf"^{re.escape(VERSION)}\|{re.escape(CODES[kind])}\|(?:{arg})$"


def decode_action(data: str | None) -> Decoded:
    if not data or len(data.encode()) > MAX_BYTES:
        raise BadCallback("empty or too long")
    parts = data.split("|")
    if len(parts) < 3 or len(parts) % 2 == 0 or parts[0] != VERSION:
        raise BadCallback("unknown version")
    pairs = [(parts[i], parts[i + 1]) for i in range(1, len(parts), 2)]
    if any(not _ARG.fullmatch(arg) for _, arg in pairs):
        raise BadCallback("malformed argument")
    (code, arg), rest = pairs[0], pairs[1:]
    returning = code == BACK
    if returning:
        code, _, arg = arg.partition(".")
    fresh = bool(rest) and rest[0] == (FRESH, "")
    rest = rest[1:] if fresh else rest
    if code not in KINDS or any(other not in KINDS for other, _ in rest):
        raise BadCallback("unknown action")
    return Decoded(KINDS[code], arg, tuple((KINDS[other], value) for other, value in rest), returning, fresh)
