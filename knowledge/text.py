"""Normalizing what people type: case, accents, ¿¡ and punctuation, repeated letters, chat
shorthand (from the vocabulary)."""

from __future__ import annotations

import re
import unicodedata
from typing import Mapping

MAX_QUESTION_CHARS = 500  # longer messages are read by their start; nobody asks in 10,000 characters

_NOT_WORD = re.compile(r"[^a-z0-9]+")
_COMBINING = re.compile(r"[\u0300-\u036f]+")  # the accents NFKD splits off (ñ -> n + ◌̃)
_REPEATS = re.compile(r"([a-z])\1{2,}")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=\d)")


def ascii_int(text: str, max_digits: int = 18) -> int | None:
    """The number written in `text` when it is only ASCII digits (at most `max_digits`, so it fits
    SQLite's 64-bit integers), else None. str.isdigit() alone is not enough: '⁴' passes it and
    int() refuses it; '٣' passes both."""
    if 0 < len(text) <= max_digits and text.isascii() and text.isdigit():
        return int(text)
    return None


def fold(text: str) -> str:
    """Lower case, no accents (ñ becomes n, as many type it), only letters, digits and single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return " ".join(_NOT_WORD.sub(" ", _COMBINING.sub("", decomposed)).split())


def normalize(text: str, shorthand: Mapping[str, str] | None = None) -> str:
    """fold() plus: 'holaaaa' -> 'hola', 'paso6' -> 'paso 6' ('6to' stays: it is an ordinal),
    chat shorthand spelled out ('q' -> 'que'; phrases such as 'q roo' first)."""
    folded = fold(text[:MAX_QUESTION_CHARS])
    folded = _LETTER_DIGIT.sub(" ", _REPEATS.sub(r"\1", folded))
    if not shorthand:
        return folded
    padded = f" {folded} "
    for phrase, replacement in shorthand.items():
        if " " in phrase and f" {phrase} " in padded:
            padded = padded.replace(f" {phrase} ", f" {replacement} ")
    return " ".join(shorthand.get(word, word) for word in padded.split())
