"""The labelled evaluation corpus: well formed in both parts, and the engine's figures on the
tuning part (its questions are among the classifier's examples, so these are floors that catch
regressions, not generalization figures: benchmarks/eval_accuracy.py reports the frozen part)."""

from __future__ import annotations

import pytest

from knowledge.loader import default_knowledge
from knowledge.understanding.request import ATTRIBUTES, FORMS
from tests.eval.evaluate import FROZEN, TUNE, corpus, load, scope_figures, tallies

KB = default_knowledge()
NAMES = {s.name for s in KB.states.values()}


@pytest.mark.parametrize("part", [TUNE, FROZEN], ids=["tune", "frozen"])
def test_every_label_uses_the_contract(part):
    """Only the labels are checked here; the frozen questions are not read by anyone tuning."""
    questions, dialogues = load(corpus(part))
    cases = questions + [turn for dialogue in dialogues for turn in dialogue]
    assert len(cases) >= 1000
    for case in cases:
        assert case.form in FORMS
        assert set(case.states) <= NAMES and set(case.ambiguous) <= NAMES
        assert case.attribute in (None, *ATTRIBUTES)
        assert case.term is None or case.term in KB.terms
        assert case.answer in (None, "si", "no")


def test_the_corpus_holds_at_least_2000_questions():
    total = 0
    for part in (TUNE, FROZEN):
        questions, dialogues = load(corpus(part))
        total += len(questions) + sum(len(d) for d in dialogues)
    assert total >= 2000


@pytest.fixture(scope="module")
def tuned(tune_outcomes):
    return tune_outcomes


def test_understanding_on_the_tuning_part(tuned):
    every = tallies(tuned)["ALL"]
    assert every.right / every.total >= 0.93
    recall, refused = scope_figures(tuned)
    assert recall >= 0.92 and refused <= 0.015


def test_no_form_is_left_behind(tuned):
    for form, tally in tallies(tuned).items():
        if tally.total >= 30:
            assert tally.right / tally.total >= 0.8, form


def test_answers_carry_the_facts_asked_and_almost_never_a_wrong_one(tuned):
    every = tallies(tuned)["ALL"]
    assert every.facts_found / every.facts >= 0.85
    assert every.wrong <= 16  # each one is listed by `benchmarks/eval_accuracy.py tune --failures`
