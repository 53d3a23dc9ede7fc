"""Links people publish never break a notice's HTML, in documents and in convocatorias."""

from __future__ import annotations

import pytest

from bot.rules import is_link
from knowledge.reply import esc
from tests.emulator.entities import parse_html


@pytest.mark.parametrize("text", ["https://example.org/acta.pdf", "http://x.mx/a?b=1&c=2", "https://x.org/a_(b)#c"])
def test_links_that_are_links(text):
    assert is_link(text)


@pytest.mark.parametrize("text", ["", "example.org", "ftp://x.org", "https://x.org/a b", 'https://x.org/"><b>',
                                  "https://x.org/<script>", "javascript:alert(1)", "https:// x.org"])
def test_text_that_is_not_a_link(text):
    assert not is_link(text)


def test_escaped_values_are_safe_inside_an_href():
    link, title = 'https://x.org/?q="&a=<b>', 'Título «con» <tags> & comillas "'
    parsed = parse_html(f'<a href="{esc(link)}">{esc(title)}</a>')
    assert parsed.text == title
    assert parsed.entities[0]["url"] == link


def test_a_convocatoria_link_with_quotes_is_refused():
    from bot.convocatorias import ConvocatoriaError, checked_url

    with pytest.raises(ConvocatoriaError):
        checked_url('https://x.org/"onclick')
    assert checked_url("  https://x.org/c  ") == "https://x.org/c"
