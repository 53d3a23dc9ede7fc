"""Updates answered per second: CocreaBot against a minimal python-telegram-bot echo bot, on
the same Bot API emulator, in the same run.

    python -m benchmarks.bot_throughput [--updates 2000] [--rounds 2] [--limited-updates 300]
                                        [--latency 0.15]

Each bot runs as its own process (this script with --serve), built with the same PTB settings
(HTML defaults, long polling), and gets the same questions from tests/eval/tune/, each update
from a different user. The echo bots are PTB's default: updates handled one at a time.
CocreaBot handles chats concurrently, each chat's updates in order (bot/runtime/updates.py). It is
measured without a rate limiter (rate_limit=False): the limiter caps every bot at 30 messages
a second, which is Telegram's broadcast limit, not a property of our code. The figure with the
limiter on (as the bot runs) is printed too.

--latency adds that many seconds to every Bot API call (the emulator waits before answering):
a server far away. With 0.15 s a bot that handles updates one at a time answers about 6 people
a second, whatever its code; the aim for CocreaBot with its limiter is at least 27 a second.
Then use fewer updates (e.g. --updates 300 --limited-updates 600 --rounds 1).

Shared machines are noisy: compare the ratio, not absolutes; this script prints figures and
asserts nothing."""

from __future__ import annotations

import argparse
import html
import itertools
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ALLOWED_UPDATES = ["message", "callback_query"]
WARM_UP = 50


# -- the bots (run in their own process with --serve) -------------------------------------------

def serve(kind: str) -> None:
    from bot.runtime.settings import Settings

    settings = Settings.from_env()
    builders = {"echo": echo_application, "echo-rich": rich_echo_application}
    application = builders[kind](settings) if kind in builders else cocrea_application(settings, kind)
    application.run_polling(allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False)


async def echo(update, context) -> None:
    await update.effective_message.reply_text(html.escape(update.effective_message.text))


def echo_application(settings, answer=echo):
    from telegram import LinkPreviewOptions
    from telegram.constants import ParseMode
    from telegram.ext import ApplicationBuilder, Defaults, MessageHandler, filters

    application = (ApplicationBuilder().token(settings.token).base_url(settings.bot_api_url)
                   .base_file_url(settings.file_api_url)
                   .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
                   .build())
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, answer))
    return application


def rich_echo_application(settings):
    """The echo bot, answering each question with CocreaBot's reply computed in advance: the
    same payloads (HTML entities, keyboards), none of our code on the way. It splits the gap
    between the two bots into the cost of richer messages and the cost of our code."""
    from handlers.render import send_reply
    from knowledge.engine import Engine

    engine = Engine.load()
    replies = {text: engine.ask(text) for text in questions()}

    async def rich_echo(update, context) -> None:
        await send_reply(update.effective_message, replies[update.effective_message.text])

    return echo_application(settings, rich_echo)


def cocrea_application(settings, kind: str):
    from bot.app import build_application

    return build_application(settings, rate_limit=kind == "cocrea-limited")


# -- the measurement -----------------------------------------------------------------------------

def questions() -> list[str]:
    from tests.eval.evaluate import TUNE, corpus, load

    return [case.question for case in load(corpus(TUNE))[0]]


class Run:
    def __init__(self, per_second: float, cpu_ms: float | None):
        self.per_second, self.cpu_ms = per_second, cpu_ms


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc); None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(emu, kind: str, users: list, texts: list[str], workdir: Path) -> Run:
    """Start one bot, warm it up, send len(users) updates at once; updates answered per second
    and the bot process's CPU time per update."""
    bot = emu.add_bot(username=f"bench_{kind.replace('-', '_')}_{len(emu.world.bots_by_id)}_bot")
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": bot.token, "TELEGRAM_API_BASE_URL": emu.base_url,
           "COCREA_DB": str(workdir / f"{bot.username}.db"), "PYTHONUNBUFFERED": "1"}
    log = open(workdir / f"{bot.username}.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "benchmarks.bot_throughput", "--serve", kind], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        emu.wait_for(lambda: emu.is_polling(bot) or process.poll() is not None, timeout=60)
        if process.poll() is not None:
            raise RuntimeError(f"{kind} exited: {(workdir / f'{bot.username}.log').read_text()}")
        warm_up = emu.new_users(WARM_UP, first_name="Calentamiento")
        answered(emu, lambda: [emu.send_text(u, t, bot=bot) for u, t in zip(warm_up, itertools.cycle(texts))], WARM_UP)
        cpu_before, started = cpu_seconds(process.pid), time.perf_counter()
        answered(emu, lambda: [emu.send_text(u, t, bot=bot) for u, t in zip(users, itertools.cycle(texts))], len(users))
        elapsed, cpu_after = time.perf_counter() - started, cpu_seconds(process.pid)
        missing = [u.id for u in users if not emu.unread_messages(u, bot=bot)]
        if missing:
            raise RuntimeError(f"{kind}: {len(missing)} users got no answer")
        cpu_ms = (cpu_after - cpu_before) * 1000 / len(users) if cpu_before is not None else None
        return Run(len(users) / elapsed, cpu_ms)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def answered(emu, send, count: int) -> None:
    """Run send() and wait until `count` more messages were sent by any bot."""
    before = emu.call_count("sendMessage")
    send()
    emu.wait_for(lambda: emu.call_count("sendMessage") - before >= count, timeout=600,
                 description=f"{count} answers")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2, help="alternate the bots this many times; best of each")
    parser.add_argument("--limited-updates", type=int, default=300, help="updates for the run with the limiter")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every Bot API call")
    parser.add_argument("--serve", choices=["echo", "echo-rich", "cocrea", "cocrea-limited"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0

    from tests.emulator import BotApiEmulator

    texts = questions()
    results: dict[str, list[Run]] = {"echo": [], "echo-rich": [], "cocrea": [], "cocrea-limited": []}
    with tempfile.TemporaryDirectory() as directory, BotApiEmulator(max_recorded_calls=0) as emu:
        workdir = Path(directory)
        if args.latency:
            emu.set_latency(args.latency)
        for _ in range(args.rounds):
            for kind in ("echo", "echo-rich", "cocrea"):
                users = emu.new_users(args.updates, first_name="Persona")
                results[kind].append(measure(emu, kind, users, texts, workdir))
        users = emu.new_users(args.limited_updates, first_name="Persona")
        results["cocrea-limited"].append(measure(emu, "cocrea-limited", users, texts, workdir))

    echo, rich, cocrea, limited = (max(results[k], key=lambda r: r.per_second) for k in results)
    print(f"Updates answered per second over the Bot API emulator ({args.updates} updates from "
          f"{args.updates} users, questions from tests/eval/tune/; best of {args.rounds} rounds; "
          f"+{args.latency * 1000:.0f} ms on every Bot API call)")
    print(f"{'bot':<44}{'updates/s':>10}{'bot CPU ms/update':>19}   all rounds (updates/s)")
    print(f"{'minimal PTB echo bot':<44}{echo.per_second:>10.1f}{_cpu(echo):>19}   {_samples(results['echo'])}")
    print(f"{'echo bot sending CocreaBot replies':<44}{rich.per_second:>10.1f}{_cpu(rich):>19}   {_samples(results['echo-rich'])}")
    print(f"{'CocreaBot (rate_limit=False)':<44}{cocrea.per_second:>10.1f}{_cpu(cocrea):>19}   {_samples(results['cocrea'])}")
    print(f"{'ratio CocreaBot / echo (aim: at least 0.8)':<44}{cocrea.per_second / echo.per_second:>10.2f}")
    print(f"{'ratio CocreaBot / echo with the same replies':<44}{cocrea.per_second / rich.per_second:>10.2f}")
    print(f"{f'CocreaBot with its limiter ({args.limited_updates} updates)':<44}{limited.per_second:>10.1f}"
          f"{_cpu(limited):>19}   capped near 30 msg/s: Telegram's broadcast limit, not our code")
    print(f"(median of rounds: echo {statistics.median(r.per_second for r in results['echo']):.0f}, "
          f"CocreaBot {statistics.median(r.per_second for r in results['cocrea']):.0f})")
    return 0


def _cpu(run: Run) -> str:
    return "n/a" if run.cpu_ms is None else f"{run.cpu_ms:.2f}"


def _samples(runs: list[Run]) -> str:
    return ", ".join(f"{run.per_second:.0f}" for run in runs)


if __name__ == "__main__":
    sys.exit(main())
