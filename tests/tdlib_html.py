"""Telegram's own HTML parser as a second judge of the HTML the bot sends.

TDLib (the library behind api.telegram.org's Bot API server and Telegram's apps) parses HTML
offline with its synchronous `parseTextEntities` request; the `tdjson` package ships it
prebuilt. The emulator re-implements that parser (tests/emulator/entities.py); this module
asks the original, so "Telegram accepts this HTML" is not judged by our own code alone.
"""

from __future__ import annotations

import json

import tdjson

# TDLib's entity types by their Bot API names (the ones HTML can produce).
_TYPES = {
    "textEntityTypeBold": "bold", "textEntityTypeItalic": "italic",
    "textEntityTypeUnderline": "underline", "textEntityTypeStrikethrough": "strikethrough",
    "textEntityTypeSpoiler": "spoiler", "textEntityTypeCode": "code", "textEntityTypePre": "pre",
    "textEntityTypePreCode": "pre", "textEntityTypeTextUrl": "text_link",
    "textEntityTypeMentionName": "text_mention", "textEntityTypeCustomEmoji": "custom_emoji",
    "textEntityTypeBlockQuote": "blockquote",
    "textEntityTypeExpandableBlockQuote": "expandable_blockquote",
}


class Rejected(ValueError):
    """TDLib refused the markup; str() is its reason ("Can't parse entities: …")."""


def _execute(request: dict) -> dict:
    return json.loads(tdjson.td_execute(json.dumps(request).encode("utf-8")))


_execute({"@type": "setLogVerbosityLevel", "new_verbosity_level": 0})  # no log lines on stderr
VERSION = _execute({"@type": "getOption", "name": "version"})["value"]


def parse_html(source: str) -> tuple[str, list[tuple[str, int, int]]]:
    """(plain text, [(Bot API entity type, UTF-16 offset, length)]) as Telegram parses `source`."""
    result = _execute({"@type": "parseTextEntities", "text": source,
                       "parse_mode": {"@type": "textParseModeHTML"}})
    if result["@type"] == "error":
        raise Rejected(result["message"])
    entities = [(_TYPES[e["type"]["@type"]], e["offset"], e["length"]) for e in result["entities"]]
    return result["text"], sorted(entities, key=lambda e: (e[1], -e[2], e[0]))
