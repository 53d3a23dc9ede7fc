"""Finding known phrases (state names, step names, glossary terms, cue words) in a normalized
question. Typos are mended first, word by word (Speller): a word that is not known may be one or
two edits from a known one (optimal string alignment, so 'puebal' is one edit from 'puebla'),
keeping its first letter, or sound the same in Mexican Spanish ('serrada', 'inpase', 'avierto').
Phrases are then matched exactly, longest first."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Generic, Iterable, TypeVar

from rapidfuzz.distance import OSA
from rapidfuzz.process import extractOne

V = TypeVar("V")

MIN_FUZZY_CHARS = 5
MIN_SOUND_CHARS = 4  # shorter words sound like too many others
# Spellings that sound the same in Mexican Spanish, as (pattern, replacement), applied in order.
_SOUNDS = tuple((re.compile(pattern), replacement) for pattern, replacement in (
    (r"h", ""), (r"qu", "k"), (r"c(?=[ei])", "s"), (r"c", "k"), (r"z", "s"), (r"x(?=[aeiou])", "j"), (r"v", "b"),
    (r"ll", "y"), (r"m(?=[pb])", "n"), (r"(.)\1+", r"\1"),
))


def sound(word: str) -> str:
    """How a word sounds: 'serrada' and 'cerrada' both sound 'serada'."""
    for pattern, replacement in _SOUNDS:
        word = pattern.sub(replacement, word)
    return word


@dataclass(frozen=True)
class Match(Generic[V]):
    start: int  # token index
    end: int  # token index, exclusive
    value: V
    phrase: str


def allowed_edits(word: str) -> int:
    """How many typos a word of this length tolerates."""
    if len(word) < MIN_FUZZY_CHARS:
        return 0
    return 1 if len(word) < 9 else 2


class Speller:
    """Mends typos of known words. `known` are the words of every phrase worth finding; `guard`
    are words spelled right that are never taken for a typo of another ('pueblo' is not 'puebla')."""

    def __init__(self, phrases: Iterable[tuple[str, ...]], guard: Iterable[str] = ()):
        phrases = list(phrases)
        self._known = frozenset(word for phrase in phrases for word in phrase)
        self._next: dict[str, set[str]] = {}  # word -> words that follow it in a phrase ('nuevo' -> 'leon')
        for phrase in phrases:
            for first, second in pairwise(phrase):
                self._next.setdefault(first, set()).add(second)
        self._keep = self._known | frozenset(guard)
        self._by_initial: dict[str, list[str]] = {}
        for word in sorted(self._known):
            if len(word) >= MIN_FUZZY_CHARS - 1:
                self._by_initial.setdefault(word[0], []).append(word)
        sounds: dict[str, set[str]] = {}
        for word in self._keep:
            if len(word) >= MIN_SOUND_CHARS:
                sounds.setdefault(sound(word), set()).add(word)
        self._by_sound = {key: next(iter(words)) for key, words in sounds.items() if len(words) == 1}
        self.correct_word = lru_cache(maxsize=50_000)(self._correct_word)

    def knows(self, word: str) -> bool:
        """Whether a word belongs to the domain's vocabulary (or is an everyday word kept as is)."""
        return word in self._keep

    def correct(self, tokens: list[str]) -> list[str]:
        mended = [self.correct_word(token) for token in tokens]
        for i in range(1, len(mended)):  # a short word after the start of a phrase: 'nuevo lion'
            if mended[i] not in self._keep and mended[i - 1] in self._next:
                mended[i] = self._after(mended[i - 1], mended[i])
        return mended

    def _after(self, previous: str, word: str) -> str:
        for candidate in sorted(self._next[previous]):
            if abs(len(candidate) - len(word)) <= 1 and OSA.distance(word, candidate) <= 1 and candidate[0] == word[0]:
                return candidate
        return word

    def _correct_word(self, word: str) -> str:
        if word in self._keep or word.isdigit():
            return word
        budget = allowed_edits(word)
        found = extractOne(word, self._by_initial.get(word[0], ()), scorer=OSA.distance, score_cutoff=budget) if budget else None
        if found is not None and found[1] <= allowed_edits(found[0]):
            return found[0]
        if len(word) >= MIN_SOUND_CHARS:
            return self._by_sound.get(sound(word), word)
        return word


class PhraseMatcher(Generic[V]):
    """Finds non-overlapping known phrases in a list of tokens, longest first."""

    def __init__(self, phrases: Iterable[tuple[str, V]]):
        self._exact: dict[tuple[str, ...], V] = {}
        for phrase, value in phrases:
            self._exact.setdefault(tuple(phrase.split()), value)
        self._max_words = max((len(key) for key in self._exact), default=1)
        self._first_words = frozenset(key[0] for key in self._exact)

    def phrases(self) -> set[tuple[str, ...]]:
        return set(self._exact)

    def find(self, tokens: list[str] | tuple[str, ...]) -> list[Match[V]]:
        matches: list[Match[V]] = []
        i = 0
        while i < len(tokens):
            if tokens[i] not in self._first_words:
                i += 1
                continue
            for n in range(min(self._max_words, len(tokens) - i), 0, -1):
                key = tuple(tokens[i:i + n])
                if key in self._exact:
                    matches.append(Match(i, i + n, self._exact[key], " ".join(key)))
                    i += n
                    break
            else:
                i += 1
        return matches
