"""Finding known phrases (state names, step names, glossary terms, cue words) in a normalized
question, exactly or with a typo. Exact matches win; a word or phrase that is not exact may be
one or two edits away (optimal string alignment, so 'puebal' is one edit from 'puebla')."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Iterable, TypeVar

from rapidfuzz.distance import OSA
from rapidfuzz.process import extractOne

V = TypeVar("V")

MIN_FUZZY_CHARS = 5


@dataclass(frozen=True)
class Match(Generic[V]):
    start: int  # token index
    end: int  # token index, exclusive
    value: V
    phrase: str
    exact: bool


def allowed_edits(phrase: str) -> int:
    """How many typos a phrase of this length tolerates."""
    length = len(phrase.replace(" ", ""))
    if length < MIN_FUZZY_CHARS:
        return 0
    return 1 if length < 9 else 2


class PhraseMatcher(Generic[V]):
    """Finds non-overlapping known phrases in a list of tokens, longest first."""

    def __init__(self, phrases: Iterable[tuple[str, V]], guard: frozenset[str] = frozenset(), fuzzy: bool = True):
        self._exact: dict[tuple[str, ...], V] = {}
        for phrase, value in phrases:
            self._exact.setdefault(tuple(phrase.split()), value)
        self._max_words = max((len(key) for key in self._exact), default=1)
        self._first_words = frozenset(key[0] for key in self._exact)
        self._guard = guard
        self._fuzzy_by_words: dict[int, list[str]] = {}
        if fuzzy:
            for key in self._exact:
                text = " ".join(key)
                if allowed_edits(text):
                    self._fuzzy_by_words.setdefault(len(key), []).append(text)

    def find(self, tokens: list[str], fuzzy: bool = True) -> list[Match[V]]:
        matches = self._find_exact(tokens)
        unknown = [i for i, token in enumerate(tokens) if token not in self._guard] if fuzzy else []
        if unknown and self._fuzzy_by_words:  # only words we do not know can be typos
            taken = {i for m in matches for i in range(m.start, m.end)}
            matches += self._find_fuzzy(tokens, taken, unknown)
        return sorted(matches, key=lambda m: m.start)

    def _find_exact(self, tokens: list[str]) -> list[Match[V]]:
        matches: list[Match[V]] = []
        i = 0
        while i < len(tokens):
            if tokens[i] not in self._first_words:
                i += 1
                continue
            for n in range(min(self._max_words, len(tokens) - i), 0, -1):
                key = tuple(tokens[i:i + n])
                if key in self._exact:
                    matches.append(Match(i, i + n, self._exact[key], " ".join(key), True))
                    i += n
                    break
            else:
                i += 1
        return matches

    def _find_fuzzy(self, tokens: list[str], taken: set[int], unknown: list[int]) -> list[Match[V]]:
        """Phrases one or two edits away, among the spans that hold at least one unknown word."""
        matches: list[Match[V]] = []
        for n in sorted(self._fuzzy_by_words, reverse=True):
            if n > len(tokens):
                continue
            starts = sorted({s for u in unknown for s in range(max(0, u - n + 1), min(u, len(tokens) - n) + 1)})
            for i in starts:
                span = range(i, i + n)
                if any(j in taken for j in span):
                    continue
                match = self._closest(" ".join(tokens[i:i + n]), self._fuzzy_by_words[n])
                if match:
                    matches.append(Match(i, i + n, self._exact[tuple(match.split())], match, False))
                    taken.update(span)
        return matches

    @staticmethod
    def _closest(text: str, choices: list[str]) -> str | None:
        budget = allowed_edits(text)
        if " " in text:  # a phrase tolerates one typo, and every word keeps its first letter
            budget = min(budget, 1)
        if not budget:
            return None
        found = extractOne(text, choices, scorer=OSA.distance, score_cutoff=budget)
        if found is None:
            return None
        choice, distance, _ = found
        if distance > allowed_edits(choice) or not _same_initials(text, choice):
            return None
        return choice


def _same_initials(text: str, choice: str) -> bool:
    words, choice_words = text.split(), choice.split()
    return len(words) == len(choice_words) and all(a[0] == b[0] for a, b in zip(words, choice_words))
