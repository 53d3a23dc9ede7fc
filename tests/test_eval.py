"""The labelled evaluation set: at least 95% of questions get the right intent and entities,
and no intent falls far behind."""

from __future__ import annotations

from tests.eval.evaluate import QUESTIONS, accuracy_by_intent, evaluate, load_cases


def test_evaluation_set_is_large_and_covers_every_intent():
    cases = load_cases()
    assert len(cases) >= 200
    from knowledge.understanding import INTENTS

    assert {c.intent for c in cases} == set(INTENTS)


def test_accuracy_is_at_least_95_percent(engine):
    outcomes = evaluate(engine)
    right = sum(o.ok for o in outcomes)
    failures = [o.case.question for o in outcomes if not o.ok]
    assert right / len(outcomes) >= 0.95, f"{right}/{len(outcomes)} right; failing: {failures[:20]}"


def test_no_intent_is_left_behind(engine):
    for intent, (right, total) in accuracy_by_intent(evaluate(engine)).items():
        assert right / total >= 0.85, f"{intent}: {right}/{total} ({QUESTIONS.name})"
