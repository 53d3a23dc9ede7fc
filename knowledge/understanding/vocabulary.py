"""The vocabulary of understanding, loaded from knowledge/data/vocabulario.yaml: cue phrases of
the question forms, attributes, values, audiences, data the store lacks, out-of-scope topics,
conversation turns, step references, places and word lists. Folded once; checked so that a
curator's mistake names the file, the entry and the field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from knowledge.understanding.request import ATTRIBUTES, FORMS, MISSING, VALUES

Fold = Callable[[str], str]  # the text folding used on messages

FILE = "vocabulario.yaml"

# namespace -> the names an id may take there (None: any name)
NAMESPACES: dict[str, frozenset[str] | None] = {
    "form": frozenset(f for f in FORMS if f not in ("ack", "clarify", "more", "out_of_scope", "phase")),
    "attribute": frozenset(ATTRIBUTES),
    "value": frozenset(VALUES),
    "audience": None,
    "missing": frozenset(MISSING),
    "out_of_scope": None,
    "followup": frozenset(("ack", "clarify", "more", "next", "previous", "list", "count", "correction", "add", "thanks",
                          "year_before", "year_after", "both", "of_those")),
    "negation": frozenset(("words", "auxiliaries", "except", "year_links")),
    "step": frozenset((
        "words", "plural_words", "plural_phase_words", "phase_words", "about_phases", "last_words", "after_trailers", "after_words",
        "before_words", "between_words", "number_words", "ordinals", "document_terms", "inai_steps",
    )),
    "place": frozenset(("ambiguous", "never", "in_scope_phrases", "choices", "other_words")),
    "words": frozenset(("shorthand", "near_misses", "common", "stopwords", "not_values", "as_of", "year_numbers", "list_cues", "filler", "interrogatives", "range_starts", "same_year", "latest", "earliest", "unsubscribe")),
    "step_description": frozenset(str(n) for n in range(1, 14)),
}
# Namespaces whose phrases say one thing each: a phrase in two of their entries is an error.
EXCLUSIVE = ("form", "attribute", "value", "audience", "missing", "out_of_scope", "followup")
MAPS = frozenset(("step.number_words", "step.ordinals", "step.document_terms", "place.ambiguous", "words.shorthand",
                  "words.year_numbers", "place.choices"))


@dataclass(frozen=True)
class Problem:
    entry: str | None
    field: str | None
    message: str


@dataclass(frozen=True)
class Vocabulary:
    phrases: dict[str, tuple[str, ...]]  # id -> folded phrases
    maps: dict[str, dict[str, Any]]  # id -> {folded phrase: value}

    def of(self, namespace: str) -> dict[str, tuple[str, ...]]:
        """name -> phrases, for every entry of a namespace ('value' -> {'signed': (...), ...})."""
        prefix = namespace + "."
        return {key[len(prefix):]: value for key, value in self.phrases.items() if key.startswith(prefix)}

    def words(self, entry_id: str) -> frozenset[str]:
        return frozenset(self.phrases.get(entry_id, ()))


def parse_vocabulary(raw: Any, fold: Fold, known: dict[str, set[str]]) -> tuple[Vocabulary, list[Problem]]:
    """The vocabulary and every problem found (not just the first). `fold` is the text folding
    used on messages; `known` holds the ids maps may point to ('slugs', 'terms')."""
    problems: list[Problem] = []
    if not isinstance(raw, list):
        return Vocabulary({}, {}), [Problem(None, None, "debe ser una lista de entradas")]
    phrases: dict[str, tuple[str, ...]] = {}
    maps: dict[str, dict[str, Any]] = {}
    for index, entry in enumerate(raw):
        label = f"'{entry.get('id')}' (n.º {index + 1})" if isinstance(entry, dict) and entry.get("id") else f"n.º {index + 1}"
        problems += _check_entry(entry, label, phrases, maps, fold, known)
    shorthand = maps.get("words.shorthand", {})
    problems += _never_matching(phrases, shorthand)
    problems += _duplicates(phrases)
    return Vocabulary(phrases, maps), problems


def _check_entry(entry: Any, label: str, phrases: dict[str, tuple[str, ...]], maps: dict[str, dict[str, Any]],
                 fold: Fold, known: dict[str, set[str]]) -> list[Problem]:
    if not isinstance(entry, dict):
        return [Problem(label, None, "debe ser un objeto con 'id' y 'phrases' o 'map'")]
    unknown_fields = set(entry) - {"id", "phrases", "map"}
    if unknown_fields:
        return [Problem(label, sorted(unknown_fields)[0], "campo desconocido (¿una errata?)")]
    entry_id = entry.get("id")
    if not isinstance(entry_id, str) or "." not in entry_id:
        return [Problem(label, "id", "falta o no tiene la forma espacio.nombre (p. ej. 'value.signed')")]
    namespace, name = entry_id.split(".", 1)
    allowed = NAMESPACES.get(namespace, frozenset())
    if namespace not in NAMESPACES or (allowed is not None and name not in allowed):
        return [Problem(label, "id", f"id desconocido {entry_id!r}")]
    if entry_id in phrases or entry_id in maps:
        return [Problem(label, "id", "repetido")]
    if entry_id in MAPS:
        return _check_map(entry, entry_id, label, maps, fold, known)
    values = entry.get("phrases")
    if not isinstance(values, list) or not values:
        return [Problem(label, "phrases", "debe ser una lista no vacía de frases")]
    problems, folded = [], []
    for i, phrase in enumerate(values):
        if isinstance(phrase, bool):  # YAML reads a bare no / sí-like word as true or false
            problems.append(Problem(label, f"phrases.{i}", f"{phrase!r} no es texto: escribe la frase entre comillas"))
            continue
        text = fold(str(phrase)) if isinstance(phrase, (str, int)) else ""
        if not text:
            problems.append(Problem(label, f"phrases.{i}", f"la frase {phrase!r} queda vacía al normalizarla: nunca coincide"))
        elif text in folded:
            problems.append(Problem(label, f"phrases.{i}", f"frase repetida {phrase!r}"))
        else:
            folded.append(text)
    phrases[entry_id] = tuple(folded)
    return problems


def _check_map(entry: dict[str, Any], entry_id: str, label: str, maps: dict[str, dict[str, Any]], fold: Fold,
               known: dict[str, set[str]]) -> list[Problem]:
    mapping = entry.get("map")
    if not isinstance(mapping, dict) or not mapping:
        return [Problem(label, "map", "debe ser un objeto no vacío (frase: valor)")]
    problems: list[Problem] = []
    folded: dict[str, Any] = {}
    for key, value in mapping.items():
        text = fold(str(key))
        if not text:
            problems.append(Problem(label, f"map.{key}", "la frase queda vacía al normalizarla: nunca coincide"))
            continue
        problem = _check_map_value(entry_id, value, known)
        if problem:
            problems.append(Problem(label, f"map.{key}", problem))
            continue
        folded[text] = fold(value) if isinstance(value, str) and entry_id == "words.shorthand" else value
    maps[entry_id] = folded
    return problems


def _check_map_value(entry_id: str, value: Any, known: dict[str, set[str]]) -> str | None:
    if entry_id in ("step.number_words", "step.ordinals", "words.year_numbers"):
        return None if isinstance(value, int) and 1 <= value <= 99 else f"debe ser un número, no {value!r}"
    if entry_id == "step.document_terms":
        if value not in range(1, 14):
            return f"debe ser un paso de 1 a 13, no {value!r}"
        return None
    if entry_id == "place.choices":
        return None if value in known.get("slugs", set()) else f"entidad desconocida {value!r}"
    if entry_id == "place.ambiguous":
        if not isinstance(value, list) or len(value) < 2:
            return "debe ser una lista de al menos dos entidades"
        strangers = [v for v in value if v not in known.get("slugs", set())]
        return f"entidad desconocida {strangers[0]!r}" if strangers else None
    return None if isinstance(value, str) and value.strip() else "debe ser texto"


def _never_matching(phrases: dict[str, tuple[str, ...]], shorthand: dict[str, str]) -> list[Problem]:
    """A phrase with a word that chat shorthand rewrites ('q onda' is read as 'que onda')."""
    problems = []
    for entry_id, values in phrases.items():
        if entry_id.startswith("words."):
            continue
        for i, phrase in enumerate(values):
            rewritten = [w for w in phrase.split() if w in shorthand and shorthand[w] != w]
            if rewritten:
                problems.append(Problem(f"'{entry_id}'", f"phrases.{i}",
                                        f"la frase {phrase!r} nunca coincide: «{rewritten[0]}» se lee como «{shorthand[rewritten[0]]}»"))
    return problems


def _duplicates(phrases: dict[str, tuple[str, ...]]) -> list[Problem]:
    problems = []
    for namespace in EXCLUSIVE:
        owner: dict[str, str] = {}
        for entry_id, values in phrases.items():
            if not entry_id.startswith(namespace + "."):
                continue
            for i, phrase in enumerate(values):
                if phrase in owner:
                    problems.append(Problem(f"'{entry_id}'", f"phrases.{i}",
                                            f"la frase {phrase!r} ya está en '{owner[phrase]}': una frase dice una sola cosa"))
                else:
                    owner[phrase] = entry_id
    return problems


EXAMPLES_FILE = "ejemplos.yaml"
EXAMPLE_FORMS = frozenset(f for f in FORMS if f not in ("ack", "clarify", "more"))


def parse_examples(raw: Any, fold: Fold) -> tuple[dict[str, tuple[str, ...]], list[Problem]]:
    """form -> example questions (as written), and every problem found: an unknown form, an
    empty question, the same question under two forms."""
    if not isinstance(raw, list):
        return {}, [Problem(None, None, "debe ser una lista de entradas")]
    problems: list[Problem] = []
    examples: dict[str, list[str]] = {}
    owner: dict[str, str] = {}
    for index, entry in enumerate(raw):
        label = f"'{entry.get('form')}' (n.º {index + 1})" if isinstance(entry, dict) and entry.get("form") else f"n.º {index + 1}"
        if not isinstance(entry, dict) or set(entry) - {"form", "questions"}:
            problems.append(Problem(label, None, "debe ser un objeto con 'form' y 'questions'"))
            continue
        form = entry.get("form")
        if form not in EXAMPLE_FORMS:
            problems.append(Problem(label, "form", f"forma desconocida {form!r}; se espera una de {', '.join(sorted(EXAMPLE_FORMS))}"))
            continue
        questions = entry.get("questions")
        if not isinstance(questions, list) or not questions:
            problems.append(Problem(label, "questions", "debe ser una lista no vacía de preguntas"))
            continue
        for i, question in enumerate(questions):
            folded = fold(str(question)) if isinstance(question, (str, int)) else ""
            if not folded and str(question).strip() == "":
                problems.append(Problem(label, f"questions.{i}", "pregunta vacía"))
            elif folded in owner and owner[folded] != form:
                problems.append(Problem(label, f"questions.{i}", f"{question!r} ya es un ejemplo de '{owner[folded]}'"))
            else:
                owner.setdefault(folded, form)
                examples.setdefault(form, []).append(str(question))
    return {form: tuple(qs) for form, qs in examples.items()}, problems
