"""Accuracy of understanding and answers on the labelled evaluation corpus, per question form:
intent and slots, the stricter form and slots, fact recall, wrong facts (a wrong yes/no counts as
one), out-of-scope recall and in-scope questions refused.

    python -m benchmarks.eval_accuracy [frozen|tune] [--failures]
    python -m benchmarks.eval_accuracy --leave-out q11,q12,d6 [--failures]

`frozen` (tests/eval/frozen/, the default) was written by people who never saw the code and is
never read while tuning; `tune` (tests/eval/tune/) is what the vocabulary and the examples were
tuned on, and its questions are among the classifier's examples, so its figure is not a
generalization figure. `--leave-out` scores tuning files with their questions taken out of the
classifier's examples: a development figure for choices about the classifier that keeps the
frozen part unread (the vocabulary was still tuned on those files, so it flatters)."""

from __future__ import annotations

import sys


from knowledge.engine import Engine
from knowledge.loader import load_knowledge
from knowledge.text import fold
from tests.eval.evaluate import FROZEN, TUNE, corpus, evaluate, load, scope_figures, tallies


def main() -> int:
    left_out = _option("--leave-out")
    part = TUNE if "tune" in sys.argv[1:] or left_out else FROZEN
    paths = [p for p in corpus(part) if not left_out or p.stem in left_out.split(",")]
    questions, dialogues = load(paths)
    engine = _without_examples(questions, dialogues) if left_out else Engine.load()
    outcomes = evaluate(engine, paths)
    print(f"== {part.name}{' (left out of the examples)' if left_out else ''}: {', '.join(p.name for p in paths)} — {len(questions)} questions, "
          f"{len(dialogues)} dialogues ({sum(len(d) for d in dialogues)} turns)")
    print(f"{'form':<16} {'n':>5} {'intent+slots':>13} {'form+slots':>11} {'fact recall':>12} {'wrong':>6}")
    rows = tallies(outcomes)
    for form in sorted(rows, key=lambda f: (f == "ALL", f)):
        t = rows[form]
        recall = f"{t.facts_found / t.facts:.1%}" if t.facts else "—"
        print(f"{form:<16} {t.total:>5} {t.right / t.total:>13.1%} {t.form_right / t.total:>11.1%} {recall:>12} {t.wrong:>6}")
    recall, refused = scope_figures(outcomes)
    print(f"out-of-scope recall: {recall:.1%}   in-scope refused as out of scope: {refused:.1%}")
    if "--failures" in sys.argv:
        for o in outcomes:
            if not o.ok or o.wrong:
                c = o.case
                print(f"- [{c.source}] {c.question!r}\n    label {c.form}/{c.intent} {c.states} step={c.step} phase={c.phase} term={c.term}"
                      f"\n    got   {o.form}/{o.intent} {o.states} step={o.step} phase={o.phase} term={o.term} {' '.join(o.wrong)}")
    return 0


def _option(name: str) -> str | None:
    args = sys.argv[1:]
    return args[args.index(name) + 1] if name in args[:-1] else None


def _without_examples(questions: list, dialogues: list) -> Engine:
    """An engine whose classifier never saw these questions (nor the dialogues' turns)."""
    unseen = {fold(c.question) for c in questions} | {fold(t.question) for d in dialogues for t in d}
    kb = load_knowledge()
    examples = {form: tuple(q for q in qs if fold(q) not in unseen) for form, qs in kb.examples.items()}
    return Engine(kb.model_copy(update={"examples": examples}))


if __name__ == "__main__":
    sys.exit(main())
