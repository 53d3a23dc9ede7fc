"""Read-only snapshots of chat messages as a user sees them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .entities import entity_text
from .world import StoredMessage


def _button_value(button: dict) -> str | None:
    for key in ("callback_data", "url"):
        if key in button:
            return button[key]
    if "web_app" in button:
        return button["web_app"].get("url")
    return None


@dataclass(frozen=True)
class MessageView:
    chat_id: int
    message_id: int
    text: str | None  # what the user reads: text, or the caption of a media message
    source: str | None  # text/caption exactly as the bot sent it (raw HTML / Markdown)
    parse_mode: str | None
    entities: tuple[dict, ...]
    buttons: tuple[tuple[tuple[str, str | None], ...], ...]  # rows of (text, callback_data|url)
    from_bot: bool
    sender_id: int | None
    bot_id: int | None  # the bot whose chat this is / who sent it
    date: int
    edited: bool
    deleted: bool
    reply_to_message_id: int | None
    raw: dict  # the Bot API Message object

    @classmethod
    def of(cls, stored: StoredMessage, bot_id: int | None) -> "MessageView":
        data = stored.data
        markup = data.get("reply_markup", {}).get("inline_keyboard", [])
        buttons = tuple(tuple((b.get("text", ""), _button_value(b)) for b in row) for row in markup)
        reply = data.get("reply_to_message")
        text = data.get("text", data.get("caption"))
        return cls(
            chat_id=data["chat"]["id"], message_id=data["message_id"], text=text,
            source=stored.source, parse_mode=stored.parse_mode,
            entities=tuple(data.get("entities", data.get("caption_entities", ()))),
            buttons=buttons, from_bot=stored.sender_bot_id is not None,
            sender_id=data.get("from", {}).get("id"), bot_id=stored.sender_bot_id or bot_id,
            date=data["date"], edited="edit_date" in data, deleted=stored.deleted,
            reply_to_message_id=reply["message_id"] if reply else None, raw=data,
        )

    @property
    def html(self) -> str | None:
        """The raw HTML the bot sent, when it used parse_mode HTML."""
        return self.source if (self.parse_mode or "").lower() == "html" else None

    @property
    def document(self) -> dict | None:
        return self.raw.get("document")

    @property
    def photo(self) -> list | None:
        return self.raw.get("photo")

    @property
    def button_texts(self) -> list[str]:
        return [text for row in self.buttons for text, _ in row]

    @property
    def callback_data(self) -> list[str | None]:
        return [value for row in self.buttons for _, value in row]

    def button(self, label: str) -> tuple[str, str | None]:
        """The (text, value) of the button whose text or value is `label`."""
        for row in self.buttons:
            for text, value in row:
                if label in (text, value):
                    return text, value
        raise LookupError(f"no button {label!r} in message {self.message_id}: {self.buttons}")

    def entities_of(self, kind: str) -> list[str]:
        """Texts covered by entities of one type, e.g. entities_of("bold")."""
        return [entity_text(self.text or "", e) for e in self.entities if e["type"] == kind]

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]
