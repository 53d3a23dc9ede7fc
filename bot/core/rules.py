"""What facilitators may push, the same for documents and convocatorias, from Telegram and the CLI:

- a title of 3 to 200 characters, without control or invisible direction characters;
- links that are http(s), at most 2,000 characters, without spaces, without the characters that are
  not URL characters and would break the HTML of a notice (" < >), without control or direction
  characters (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C: they make «exe.pdf» read «fdp.exe»),
  without credentials (usuario:clave@sitio hides the real site after the @), and with every label of
  the host in one script (a Cyrillic «а» among Latin letters imitates another site);
- «the PDF» of a document: a file whose bytes start with %PDF- (its name proves nothing).

Each check gives a message for people, in Spanish, or None when the text is acceptable."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

_LINK = re.compile(r'^https?://[^\s/$.?#"<>][^\s"<>]*$', re.IGNORECASE)
LINK_RULE = "El enlace debe empezar con http:// o https:// y no llevar espacios, comillas ni < >."
LINK_MAX = 2000
LINK_TOO_LONG = "El enlace puede tener hasta {max:,} caracteres; este tiene {n:,}."
LINK_CREDENTIALS = ("El enlace no puede llevar usuario ni contraseña (usuario:clave@…): "
                    "quítalos y deja solo la dirección del sitio.")
LINK_INVISIBLE = ("El enlace lleva caracteres invisibles o de control (como los que cambian la dirección "
                  "del texto). Cópialo de nuevo desde la barra de direcciones del navegador.")
LINK_BAD_HOST = "No entiendo el nombre del sitio en ese enlace; revísalo."
LINK_MIXED_SCRIPTS = ("El nombre del sitio mezcla letras de distintos alfabetos (por ejemplo, latinas con "
                      "cirílicas o griegas que se ven iguales), un truco para imitar otros sitios. "
                      "Escribe la dirección a mano o cópiala del sitio oficial.")

# Direction marks and overrides: invisible, and they reorder what people read.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _invisible(text: str) -> bool:
    """Control characters (C0, DEL, C1: category Cc) or bidi controls."""
    return any(ch in _BIDI or unicodedata.category(ch) == "Cc" for ch in text)


# Scripts that legitimately share one label (Japanese, Korean, Chinese writing): one "script" here.
_EAST_ASIAN = frozenset({"CJK", "HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC"})


def _script(ch: str) -> str | None:
    """The script of a letter, from its Unicode name ('LATIN SMALL LETTER E WITH ACUTE' → LATIN);
    None for what is not a letter (digits, hyphens)."""
    if not ch.isalpha():
        return None
    first = unicodedata.name(ch, "UNKNOWN").split()[0]
    return "EAST-ASIAN" if first in _EAST_ASIAN else first


def label_scripts(label: str) -> set[str]:
    """The scripts of a host label as a browser resolves it (NFKC, like IDNA: 'ｇ' is 'g')."""
    return {script for ch in unicodedata.normalize("NFKC", label) if (script := _script(ch))}


def _host_labels(host: str) -> list[str] | None:
    """The labels of a host, punycode (xn--) decoded; None when a label cannot be decoded."""
    labels = []
    for label in unquote(host).split("."):
        if label.lower().startswith("xn--"):
            try:
                label = label.encode("ascii").decode("idna")
            except (UnicodeError, ValueError):
                return None
        labels.append(label)
    return labels


def link_problem(text: str) -> str | None:
    """Why `text` cannot be a link people receive, or None when it can."""
    if len(text) > LINK_MAX:
        return LINK_TOO_LONG.format(max=LINK_MAX, n=len(text)).replace(",", ".")
    if _invisible(text):
        return LINK_INVISIBLE
    if not _LINK.match(text):
        return LINK_RULE
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:  # e.g. an unbalanced [ in the host
        return LINK_BAD_HOST
    if "@" in parts.netloc:
        return LINK_CREDENTIALS
    if not host:
        return LINK_RULE
    labels = _host_labels(host)
    if labels is None or _invisible("".join(labels)):
        return LINK_BAD_HOST
    if any(len(label_scripts(label)) > 1 for label in labels):
        return LINK_MIXED_SCRIPTS
    return None


def is_link(text: str) -> bool:
    return link_problem(text) is None


TITLE_MIN, TITLE_MAX = 3, 200
TITLE_RULE = f"El título debe tener entre {TITLE_MIN} y {TITLE_MAX} caracteres."
TITLE_INVISIBLE = ("El título no puede llevar caracteres invisibles o de control "
                   "(como los que cambian la dirección del texto).")


def _tidy(text: str | None) -> str:
    return " ".join((text or "").split())


def title_problem(text: str | None) -> str | None:
    """Why `text` cannot be a title (after tidying its spaces), or None when it can."""
    title = _tidy(text)
    if _invisible(title):
        return TITLE_INVISIBLE
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        return TITLE_RULE
    return None


def clean_title(text: str | None) -> str | None:
    """The title with its spaces tidied, or None when it breaks a rule (title_problem says which)."""
    return None if title_problem(text) else _tidy(text)


PDF_MAGIC = b"%PDF-"
PDF_RULE = ("Ese archivo no es un PDF: solo publico documentos en PDF (lo reviso por su contenido, no por "
            "su nombre). Mándame el PDF, o un enlace (https://…).")


def is_pdf(head: bytes | bytearray) -> bool:
    """Whether a file's first bytes are a PDF's header."""
    return bytes(head[:len(PDF_MAGIC)]) == PDF_MAGIC
