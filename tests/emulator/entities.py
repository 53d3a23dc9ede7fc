"""Text formatting the way Telegram's server does it.

Parses HTML (the only parse mode the bot uses) into plain text plus MessageEntity dicts, finds the
automatic entities (bot commands, mentions, hashtags, URLs) and measures offsets in UTF-16
code units, as the Bot API documents. The behaviour and the error texts follow TDLib's
parser (what api.telegram.org runs), re-implemented here from its observable rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PARSE_ERROR_PREFIX = "Bad Request: can't parse entities: "


class EntityParseError(ValueError):
    """The text's markup is invalid; str(exc) is the Telegram reason (without prefix)."""


@dataclass
class FormattedText:
    text: str
    entities: list[dict] = field(default_factory=list)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _utf16_offsets(text: str) -> list[int] | None:
    """Prefix UTF-16 offsets per char index, or None when they equal the char indices."""
    if utf16_len(text) == len(text):
        return None
    offsets, pos = [], 0
    for ch in text:
        offsets.append(pos)
        pos += 2 if ord(ch) > 0xFFFF else 1
    offsets.append(pos)
    return offsets


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


# Sorting like TDLib: offset ascending, longer first, then by type priority.
_TYPE_PRIORITY = {
    "blockquote": 0, "expandable_blockquote": 0, "pre": 11, "code": 20, "text_link": 49,
    "text_mention": 49, "bold": 90, "italic": 91, "underline": 92, "strikethrough": 93,
    "spoiler": 94, "custom_emoji": 99,
}


def sort_entities(entities: list[dict]) -> list[dict]:
    return sorted(
        entities,
        key=lambda e: (e["offset"], -e["length"], _TYPE_PRIORITY.get(e["type"], 50)),
    )


def checked_link(url: str) -> str:
    """Telegram silently drops links it can't use; schemeless ones get http://."""
    url = url.strip()
    if not url or any(ch.isspace() for ch in url):
        return ""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url):
        return url
    return "http://" + url


# ---------------------------------------------------------------- HTML

HTML_TAGS = {
    "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler",
    "tg-emoji", "span", "pre", "code", "blockquote",
}
_SIMPLE_TAG_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
_NAMED_HTML_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPECIAL_HTML_CHARS = re.compile(r"[&<]")


def _decode_html_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode the entity at text[pos] == '&'; None means it's a literal '&'."""
    end = pos + 1
    if text[end:end + 1] == "#":
        end += 1
        hexadecimal = text[end:end + 1] == "x"
        if hexadecimal:
            end += 1
        digits = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        start = end
        while end < len(text) and text[end] in digits:
            end += 1
        code = int(text[start:end], 16 if hexadecimal else 10) if end > start else 0
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None
        char = chr(code)
    else:
        while end < len(text) and text[end].isascii() and text[end].isalpha():
            end += 1
        char = _NAMED_HTML_ENTITIES.get(text[pos + 1:end])
        if char is None:
            return None
    if text[end:end + 1] == ";":
        end += 1
    return char, end


class _HtmlParser:
    def __init__(self, source: str, strict_entities: bool):
        self.src = source
        self.strict_entities = strict_entities
        self.pos = 0
        self.out: list[str] = []
        self.u16 = 0  # UTF-16 length of the output so far
        self.out_chars = 0
        self.stack: list[dict] = []
        self.entities: list[dict] = []

    def error(self, message: str) -> EntityParseError:
        return EntityParseError(message)

    def byte_at(self, index: int) -> int:
        return _byte_offset(self.src, index)

    def emit(self, chunk: str) -> None:
        self.out.append(chunk)
        self.out_chars += len(chunk)
        self.u16 += utf16_len(chunk)

    def parse(self) -> FormattedText:
        src = self.src
        while self.pos < len(src):
            match = _SPECIAL_HTML_CHARS.search(src, self.pos)
            if match is None:
                self.emit(src[self.pos:])
                break
            if match.start() > self.pos:
                self.emit(src[self.pos:match.start()])
            self.pos = match.start()
            if src[self.pos] == "&":
                self.entity_reference()
            elif src[self.pos + 1:self.pos + 2] == "/":
                self.end_tag()
            else:
                self.start_tag()
        if self.stack:
            raise self.error(
                f"Can't find end tag corresponding to start tag {self.stack[-1]['tag']}"
            )
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        return FormattedText("".join(self.out), sort_entities(self.entities))

    def entity_reference(self) -> None:
        decoded = _decode_html_entity(self.src, self.pos)
        if decoded is None:
            if self.strict_entities:
                raise self.error(
                    f"Unsupported HTML entity at byte offset {self.byte_at(self.pos)}"
                )
            self.emit("&")
            self.pos += 1
            return
        char, self.pos = decoded
        self.emit(char)

    def skip_spaces(self) -> None:
        while self.pos < len(self.src) and self.src[self.pos].isspace():
            self.pos += 1

    def read_until(self, stop_chars: str) -> str:
        start = self.pos
        while self.pos < len(self.src) and not (
            self.src[self.pos].isspace() or self.src[self.pos] in stop_chars
        ):
            self.pos += 1
        return self.src[start:self.pos]

    def start_tag(self) -> None:
        begin = self.pos
        self.pos += 1
        tag = self.read_until(">").lower()
        if self.pos >= len(self.src):
            raise self.error(f"Unclosed start tag at byte offset {self.byte_at(begin)}")
        if tag not in HTML_TAGS:
            raise self.error(
                f'Unsupported start tag "{tag}" at byte offset {self.byte_at(begin)}'
            )
        info = {"tag": tag, "argument": "", "expandable": False,
                "offset": self.u16, "out_chars": self.out_chars}
        while True:
            self.skip_spaces()
            if self.pos >= len(self.src):
                raise self.error(f"Unclosed start tag at byte offset {self.byte_at(begin)}")
            if self.src[self.pos] == ">":
                break
            self.attribute(info, begin)
        self.pos += 1
        if tag == "span" and info["argument"] != "spoiler":
            raise self.error(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_at(begin)}'
            )
        self.stack.append(info)

    def attribute(self, info: dict, begin: int) -> None:
        tag = info["tag"]
        name = self.read_until("=>")
        if not name:
            raise self.error(
                f'Empty attribute name in the tag "{tag}" at byte offset {self.byte_at(begin)}'
            )
        self.skip_spaces()
        if tag == "blockquote" and name.lower() == "expandable" and self.src[self.pos:self.pos + 1] != "=":
            info["expandable"] = True
            return
        if self.src[self.pos:self.pos + 1] != "=":
            raise self.error(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag}" at byte offset {self.byte_at(begin)}'
            )
        self.pos += 1
        self.skip_spaces()
        if self.pos >= len(self.src):
            raise self.error(
                f'Unclosed start tag "{tag}" at byte offset {self.byte_at(begin)}'
            )
        value = self.attribute_value()
        if self.pos >= len(self.src):
            raise self.error(f"Unclosed start tag at byte offset {self.byte_at(begin)}")
        self.remember_argument(info, name, value)

    def attribute_value(self) -> str:
        quote = self.src[self.pos]
        if quote not in "'\"":
            start = self.pos
            while self.pos < len(self.src) and (
                self.src[self.pos].isalnum() or self.src[self.pos] in ".-"
            ):
                self.pos += 1
            if self.pos < len(self.src) and not (
                self.src[self.pos].isspace() or self.src[self.pos] == ">"
            ):
                raise self.error(
                    f"Unexpected end of name token at byte offset {self.byte_at(start)}"
                )
            return self.src[start:self.pos].lower()
        self.pos += 1
        chars = []
        while self.pos < len(self.src) and self.src[self.pos] != quote:
            if self.src[self.pos] == "&":
                decoded = _decode_html_entity(self.src, self.pos)
                if decoded is not None:
                    chars.append(decoded[0])
                    self.pos = decoded[1]
                    continue
            chars.append(self.src[self.pos])
            self.pos += 1
        if self.pos < len(self.src):
            self.pos += 1
        return "".join(chars)

    @staticmethod
    def remember_argument(info: dict, name: str, value: str) -> None:
        tag = info["tag"]
        if tag == "a" and name == "href":
            info["argument"] = value
        elif tag == "code" and name == "class" and value.startswith("language-"):
            info["argument"] = value[len("language-"):]
        elif tag == "span" and name == "class" and value.startswith("tg-"):
            info["argument"] = value[len("tg-"):]
        elif tag == "tg-emoji" and name == "emoji-id":
            info["argument"] = value

    def end_tag(self) -> None:
        begin = self.pos
        if not self.stack:
            raise self.error(f"Unexpected end tag at byte offset {self.byte_at(begin)}")
        self.pos += 2
        name = self.read_until(">").lower()
        self.skip_spaces()
        if self.pos >= len(self.src) or self.src[self.pos] != ">":
            raise self.error(f"Unclosed end tag at byte offset {self.byte_at(begin)}")
        self.pos += 1
        info = self.stack[-1]
        if name and name != info["tag"]:
            raise self.error(
                f'Unmatched end tag at byte offset {self.byte_at(begin)}, '
                f'expected "</{info["tag"]}>", found "</{name}>"'
            )
        self.stack.pop()
        if self.u16 > info["offset"]:
            self.close_entity(info)

    def close_entity(self, info: dict) -> None:
        tag, argument = info["tag"], info["argument"]
        span = {"offset": info["offset"], "length": self.u16 - info["offset"]}
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and all(last[k] == span[k] for k in span)
        if tag in _SIMPLE_TAG_TYPES or (tag == "span" and argument == "spoiler"):
            self.entities.append({"type": _SIMPLE_TAG_TYPES.get(tag, "spoiler"), **span})
        elif tag == "tg-emoji":
            if not argument.isdigit() or int(argument) == 0:
                raise self.error("Invalid custom emoji identifier specified")
            self.entities.append({"type": "custom_emoji", **span, "custom_emoji_id": argument})
        elif tag == "a":
            url = checked_link(argument or "".join(self.out)[info["out_chars"]:])
            if url:
                self.entities.append({"type": "text_link", **span, "url": url})
        elif tag == "pre":
            if same_span and last["type"] == "code" and last.get("language"):
                last["type"] = "pre"
            else:
                self.entities.append({"type": "pre", **span})
        elif tag == "code":
            if same_span and last["type"] == "pre" and argument:
                last["language"] = argument
            else:
                entity = {"type": "code", **span}
                if argument:
                    entity["language"] = argument
                self.entities.append(entity)
        elif tag == "blockquote":
            kind = "expandable_blockquote" if info["expandable"] else "blockquote"
            self.entities.append({"type": kind, **span})


def parse_html(source: str, strict_entities: bool = False) -> FormattedText:
    return _HtmlParser(source, strict_entities).parse()


# ---------------------------------------------------------------- automatic entities

_BOT_COMMAND = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>@])")
_MENTION = re.compile(r"(?<!\w)@[A-Za-z0-9_]{2,32}(?!\w)")
_HASHTAG = re.compile(r"(?<![\w\u200c])#[\w\u200c]{1,256}(?![\w\u200c]*#)")
_URL = re.compile(r"(?<![\w@/.])(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
_SHORT_USERNAMES = {"gif", "vid", "pic"}
# Auto-detected entities never overlap these explicit ones.
_OPAQUE_TYPES = {"code", "pre", "text_link", "text_mention", "custom_emoji"}


def _trim_url(url: str) -> str:
    while url and url[-1] in ".:;,('?!`\"":
        url = url[:-1]
    while url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1]
    return url


def _automatic_spans(text: str) -> list[tuple[str, int, int]]:
    spans = [("bot_command", m.start(), m.end()) for m in _BOT_COMMAND.finditer(text)]
    for m in _MENTION.finditer(text):
        name = m.group()[1:]
        if len(name) >= 4 or name.lower() in _SHORT_USERNAMES:
            spans.append(("mention", m.start(), m.end()))
    for m in _HASHTAG.finditer(text):
        if any(ch.isalpha() for ch in m.group()[1:]):
            spans.append(("hashtag", m.start(), m.end()))
    for m in _URL.finditer(text):
        url = _trim_url(m.group())
        if "." in url.split("//", 1)[-1]:
            spans.append(("url", m.start(), m.start() + len(url)))
    return spans


def find_automatic_entities(text: str, existing: list[dict] = ()) -> list[dict]:
    """Entities Telegram detects by itself in any message text, as UTF-16 spans."""
    if not any(ch in text for ch in "/@#:w"):
        return []
    offsets = _utf16_offsets(text)
    opaque = [(e["offset"], e["offset"] + e["length"]) for e in existing if e["type"] in _OPAQUE_TYPES]
    found = []
    for kind, start, end in _automatic_spans(text):
        u_start = offsets[start] if offsets else start
        u_end = offsets[end] if offsets else end
        if any(u_start < o_end and o_start < u_end for o_start, o_end in opaque):
            continue
        found.append({"type": kind, "offset": u_start, "length": u_end - u_start})
    return found


def strip_formatted(formatted: FormattedText) -> FormattedText:
    """Drop leading/trailing whitespace like Telegram does, keeping entities aligned."""
    text = formatted.text
    stripped = text.strip()
    if stripped == text:
        return formatted
    head = utf16_len(text[: len(text) - len(text.lstrip())])
    new_length = utf16_len(stripped)
    entities = []
    for entity in formatted.entities:
        start = max(entity["offset"] - head, 0)
        end = min(entity["offset"] + entity["length"] - head, new_length)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return FormattedText(stripped, entities)


def format_text(
    text: str, parse_mode: str | None, entities: list[dict] | None = None,
    strict_html_entities: bool = False,
) -> FormattedText:
    """What Telegram stores for (text, parse_mode, entities): plain text + all entities.

    Raises EntityParseError for invalid markup.
    """
    mode = (parse_mode or "").lower()
    if mode == "html":
        formatted = parse_html(text, strict_html_entities)
    elif mode:  # MarkdownV2 and Markdown: the bot never sends them (see README)
        raise UnsupportedParseMode(parse_mode)
    else:
        formatted = FormattedText(text, sort_entities(list(entities or [])))
    formatted = strip_formatted(formatted)
    known = {(e["type"], e["offset"], e["length"]) for e in formatted.entities}
    automatic = [e for e in find_automatic_entities(formatted.text, formatted.entities)
                 if (e["type"], e["offset"], e["length"]) not in known]
    if automatic:
        formatted.entities = sort_entities(formatted.entities + automatic)
    return formatted


class UnsupportedParseMode(ValueError):
    pass


def entity_text(text: str, entity: dict) -> str:
    """The substring an entity covers (offsets are UTF-16)."""
    encoded = text.encode("utf-16-le")
    start, length = entity["offset"] * 2, entity["length"] * 2
    return encoded[start:start + length].decode("utf-16-le")
