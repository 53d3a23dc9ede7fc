"""Answer latency over the labelled evaluation set, and the knowledge load time.

    python -m benchmarks.answer_latency [--rounds N]

Prints p50/p99 per question for the full path (understand + compose the reply) and, as a
baseline run in the same process, for a minimal matcher (normalize + one rapidfuzz lookup over
the state names), with their ratio. Shared machines are noisy: compare ratios, not absolutes."""

from __future__ import annotations

import argparse
import statistics
import sys
import time


from rapidfuzz import process

from knowledge.engine import Engine
from knowledge.loader import load_knowledge
from knowledge.text import normalize
from tests.eval.evaluate import TUNE, corpus, load


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def timed(function, questions: list[str], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        for question in questions:
            started = time.perf_counter()
            function(question)
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    loads = []
    for _ in range(5):
        started = time.perf_counter()
        kb = load_knowledge()
        engine = Engine(kb)
        loads.append((time.perf_counter() - started) * 1000)

    questions = [case.question for case in load(corpus(TUNE))[0]]
    names = [state.name for state in kb.states.values()]
    for question in questions:  # warm up
        engine.ask(question)

    full = timed(engine.ask, questions, args.rounds)
    baseline = timed(lambda q: process.extractOne(normalize(q), names), questions, args.rounds)
    long_text = timed(engine.ask, ["¿cómo va jalisco? " * 600], args.rounds * 10)

    print(f"questions: {len(questions)} x {args.rounds} rounds")
    print(f"knowledge load + engine build: median {statistics.median(loads):.1f} ms, max {max(loads):.1f} ms")
    print(f"{'path':<34} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for label, samples in (("answer (understand + compose)", full), ("baseline (normalize + extractOne)", baseline),
                           ("answer, 10,800-character message", long_text)):
        print(f"{label:<34} {percentile(samples, .5):>8.3f} {percentile(samples, .99):>8.3f} {max(samples):>8.3f}")
    print(f"ratio answer/baseline: p50 {percentile(full, .5) / percentile(baseline, .5):.1f}x, "
          f"p99 {percentile(full, .99) / percentile(baseline, .99):.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
