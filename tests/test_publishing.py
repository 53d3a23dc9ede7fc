"""Publishing a document: validation, the notice, the CLI (`publicar`, `importar`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine

from bot import cli
from bot.core.notices import document_notice
from bot.core.publishing import DocumentDraft, PublishError, parse_step, publish_document, validate
from bot.store import DuplicateDocument, Store
from tests.emulator.entities import format_text


@pytest.fixture
def store(db_path):
    opened = Store(db_path)
    yield opened
    opened.close()


def draft(**changes) -> DocumentDraft:
    fields = dict(state="jalisco", step=4, title="Acta de instalación del STL", url="https://stl.example/acta.pdf",
                  published_on=date(2026, 11, 20))
    fields.update(changes)
    return DocumentDraft(**fields)


class TestValidation:
    @pytest.mark.parametrize("changes, problem", [
        ({"state": "atlantida"}, "entidad"),
        ({"state": None}, "entidad"),
        ({"title": "ab"}, "título"),
        ({"title": "x" * 201}, "título"),
        ({"url": "ftp://stl.example/a.pdf"}, "enlace"),
        ({"url": "https://stl.example/con espacio.pdf"}, "enlace"),
        ({"url": 'https://stl.example/acta"final.pdf'}, "comillas"),
        ({"url": "https://stl.example/<acta>.pdf"}, "comillas"),
        ({"url": None}, "enlace o un archivo"),
        ({"kind": "memorandum"}, "Tipo desconocido"),
        ({"published_on": date.today() + timedelta(days=1)}, "futuro"),
    ])
    def test_bad_drafts_are_refused_in_spanish(self, kb, changes, problem):
        with pytest.raises(PublishError, match=problem):
            validate(draft(**changes), kb)

    def test_a_good_draft_is_cleaned(self, kb):
        cleaned = validate(draft(title="  Acta   de\ninstalación ", url=" https://stl.example/a.pdf "), kb)
        assert cleaned.title == "Acta de instalación" and cleaned.url == "https://stl.example/a.pdf"

    def test_a_file_alone_is_enough(self, kb):
        assert validate(draft(url=None, file_id="BQAC", file_unique_id="AgAD"), kb).file_id == "BQAC"

    @pytest.mark.parametrize("text, step", [("4", 4), (4, 4), ("paso 13", 13), ("otro", None), ("", None), (None, None)])
    def test_steps(self, text, step):
        assert parse_step(text) == step

    @pytest.mark.parametrize("text", ["0", "14", "cuatro", "-1"])
    def test_bad_steps(self, text):
        with pytest.raises(PublishError, match="del 1 al 13"):
            parse_step(text)


class TestNotice:
    def test_says_state_step_title_date_and_link(self, kb):
        html = document_notice(kb, "jalisco", 4, "acta", "Acta <firmada>", "https://stl.example/a.pdf?x=1&y=2",
                               date(2026, 11, 20), has_file=False)
        assert "Jalisco" in html
        assert "Paso 4 de 13: Acta de instalación" in html
        assert "Acta &lt;firmada&gt;" in html
        assert "20 de noviembre de 2026" in html
        assert 'href="https://stl.example/a.pdf?x=1&amp;y=2"' in html
        assert "/baja" not in html  # a button does it (tests/test_notice_buttons.py)

    def test_a_document_of_no_step_names_its_kind(self, kb):
        html = document_notice(kb, "puebla", None, "informe", "Informe anual", None, date(2026, 1, 5), has_file=True)
        assert "Informe" in html and "paso" not in html.lower() and "adjunto" in html


class TestPublish:
    def test_publishing_queues_one_notice_per_subscriber(self, store, kb):
        store.subscribe(1, "jalisco")
        store.subscribe(2, "jalisco")
        store.subscribe(3, "oaxaca")
        result = publish_document(store, kb, draft(), published_by="test")
        assert result.queued == 2 and result.document.step == 4
        delivery = store.due_deliveries(now=10**10, limit=1)[0]
        assert "Acta de instalación del STL" in delivery.html and "oaxaca" not in (delivery.buttons or "")
        assert '"arg": "jalisco"' in (delivery.buttons or "")

    def test_a_duplicate_link_is_refused(self, store, kb):
        publish_document(store, kb, draft(), published_by="test")
        with pytest.raises(DuplicateDocument):
            publish_document(store, kb, draft(title="Otro título"), published_by="test")

    def test_a_bad_draft_writes_nothing(self, store, kb):
        with pytest.raises(PublishError):
            publish_document(store, kb, draft(title=""), published_by="test")
        assert store.documents(None) == []


class TestCliPublicar:
    def args(self, *extra):
        return ["publicar", "--entidad", "Jalisco", "--paso", "4", "--titulo", "Acta de instalación",
                "--url", "https://stl.example/acta.pdf", *extra]

    def test_publishes_and_queues(self, store, capsys):
        store.subscribe(1, "jalisco")
        assert cli.main(self.args("--fecha", "2026-11-20")) == 0
        out = capsys.readouterr().out
        assert "Publicado en Jalisco" in out and "Avisos en cola: 1" in out
        assert store.documents("jalisco")[0].published_on == date(2026, 11, 20)

    def test_accepts_an_alias(self, store, capsys):
        assert cli.main(["publicar", "--entidad", "edomex", "--paso", "otro", "--titulo", "Informe",
                         "--url", "https://stl.example/i.pdf"]) == 0
        assert store.documents("estado-de-mexico")[0].step is None

    def test_duplicate_is_refused_with_a_clear_message(self, store, capsys):
        assert cli.main(self.args()) == 0
        assert cli.main(self.args()) == 3
        assert "ya estaba publicado para Jalisco" in capsys.readouterr().err

    @pytest.mark.parametrize("extra, message", [
        (["--fecha", "20/11/2026"], "fecha inválida"),
        (["--fecha", "2999-01-01"], "futuro"),
    ])
    def test_bad_values_are_one_line_errors(self, store, capsys, extra, message):
        assert cli.main(self.args(*extra)) == 2
        err = capsys.readouterr().err.strip()
        assert message in err and "\n" not in err and store.documents(None) == []

    @pytest.mark.parametrize("field, value, message", [
        ("--url", "https://ana:secreta@stl.example/a.pdf", "usuario ni contraseña"),
        ("--url", "https://stl.ex\u0430mple/a.pdf", "distintos alfabetos"),
        ("--url", "https://stl.example/" + "a" * 2000, "hasta 2.000 caracteres"),
        ("--url", "https://stl.example/\u202efdp.exe", "invisibles o de control"),
        ("--titulo", "Factura \u202efdp.exe", "invisibles o de control"),
    ])
    def test_what_facilitators_cannot_push_from_the_cli(self, store, capsys, field, value, message):
        args = self.args()
        args[args.index(field) + 1] = value
        assert cli.main(args) == 2
        err = capsys.readouterr().err.strip()
        assert message in err and "\n" not in err and store.documents(None) == []

    def test_unknown_state(self, store, capsys):
        assert cli.main(["publicar", "--entidad", "Atlántida", "--paso", "4", "--titulo", "Acta",
                         "--url", "https://stl.example/a.pdf"]) == 2
        assert "no reconozco la entidad" in capsys.readouterr().err


CSV_GOOD = """entidad,paso,tipo,titulo,url,fecha
Jalisco,4,acta,Acta de instalación,https://stl.example/j/acta.pdf,2026-11-01
oaxaca,11,,Plan de Acción Local,https://stl.example/o/pal.pdf,
edomex,otro,informe,Informe anual,https://stl.example/m/inf.pdf,2026-10-15
"""

YAML_GOOD = """
- entidad: Jalisco
  paso: 4
  titulo: Acta de instalación
  url: https://stl.example/j/acta.pdf
  fecha: 2026-11-01
- entidad: Puebla
  paso: otro
  tipo: informe
  titulo: Informe
  url: https://stl.example/p/inf.pdf
"""


class TestCliImportar:
    def test_csv_publishes_every_row(self, store, tmp_path, capsys):
        store.subscribe(1, "jalisco")
        path = tmp_path / "docs.csv"
        path.write_text(CSV_GOOD, encoding="utf-8")
        assert cli.main(["importar", str(path)]) == 0
        assert "Publicados: 3. Omitidos: 0. Avisos en cola: 1." in capsys.readouterr().out
        assert store.progress("oaxaca") == 11 and store.documents("oaxaca")[0].kind == "plan"
        assert store.documents("estado-de-mexico")[0].kind == "informe"

    def test_yaml_publishes_every_record(self, store, tmp_path, capsys):
        path = tmp_path / "docs.yaml"
        path.write_text(YAML_GOOD, encoding="utf-8")
        assert cli.main(["importar", str(path)]) == 0
        assert "Publicados: 2." in capsys.readouterr().out
        assert store.documents("jalisco")[0].published_on == date(2026, 11, 1)

    def test_revisar_validates_and_publishes_nothing(self, store, tmp_path, capsys):
        store.subscribe(1, "jalisco")
        path = tmp_path / "docs.csv"
        path.write_text(CSV_GOOD, encoding="utf-8")
        assert cli.main(["importar", str(path), "--revisar"]) == 0
        assert "3 documentos válidos. No publiqué nada" in capsys.readouterr().out
        assert store.documents(None) == [] and store.outbox_counts() == {}

    def test_bad_csv_rows_are_named_by_line_and_nothing_is_published(self, store, tmp_path, capsys):
        path = tmp_path / "docs.csv"
        path.write_text(CSV_GOOD + "Atlántida,4,,Acta,https://stl.example/x.pdf,\n"
                        "Puebla,15,,Acta,https://stl.example/y.pdf,\n"
                        "Puebla,4,,Acta,https://stl.example/z.pdf,ayer\n", encoding="utf-8")
        assert cli.main(["importar", str(path)]) == 2
        err = capsys.readouterr().err
        assert "docs.csv, fila 5: campo 'entidad': entidad desconocida" in err
        assert "docs.csv, fila 6: campo 'paso': El paso debe ser" in err
        assert "docs.csv, fila 7: campo 'fecha': fecha inválida" in err
        assert "No publiqué nada: 3 de 6 documentos con errores." in err
        assert store.documents(None) == []

    def test_rows_that_fail_validation_are_named_before_anything_is_published(self, store, tmp_path, capsys):
        """A title too short or a bad link is a row error like any other: all or nothing."""
        path = tmp_path / "docs.csv"
        path.write_text(CSV_GOOD + "Puebla,4,,ab,https://stl.example/y.pdf,\n"
                        "Puebla,4,,Acta buena,notalink,\n", encoding="utf-8")
        assert cli.main(["importar", str(path)]) == 2
        err = capsys.readouterr().err
        assert "docs.csv, fila 5: El título" in err and "docs.csv, fila 6: El enlace" in err
        assert store.documents(None) == []

    def test_bad_yaml_records_are_named_by_the_line_they_start_on(self, store, tmp_path, capsys):
        text = YAML_GOOD + "- entidad: Jalisco\n  titulo: Acta\n  autor: alguien\n- solo texto\n"
        path = tmp_path / "docs.yaml"
        path.write_text(text, encoding="utf-8")
        lines = text.split("\n")
        third_starts = len(lines) - lines[::-1].index("- entidad: Jalisco")  # 1-based
        assert cli.main(["importar", str(path), "--revisar"]) == 2
        err = capsys.readouterr().err
        assert f"docs.yaml, línea {third_starts}: campos desconocidos: autor" in err
        assert f"docs.yaml, línea {lines.index('- solo texto') + 1}: no es un registro con campos" in err

    def test_malformed_yaml_is_one_clear_line(self, store, tmp_path, capsys):
        path = tmp_path / "docs.yaml"
        path.write_text("- entidad: Jalisco\n  titulo: [sin cerrar\n", encoding="utf-8")
        assert cli.main(["importar", str(path)]) == 2
        err = capsys.readouterr().err.strip()
        assert "docs.yaml" in err and "no es un YAML válido" in err and "\n" not in err

    def test_duplicates_in_the_file_are_skipped_and_reported(self, store, tmp_path, capsys):
        path = tmp_path / "docs.csv"
        path.write_text(CSV_GOOD, encoding="utf-8")
        assert cli.main(["importar", str(path)]) == 0
        capsys.readouterr()
        assert cli.main(["importar", str(path)]) == 0
        out = capsys.readouterr().out
        assert "Publicados: 0. Omitidos: 3." in out and "fila 2: Ese documento ya estaba publicado" in out

    def test_missing_file(self, store, capsys):
        assert cli.main(["importar", "/nonexistent/docs.csv"]) == 2
        assert "no existe el archivo" in capsys.readouterr().err


class TestMexicoDate:
    """The server runs in UTC; at 20:00 in Mexico City (02:00 UTC) it is still yesterday there."""

    EVENING_IN_MEXICO = datetime(2026, 11, 21, 2, 0, tzinfo=timezone.utc)

    def test_a_new_draft_is_dated_by_mexico_s_calendar(self):
        with time_machine.travel(self.EVENING_IN_MEXICO, tick=False):
            assert DocumentDraft().published_on == date(2026, 11, 20)

    def test_the_utc_date_is_still_the_future_in_mexico(self, kb):
        with time_machine.travel(self.EVENING_IN_MEXICO, tick=False):
            with pytest.raises(PublishError, match="futuro"):
                validate(draft(published_on=date(2026, 11, 21)), kb)

    def test_the_cli_dates_by_mexico_s_calendar(self, store, capsys):
        with time_machine.travel(self.EVENING_IN_MEXICO, tick=False):
            assert cli.main(["publicar", "--entidad", "jalisco", "--paso", "4", "--titulo", "Acta",
                             "--url", "https://stl.example/a.pdf"]) == 0
        assert store.documents("jalisco")[0].published_on == date(2026, 11, 20)


class TestNoticeIsValidTelegramHtml:
    """Whatever a facilitator types, the notice must parse as Telegram HTML: if it did not,
    every subscriber's delivery would fail."""

    @pytest.mark.parametrize("url", [
        'https://stl.example/acta"final.pdf',
        "https://stl.example/a'b.pdf",
        "https://stl.example/acta.pdf?x=1&y=<2>",
    ])
    @pytest.mark.parametrize("title", ["Acta <final> & anexos", 'Plan "2026"', "Informe &amp; más"])
    def test_links_and_titles_with_markup_characters(self, kb, url, title):
        html = document_notice(kb, "jalisco", 4, "acta", title, url, date(2026, 11, 20), has_file=False)
        parsed = format_text(html, "HTML")  # raises like Telegram's "can't parse entities"
        assert title in parsed.text
        assert [e["url"] for e in parsed.entities if e["type"] == "text_link"] == [url]
