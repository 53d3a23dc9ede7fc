"""Convocatorias: how long reading a typed date takes, and how long the periodic job takes.

    python -m benchmarks.convocatorias [--rounds N] [--convocatorias N] [--subscribers N]

Prints the first parse in a fresh process (it imports dateparser and loads its Spanish data),
then p50/p99 per phrase over the test phrasings; and the job's run time over a database with
that many open convocatorias and subscribers: once with nothing due, once when every
convocatoria is due for its reminder (the fan-out), once when they all close. Shared machines
are noisy: read the orders of magnitude."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path


from bot.core.convocatorias import ConvocatoriaDraft, Convocatorias
from bot.store import Store
from knowledge.loader import load_knowledge
from tests.test_date_input import NOT_DATES, NOW, PAST, VALID

STATES = ("oaxaca", "jalisco", "puebla", "chiapas")


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def date_parsing(rounds: int) -> None:
    from bot.core.dates import DateInputError, parse_moment

    def parse(text: str) -> None:
        try:
            parse_moment(text, NOW)
        except DateInputError:
            pass

    started = time.perf_counter()
    parse("15 de diciembre")
    first = (time.perf_counter() - started) * 1000
    phrases = [typed for typed, *_ in VALID] + PAST + [typed for typed, _ in NOT_DATES]
    samples = []
    for _ in range(rounds):
        for phrase in phrases:
            started = time.perf_counter()
            parse(phrase)
            samples.append((time.perf_counter() - started) * 1000)
    print(f"Fechas: primera lectura (importa dateparser) {first:.0f} ms; después, por frase: "
          f"p50 {percentile(samples, 0.5):.2f} ms, p99 {percentile(samples, 0.99):.2f} ms, "
          f"media {statistics.mean(samples):.2f} ms ({len(phrases)} frases × {rounds})")


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def elapsed(self) -> float:
        """Time really passes as this clock moves (the job refuses to act on a clock that jumps)."""
        return (self.now - NOW).total_seconds()


def job(convocatorias: int, subscribers: int) -> None:
    kb = load_knowledge()
    with tempfile.TemporaryDirectory() as directory:
        store = Store(Path(directory) / "bench.db")
        with store.transaction() as conn:
            conn.executemany("INSERT INTO chats(id) VALUES (?)", [(n,) for n in range(1, subscribers + 1)])
            conn.executemany("INSERT INTO subscriptions(chat_id, state) VALUES (?, ?)",
                             [(n, STATES[n % len(STATES)]) for n in range(1, subscribers + 1)])
        clock = Clock(NOW)
        desk = Convocatorias(store, kb, clock=clock, elapsed=clock.elapsed)
        closes = NOW + timedelta(days=20)
        for number in range(convocatorias):
            desk.create(ConvocatoriaDraft(state=STATES[number % len(STATES)], kind="mesas",
                                          title=f"Convocatoria {number}", closes_at=closes), "bench")
        for label, moment in (("nada pendiente", NOW + timedelta(days=1)),
                              ("todos los recordatorios", closes - timedelta(days=3)),
                              ("todos los cierres", closes)):
            clock.now = moment
            started = time.perf_counter()
            work = desk.run_due_work()
            elapsed = (time.perf_counter() - started) * 1000
            print(f"Tarea periódica, {label}: {elapsed:.0f} ms (recordatorios {len(work.reminded)}, "
                  f"entregas en cola {work.queued}, cerradas {len(work.closed)})")
        store.close()
    print(f"  sobre {convocatorias} convocatorias abiertas y {subscribers} suscriptores en {len(STATES)} entidades")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--convocatorias", type=int, default=200)
    parser.add_argument("--subscribers", type=int, default=2000)
    args = parser.parse_args()
    date_parsing(args.rounds)
    job(args.convocatorias, args.subscribers)


if __name__ == "__main__":
    main()
