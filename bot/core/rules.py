"""What facilitators may push, the same for documents and convocatorias, from Telegram and the CLI:

- a title of 3 to 200 characters, without control or invisible direction characters;
- links that are http(s) (one typed without a scheme, «www.itei.org.mx/acta.pdf», gets https://),
  to a public site (never loopback, private, link-local or otherwise reserved addresses, nor a
  name without a dot such as «localhost» or «intranet»: people receiving it could not open it, and
  the bot must not point at machines inside a network), at most 2,000 characters, without spaces, without the characters that are
  not URL characters and would break the HTML of a notice (" < >), without control or direction
  characters (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C: they make «exe.pdf» read «fdp.exe»),
  without credentials (usuario:clave@sitio hides the real site after the @), and with every label of
  the host in one script (a Cyrillic «а» among Latin letters imitates another site);
- «the PDF» of a document: a file whose bytes start with %PDF- (its name proves nothing).

Each check gives a message for people, in Spanish, or None when the text is acceptable."""

from __future__ import annotations

import ipaddress
import re
import socket
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

LINK_NOT_PUBLIC = ("Ese enlace apunta a una computadora o red interna ({host}), no a un sitio público: "
                   "quien reciba el aviso no podría abrirlo. Manda la dirección pública del documento.")
LINK_SCHEME = "Solo publico enlaces a páginas web (https://…); «{scheme}:» no lo es."
LINK_PLAIN_HTTP = ("Ojo: el enlace empieza con http://, sin cifrar. Si el sitio también abre con https://, "
                   "mejor usa ese.")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_LOCAL_NAMES = ("localhost", "local", "internal", "intranet", "lan", "home", "corp", "localdomain")

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


def complete_link(text: str | None) -> str:
    """The link as people meant it: spaces around it trimmed and, when it has no scheme but starts
    like a site («www.itei.org.mx/acta.pdf», «itei.org.mx»), https:// in front."""
    text = (text or "").strip()
    scheme = _SCHEME.match(text)
    if text and (scheme is None or "." in scheme[1]) and not text.startswith("/") and "." in text.split("/")[0]:
        return f"https://{text}"
    return text


def link_warning(url: str | None) -> str | None:
    """A caution the person publishing should read, for a link that is accepted."""
    return LINK_PLAIN_HTTP if url and url.lower().startswith("http://") else None


def link_problem(text: str) -> str | None:
    """Why `text` cannot be a link people receive, or None when it can."""
    scheme = _SCHEME.match(text)
    if scheme and scheme[1].lower() not in ("http", "https") and "." not in scheme[1]:
        return LINK_SCHEME.format(scheme=scheme[1][:20])
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
    if not _public_host(host, labels):
        return LINK_NOT_PUBLIC.format(host=host[:60])
    return None


def _public_host(host: str, labels: list[str]) -> bool:
    """Whether a link's host can be a public site: an address outside loopback, private,
    link-local, shared, multicast and reserved ranges, or a name with a dot that is not a local
    one. Numbers written the short or odd ways browsers still read («127.1», «0x7f.1») count as
    the address they stand for."""
    address = _ip_address(host)
    if address is not None:
        return address.is_global and not address.is_multicast
    if "." not in host.strip("."):
        return False
    return labels[-1].lower() not in _LOCAL_NAMES and not all(re.fullmatch(r"0x[0-9a-f]*|\d+", label, re.I) for label in labels)


def _ip_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    if re.fullmatch(r"[0-9a-fA-Fx.]+", host):
        try:
            return ipaddress.ip_address(socket.inet_aton(host))
        except OSError:
            return None
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
