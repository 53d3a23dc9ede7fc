"""Accuracy of question understanding, per intent, on the labelled evaluation set the rules
were tuned on (tests/eval/preguntas.yaml) and on a held-out set written by someone who never saw
the rules (tests/eval/holdout.yaml).

    python benchmarks/eval_accuracy.py [--failures]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from knowledge.engine import Engine  # noqa: E402
from tests.eval.evaluate import QUESTIONS, accuracy_by_intent, evaluate, load_cases  # noqa: E402

HOLDOUT = QUESTIONS.with_name("holdout.yaml")


def main() -> int:
    engine = Engine.load()
    for title, path in (("Labelled set (tuned on)", QUESTIONS), ("Held-out set", HOLDOUT)):
        print(f"\n== {title}: {path.name}")
        report(evaluate(engine, load_cases(path)))
    return 0


def report(outcomes) -> None:
    print(f"{'intent':<20} {'right':>5} {'total':>5} {'accuracy':>9}")
    for intent, (right, total) in accuracy_by_intent(outcomes).items():
        print(f"{intent:<20} {right:>5} {total:>5} {right / total:>9.1%}")
    right = sum(o.ok for o in outcomes)
    intent_right = sum(o.intent_ok for o in outcomes)
    print(f"{'ALL (intent+entities)':<20} {right:>5} {len(outcomes):>5} {right / len(outcomes):>9.1%}")
    print(f"{'ALL (intent only)':<20} {intent_right:>5} {len(outcomes):>5} {intent_right / len(outcomes):>9.1%}")
    if "--failures" in sys.argv:
        print("\nFailures (label → got):")
        for o in outcomes:
            if not o.ok:
                c, g = o.case, o.got
                print(f"- {c.question!r}\n    {c.intent} {c.state} {c.step} F{c.phase} {c.term} {c.ambiguous}\n  → {g.intent} {g.state} {g.step} F{g.phase} {g.term} {g.ambiguous}")


if __name__ == "__main__":
    sys.exit(main())
