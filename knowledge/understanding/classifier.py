"""The question-form classifier: multinomial naive Bayes over the words of a message with its
entities replaced by their type (a state becomes ESTADO, a year ANIO), word pairs, letter
n-grams (typos still share most of them) and the vocabulary's cues. Trained from the example
questions in knowledge/data/ejemplos.yaml when they or the vocabulary change, and kept in a cache
folder keyed by their content, so a curator's new example counts at the next start, with no
model file in the repository to keep in sync.

Why not scikit-learn: importing it takes longer (~1.5 s here) than the whole start-up budget
of `python -m bot ask` (1 s), and naive Bayes is a few dozen lines."""

from __future__ import annotations

import json
import math
import os
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Callable, Iterable

from knowledge.understanding.entities import Found

Features = defaultdict[str, float]  # feature -> weight (words count 1, pairs, letters and cues their weights)

CHAR_WEIGHT = 0.25  # letter n-grams are many per word; they help with typos, words decide
PAIR_WEIGHT = 1.0
CUE_WEIGHT = 1.5
SMOOTHING = 0.2


def features(found: Found, stopwords: frozenset[str], newest_source_year: int = 9999) -> Features:
    """Weighted features of a message: masked words, word pairs, letter n-grams, cues, counts."""
    out = _word_features(_masked(found), stopwords)
    _found_features(out, found, newest_source_year)
    return out


def _word_features(masked: list[str], stopwords: frozenset[str]) -> Features:
    """Masked words, word pairs and letter n-grams."""
    out: Features = defaultdict(float)
    for word in masked:
        out[f"w:{word}"] += 1
    for a, b in pairwise(masked):
        out[f"p:{a} {b}"] += PAIR_WEIGHT
    for word in masked:
        if word.isupper() or len(word) < 4 or word in stopwords:
            continue
        padded = f"<{word}>"
        for n in (3, 4):
            for i in range(len(padded) - n + 1):
                out[f"c:{padded[i:i + n]}"] += CHAR_WEIGHT
    return out


def _found_features(out: Features, found: Found, newest_source_year: int) -> None:
    """Cues, what was found (states, term, step, phase, year) and counts."""
    for namespace, names in found.cues.items():
        for name in names:
            out[f"cue:{namespace}.{name}"] += CUE_WEIGHT
        if namespace in ("out_of_scope", "missing", "audience", "attribute", "value"):
            out[f"cue:{namespace}"] += CUE_WEIGHT
    out[f"states:{min(len(found.states), 2)}"] += 1
    if found.ambiguous_states:
        out["states:ambiguous"] += 1
    if found.term:
        out["has:term"] += 1
    reference = found.reference
    if reference.step is not None or reference.bad_number is not None:
        out["has:step_described" if reference.described else "has:step"] += 1
    elif found.described_step is not None:
        out["has:step_described"] += 1
    if reference.phase is not None:
        out["has:phase"] += 1
    if found.year:
        out["has:year_after_sources" if found.year > newest_source_year else "has:year"] += 1
    if found.negated:
        out["has:negation"] += 1
    out[f"length:{min(len(found.tokens) // 4, 5)}"] += 1
    out[f"asks:{found.interrogative or 'none'}"] += CUE_WEIGHT
    out[f"foreign:{min(found.foreign, 3)}"] += CUE_WEIGHT


def _masked(found: Found) -> list[str]:
    """The tokens with each entity replaced by its type."""
    tokens = list(found.tokens)
    spans: list[tuple[int, int, str]] = [(s, e, "ESTADO") for s, e in found.state_spans]
    if found.term_span:
        spans.append((*found.term_span, "TERMINO"))
    reference = found.reference
    if reference.start >= 0:
        spans.append((reference.start, reference.end, "FASE" if reference.phase is not None else "PASO"))
    for start, end, label in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if start < len(tokens) and tokens[start] != "\0":
            tokens[start] = label
            for i in range(start + 1, min(end, len(tokens))):
                tokens[i] = "\0"
    out = []
    for token in tokens:
        if token == "\0":
            continue
        if token.isdigit():
            token = "ANIO" if len(token) == 4 else "NUM"
        out.append(token)
    return out


@dataclass(frozen=True)
class Ranked:
    form: str
    probability: float


class FormClassifier:
    """Per form, the log-likelihood of each feature; equal priors (how often a form appears
    among the examples says nothing about a message)."""

    def __init__(self, log_likelihood: dict[str, dict[str, float]], unseen: dict[str, float]):
        self.forms = tuple(sorted(log_likelihood))
        self._log_likelihood = log_likelihood
        self._unseen = unseen
        self._known = set().union(*(set(table) for table in log_likelihood.values())) if log_likelihood else set()
        # One row per feature, a log-likelihood per form, made the first time the feature is met:
        # scoring a message adds up its rows.
        self._rows: dict[str, tuple[float, ...]] = {}

    @classmethod
    def train(cls, examples: Iterable[tuple[str, Features]]) -> "FormClassifier":
        weights: defaultdict[str, Features] = defaultdict(lambda: defaultdict(float))
        for form, feats in examples:
            for feature, weight in feats.items():
                weights[form][feature] += weight
        size = len(set().union(*(set(c) for c in weights.values()))) or 1 if weights else 1
        log_likelihood, unseen = {}, {}
        for form in sorted(weights):
            total = sum(weights[form].values()) + SMOOTHING * size
            log_likelihood[form] = {f: math.log((w + SMOOTHING) / total) for f, w in weights[form].items()}
            unseen[form] = math.log(SMOOTHING / total)
        return cls(log_likelihood, unseen)

    @classmethod
    def cached(cls, key: str, examples: Callable[[], Iterable[tuple[str, Features]]], folder: Path | None) -> "FormClassifier":
        """Trained once per set of examples and vocabulary (`key`), then read from `folder`
        (tens of milliseconds instead of hundreds); trained in memory when the folder cannot
        be used."""
        path = folder / f"forms-{key}.json" if folder else None
        if path is not None:
            try:
                tables = json.loads(path.read_text(encoding="utf-8"))
                return cls(tables["log_likelihood"], tables["unseen"])
            except (OSError, ValueError, KeyError):
                pass
        model = cls.train(examples())
        if path is not None:
            model._save(path)
        return model

    def _save(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(json.dumps({"log_likelihood": self._log_likelihood, "unseen": self._unseen}), encoding="utf-8")
            partial.replace(path)  # whole or not at all, also with two processes starting at once
            for stale in path.parent.glob("forms-*.json"):
                if stale != path:
                    stale.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only home: train at each start, as without a cache

    def _row(self, feature: str) -> tuple[float, ...] | None:
        row = self._rows.get(feature)
        if row is None and feature in self._known:
            row = self._rows[feature] = tuple(self._log_likelihood[f].get(feature, self._unseen[f]) for f in self.forms)
        return row

    def rank(self, feats: Features) -> list[Ranked]:
        rows = [row if count == 1 else tuple(count * x for x in row)
                for f, count in feats.items() if (row := self._row(f)) is not None]
        scores = [sum(column) for column in zip(*rows, strict=True)] if rows else [0.0] * len(self.forms)
        top = max(scores)
        exp = [math.exp(score - top) for score in scores]
        total = sum(exp)
        return sorted((Ranked(form, value / total) for form, value in zip(self.forms, exp, strict=True)), key=lambda r: -r.probability)
