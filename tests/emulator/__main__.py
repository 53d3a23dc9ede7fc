"""Run the emulator standalone: python -m tests.emulator [--port 8081] [--token T]."""

from __future__ import annotations

import argparse
import threading

from .driver import BotApiEmulator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=BotApiEmulator.DEFAULT_TOKEN)
    parser.add_argument("--username", default=BotApiEmulator.DEFAULT_USERNAME)
    parser.add_argument("--flood-control", action="store_true")
    args = parser.parse_args()
    with BotApiEmulator(port=args.port, token=args.token, username=args.username,
                        flood_control=args.flood_control) as emulator:
        print(f"Bot API emulator at {emulator.base_url}  (bot base_url={emulator.api_base_url}, "
              f"token={emulator.token})", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
