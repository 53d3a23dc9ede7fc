"""What facilitators may type when they publish, the same for documents and convocatorias:
a title of 3 to 200 characters, and links that are http(s), without spaces, and without the
characters that are not URL characters and would break the HTML of a notice (" < >)."""

from __future__ import annotations

import re

_LINK = re.compile(r'^https?://[^\s/$.?#"<>][^\s"<>]*$', re.IGNORECASE)
LINK_RULE = "El enlace debe empezar con http:// o https:// y no llevar espacios, comillas ni < >."


def is_link(text: str) -> bool:
    return bool(_LINK.match(text))


TITLE_MIN, TITLE_MAX = 3, 200
TITLE_RULE = f"El título debe tener entre {TITLE_MIN} y {TITLE_MAX} caracteres."


def clean_title(text: str | None) -> str | None:
    """The title with its spaces tidied, or None when its length is out of bounds."""
    title = " ".join((text or "").split())
    return title if TITLE_MIN <= len(title) <= TITLE_MAX else None
