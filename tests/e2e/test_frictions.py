"""Issue 10's frictions over Telegram (the emulator): /ayuda per role, the welcome, «Baja de
todas» asked first."""

from __future__ import annotations

import pytest

from tests.e2e.people import HELP
from tests.e2e.publishing_support import live_with_admin, opened


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with live_with_admin(tmp_path_factory.mktemp("frictions")) as shared:
        yield shared


def test_help_shows_each_person_the_commands_of_their_roles(live):
    citizen = live.person("Ciro").says("/ayuda").text
    assert citizen.startswith(HELP) and "/suscribir" in citizen
    assert "/publicar" not in citizen and "/nombrar_facilitador" not in citizen

    fer = live.person("Fer")
    with opened(live.process.db_path) as store:
        store.grant_facilitator(fer.user.id, "jalisco", None)
    facilitator = fer.says("/ayuda").text
    assert "Para quien facilita" in facilitator and "/convocar" in facilitator
    assert "/nombrar_facilitador" not in facilitator

    admin = live.admin.says("/help").text
    assert "/nombrar_facilitador" in admin and "/pendientes" in admin and "/publicar" in admin
