"""A Telegram Bot API emulator for end-to-end tests and benchmarks.

Start one with ``BotApiEmulator().start()`` (or ``with BotApiEmulator() as emu``) and point a
bot at ``emu.api_base_url`` / ``emu.file_base_url``; see driver.py for the users' side.
"""

from . import inline, photos  # noqa: F401  (register answerInlineQuery and sendPhoto)
from .control import Fault, FloodPolicy
from .driver import BotApiEmulator, EmulatorError, WaitTimeout
from .views import MessageView
from .world import BotAccount, Call, CallbackAnswer, Group, User

__all__ = [
    "BotAccount", "BotApiEmulator", "Call", "CallbackAnswer", "EmulatorError", "Fault",
    "FloodPolicy", "Group", "MessageView", "User", "WaitTimeout",
]
