"""Issue 10: the CLI warns on a plain http:// link exactly as the Telegram flow does (the one
rule in bot/core/rules.py), for `publicar`, `importar` and `convocar`; https:// says nothing."""

from __future__ import annotations

import pytest

from bot import cli
from bot.core.rules import LINK_PLAIN_HTTP
from bot.store import Store


@pytest.fixture
def store(db_path):
    opened = Store(db_path)
    yield opened
    opened.close()


def publicar(url: str) -> list[str]:
    return ["publicar", "--entidad", "jalisco", "--paso", "4", "--titulo", "Acta de instalación", "--url", url]


def test_publicar_warns_on_plain_http_and_still_publishes(store, capsys):
    assert cli.main(publicar("http://stl.example/acta.pdf")) == 0
    captured = capsys.readouterr()
    assert LINK_PLAIN_HTTP in captured.err and "Error" not in captured.err
    assert "Publicado en Jalisco" in captured.out and len(store.documents("jalisco")) == 1


def test_publicar_says_nothing_on_https_nor_on_a_link_typed_without_a_scheme(store, capsys):
    assert cli.main(publicar("https://stl.example/acta.pdf")) == 0
    assert cli.main(publicar("www.stl.example/otra.pdf")) == 0  # gets https://
    assert "http://" not in capsys.readouterr().err


def test_importar_warns_once_per_plain_http_row_naming_it(store, capsys, tmp_path):
    path = tmp_path / "docs.csv"
    path.write_text("entidad,paso,tipo,titulo,url,fecha\n"
                    "jalisco,4,acta,Acta de instalación,http://stl.example/j/acta.pdf,2026-11-01\n"
                    "oaxaca,11,,Plan de Acción Local,https://stl.example/o/pal.pdf,\n", encoding="utf-8")
    assert cli.main(["importar", str(path)]) == 0
    err = capsys.readouterr().err
    assert err.count(LINK_PLAIN_HTTP) == 1 and "docs.csv, fila 2" in err, err


def test_convocar_warns_on_plain_http(store, capsys):
    assert cli.main(["convocar", "--entidad", "oaxaca", "--paso", "7", "--titulo", "Mesas de cocreación",
                     "--cierra", "en dos semanas", "--url", "http://stl.example/mesas"]) == 0
    assert LINK_PLAIN_HTTP in capsys.readouterr().err
