"""The one place that builds inline keyboards: every keyboard the bot sends goes through
inline_keyboard, which holds it to the phone-sized rules (knowledge/wording.py: labels of at most
24 characters, never cut inside a word; at most 8 rows, 12 for a grid of three to a row). A label
that breaks them is shortened at a word and logged: tests/test_keyboards.py walks every keyboard
the bot builds, so that never happens unnoticed."""

from __future__ import annotations

import logging
from typing import Callable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from knowledge.wording import MAX_LABEL, button_label, keyboard_problems, page_moves

log = logging.getLogger(__name__)


def inline_keyboard(rows: Sequence[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup | None:
    """The keyboard of these rows (None when there is no button), checked against the rules."""
    rows = [list(row) for row in rows if row]
    if not rows:
        return None
    problems = keyboard_problems([[button.text for button in row] for row in rows])
    if problems:
        log.warning("a keyboard breaks the phone-sized rules: %s", "; ".join(problems))
        rows = [[_fitted(button) for button in row] for row in rows]
    return InlineKeyboardMarkup(rows)


def _fitted(button: InlineKeyboardButton) -> InlineKeyboardButton:
    if len(button.text) <= MAX_LABEL:
        return button
    data = button.to_dict()
    data["text"] = button_label(button.text)
    return InlineKeyboardButton.de_json(data, None)


def page_row(page: int, pages: int, button: Callable[[str, int], InlineKeyboardButton]) -> list[InlineKeyboardButton]:
    """«◀ Anteriores» «Siguientes ▶» under a list shown a page at a time, as every list has them
    (empty for a list of one page): `button(label, page)` makes the button that shows that page."""
    return [button(label, to) for label, to in page_moves(page, pages)]
