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
