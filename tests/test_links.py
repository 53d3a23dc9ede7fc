"""Links people publish never break a notice's HTML, in documents and in convocatorias."""

from __future__ import annotations

import pytest

from bot.core.rules import is_link
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
    from bot.core.convocatorias import ConvocatoriaError, checked_url

    with pytest.raises(ConvocatoriaError):
        checked_url('https://x.org/"onclick')
    assert checked_url("  https://x.org/c  ") == "https://x.org/c"


# -- what facilitators can push (issue 13, item 10) -------------------------------------------

from bot.core.rules import LINK_MAX, link_problem  # noqa: E402


@pytest.mark.parametrize("text, problem", [
    ("https://stl.example/" + "a" * (LINK_MAX - len("https://stl.example/") + 1), "hasta 2.000 caracteres"),
    ("https://usuario:clave@stl.example/acta.pdf", "usuario ni contraseña"),
    ("https://stl.example@evil.example/acta.pdf", "usuario ni contraseña"),
    ("https://stl.example/\u202efdp.exe", "invisibles o de control"),
    ("https://stl.example/acta\u2066.pdf", "invisibles o de control"),
    ("https://stl.example/\u200facta.pdf", "invisibles o de control"),
    ("https://stl.example/a\x00b", "invisibles o de control"),
    ("https://stl.example/a\x9bb", "invisibles o de control"),
    ("https://\u0430pple.com/", "distintos alfabetos"),              # Cyrillic а among Latin letters
    ("https://g\u03bfb.mx/", "distintos alfabetos"),                 # Greek ο
    ("https://xn--pple-43d.com/", "distintos alfabetos"),            # the same Cyrillic а, in punycode
    ("https://%D0%B0pple.com/", "distintos alfabetos"),              # and percent-encoded
])
def test_links_facilitators_cannot_push(text, problem):
    assert problem in link_problem(text)
    assert not is_link(text)


@pytest.mark.parametrize("text", [
    "https://stl.example/" + "a" * (LINK_MAX - len("https://stl.example/")),  # exactly 2,000
    "https://méxico.gob.mx/español", "https://日本語.jp/", "https://москва.рф/", "https://stl.example/a@b",
    "https://stl.example/?correo=ana@stl.example",
])
def test_links_that_are_still_fine(text):
    assert link_problem(text) is None


def test_the_rules_apply_to_documents_and_convocatorias_with_their_reason(kb):
    from bot.core.convocatorias import ConvocatoriaError, checked_url
    from bot.core.publishing import DocumentDraft, PublishError, validate

    with pytest.raises(ConvocatoriaError, match="usuario ni contraseña"):
        checked_url("https://ana:secreta@stl.example/convocatoria")
    with pytest.raises(PublishError, match="distintos alfabetos"):
        validate(DocumentDraft(state="jalisco", step=4, title="Acta", url="https://j\u0430lisco.gob.mx/acta.pdf"), kb)
