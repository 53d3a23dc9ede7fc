"""What the map costs: drawing it (once per data version) and sending it again by file_id.

    python -m benchmarks.map_send [--rounds N]

Prints, per view, the time to build and draw the PNG (aim: under 300 ms); the bot's CPU for a
cached send (compute the view's version from the store, look up the file_id, caption and
buttons; aim: under 1 ms), next to a baseline measured in the same run: composing Jalisco's
card from the same store. Then, against the Bot API emulator, the bot's own thread CPU per
sendPhoto by file_id and per sendMessage of that card (the HTTP work PTB does either way).
Shared machines are noisy: compare ratios, not absolutes."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from bot.runtime.maps import MapCache
from bot.store import Store
from handlers.render import keyboard
from handlers.sharing import map_buttons, map_caption
from knowledge.engine import Engine
from knowledge.loader import default_knowledge
from knowledge.mapdraw import render_png
from knowledge.statemap import MODES, build_map
from tests.emulator import BotApiEmulator


def per_call_ms(function, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def cached_send_work(cache: MapCache, mode: str):
    def work():
        state_map = cache.current(mode)
        cache.file_id(state_map)
        map_caption(state_map)
        keyboard(map_buttons(mode, True))
    return work


def seeded_store(folder: Path) -> Store:
    store = Store(folder / "bench.db")
    for number, state in enumerate(("jalisco", "oaxaca", "baja-california-sur", "sonora", "colima") * 4):
        store.add_document(state=state, step=2 + number % 9, kind="acta", title=f"Documento {number}",
                           url=f"https://stl.example/{number}.pdf", file_id=None, file_unique_id=None, file_name=None,
                           published_on=date(2024, 5, 1), published_by="1", notice_html="Nuevo")
    return store


async def bot_thread_cpu(card_html: str, png: bytes, sends: int) -> tuple[float, float]:
    """CPU of the bot's own thread per sendPhoto(file_id) and per sendMessage, in ms."""
    with BotApiEmulator() as emu:
        user = emu.new_user("Ana")
        async with emu.ptb_bot() as bot:
            first = await bot.send_photo(user.id, png, caption="Mapa")
            file_id = first.photo[-1].file_id

            async def measure(send) -> float:
                for _ in range(10):
                    await send()  # warm up
                started = time.thread_time()
                for _ in range(sends):
                    await send()
                return (time.thread_time() - started) * 1000 / sends

            photo = await measure(lambda: bot.send_photo(user.id, file_id, caption="Mapa", parse_mode="HTML"))
            text = await measure(lambda: bot.send_message(user.id, card_html, parse_mode="HTML"))
    return photo, text


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    kb = default_knowledge()
    with tempfile.TemporaryDirectory() as folder:
        store = seeded_store(Path(folder))
        engine = Engine(kb, live=store)
        print("Dibujar el mapa (una vez por versión de los datos; meta < 300 ms):")
        for mode in MODES:
            drawn = per_call_ms(lambda mode=mode: render_png(build_map(kb, mode, store)), 7)
            print(f"  /mapa {mode:<7} {drawn:7.1f} ms")

        cache = MapCache(kb, store, None)
        for mode in MODES:
            cache.remember_file_id(cache.current(mode), f"file-{mode}")
        card = lambda: keyboard(engine.answers.state_card("jalisco").buttons)  # noqa: E731
        baseline = per_call_ms(card, args.rounds)
        print("\nReenviar por file_id, trabajo del bot antes de la llamada (meta < 1 ms):")
        for mode in MODES:
            cost = per_call_ms(cached_send_work(cache, mode), args.rounds)
            print(f"  /mapa {mode:<7} {cost * 1000:7.0f} µs   ({cost / baseline:.2f} × la ficha de Jalisco)")
        print(f"  línea base: componer la ficha de Jalisco {baseline * 1000:.0f} µs")

        png = render_png(build_map(kb, "estado"))
        photo, text = asyncio.run(bot_thread_cpu(engine.answers.state_card("jalisco").html, png, 300))
        print("\nCPU del hilo del bot por envío contra el emulador (HTTP incluido):")
        print(f"  sendPhoto por file_id {photo:.2f} ms · sendMessage de la ficha {text:.2f} ms · "
              f"razón {photo / text:.2f}")
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
