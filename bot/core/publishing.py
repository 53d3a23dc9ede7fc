"""Publishing a document: validate, render the notice, write the document and one delivery per
subscriber in one transaction. The Telegram flow, the CLI and the bulk import all call this."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

import yaml

from bot.core.rules import clean_title, complete_link, link_problem, title_problem
from bot.core.notices import document_notice, keyboard_json, notice_buttons
from bot.store import DOCUMENT_KINDS, DocumentInfo, Store
from bot.store import DuplicateDocument as DuplicateDocument  # re-exported: handlers/ never import the store
from knowledge.dates import human_date
from knowledge.models import KnowledgeBase
from knowledge.text import ascii_int
from knowledge.wording import MEXICO_TZ

# Quotes and angle brackets are not URL characters (they travel percent-encoded); letting them
# in would also break the HTML of every message that shows the link.


def mexico_today() -> date:
    """Today's date in central Mexico: the server may run in UTC, six hours ahead, and a
    document published at 19:00 must not say it was published tomorrow."""
    return datetime.now(MEXICO_TZ).date()


@dataclass(frozen=True)
class DocumentDraft:
    state: str | None = None  # slug
    step: int | None = None  # 1..13, None for "otro"
    kind: str | None = None
    title: str = ""
    url: str | None = None
    file_id: str | None = None
    file_unique_id: str | None = None
    file_name: str | None = None
    published_on: date = field(default_factory=mexico_today)

    @property
    def resolved_kind(self) -> str:
        """The kind, once validate() filled it in from the step (pasos.yaml's `document_kind`)."""
        return self.kind or "otro"


@dataclass(frozen=True)
class Published:
    document: DocumentInfo
    queued: int


class PublishError(ValueError):
    """What is wrong with a draft, worded for the person publishing."""


def parse_step(text: str | int | None) -> int | None:
    """'4', 4, 'paso 4' -> 4; 'otro', '' or None -> None. Raises PublishError for anything else."""
    if text is None:
        return None
    value = str(text).strip().lower().removeprefix("paso").strip()
    if value in ("", "otro", "otra", "ninguno"):
        return None
    number = ascii_int(value)  # ASCII digits only: '⁴' passes isdigit() and int() refuses it
    if number is not None and 1 <= number <= 13:
        return number
    raise PublishError(f"El paso debe ser un número del 1 al 13, u «otro»; recibí {str(text)[:20]!r}.")


def validate(draft: DocumentDraft, kb: KnowledgeBase) -> DocumentDraft:
    """The draft, cleaned; raises PublishError with a message for people."""
    if draft.state not in kb.states:
        raise PublishError("Falta la entidad, o no la reconozco.")
    title = clean_title(draft.title)
    if title is None:
        raise PublishError(title_problem(draft.title))
    url = complete_link(draft.url) or None
    if url and (problem := link_problem(url)):
        raise PublishError(problem)
    if not url and not draft.file_id:
        raise PublishError("Hace falta un enlace o un archivo adjunto.")
    if draft.kind and draft.kind not in DOCUMENT_KINDS:
        raise PublishError(f"Tipo desconocido {draft.kind!r}; usa uno de: {', '.join(DOCUMENT_KINDS)}.")
    if draft.published_on > mexico_today():
        raise PublishError("La fecha de publicación no puede estar en el futuro.")
    kind = draft.kind or (kb.steps[draft.step].document_kind if draft.step in kb.steps else "otro")
    return replace(draft, title=title, url=url, kind=kind)


def publish_document(store: Store, kb: KnowledgeBase, draft: DocumentDraft, published_by: str) -> Published:
    """Raises PublishError (bad draft) or DuplicateDocument (already there)."""
    draft = validate(draft, kb)
    assert draft.state is not None  # validate() refuses a draft without a known state
    notice = document_notice(kb, draft.state, draft.step, draft.resolved_kind, draft.title, draft.url,
                             draft.published_on, has_file=bool(draft.file_id))
    document, queued = store.add_document(
        state=draft.state, step=draft.step, kind=draft.resolved_kind, title=draft.title, url=draft.url,
        file_id=draft.file_id, file_unique_id=draft.file_unique_id, file_name=draft.file_name,
        published_on=draft.published_on, published_by=published_by, notice_html=notice,
        notice_buttons=keyboard_json(notice_buttons(kb, draft.state, draft.url)),
    )
    return Published(document, queued)


@dataclass(frozen=True)
class Publisher:
    """Publishing documents for one store and one knowledge base (the Telegram flow's view)."""
    store: Store
    kb: KnowledgeBase

    def duplicate_of(self, draft: DocumentDraft) -> DocumentInfo | None:
        """The state's document with the same link or file, if there is one (the draft is valid)."""
        assert draft.state is not None  # validate() refuses a draft without a known state
        return self.store.find_duplicate_document(draft.state, draft.url, draft.file_unique_id)

    def audience(self, state: str) -> int:
        """How many active chats follow the state's documents."""
        return self.store.subscriber_count(state, "documents")

    def publish(self, draft: DocumentDraft, published_by: str) -> Published:
        return publish_document(self.store, self.kb, draft, published_by)


def duplicate_message(kb: KnowledgeBase, duplicate: DuplicateDocument) -> str:
    existing = duplicate.existing
    state = kb.states[existing.state].name
    return (f"Ese documento ya estaba publicado para {state}: «{existing.title}», "
            f"del {human_date(existing.published_on)}. No lo publiqué de nuevo.")


# -- bulk import ----------------------------------------------------------------------------

IMPORT_FIELDS = ("entidad", "paso", "tipo", "titulo", "url", "fecha")
MAX_IMPORT_BYTES = 5_000_000  # about 25,000 documents; a bigger file is a mistake or an attack


StateResolver = Callable[[str], str | None]  # a state's name or alias -> its slug
Scalar = str | int | date | None  # what a field of an imported record may hold (_scalar)


@dataclass(frozen=True)
class ImportRow:
    line: int
    draft: DocumentDraft | None
    error: str | None = None
    unit: str = "fila"  # "fila" of a CSV, "línea" of a YAML file

    @property
    def where(self) -> str:
        return f"{self.unit} {self.line}"


def read_import(path: Path, resolve_state: StateResolver, kb: KnowledgeBase) -> list[ImportRow]:
    """Rows of a CSV (header: entidad,paso,tipo,titulo,url,fecha) or YAML (a list of mappings with
    those keys), each validated like a single publication, so a row that would fail is named before
    anything is published. `resolve_state(text)` turns a state name or alias into a slug (or None).
    A problem with the file as a whole (too big, not UTF-8, not a list, YAML anchors) raises
    PublishError naming the file; a problem with a record is that row's error, naming the field."""
    text = _read_import_text(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        numbered, unit = _yaml_records(path.name, text), "línea"
    else:
        numbered, unit = _csv_records(path.name, text), "fila"
    if not numbered:
        raise PublishError(f"{path.name}: no tiene ningún documento.")
    return [_import_row(line, record, resolve_state, kb, unit) for line, record in numbered]


def _read_import_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise PublishError(f"{path.name}: pesa {size / 1_000_000:.1f} MB; el máximo es "
                               f"{MAX_IMPORT_BYTES // 1_000_000} MB. Pártelo en varios archivos.")
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        raise PublishError(f"{path.name}: no está en UTF-8 (byte {problem.start + 1}); guárdalo como UTF-8.") from None
    except OSError as problem:
        raise PublishError(f"{path.name}: no puedo leerlo ({problem.strerror or problem}).") from None


def _csv_records(name: str, text: str) -> list[tuple[int, object]]:
    try:
        reader = csv.DictReader(io.StringIO(text), restkey=_EXTRA_COLUMNS)
        return [(reader.line_num, record) for record in reader]
    except csv.Error as problem:
        raise PublishError(f"{name}, fila {reader.line_num}: no es un CSV válido ({problem}).") from None


_EXTRA_COLUMNS = "(columnas de más)"


def _yaml_records(name: str, text: str) -> list[tuple[int, object]]:
    """Each record with the line where it starts. Anchors and aliases are refused before anything
    is built: a few hundred bytes of nested aliases («billion laughs») expand to gigabytes."""
    loader = yaml.SafeLoader(text)
    try:
        _refuse_aliases(name, loader)
    finally:
        loader.dispose()
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        records = loader.construct_document(node) if node is not None else []
    except yaml.YAMLError as problem:
        raise PublishError(f"{name}{_yaml_line(problem)}: no es un YAML válido.") from None
    finally:
        loader.dispose()
    if node is None:
        return []
    if not isinstance(records, list):
        raise PublishError(f"{name}: debe ser una lista de documentos (cada uno con entidad, paso, titulo, url…).")
    return [(item.start_mark.line + 1, record) for item, record in zip(node.value, records, strict=True)]


def _refuse_aliases(name: str, loader: yaml.SafeLoader) -> None:
    try:
        while loader.check_event():
            event = loader.get_event()  # type: ignore[no-untyped-call]  # types-PyYAML leaves it unannotated
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise PublishError(f"{name}, línea {event.start_mark.line + 1}: no acepto anclas ni alias de YAML "
                                   "(& y *); escribe cada documento completo.")
    except yaml.YAMLError as problem:
        raise PublishError(f"{name}{_yaml_line(problem)}: no es un YAML válido.") from None


def _yaml_line(problem: yaml.YAMLError) -> str:
    mark = getattr(problem, "problem_mark", None)
    return f", línea {mark.line + 1}" if mark else ""


def _import_row(line: int, record: object, resolve_state: StateResolver, kb: KnowledgeBase, unit: str) -> ImportRow:
    if not isinstance(record, dict):
        return ImportRow(line, None, "no es un registro con campos (entidad, paso, titulo, url…)", unit)
    if _EXTRA_COLUMNS in record:
        return ImportRow(line, None, "tiene más columnas que el encabezado", unit)
    unknown = set(record) - set(IMPORT_FIELDS)
    if unknown:
        return ImportRow(line, None, f"campos desconocidos: {', '.join(sorted(map(str, unknown)))[:200]}", unit)
    try:
        fields = {name: _scalar(name, record.get(name)) for name in IMPORT_FIELDS}
        entidad, tipo, titulo, url = (_as_text(fields[name]) for name in ("entidad", "tipo", "titulo", "url"))
        state = resolve_state(entidad or "")
        if state is None:
            raise PublishError(f"campo 'entidad': entidad desconocida {(entidad or '')[:60]!r}")
        published_on = _parse_date(record.get("fecha"))
        draft = DocumentDraft(state=state, step=_field("paso", parse_step, _as_step(fields["paso"])),
                              kind=tipo or None, title=titulo or "", url=url or None,
                              published_on=published_on)
        return ImportRow(line, validate(draft, kb), unit=unit)
    except PublishError as problem:
        return ImportRow(line, None, str(problem), unit)


def _scalar(name: str, value: object) -> Scalar:
    """A field's value when its type is one a field can have: text for every field, also a whole
    number for 'paso' and a date (without time) for 'fecha'. PublishError naming the field otherwise."""
    if value is None or isinstance(value, str):
        return value
    if name == "paso" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if name == "fecha" and isinstance(value, datetime):
        raise PublishError("campo 'fecha': solo la fecha, AAAA-MM-DD, sin hora")
    if name == "fecha" and isinstance(value, date):
        return value
    what = {bool: "un sí/no", int: "un número", float: "un número con decimales", list: "una lista", dict: "un registro"}
    found = next((label for kind, label in what.items() if isinstance(value, kind)), type(value).__name__)
    expected = {"paso": "un número del 1 al 13 u «otro»", "fecha": "una fecha AAAA-MM-DD"}.get(name, "texto")
    hint = " (ponlo entre comillas)" if expected == "texto" and found == "un número" else ""
    raise PublishError(f"campo '{name}': debe ser {expected}, no {found}{hint}")


def _as_text(value: Scalar) -> str | None:
    """A text field's value: _scalar lets only text (or nothing) through for it."""
    assert value is None or isinstance(value, str)
    return value


def _as_step(value: Scalar) -> str | int | None:
    """'paso': _scalar lets only text or a whole number (or nothing) through for it."""
    assert not isinstance(value, date)
    return value


def _field(name: str, parse: Callable[[str | int | None], int | None], value: str | int | None) -> int | None:
    try:
        return parse(value)
    except PublishError as problem:
        raise PublishError(f"campo '{name}': {problem}") from None


def _parse_date(value: object) -> date:
    if value in (None, ""):
        return mexico_today()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise PublishError(f"campo 'fecha': fecha inválida {str(value)[:40]!r}: usa AAAA-MM-DD") from None
