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


# -- issue 10, bug 8: a link typed without a scheme, links inside a network, other schemes -------

from bot.core.rules import LINK_PLAIN_HTTP, complete_link, link_warning  # noqa: E402


@pytest.mark.parametrize("typed, meant", [
    ("www.itei.org.mx/acta.pdf", "https://www.itei.org.mx/acta.pdf"),
    ("itei.org.mx", "https://itei.org.mx"),
    ("  itei.org.mx:8443/a.pdf ", "https://itei.org.mx:8443/a.pdf"),
    ("https://itei.org.mx/a", "https://itei.org.mx/a"),
    ("javascript:alert(1)", "javascript:alert(1)"),
    ("acta final", "acta final"),
])
def test_a_link_without_a_scheme_gets_https(typed, meant):
    assert complete_link(typed) == meant


@pytest.mark.parametrize("text", [
    "http://localhost/acta.pdf", "https://LOCALHOST:8080/", "http://127.0.0.1/a", "http://127.1/a", "http://0x7f.1/",
    "http://2130706433/", "http://10.0.0.5/a", "http://172.16.3.4/", "http://192.168.1.1", "http://100.64.0.1/",
    "http://169.254.169.254/latest/meta-data", "http://[::1]/", "http://[fe80::1]/", "http://[fd00::1]/",
    "http://0.0.0.0/", "http://224.0.0.1/", "http://intranet/a", "http://stl.local/a", "http://nas.lan/acta.pdf",
])
def test_links_inside_a_network_are_refused(text):
    assert "red interna" in link_problem(text)


@pytest.mark.parametrize("text", ["ftp://x.org/a", "file:///etc/passwd", "mailto:stl@x.mx", "data:text/html,x",
                                  "javascript:alert(1)", "tel:5555555555"])
def test_schemes_that_are_not_web_pages_are_refused_by_name(text):
    assert link_problem(text).startswith("Solo publico enlaces a páginas web")


def test_plain_http_is_accepted_with_a_warning():
    assert link_problem("http://itei.org.mx/acta.pdf") is None
    assert link_warning("http://itei.org.mx/acta.pdf") == LINK_PLAIN_HTTP
    assert link_warning("https://itei.org.mx/acta.pdf") is None
    assert link_problem("https://8.8.8.8/acta.pdf") is None
