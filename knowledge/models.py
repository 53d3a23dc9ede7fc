"""The curated knowledge, as pydantic models. Every fact names its source; its date is the
source's date unless the fact says otherwise (`as_of`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from knowledge.dates import PartialDate

STEP_COUNT = 13
PHASE_COUNT = 6

# The 32 entities as DESIGN.md names them (the seeds' status table); the store must hold exactly these.
CANONICAL_STATES: tuple[str, ...] = (
    "Aguascalientes", "Baja California", "Baja California Sur", "Campeche", "Chiapas", "Chihuahua",
    "Ciudad de México", "Coahuila", "Colima", "Durango", "Estado de México", "Guanajuato", "Guerrero",
    "Hidalgo", "Jalisco", "Michoacán", "Morelos", "Nayarit", "Nuevo León", "Oaxaca", "Puebla",
    "Querétaro", "Quintana Roo", "San Luis Potosí", "Sinaloa", "Sonora", "Tabasco", "Tamaulipas",
    "Tlaxcala", "Veracruz", "Yucatán", "Zacatecas",
)


class Strict(BaseModel):
    """Unknown fields are errors: a typo in a field name must stop start-up, not be ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Fact(Strict):
    source: str = Field(min_length=1)
    also_from: list[str] = []  # further sources that back part of the fact
    as_of: PartialDate | None = None


class Source(Strict):
    id: str
    short_name: str
    title: str
    author: str
    date: PartialDate
    what: str
    file: str | None = None
    url: str | None = None
    also_cite: list[str] = []  # further references (news reports) shown with this source


class Declaratoria(Fact):
    signed: bool
    year: int | None = Field(default=None, ge=2015, le=2030)

    @model_validator(mode="after")
    def _year_matches_signature(self) -> Declaratoria:
        if self.signed and self.year is None:
            raise ValueError("una declaratoria firmada necesita 'year'")
        if not self.signed and self.year is not None:
            raise ValueError("una declaratoria sin firmar no lleva 'year'")
        return self


ExerciseStatus = Literal["active", "impasse", "inactive", "outside_strategy", "unclassified", "not_signed"]


class Exercise(Fact):
    status: ExerciseStatus
    note: str | None = None


StlStatus = Literal[
    "installed_active", "installed_impasse", "installed_no_evidence",
    "not_installed", "installing", "not_reported", "not_applicable",
]


class Stl(Fact):
    status: StlStatus
    year: int | None = Field(default=None, ge=2015, le=2030)
    installation: Literal["open", "closed", "disputed"] | None = None  # disputed: the document says both (note)
    note: str | None = None

    @model_validator(mode="after")
    def _installation_only_when_installed(self) -> Stl:
        installed = self.status.startswith("installed")
        if self.installation and not installed:
            raise ValueError("'installation' (open/closed) solo aplica a un STL instalado")
        if self.year and not installed:
            raise ValueError("'year' solo aplica a un STL instalado")
        if self.installation == "disputed" and not self.note:
            raise ValueError("'installation: disputed' necesita una 'note' que diga qué dice cada parte del documento")
        return self


PalPhase = Literal["construction", "implementation"]


class Pal(Fact):
    plan: int | None = Field(default=None, ge=1, le=5)
    phase: PalPhase | None = None
    launched_any: bool  # put at least one Plan de Acción Local in motion since 2015
    unpublished: bool = False  # the plan it works on had not been made public (Campeche's second, 2019)
    note: str | None = None

    @model_validator(mode="after")
    def _plan_and_phase_together(self) -> Pal:
        if (self.plan is None) != (self.phase is None):
            raise ValueError("'plan' y 'phase' van juntos (o ninguno)")
        return self


class Particularity(Fact):
    title: str
    text: str
    keywords: list[str] = []


class Tile(Strict):
    """A state's square on the tile-grid map (knowledge/statemap.py): one equal cell per state,
    placed roughly where it lies."""

    row: int = Field(ge=0, le=5)
    col: int = Field(ge=0, le=9)
    label: str = Field(pattern=r"^[A-Z]{2,5}$")


class State(Strict):
    slug: str
    name: str
    tile: Tile
    official_name: str | None = None
    aliases: list[str] = []
    cities: list[str] = []  # its capital and best-known cities: «soy de Xalapa» is about Veracruz
    declaratoria: Declaratoria
    exercise: Exercise
    stl: Stl
    pal: Pal
    particularities: list[Particularity] = []

    @field_validator("name")
    @classmethod
    def _known_state(cls, name: str) -> str:
        if name not in CANONICAL_STATES:
            raise ValueError(f"entidad desconocida: {name!r}; debe ser una de las 32 de DESIGN.md")
        return name


# The kinds of document an STL publishes, and how they read; each step names the kind that
# evidences it (pasos.yaml, `document_kind`).
DOCUMENT_KINDS = {
    "declaratoria": "Declaratoria",
    "convocatoria": "Convocatoria",
    "acta": "Acta",
    "consulta": "Consulta o encuesta",
    "arbol": "Árbol de problemas y soluciones",
    "plan": "Plan de Acción Local",
    "informe": "Informe",
    "web": "Página web",
    "otro": "Otro documento",
}
SHORT_STEP_NAME_MAX = 22  # «13 · » plus this fits a phone's half-width button


class Step(Fact):
    number: int = Field(ge=1, le=STEP_COUNT)
    name: str
    short: str = Field(min_length=3, max_length=SHORT_STEP_NAME_MAX)  # on buttons: «4 · Acta de instalación»
    gloss: str  # the slides' plain-language gloss, "Dibujemos un árbol"
    what: str
    evidence: list[str] = Field(min_length=1)  # documents that show the step was done
    is_convocatoria: bool = False  # a call people answer: the steps /convocar takes
    convocatoria_code: str | None = Field(default=None, pattern=r"^[a-z]{2,16}$", validate_default=True)  # how its convocatorias are stored
    document_kind: str  # the kind of the documents that evidence it (DOCUMENT_KINDS)
    aliases: list[str] = []

    @field_validator("document_kind")
    @classmethod
    def _known_kind(cls, kind: str, info: ValidationInfo) -> str:
        if kind not in DOCUMENT_KINDS:
            raise ValueError(f"tipo de documento desconocido {kind!r}; debe ser uno de: {', '.join(DOCUMENT_KINDS)}")
        if (kind == "convocatoria") != bool(info.data.get("is_convocatoria")):
            raise ValueError("'convocatoria' es el tipo de documento de los pasos con is_convocatoria: true, "
                             "y solo de ellos")
        return kind

    @field_validator("convocatoria_code")
    @classmethod
    def _code_of_a_convocatoria(cls, code: str | None, info: ValidationInfo) -> str | None:
        if (code is not None) != bool(info.data.get("is_convocatoria")):
            raise ValueError("lo llevan los pasos con is_convocatoria: true, y solo ellos")
        return code


class Phase(Fact):
    number: int = Field(ge=1, le=PHASE_COUNT)
    name: str
    what: str
    steps: list[int] = []  # the 13 steps this phase groups, where the sources allow saying so
    aliases: list[str] = []


class Term(Fact):
    id: str
    term: str
    aliases: list[str] = []
    definition: str
    related: list[str] = []  # ids of other terms
    steps: list[int] = []  # the steps of the local strategy the term belongs to


class Figure(Fact):
    id: str
    topic: Literal[
        "entidades", "ejercicios", "stl", "pal", "compromisos", "participantes", "metrica", "otros",
    ]
    value: float | int
    label: str  # what is counted, e.g. "entidades que firmaron la declaratoria"
    text: str  # the sentence to show
    states: list[str] = []  # slugs the figure lists, when it lists them
    keywords: list[str] = []
    measure: str | None = None  # the same count in other sources and dates shares this name
    # The state filter this figure counts ("stl:installed", "declaratoria:2016"), so that a list
    # computed from the states can be told next to the document's own count.
    counts: str | None = None


class CuratedAnswer(Strict):
    id: str
    title: str
    text: str
    sources: list[str] = []


class KnowledgeBase(Strict):
    sources: dict[str, Source]
    states: dict[str, State]
    steps: dict[int, Step]
    phases: dict[int, Phase]
    terms: dict[str, Term]
    figures: list[Figure]
    answers: dict[str, CuratedAnswer]
    # From vocabulario.yaml and ejemplos.yaml, parsed by knowledge.understanding.vocabulary (typed
    # Any so that the models do not import the understanding package).
    vocabulary: Any  # Vocabulary: folded cue phrases and maps, by id
    examples: Any  # dict[form, tuple[question, ...]]: example questions of each question form

    def figure(self, figure_id: str) -> Figure:
        """A figure by id (ids are unique: the loader checks them)."""
        return next(f for f in self.figures if f.id == figure_id)
