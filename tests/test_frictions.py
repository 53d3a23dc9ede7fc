"""Issue 10's frictions, in process: /ayuda per role, the welcome, /fuentes' length."""

from __future__ import annotations

from bot.core.commands import ADMIN, CITIZEN, COMMANDS, CURATOR, FACILITATOR, help_for
from knowledge.reply import html_to_text


def _commands_in(text: str) -> set[str]:
    return {word[1:].rstrip(";,.") for line in text.splitlines() for word in line.split()[:1] if word.startswith("/")}


def test_help_shows_a_citizen_only_the_citizens_commands(engine):
    text = html_to_text(help_for(engine, {CITIZEN}).html)
    assert text.startswith("Esto puedo hacer por ti")
    assert "con tus palabras" in text  # the curated closing line stays
    citizen = {c.name for c in COMMANDS if c.menu and CITIZEN in c.roles}
    assert _commands_in(text) == citizen
    assert "/publicar" not in text and "/pendientes" not in text


def test_help_adds_each_role_its_own_section(engine):
    facilitator = html_to_text(help_for(engine, {CITIZEN, FACILITATOR}).html)
    assert "Para quien facilita" in facilitator and "/publicar" in facilitator and "/estadisticas" in facilitator
    assert "/pendientes" not in facilitator and "/nombrar_facilitador" not in facilitator
    curator = html_to_text(help_for(engine, {CITIZEN, CURATOR}).html)
    assert "/pendientes" in curator and "/publicar" not in curator


def test_help_shows_an_admin_every_command_once(engine):
    text = html_to_text(help_for(engine, {CITIZEN, ADMIN, CURATOR}).html)
    listed = [line.split()[0][1:] for line in text.splitlines() if line.startswith("/")]
    assert sorted(listed) == sorted({c.name for c in COMMANDS if c.menu})
    assert len(listed) == len(set(listed))


def test_the_welcome_greets_by_first_name_escaped_and_offers_notices_and_convocatorias(engine):
    from bot.core.commands import start_reply

    reply = start_reply(engine, "", "Ana <b>&")
    assert reply.html.startswith("¡Hola, Ana &lt;b&gt;&amp;! Soy")
    labels = [button.text for row in reply.buttons for button in row]
    assert labels[:2] == ["🔔 Avisos de mi estado", "📣 Convocatorias"]
    assert start_reply(engine, "").html.startswith("¡Hola! Soy")  # no name given


def test_a_deep_link_on_first_contact_carries_the_privacy_line(engine):
    from bot.core.commands import PRIVACY_LINE, start_reply

    assert PRIVACY_LINE in start_reply(engine, "jalisco", "Ana", first_contact=True).html
    assert PRIVACY_LINE not in start_reply(engine, "jalisco", "Ana", first_contact=False).html
    unknown = start_reply(engine, "xyz", "Ana", first_contact=True).html
    assert unknown.count(PRIVACY_LINE) == 1 and unknown.startswith("No reconozco")


def test_fuentes_fits_in_1200_characters_with_every_source_and_its_date(engine, kb):
    reply = engine.answers.sources_list()
    text = html_to_text(reply.html)
    assert len(text) < 1200, len(text)
    for source in kb.sources.values():
        assert f"{source.short_name} ({source.date.human()})" in text
    assert "dejó de existir" in text
