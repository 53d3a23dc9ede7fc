"""Loads knowledge/data/*.yaml into the models and checks what one file cannot check alone
(sources exist, all 32 states, all 13 steps). Any problem stops start-up with a
KnowledgeError that names the file, the entry and the field."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import BaseModel, ValidationError

from knowledge.models import (
    CANONICAL_STATES, PHASE_COUNT, STEP_COUNT, CuratedAnswer, Figure, KnowledgeBase, Phase, Source,
    State, Step, Term,
)

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
        return f"{', '.join(where)}: {self.problem}"


def _read_entries(path: Path) -> list[Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KnowledgeError(path.name, None, None, "no existe el archivo") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (línea {mark.line + 1})" if mark else ""
        raise KnowledgeError(path.name, None, None, f"YAML inválido{line}: {exc}") from None
    if not isinstance(data, list):
        raise KnowledgeError(path.name, None, None, "debe ser una lista de entradas")
    return data


def _entry_label(raw: Any, key: str, index: int) -> str:
    if isinstance(raw, dict) and raw.get(key) is not None:
        return f"'{raw[key]}' (n.º {index + 1})"
    return f"n.º {index + 1}"


def _translate(error: dict) -> str:
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


def _parse_file(name: str, model: type[BaseModel], key: str, data_dir: Path) -> list[Any]:
    entries = []
    for index, raw in enumerate(_read_entries(data_dir / name)):
        label = _entry_label(raw, key, index)
        try:
            entries.append(model.model_validate(raw))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or None
            raise KnowledgeError(name, label, field, _translate(first)) from None
    return entries


def _index(name: str, entries: Iterable[Any], key: str) -> dict:
    indexed: dict = {}
    for entry in entries:
        value = getattr(entry, key)
        if value in indexed:
            raise KnowledgeError(name, f"'{value}'", key, "repetido")
        indexed[value] = entry
    return indexed


def _facts(model: BaseModel, path: str = ""):
    """Yield (field path, fact) for every object with a `source` inside a model."""
    if hasattr(model, "source") and isinstance(getattr(model, "source"), str):
        yield path, model
    for name in type(model).model_fields:
        value = getattr(model, name)
        children = value if isinstance(value, list) else [value]
        for i, child in enumerate(children):
            if isinstance(child, BaseModel):
                suffix = f"{name}.{i}" if isinstance(value, list) else name
                yield from _facts(child, f"{path}.{suffix}" if path else suffix)


def _check_sources(kb: KnowledgeBase) -> None:
    collections = {
        "entidades.yaml": kb.states, "pasos.yaml": kb.steps, "fases.yaml": kb.phases,
        "glosario.yaml": kb.terms, "cifras.yaml": {f.id: f for f in kb.figures},
    }
    for file, entries in collections.items():
        for key, entry in entries.items():
            for path, fact in _facts(entry):
                prefix = f"{path}." if path else ""
                if fact.source not in kb.sources:
                    raise KnowledgeError(file, f"'{key}'", f"{prefix}source", f"fuente desconocida {fact.source!r}")
                for other in fact.also_from:
                    if other not in kb.sources:
                        raise KnowledgeError(file, f"'{key}'", f"{prefix}also_from", f"fuente desconocida {other!r}")
    for answer in kb.answers.values():
        for source in answer.sources:
            if source not in kb.sources:
                raise KnowledgeError("respuestas.yaml", f"'{answer.id}'", "sources", f"fuente desconocida {source!r}")


def _check_completeness(kb: KnowledgeBase) -> None:
    names = {state.name for state in kb.states.values()}
    missing = [name for name in CANONICAL_STATES if name not in names]
    if missing:
        raise KnowledgeError("entidades.yaml", None, None, f"faltan entidades: {', '.join(missing)}")
    if len(names) != len(kb.states):
        raise KnowledgeError("entidades.yaml", None, "name", "hay nombres de entidad repetidos")
    for slug, state in kb.states.items():
        if slug != slugify(state.name):
            raise KnowledgeError("entidades.yaml", f"'{slug}'", "slug", f"debe ser {slugify(state.name)!r}")
    if sorted(kb.steps) != list(range(1, STEP_COUNT + 1)):
        raise KnowledgeError("pasos.yaml", None, "number", f"deben ser los pasos 1 a {STEP_COUNT}, uno cada uno")
    if sorted(kb.phases) != list(range(1, PHASE_COUNT + 1)):
        raise KnowledgeError("fases.yaml", None, "number", f"deben ser las fases 1 a {PHASE_COUNT}, una cada una")


def _check_references(kb: KnowledgeBase) -> None:
    for term in kb.terms.values():
        for related in term.related:
            if related not in kb.terms:
                raise KnowledgeError("glosario.yaml", f"'{term.id}'", "related", f"término desconocido {related!r}")
    for figure in kb.figures:
        for slug in figure.states:
            if slug not in kb.states:
                raise KnowledgeError("cifras.yaml", f"'{figure.id}'", "states", f"entidad desconocida {slug!r}")
    for phase in kb.phases.values():
        for number in phase.steps:
            if number not in kb.steps:
                raise KnowledgeError("fases.yaml", f"'{phase.number}'", "steps", f"paso desconocido {number}")


def slugify(name: str) -> str:
    from knowledge.text import fold

    return "-".join(fold(name).split())


def load_knowledge(data_dir: Path = DATA_DIR) -> KnowledgeBase:
    parsed = {name: _parse_file(name, model, key, data_dir) for name, (model, key) in FILES.items()}
    kb = KnowledgeBase(
        sources=_index("fuentes.yaml", parsed["fuentes.yaml"], "id"),
        states=_index("entidades.yaml", parsed["entidades.yaml"], "slug"),
        steps=_index("pasos.yaml", parsed["pasos.yaml"], "number"),
        phases=_index("fases.yaml", parsed["fases.yaml"], "number"),
        terms=_index("glosario.yaml", parsed["glosario.yaml"], "id"),
        figures=list(_index("cifras.yaml", parsed["cifras.yaml"], "id").values()),
        answers=_index("respuestas.yaml", parsed["respuestas.yaml"], "id"),
    )
    _check_completeness(kb)
    _check_sources(kb)
    _check_references(kb)
    return kb


@lru_cache(maxsize=1)
def default_knowledge() -> KnowledgeBase:
    return load_knowledge()
