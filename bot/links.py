"""What counts as a link people can publish: http(s), no spaces, and none of the characters
that are not URL characters and would break the HTML of a notice (" < >)."""

from __future__ import annotations

import re

_LINK = re.compile(r'^https?://[^\s/$.?#"<>][^\s"<>]*$', re.IGNORECASE)
LINK_RULE = "El enlace debe empezar con http:// o https:// y no llevar espacios, comillas ni < >."


def is_link(text: str) -> bool:
    return bool(_LINK.match(text))
