"""Loads knowledge/data/*.yaml into the models and checks what one file cannot check alone
(sources exist, all 32 states, all 13 steps, references). Every problem of every file is
collected, each a KnowledgeError that names the file, the entry and the field; if there is any,
start-up stops with one KnowledgeErrors that lists them all, one per line."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from knowledge.models import (
    CANONICAL_STATES, PHASE_COUNT, STEP_COUNT, CuratedAnswer, Fact, Figure, KnowledgeBase, Phase, Source,
    State, Step, Term,
)
from knowledge.text import fold
from knowledge.understanding.vocabulary import FILE as VOCABULARY_FILE
from knowledge.understanding.vocabulary import EXAMPLES_FILE, Problem, parse_examples, parse_vocabulary

DATA_DIR = Path(__file__).parent / "data"

# file name -> (model, field that names an entry)
FILES: dict[str, tuple[type[BaseModel], str]] = {
    "fuentes.yaml": (Source, "id"),
    "entidades.yaml": (State, "slug"),
    "pasos.yaml": (Step, "number"),
    "fases.yaml": (Phase, "number"),
    "glosario.yaml": (Term, "id"),
    "cifras.yaml": (Figure, "id"),
    "respuestas.yaml": (CuratedAnswer, "id"),
}

# libyaml's loader when PyYAML was built with it: the same safe subset, about eight times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_PYDANTIC_MESSAGES_ES = {
    "missing": "falta este campo",
    "extra_forbidden": "campo desconocido (¿una errata?)",
    "literal_error": "valor no permitido",
    "int_parsing": "debe ser un número entero",
    "int_type": "debe ser un número entero",
    "float_parsing": "debe ser un número",
    "bool_parsing": "debe ser true o false",
    "bool_type": "debe ser true o false",
    "string_type": "debe ser texto",
    "list_type": "debe ser una lista",
    "greater_than_equal": "valor demasiado pequeño",
    "less_than_equal": "valor demasiado grande",
    "too_short": "no puede estar vacío",
    "string_too_short": "no puede estar vacío",
    "model_type": "debe ser un objeto con campos",
    "string_pattern_mismatch": "no tiene la forma esperada",
}


@dataclass
class KnowledgeError(Exception):
    file: str
    entry: str | None
    field: str | None
    problem: str

    def __str__(self) -> str:
        where = [f"knowledge/data/{self.file}"]
        if self.entry is not None:
            where.append(f"entrada {self.entry}")
        if self.field:
            where.append(f"campo '{self.field}'")
        return f"{', '.join(where)}: {' '.join(self.problem.split())}"  # always one line


class KnowledgeErrors(KnowledgeError):
    """Every problem found while loading, not just the first. A KnowledgeError, so that
    `except KnowledgeError` still catches it; its own file, entry, field and problem are those
    of the first problem, and str() lists them all, one per line."""

    def __init__(self, errors: Iterable[KnowledgeError]) -> None:
        self.errors: tuple[KnowledgeError, ...] = tuple(errors)
        if not self.errors:
            raise ValueError("KnowledgeErrors needs at least one problem")
        first = self.errors[0]
        super().__init__(first.file, first.entry, first.field, first.problem)

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)

    def __repr__(self) -> str:
        return f"KnowledgeErrors({list(self.errors)!r})"


class _Problems:
    """Collects KnowledgeErrors and remembers which files have any."""

    def __init__(self) -> None:
        self.errors: list[KnowledgeError] = []
        self.files: set[str] = set()

    def add(self, file: str, entry: str | None, field: str | None, problem: str) -> None:
        self.errors.append(KnowledgeError(file, entry, field, problem))
        self.files.add(file)


_UNREADABLE = object()


def _read(path: Path, problems: _Problems) -> Any:
    """The file's YAML, or _UNREADABLE (with the problem recorded) when it is missing or broken."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.add(path.name, None, None, "no existe el archivo")
        return _UNREADABLE
    except UnicodeDecodeError as problem:
        line = problem.object[:problem.start].count(b"\n") + 1
        problems.add(path.name, None, None, f"no está en UTF-8 (línea {line}, byte {problem.start + 1}); "
                                            "guárdalo como UTF-8")
        return _UNREADABLE
    except OSError as problem:
        problems.add(path.name, None, None, f"no puedo leerlo ({problem.strerror or problem})")
        return _UNREADABLE
    try:
        return yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        problems.add(path.name, None, None, _yaml_problem(exc))
        return _UNREADABLE


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """'YAML inválido (línea 3): did not find expected ',' or ']' (while parsing a flow sequence, línea 2)'."""
    mark, context_mark = getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)
    line = f" (línea {mark.line + 1})" if mark else ""
    what = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    if context:
        what += f" ({context}" + (f", línea {context_mark.line + 1})" if context_mark else ")")
    return f"YAML inválido{line}: {what}"


def _read_entries(path: Path, problems: _Problems) -> list[Any]:
    data = _read(path, problems)
    if data is _UNREADABLE:
        return []
    if not isinstance(data, list):
        problems.add(path.name, None, None, "debe ser una lista de entradas")
        return []
    return data


def _entry_label(raw: Any, key: str, index: int) -> str:
    if isinstance(raw, dict) and raw.get(key) is not None:
        return f"'{raw[key]}' (n.º {index + 1})"
    return f"n.º {index + 1}"


def _translate(error: ErrorDetails) -> str:
    """pydantic's error, in Spanish where we know the kind, with the value that was found."""
    kind, context = error["type"], error.get("ctx", {})
    if kind == "literal_error":
        return f"valor no permitido {error.get('input')!r}; se espera {context.get('expected', '')}"
    if kind == "value_error":
        return str(context.get("error", error["msg"]))
    if kind == "missing":
        return _PYDANTIC_MESSAGES_ES["missing"]
    message = _PYDANTIC_MESSAGES_ES.get(kind, error["msg"])
    return f"{message} (se recibió {error.get('input')!r})"


def _parse_file(name: str, model: type[BaseModel], key: str, data_dir: Path, problems: _Problems) -> list[Any]:
    """The entries that are valid; every field error of every other entry goes to `problems`."""
    entries = []
    for index, raw in enumerate(_read_entries(data_dir / name, problems)):
        label = _entry_label(raw, key, index)
        try:
            entries.append(model.model_validate(raw))
        except ValidationError as exc:
            for error in exc.errors():
                field = ".".join(str(part) for part in error["loc"]) or None
                problems.add(name, label, field, _translate(error))
    return entries


def _index(name: str, entries: Iterable[Any], key: str, problems: _Problems) -> dict[Any, Any]:
    indexed: dict[Any, Any] = {}
    for entry in entries:
        value = getattr(entry, key)
        if value in indexed:
            problems.add(name, f"'{value}'", key, "repetido")
        else:
            indexed[value] = entry
    return indexed


def _facts(model: BaseModel, path: str = "") -> Iterator[tuple[str, Fact]]:
    """Yield (field path, fact) for every object with a `source` inside a model."""
    if isinstance(model, Fact):
        yield path, model
    for name in type(model).model_fields:
        value = getattr(model, name)
        children = value if isinstance(value, list) else [value]
        for i, child in enumerate(children):
            if isinstance(child, BaseModel):
                suffix = f"{name}.{i}" if isinstance(value, list) else name
                yield from _facts(child, f"{path}.{suffix}" if path else suffix)


def _check_sources(kb: dict[str, Any], broken: set[str], problems: _Problems) -> None:
    if "fuentes.yaml" in broken:
        return  # an invalid source would be reported again by every fact that cites it
    sources = kb["sources"]
    collections = {
        "entidades.yaml": kb["states"], "pasos.yaml": kb["steps"], "fases.yaml": kb["phases"],
        "glosario.yaml": kb["terms"], "cifras.yaml": kb["figures"],
    }
    for file, entries in collections.items():
        for key, entry in entries.items():
            for path, fact in _facts(entry):
                prefix = f"{path}." if path else ""
                if fact.source not in sources:
                    problems.add(file, f"'{key}'", f"{prefix}source", f"fuente desconocida {fact.source!r}")
                for other in fact.also_from:
                    if other not in sources:
                        problems.add(file, f"'{key}'", f"{prefix}also_from", f"fuente desconocida {other!r}")
    for answer in kb["answers"].values():
        for source in answer.sources:
            if source not in sources:
                problems.add("respuestas.yaml", f"'{answer.id}'", "sources", f"fuente desconocida {source!r}")


def _check_completeness(kb: dict[str, Any], broken: set[str], problems: _Problems) -> None:
    """All 32 states, steps 1..13, phases 1..6; only for files without problems of their own
    (an invalid entry would otherwise be reported again as a missing one)."""
    if "entidades.yaml" not in broken:
        states = kb["states"]
        names = {state.name for state in states.values()}
        missing = [name for name in CANONICAL_STATES if name not in names]
        if missing:
            problems.add("entidades.yaml", None, None, f"faltan entidades: {', '.join(missing)}")
        if len(names) != len(states):
            problems.add("entidades.yaml", None, "name", "hay nombres de entidad repetidos")
        for slug, state in states.items():
            if slug != slugify(state.name):
                problems.add("entidades.yaml", f"'{slug}'", "slug", f"debe ser {slugify(state.name)!r}")
        _check_tiles(states, problems)
    if "pasos.yaml" not in broken and sorted(kb["steps"]) != list(range(1, STEP_COUNT + 1)):
        problems.add("pasos.yaml", None, "number", f"deben ser los pasos 1 a {STEP_COUNT}, uno cada uno")
    if "fases.yaml" not in broken and sorted(kb["phases"]) != list(range(1, PHASE_COUNT + 1)):
        problems.add("fases.yaml", None, "number", f"deben ser las fases 1 a {PHASE_COUNT}, una cada una")


def _check_tiles(states: dict[str, Any], problems: _Problems) -> None:
    """The map needs 32 distinct cells and 32 distinct labels: a state that takes a cell or a
    label already taken is named, with the one that had it."""
    cells: dict[tuple[int, int], str] = {}
    labels: dict[str, str] = {}
    for slug, state in states.items():
        cell = (state.tile.row, state.tile.col)
        if cell in cells:
            problems.add("entidades.yaml", f"'{slug}'", "tile", f"la celda (fila {cell[0]}, columna {cell[1]}) "
                                                                f"ya es de '{cells[cell]}'")
        cells.setdefault(cell, slug)
        if state.tile.label in labels:
            problems.add("entidades.yaml", f"'{slug}'", "tile.label", f"la etiqueta {state.tile.label!r} "
                                                                      f"ya es de '{labels[state.tile.label]}'")
        labels.setdefault(state.tile.label, slug)


def _check_references(kb: dict[str, Any], broken: set[str], problems: _Problems) -> None:
    """Ids that point into another collection; skipped when that collection is broken."""
    if "glosario.yaml" not in broken:
        for term in kb["terms"].values():
            for related in term.related:
                if related not in kb["terms"]:
                    problems.add("glosario.yaml", f"'{term.id}'", "related", f"término desconocido {related!r}")
    if "entidades.yaml" not in broken:
        for figure in kb["figures"].values():
            for slug in figure.states:
                if slug not in kb["states"]:
                    problems.add("cifras.yaml", f"'{figure.id}'", "states", f"entidad desconocida {slug!r}")
    if "pasos.yaml" not in broken:
        for phase in kb["phases"].values():
            for number in phase.steps:
                if number not in kb["steps"]:
                    problems.add("fases.yaml", f"'{phase.number}'", "steps", f"paso desconocido {number}")


def _parse_understanding(kb: dict[str, Any], data_dir: Path, problems: _Problems) -> tuple[Any, Any]:
    """vocabulario.yaml and ejemplos.yaml, through their own parsers; each of their problems
    becomes a KnowledgeError of that file. State slugs are the canonical ones (the states file
    must hold exactly those), so a problem in entidades.yaml is not reported here again."""
    def read(file: str) -> Any:
        raw = _read(data_dir / file, problems)
        return [] if raw is _UNREADABLE else raw  # already reported; parses to nothing

    def report(file: str, found: list[Problem]) -> None:
        for problem in found:
            problems.add(file, problem.entry, problem.field, problem.message)

    known = {"slugs": {slugify(name) for name in CANONICAL_STATES}, "terms": set(kb["terms"])}
    vocabulary, found = parse_vocabulary(read(VOCABULARY_FILE), fold, known)
    report(VOCABULARY_FILE, found)
    examples, found = parse_examples(read(EXAMPLES_FILE), fold)
    report(EXAMPLES_FILE, found)
    return vocabulary, examples


def slugify(name: str) -> str:
    return "-".join(fold(name).split())


def load_knowledge(data_dir: Path = DATA_DIR) -> KnowledgeBase:
    """The knowledge base, or KnowledgeErrors listing every problem of every file."""
    problems = _Problems()
    parsed = {name: _parse_file(name, model, key, data_dir, problems) for name, (model, key) in FILES.items()}
    kb: dict[str, Any] = {
        "sources": _index("fuentes.yaml", parsed["fuentes.yaml"], "id", problems),
        "states": _index("entidades.yaml", parsed["entidades.yaml"], "slug", problems),
        "steps": _index("pasos.yaml", parsed["pasos.yaml"], "number", problems),
        "phases": _index("fases.yaml", parsed["fases.yaml"], "number", problems),
        "terms": _index("glosario.yaml", parsed["glosario.yaml"], "id", problems),
        "figures": _index("cifras.yaml", parsed["cifras.yaml"], "id", problems),
        "answers": _index("respuestas.yaml", parsed["respuestas.yaml"], "id", problems),
    }
    _check_completeness(kb, set(problems.files), problems)
    broken = set(problems.files)  # a collection with problems: what points into it is not checked
    _check_references(kb, broken, problems)
    _check_sources(kb, broken, problems)
    vocabulary, examples = _parse_understanding(kb, data_dir, problems)
    if problems.errors:
        raise KnowledgeErrors(problems.errors)
    return KnowledgeBase(
        **{**kb, "figures": list(kb["figures"].values())}, vocabulary=vocabulary, examples=examples,
    )


@lru_cache(maxsize=1)
def default_knowledge() -> KnowledgeBase:
    return load_knowledge()
