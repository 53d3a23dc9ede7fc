"""What facilitators can push (issue 13, item 10): titles without control or direction characters,
and «the PDF» is a PDF by its bytes, not its name."""

from __future__ import annotations

import pytest

from bot.core.rules import clean_title, is_pdf, title_problem


@pytest.mark.parametrize("title", ["Factura \u202efdp.exe", "Acta\u2067 de instalación", "Acta\u200e final",
                                   "Acta\x00 final", "Acta\x1b[31m roja", "Acta\x9bx"])
def test_titles_with_control_or_bidi_characters_are_refused(title):
    assert clean_title(title) is None
    assert "invisibles o de control" in title_problem(title)


def test_plain_titles_still_pass_with_their_spaces_tidied():
    assert clean_title("  Acta   de\ninstalación\t(2026) 📄 ") == "Acta de instalación (2026) 📄"
    assert title_problem("ab").startswith("El título debe tener entre 3 y 200")


def test_a_document_title_with_an_override_is_refused(kb):
    from bot.core.publishing import DocumentDraft, PublishError, validate

    with pytest.raises(PublishError, match="invisibles"):
        validate(DocumentDraft(state="jalisco", step=4, title="Factura \u202efdp.exe", url="https://stl.example/a"), kb)


def test_a_convocatoria_title_with_an_override_is_refused(kb):
    from bot.core.convocatorias import ConvocatoriaDraft, kinds, ConvocatoriaError, Convocatorias

    desk = Convocatorias(None, kb, elapsed=lambda: 0.0)  # the title is checked before anything is stored
    draft = ConvocatoriaDraft(state="oaxaca", kind=next(iter(kinds())), title="Convocatoria \u2066abierta")
    with pytest.raises(ConvocatoriaError, match="invisibles"):
        desk.validate(draft)


@pytest.mark.parametrize("head, ok", [(b"%PDF-1.4\n%\xe2\xe3", True), (b"%PDF-", True), (b"MZ\x90\x00", False),
                                      (b"", False), (b"%PDF", False), (b" %PDF-1.7", False), (b"<html>%PDF-", False)])
def test_a_pdf_is_told_by_its_first_bytes(head, ok):
    assert is_pdf(head) is ok
