"""The knowledge store loads, is complete, and malformed files stop start-up with one error that
lists every problem of every file, each naming the file, the entry and the field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.cli import check_knowledge
from knowledge.loader import DATA_DIR, KnowledgeError, KnowledgeErrors, load_knowledge
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


# libyaml's parser and emitter when present: the pure-Python ones took most of each test's time
# on ejemplos.yaml (5,000 questions).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _edit(data_dir: Path, file: str, change) -> None:
    path = data_dir / file
    entries = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    change(entries)
    path.write_text(yaml.dump(entries, Dumper=_DUMPER, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _errors(data_dir: Path) -> tuple[KnowledgeError, ...]:
    with pytest.raises(KnowledgeErrors) as caught:
        load_knowledge(data_dir)
    assert str(caught.value).splitlines() == [str(error) for error in caught.value.errors]
    return caught.value.errors


def _error(data_dir: Path) -> KnowledgeError:
    """The one problem a single mistake causes (not also its consequences in other checks)."""
    errors = _errors(data_dir)
    assert len(errors) == 1, [str(error) for error in errors]
    return errors[0]


def _by_id(entries: list[dict], entry_id: str, key: str = "id") -> dict:
    return next(entry for entry in entries if entry.get(key) == entry_id)


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
    errors = _errors(data_copy)  # both: the unknown field and the one it should have been
    assert {(e.field, e.file) for e in errors} == {("exercise.stauts", "entidades.yaml"), ("exercise.status", "entidades.yaml")}


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


def test_every_problem_of_every_file_is_reported_at_once(data_copy):
    _edit(data_copy, "entidades.yaml", lambda e: e[0].update(name="Atlántida"))
    _edit(data_copy, "glosario.yaml", lambda e: e[0].update(source="wikipedia"))
    errors = _errors(data_copy)
    assert [(e.file, e.field) for e in errors] == [("entidades.yaml", "name"), ("glosario.yaml", "source")]
    assert isinstance(errors[0], KnowledgeError)


def test_a_broken_file_does_not_hide_the_next_one(data_copy):
    (data_copy / "fases.yaml").write_text("- number: 1\n  name: [sin cerrar\n", encoding="utf-8")
    _edit(data_copy, "vocabulario.yaml", lambda e: _by_id(e, "value.signed").update(id="value.foo"))
    assert {e.file for e in _errors(data_copy)} == {"fases.yaml", "vocabulario.yaml"}


def test_a_vocabulary_phrase_in_two_values_is_refused(data_copy):
    def repeat(entries):
        _by_id(entries, "value.not_signed")["phrases"].append(_by_id(entries, "value.signed")["phrases"][0])

    _edit(data_copy, "vocabulario.yaml", repeat)
    error = _error(data_copy)
    assert error.file == "vocabulario.yaml" and "value.not_signed" in error.entry
    assert error.field.startswith("phrases.") and "value.signed" in error.problem


def test_a_vocabulary_phrase_that_shorthand_rewrites_is_refused(data_copy):
    _edit(data_copy, "vocabulario.yaml", lambda e: _by_id(e, "form.what_is")["phrases"].append("q onda"))
    error = _error(data_copy)
    assert (error.file, error.field.split(".")[0]) == ("vocabulario.yaml", "phrases")
    assert "form.what_is" in error.entry and "q onda" in error.problem and "nunca coincide" in error.problem


def test_an_unknown_vocabulary_id_is_refused(data_copy):
    _edit(data_copy, "vocabulario.yaml", lambda e: e.append({"id": "value.foo", "phrases": ["algo"]}))
    error = _error(data_copy)
    assert (error.file, error.field) == ("vocabulario.yaml", "id") and "value.foo" in error.entry
    assert "value.foo" in str(error)


def test_an_example_under_an_unknown_form_is_refused(data_copy):
    _edit(data_copy, "ejemplos.yaml", lambda e: e.append({"form": "horoscope", "questions": ["qué dice mi signo"]}))
    error = _error(data_copy)
    assert (error.file, error.field) == ("ejemplos.yaml", "form") and "horoscope" in error.entry
    assert "horoscope" in error.problem


def test_the_same_example_under_two_forms_is_refused(data_copy):
    def repeat(entries):
        _by_id(entries, "status", "form")["questions"].append(_by_id(entries, "what_is", "form")["questions"][0])

    _edit(data_copy, "ejemplos.yaml", repeat)
    error = _error(data_copy)
    assert error.file == "ejemplos.yaml" and "status" in error.entry
    assert error.field.startswith("questions.") and "what_is" in error.problem


def test_the_vocabulary_and_the_examples_are_loaded(kb):
    assert kb.vocabulary.of("value") and kb.vocabulary.words("form.what_is")
    assert {"what_is", "status", "step"} <= set(kb.examples)
    assert all(kb.examples.values())


def test_check_knowledge_prints_every_problem(data_copy, capsys):
    _edit(data_copy, "pasos.yaml", lambda e: e[-1].update(number=14))
    _edit(data_copy, "vocabulario.yaml", lambda e: e.append({"id": "value.foo", "phrases": ["algo"]}))
    _edit(data_copy, "ejemplos.yaml", lambda e: e.append({"form": "horoscope", "questions": ["mi signo"]}))
    assert check_knowledge(data_copy) == 1
    out, err = capsys.readouterr()
    problems = [line for line in err.splitlines() if line.startswith("Error: ")]
    assert len(problems) == 3 and "Traceback" not in err and out == ""
    assert [p.split(",")[0] for p in problems] == [
        "Error: knowledge/data/pasos.yaml", "Error: knowledge/data/vocabulario.yaml", "Error: knowledge/data/ejemplos.yaml",
    ]
    assert "3 problemas" in err
