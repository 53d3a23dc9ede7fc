"""HTML is a type (markupsafe's Markup): what the bot sends as Telegram HTML is Markup, built
with esc() for data and Markup() for the tags an answer writes. A plain str cannot pass for it."""

from __future__ import annotations

import html

import pytest
from markupsafe import Markup

from handlers.render import split_html
from knowledge.reply import Reply, esc

TYPED = '<b>Hola</b> & «Jalisco» "x" \'y\''


def test_a_reply_refuses_a_plain_str():
    with pytest.raises(TypeError, match="Markup"):
        Reply(TYPED)  # type: ignore[arg-type]


def test_esc_is_markup_with_the_standard_librarys_bytes():
    escaped = esc(TYPED)
    assert isinstance(escaped, Markup)
    assert str(escaped) == html.escape(TYPED, quote=True)  # the bytes the bot always sent


def test_a_plain_str_that_reaches_the_renderer_is_sent_as_text_not_markup():
    parts = split_html(TYPED)
    assert parts == [Markup("&lt;b&gt;Hola&lt;/b&gt; &amp; «Jalisco» &#34;x&#34; &#39;y&#39;")]
    assert all(isinstance(part, Markup) for part in parts)


def test_markup_passes_through_the_renderer_unchanged():
    markup = Markup("<b>Hola</b> &amp; <i>adiós</i>")
    assert split_html(markup) == [markup]
    assert all(isinstance(part, Markup) for part in split_html(Markup("<b>x</b>\n\n" * 3000), 100))


def test_text_added_to_a_reply_later_is_escaped():
    reply = Reply(Markup("<b>Jalisco</b>"))
    assert reply.html + " <script>" == Markup("<b>Jalisco</b> &lt;script&gt;")


def test_every_reply_the_engine_gives_is_markup(engine):
    for question in ("¿Cómo va Jalisco?", "¿Qué es un STL?", "<b>hola</b>", "paso 6", "¿cuáles firmaron en 2016?"):
        assert isinstance(engine.ask(question).html, Markup)
