"""The question-form classifier: multinomial naive Bayes over the words of a message with its
entities replaced by their type (a state becomes ESTADO, a year ANIO), word pairs, letter
n-grams (typos still share most of them) and the vocabulary's cues. Trained when the knowledge
loads, from the example questions in knowledge/data/ejemplos.yaml (tens of milliseconds), so a
curator's new example counts at the next start, with no model file to keep in sync.

Why not scikit-learn: importing it takes longer (~1.5 s here) than the whole start-up budget
of `python -m bot ask` (1 s), and naive Bayes is a few dozen lines."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable

from knowledge.understanding.entities import Found

CHAR_WEIGHT = 0.25  # letter n-grams are many per word; they help with typos, words decide
PAIR_WEIGHT = 1.0
CUE_WEIGHT = 1.5
SMOOTHING = 0.2


def features(found: Found, stopwords: frozenset[str], newest_source_year: int = 9999) -> Counter:
    """Weighted features of a message: masked words, word pairs, letter n-grams, cues, counts."""
    masked = _masked(found)
    out: Counter = Counter()
    for word in masked:
        out[f"w:{word}"] += 1
    for a, b in zip(masked, masked[1:]):
        out[f"p:{a} {b}"] += PAIR_WEIGHT
    for word in masked:
        if word.isupper() or len(word) < 4 or word in stopwords:
            continue
        padded = f"<{word}>"
        for n in (3, 4):
            for i in range(len(padded) - n + 1):
                out[f"c:{padded[i:i + n]}"] += CHAR_WEIGHT
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
    return out


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
    def __init__(self, examples: Iterable[tuple[str, Counter]]):
        weights: dict[str, Counter] = defaultdict(Counter)
        documents: Counter = Counter()
        for form, feats in examples:
            weights[form].update(feats)
            documents[form] += 1
        self.forms = tuple(sorted(weights))
        vocabulary = set().union(*(set(c) for c in weights.values())) if weights else set()
        size = len(vocabulary) or 1
        self._log_likelihood: dict[str, dict[str, float]] = {}
        self._unseen: dict[str, float] = {}
        for form in self.forms:
            total = sum(weights[form].values()) + SMOOTHING * size
            self._log_likelihood[form] = {f: math.log((w + SMOOTHING) / total) for f, w in weights[form].items()}
            self._unseen[form] = math.log(SMOOTHING / total)
        # Equal priors: how often a form appears among the examples says nothing about a message.
        self._known = vocabulary

    def rank(self, feats: Counter) -> list[Ranked]:
        scores = {}
        for form in self.forms:
            table, unseen = self._log_likelihood[form], self._unseen[form]
            scores[form] = sum(count * table.get(f, unseen) for f, count in feats.items() if f in self._known)
        top = max(scores.values())
        exp = {form: math.exp(score - top) for form, score in scores.items()}
        total = sum(exp.values())
        return sorted((Ranked(form, value / total) for form, value in exp.items()), key=lambda r: -r.probability)
