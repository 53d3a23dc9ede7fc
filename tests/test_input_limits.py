"""Input that used to crash: digits that are not ASCII ('⁴' passes str.isdigit and int() refuses
it), ids too big for SQLite in forged buttons and commands, dates near year 9999, import files
of the wrong shape (empty, numbers where text goes, a date with a time, lists, YAML alias bombs)
and knowledge files that are not UTF-8. Each is one clear answer or line, never a traceback."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from bot import cli
from bot.console import Console
from bot.core.dates import DateInputError, parse_moment
from bot.core.publishing import PublishError, parse_step
from bot.runtime.settings import Settings, SettingsError
from bot.core.commands import action_reply, command_reply
from knowledge.loader import DATA_DIR, KnowledgeError, load_knowledge
from knowledge.reply import Action
from knowledge.text import ascii_int
from knowledge.understanding.understander import cache_folder
from tests.app_on_loop import app_on_loop
from tests.bot_process import ROOT

NOW = datetime(2026, 11, 21, 18, 0, tzinfo=timezone.utc)
SUPERSCRIPTS = ["⁴", "²", "¹³", "4⁴"]


def test_ascii_int_takes_only_ascii_digits_that_fit_sqlite():
    assert ascii_int("4") == 4 and ascii_int("013") == 13
    for text in ["⁴", "٣", "4.0", "-4", "", " 4", "1" * 19, "四"]:
        assert ascii_int(text) is None, text


@pytest.mark.parametrize("text", SUPERSCRIPTS)
def test_superscript_digits_in_commands_and_buttons_answer(engine, text):
    for command in ("paso", "fase", "start"):
        assert command_reply(engine, command, text if command != "start" else f"paso-{text}") is not None
    for kind in ("step", "phase", "terms"):
        action_reply(engine, Action(kind, text))  # None (stale) or a reply, never an exception


def test_paso_with_a_superscript_reads_the_number_as_people_mean_it(engine):
    assert command_reply(engine, "paso", "⁴").text == command_reply(engine, "paso", "4").text


def test_the_console_survives_superscripts_typed_as_commands_and_as_button_numbers(engine):
    out = io.StringIO()
    console = Console(engine, out=out)
    console.loop(io.StringIO("/paso 3\n⁴\n/paso ⁴\n/fase ²\n²\n"))
    assert out.getvalue().count("Paso 4 de 13") >= 1


@pytest.mark.e2e
def test_python_m_bot_chat_survives_paso_superscript(tmp_path):
    done = subprocess.run([sys.executable, "-m", "bot", "chat"], input="/paso ⁴\n/fase ⁴\n", cwd=ROOT, text=True,
                          capture_output=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "COCREA_DB": str(tmp_path / "c.db"), "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Paso 4 de 13" in done.stdout


@pytest.mark.parametrize("value", ["⁴", "٤", "4.0", "1" * 30])
def test_steps_and_settings_refuse_other_digits_in_one_line(value):
    with pytest.raises(PublishError):
        parse_step(value)
    for name in ("PORT", "COCREA_REMINDER_DAYS"):
        with pytest.raises(SettingsError, match=name):
            Settings.from_env({name: value})
    with pytest.raises(SettingsError, match="COCREA_ADMIN_IDS"):
        Settings.from_env({"COCREA_ADMIN_IDS": value + "9" * 20})


@pytest.mark.parametrize("text", ["9999-12-31", "31/12/9999 23:59", "31 de diciembre de 9999", "2100-01-01",
                                  "en 99999 semanas"])
def test_a_date_too_far_ahead_is_a_clear_spanish_error(text):
    with pytest.raises(DateInputError, match="demasiado lejos en el futuro"):
        parse_moment(text, NOW)


def test_convocar_in_the_cli_with_year_9999_is_one_line_and_status_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COCREA_DB", str(tmp_path / "cocrea.db"))
    code = cli.main(["convocar", "--entidad", "oaxaca", "--paso", "7", "--titulo", "Mesas de prueba",
                     "--cierra", "9999-12-31"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith("Error: --cierra: «9999-12-31» queda demasiado lejos") and "\n" not in err


# -- importar ----------------------------------------------------------------------------------

BOMB = "\n".join(["- entidad: jalisco", "  lol: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
                 + [f"  l{n}: &{chr(98 + n)} [" + ", ".join([f"*{chr(97 + n)}"] * 9) + "]" for n in range(8)])

GOOD = "  entidad: jalisco\n  paso: 4\n  titulo: Acta del STL\n"


@pytest.mark.parametrize("name, content, says", [
    ("vacio.yaml", "", "vacio.yaml: no tiene ningún documento"),
    ("comentarios.yaml", "# nada\n", "comentarios.yaml: no tiene ningún documento"),
    ("vacio.csv", "", "vacio.csv: no tiene ningún documento"),
    ("url.yaml", f"-{GOOD[1:]}  url: 12345\n", "url.yaml, línea 1: campo 'url': debe ser texto, no un número"),
    ("hora.yaml", f"-{GOOD[1:]}  url: https://a.example/x.pdf\n  fecha: 2024-01-02 10:00:00\n",
     "hora.yaml, línea 1: campo 'fecha': solo la fecha"),
    ("lista.yaml", "- [jalisco, 4]\n", "lista.yaml, línea 1: no es un registro con campos"),
    ("mapa.yaml", "entidad: jalisco\n", "mapa.yaml: debe ser una lista de documentos"),
    ("listas.yaml", "- entidad: [jalisco]\n  paso: 4\n  titulo: Acta\n  url: https://a.example/x.pdf\n",
     "listas.yaml, línea 1: campo 'entidad': debe ser texto, no una lista"),
    ("tipo.yaml", f"-{GOOD[1:]}  url: https://a.example/x.pdf\n  tipo: {{a: 1}}\n",
     "tipo.yaml, línea 1: campo 'tipo': debe ser texto, no un registro"),
    ("paso.yaml", "- entidad: jalisco\n  paso: ⁴\n  titulo: Acta del STL\n  url: https://a.example/x.pdf\n",
     "paso.yaml, línea 1: campo 'paso': El paso debe ser un número del 1 al 13"),
    ("si.yaml", "- entidad: jalisco\n  paso: yes\n  titulo: Acta del STL\n  url: https://a.example/x.pdf\n",
     "si.yaml, línea 1: campo 'paso': debe ser un número del 1 al 13 u «otro», no un sí/no"),
    ("bomba.yaml", BOMB, "bomba.yaml, línea 2: no acepto anclas ni alias de YAML"),
    ("ancla.yaml", f"- &uno\n{GOOD}  url: https://a.example/x.pdf\n", "ancla.yaml, línea 1: no acepto anclas"),
    ("latin1.csv", "entidad,paso,titulo,url\nMéxico,4,Acta,https://a.example/x.pdf\n".encode("latin-1"),
     "latin1.csv: no está en UTF-8"),
    ("columnas.csv", "entidad,paso,titulo,url\njalisco,4,Acta del STL,https://a.example/x.pdf,de más\n",
     "columnas.csv, fila 2: tiene más columnas que el encabezado"),
])
def test_importar_bad_files_are_one_clear_line_naming_file_row_and_field(tmp_path, monkeypatch, capsys,
                                                                           name, content, says):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    monkeypatch.setenv("COCREA_DB", str(tmp_path / "cocrea.db"))
    code = cli.main(["importar", str(path), "--revisar"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert says in err.splitlines()[0], err
    assert "Traceback" not in err


def test_an_import_file_too_big_is_refused_before_it_is_read(tmp_path, monkeypatch, capsys):
    path = tmp_path / "enorme.csv"
    with path.open("wb") as handle:
        handle.truncate(50_000_000)  # sparse: no disk used
    monkeypatch.setenv("COCREA_DB", str(tmp_path / "cocrea.db"))
    assert cli.main(["importar", str(path), "--revisar"]) == 2
    assert "enorme.csv: pesa 50.0 MB; el máximo es 5 MB" in capsys.readouterr().err


def test_an_alias_bomb_in_a_subprocess_stays_small_and_fast(tmp_path):
    path = tmp_path / "bomba.yaml"
    path.write_text(BOMB + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", "import resource, sys\n"
                           "resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))\n"
                           "from bot.cli import main\nsys.exit(main(sys.argv[1:]))", "importar", str(path), "--revisar"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "COCREA_DB": str(tmp_path / "c.db"), "HOME": str(tmp_path),
                               # the classifier this session trained, instead of training it again
                               "COCREA_CACHE_DIR": str(cache_folder() or "")})
    assert done.returncode == 2 and "no acepto anclas ni alias" in done.stderr, done.stderr


# -- knowledge files ---------------------------------------------------------------------------

def test_a_knowledge_file_that_is_not_utf8_is_a_knowledge_error_naming_it(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for source in DATA_DIR.glob("*.yaml"):
        (data / source.name).write_bytes(source.read_bytes())
    (data / "glosario.yaml").write_bytes((DATA_DIR / "glosario.yaml").read_bytes() + "\n# árbol\n".encode("latin-1"))
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(data)
    assert "knowledge/data/glosario.yaml: no está en UTF-8" in str(raised.value)


# -- in Telegram ------------------------------------------------------------------------------

@pytest.mark.e2e
async def test_telegram_paso_superscript_and_forged_buttons_with_big_ids(engine, tmp_path):
    async with app_on_loop(engine, tmp_path) as on:
        ana = on.emu.new_user("Ana")
        assert (await on.says(ana, "/paso ⁴")).text.startswith("Paso 4 de 13")
        assert (await on.says(ana, "/fase ²")).text
        welcome = await on.says(ana, "/start")
        big = "9" * 20  # more than SQLite's 64-bit integers: OverflowError before the permission check
        for data in (f"1|cv|m:{big}", f"1|cv|c:{big}", f"1|cv|u:{big}", f"1|cv|x:{big}", f"1|cv|xy:{big}",
                     f"1|cv|s:{big}"):
            answer = await on.presses(ana, welcome, data)
            assert answer.show_alert and answer.text.startswith("Ese botón ya no funciona"), data
        for data in (f"1|p|{big}", f"1|ts|{big}", f"1|x|{big}", f"1|f|{big}"):
            await on.presses(ana, welcome, data)  # answered, whatever it says; app_on_loop checks no error


@pytest.mark.e2e
async def test_admin_commands_with_ids_too_big_or_not_ascii_say_it_is_no_id(engine, tmp_path):
    async with app_on_loop(engine, tmp_path, admins=1) as on:
        boss, = on.admins
        for command in ("/nombrar_facilitador 99999999999999999999 jalisco", "/nombrar_facilitador ⁴ jalisco",
                        "/quitar_facilitador 99999999999999999999", "/quitar_facilitador -99999999999999999999"):
            assert "no es un id de Telegram" in (await on.says(boss, command)).text, command
        assert on.store.facilitators() == []
        fer = on.emu.new_user("Fer")
        assert (await on.says(boss, f"/nombrar_facilitador {fer.id} jalisco")).text.startswith("Listo")


@pytest.mark.e2e
async def test_convocar_in_telegram_with_year_9999_asks_again(engine, tmp_path):
    async with app_on_loop(engine, tmp_path) as on:
        fer = on.emu.new_user("Fer")
        on.store.grant_facilitator(fer.id, "oaxaca", granted_by=None)
        kinds = await on.says(fer, "/convocar")
        assert (await on.taps_to_new(fer, kinds, "7 · Mesas de cocreación")).text.startswith("¿Cuál es el título?")
        await on.says(fer, "Mesas de cocreación 2027")
        assert "¿Cuándo cierra?" in (await on.says(fer, "Para quien quiera proponer compromisos.")).text
        for typed in ("9999-12-31", "31/12/9999 23:59"):
            assert "demasiado lejos en el futuro" in (await on.says(fer, typed)).text
