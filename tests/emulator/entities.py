"""Text formatting the way Telegram's server does it.

Parses HTML / MarkdownV2 / Markdown into plain text plus MessageEntity dicts, finds the
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


# ---------------------------------------------------------------- MarkdownV2

_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!\n")
_TDLIB_TYPE_NAMES = {
    "bold": "Bold", "italic": "Italic", "underline": "Underline",
    "strikethrough": "Strikethrough", "spoiler": "Spoiler", "text_link": "TextUrl",
    "code": "Code", "pre": "Pre", "custom_emoji": "CustomEmoji", "blockquote": "BlockQuote",
}


def _reserved(char: str) -> EntityParseError:
    return EntityParseError(
        f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
    )


class _MarkdownV2Parser:
    def __init__(self, source: str):
        self.src = source
        self.i = 0
        self.out: list[str] = []
        self.u16 = 0
        self.stack: list[dict] = []
        self.entities: list[dict] = []
        self.in_blockquote = False

    def at(self, index: int) -> str:
        return self.src[index] if 0 <= index < len(self.src) else ""

    def emit(self, char: str) -> None:
        self.out.append(char)
        self.u16 += 2 if ord(char) > 0xFFFF else 1

    def unterminated(self, info: dict) -> EntityParseError:
        name = "PreCode" if info["type"] == "pre" and info["argument"] else _TDLIB_TYPE_NAMES[info["type"]]
        return EntityParseError(
            f"Can't find end of {name} entity at byte offset {_byte_offset(self.src, info['start'])}"
        )

    def parse(self) -> FormattedText:
        while self.i < len(self.src):
            self.step()
            self.i += 1
        if self.in_blockquote and self.stack and self.stack[-1]["type"] == "blockquote":
            info = self.stack.pop()
            if self.u16 > info["offset"]:
                self.entities.append({"type": "blockquote", "offset": info["offset"],
                                      "length": self.u16 - info["offset"]})
        if self.stack:
            raise self.unterminated(self.stack[-1])
        return FormattedText("".join(self.out), sort_entities(self.entities))

    def step(self) -> None:
        char = self.src[self.i]
        following = self.at(self.i + 1)
        if char == "\\" and following and 0 < ord(following) <= 126:
            self.i += 1
            self.emit(following)
            return
        top = self.stack[-1]["type"] if self.stack else None
        reserved = {"`"} if top in ("code", "pre") else _MDV2_RESERVED
        if char not in reserved:
            self.emit(char)
        elif self.ends_top_entity(char, top):
            self.close()
        else:
            self.open(char)

    def ends_top_entity(self, char: str, top: str | None) -> bool:
        if top is None:
            return False
        if self.in_blockquote and char == "\n" and self.at(self.i + 1) != ">":
            return True
        nxt = self.at(self.i + 1)
        return {
            "bold": char == "*",
            "italic": char == "_" and nxt != "_",
            "code": char == "`",
            "pre": self.src.startswith("```", self.i),
            "text_link": char == "]",
            "custom_emoji": char == "]",
            "underline": char == "_" and nxt == "_",
            "strikethrough": char == "~",
            "spoiler": char == "|" and nxt == "|",
        }.get(top, False)

    def push(self, kind: str, start: int, argument: str = "") -> None:
        self.stack.append({"type": kind, "offset": self.u16, "start": start,
                           "argument": argument, "out_len": len(self.out)})

    def open(self, char: str) -> None:
        start, nxt = self.i, self.at(self.i + 1)
        simple = {"*": "bold", "~": "strikethrough", "[": "text_link"}
        if char in simple:
            self.push(simple[char], start)
        elif char == "_":
            self.i += nxt == "_"
            self.push("underline" if nxt == "_" else "italic", start)
        elif char == "|" and nxt == "|":
            self.i += 1
            self.push("spoiler", start)
        elif char == "!" and nxt == "[":
            self.i += 1
            self.push("custom_emoji", start)
        elif char == "`":
            self.open_code(start)
        elif char == "\n":
            self.emit("\n")
            if nxt == ">":
                self.i += 1
                if not self.in_blockquote:
                    self.in_blockquote = True
                    self.push("blockquote", start)
        elif char == ">" and self.i == 0:
            self.in_blockquote = True
            self.push("blockquote", start)
        else:
            raise _reserved(char)

    def open_code(self, start: int) -> None:
        if not self.src.startswith("```", self.i):
            self.push("code", start)
            return
        self.i += 3
        language_end = self.i
        while language_end < len(self.src) and not self.src[language_end].isspace() \
                and self.src[language_end] != "`":
            language_end += 1
        language = ""
        if language_end != self.i and language_end < len(self.src) and self.src[language_end] != "`":
            language = self.src[self.i:language_end]
            self.i = language_end
        if self.at(self.i) in ("\n", "\r"):
            pair = self.at(self.i + 1) in ("\n", "\r") and self.at(self.i) != self.at(self.i + 1)
            self.i += 2 if pair else 1
        self.i -= 1
        self.push("pre", start, language)

    def close(self) -> None:
        info = self.stack[-1]
        kind = info["type"]
        if self.src[self.i] == "\n" and kind != "blockquote":
            raise self.unterminated(info)
        entity: dict = {"type": kind}
        skip = self.u16 == info["offset"]
        if kind in ("underline", "spoiler"):
            self.i += 1
        elif kind == "pre":
            self.i += 2
            if info["argument"]:
                entity["language"] = info["argument"]
        elif kind == "text_link":
            url = self.link_target(info)
            skip = skip or not url
            entity["url"] = url
        elif kind == "custom_emoji":
            entity["custom_emoji_id"] = self.custom_emoji_id()
        elif kind == "blockquote":
            self.in_blockquote = False
            self.emit("\n")
        self.stack.pop()
        if not skip:
            length = self.u16 - info["offset"] - (kind == "blockquote")
            entity.update(offset=info["offset"], length=length)
            self.entities.append(entity)

    def read_parenthesised(self, error: str) -> str:
        self.i += 2
        begin, chars = self.i, []
        while self.i < len(self.src) and self.src[self.i] != ")":
            if self.src[self.i] == "\\" and 0 < ord(self.at(self.i + 1) or "\0") <= 126:
                chars.append(self.src[self.i + 1])
                self.i += 2
                continue
            chars.append(self.src[self.i])
            self.i += 1
        if self.i >= len(self.src):
            raise EntityParseError(f"{error} at byte offset {_byte_offset(self.src, begin)}")
        return "".join(chars)

    def link_target(self, info: dict) -> str:
        if self.at(self.i + 1) != "(":
            return checked_link("".join(self.out[info["out_len"]:]))
        return checked_link(self.read_parenthesised("Can't find end of a URL"))

    def custom_emoji_id(self) -> str:
        if self.at(self.i + 1) != "(":
            raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")
        url = self.read_parenthesised("Can't find end of a custom emoji URL")
        match = re.fullmatch(r"tg://emoji\?id=(\d+)", url)
        if not match or int(match.group(1)) == 0:
            raise EntityParseError("Invalid custom emoji URL specified")
        return match.group(1)


def parse_markdown_v2(source: str) -> FormattedText:
    return _MarkdownV2Parser(source).parse()


# ---------------------------------------------------------------- legacy Markdown

_LEGACY_MARKS = {"*": "bold", "_": "italic", "`": "code"}


def parse_markdown(source: str) -> FormattedText:
    """Legacy 'Markdown' mode: *bold* _italic_ `code` ```pre``` [text](url), no nesting."""
    out, entities, u16, i = [], [], 0, 0
    while i < len(source):
        char = source[i]
        if char not in "*_`[":
            out.append(char)
            u16 += utf16_len(char)
            i += 1
            continue
        start = i
        if source.startswith("```", i):
            end = source.find("```", i + 3)
            if end < 0:
                raise EntityParseError(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(source, start)}"
                )
            body, language = source[i + 3:end], ""
            first_line, newline, rest = body.partition("\n")
            if newline and first_line and not any(c.isspace() for c in first_line):
                body, language = rest, first_line
            entity = {"type": "pre", "offset": u16, "length": utf16_len(body)}
            if language:
                entity["language"] = language
            i = end + 3
        elif char == "[":
            close = source.find("](", i + 1)
            end = source.find(")", close + 2) if close >= 0 else -1
            if close < 0 or end < 0:
                raise EntityParseError(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(source, start)}"
                )
            body = source[i + 1:close]
            url = checked_link(source[close + 2:end])
            entity = {"type": "text_link", "offset": u16, "length": utf16_len(body), "url": url}
            if not url:
                entity = None
            i = end + 1
        else:
            end = source.find(char, i + 1)
            if end < 0:
                raise EntityParseError(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(source, start)}"
                )
            body = source[i + 1:end]
            entity = {"type": _LEGACY_MARKS[char], "offset": u16, "length": utf16_len(body)}
            i = end + 1
        out.append(body)
        u16 += utf16_len(body)
        if entity and entity["length"] > 0:
            entities.append(entity)
    return FormattedText("".join(out), sort_entities(entities))


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
    elif mode == "markdownv2":
        formatted = parse_markdown_v2(text)
    elif mode == "markdown":
        formatted = parse_markdown(text)
    elif mode:
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
