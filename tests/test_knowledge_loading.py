"""The knowledge store loads, is complete, and a malformed file stops start-up with an error
that names the file, the entry and the field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from knowledge.loader import DATA_DIR, KnowledgeError, load_knowledge
from knowledge.models import CANONICAL_STATES


def test_store_is_complete(kb):
    assert sorted(s.name for s in kb.states.values()) == sorted(CANONICAL_STATES)
    assert sorted(kb.steps) == list(range(1, 14))
    assert sorted(kb.phases) == list(range(1, 7))
    assert len(kb.terms) >= 30
    assert {"how_to_participate", "subscribe_help", "help", "greeting", "out_of_scope", "privacy"} <= set(kb.answers)


def test_every_fact_has_a_known_source(kb):
    for state in kb.states.values():
        for fact in (state.declaratoria, state.exercise, state.stl, state.pal, *state.particularities):
            assert fact.source in kb.sources
    for figure in kb.figures:
        assert figure.source in kb.sources


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit(data_dir: Path, file: str, change) -> None:
    path = data_dir / file
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(entries)
    path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _error(data_dir: Path) -> KnowledgeError:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(data_dir)
    return caught.value


def test_the_copy_loads(data_copy):
    assert len(load_knowledge(data_copy).states) == 32


def test_unknown_state_names_file_entry_and_field(data_copy):
    _edit(data_copy, "entidades.yaml", lambda e: e[0].update(name="Atlántida"))
    error = _error(data_copy)
    assert (error.file, error.field) == ("entidades.yaml", "name")
    assert "aguascalientes" in error.entry
    assert "Atlántida" in str(error) and "entidades.yaml" in str(error)


def test_step_fourteen_is_refused(data_copy):
    _edit(data_copy, "pasos.yaml", lambda e: e[-1].update(number=14))
    error = _error(data_copy)
    assert (error.file, error.field) == ("pasos.yaml", "number")
    assert "14" in error.entry


def test_fact_without_source_is_refused(data_copy):
    def drop_source(entries):
        del entries[14]["stl"]["source"]

    _edit(data_copy, "entidades.yaml", drop_source)
    error = _error(data_copy)
    assert error.field == "stl.source" and "jalisco" in error.entry
    assert "falta" in error.problem


def test_typo_in_a_field_name_is_refused(data_copy):
    def typo(entries):
        entries[0]["exercise"]["stauts"] = entries[0]["exercise"].pop("status")

    _edit(data_copy, "entidades.yaml", typo)
    error = _error(data_copy)
    assert error.field in ("exercise.stauts", "exercise.status")


def test_unknown_status_value_is_refused(data_copy):
    _edit(data_copy, "entidades.yaml", lambda e: e[3]["stl"].update(status="maybe"))
    error = _error(data_copy)
    assert error.field == "stl.status" and "maybe" in error.problem


def test_unknown_source_id_is_refused(data_copy):
    _edit(data_copy, "glosario.yaml", lambda e: e[0].update(source="wikipedia"))
    error = _error(data_copy)
    assert (error.file, error.field) == ("glosario.yaml", "source") and "wikipedia" in error.problem


def test_missing_state_is_refused(data_copy):
    _edit(data_copy, "entidades.yaml", lambda e: e.pop())
    error = _error(data_copy)
    assert "Zacatecas" in error.problem


def test_duplicate_step_is_refused(data_copy):
    _edit(data_copy, "pasos.yaml", lambda e: e[1].update(number=1))
    error = _error(data_copy)
    assert error.file == "pasos.yaml" and error.field == "number"


def test_bad_date_is_refused(data_copy):
    _edit(data_copy, "fuentes.yaml", lambda e: e[0].update(date="noviembre 2019"))
    error = _error(data_copy)
    assert (error.file, error.field) == ("fuentes.yaml", "date")


def test_broken_yaml_names_the_line(data_copy):
    (data_copy / "fases.yaml").write_text("- number: 1\n  name: [sin cerrar\n", encoding="utf-8")
    error = _error(data_copy)
    assert error.file == "fases.yaml" and "línea" in error.problem


def test_unknown_related_term_is_refused(data_copy):
    _edit(data_copy, "glosario.yaml", lambda e: e[0].update(related=["no-existe"]))
    error = _error(data_copy)
    assert (error.file, error.field) == ("glosario.yaml", "related")


def test_unknown_also_from_source_is_refused(data_copy):
    _edit(data_copy, "pasos.yaml", lambda e: e[0].update(also_from=["rumor"]))
    error = _error(data_copy)
    assert error.file == "pasos.yaml" and error.field == "also_from" and "rumor" in error.problem
