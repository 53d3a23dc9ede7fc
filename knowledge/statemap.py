"""The map of the 32 states as data: each state's tile (its cell from entidades.yaml), the
category it falls in for one view (exercise, step reached, STL, PAL), the legend with counts and
the accessible caption. Pure: knowledge/mapdraw.py turns a StateMap into a picture, and the
caption says in words everything the colours say."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

from knowledge import wording
from knowledge.dates import PartialDate
from knowledge.live import LiveData, NoLiveData
from knowledge.models import STEP_COUNT, Fact, KnowledgeBase, State
from knowledge.reply import esc
from knowledge.text import fold

# The views: /mapa, /mapa pasos, /mapa stl, /mapa pal. The first is the default.
MODES: tuple[str, ...] = ("estado", "pasos", "stl", "pal")
MODE_WORDS: dict[str, str] = {
    "": "estado", "estado": "estado", "estados": "estado", "ejercicio": "estado", "ejercicios": "estado",
    "estatus": "estado", "pasos": "pasos", "paso": "pasos", "avance": "pasos", "avances": "pasos",
    "stl": "stl", "secretariado": "stl", "secretariados": "stl", "pal": "pal", "plan": "pal", "planes": "pal",
}
MODE_TITLES: dict[str, str] = {
    "estado": "Cómo va el ejercicio de gobierno abierto en cada entidad",
    "pasos": "El paso más avanzado del que hay evidencia en cada entidad",
    "stl": "El Secretariado Técnico Local (STL) de cada entidad",
    "pal": "El Plan de Acción Local (PAL) de cada entidad",
}
MODE_BUTTONS: dict[str, str] = {"estado": "Ejercicio", "pasos": "Pasos", "stl": "STL", "pal": "Plan (PAL)"}
PUBLISHED_NOTE = "documentos que los STL publicaron en CocreaBot"


@dataclass(frozen=True)
class Category:
    """One colour of a view. `one` and `many` are the words after a count («16 activos»);
    `tile` is the short word written in each square, so colour is never the only cue.
    Colours come from Okabe and Ito's palette, told apart by people with any colour blindness;
    `ink` is the text colour that reads on `fill`."""

    key: str
    legend: str
    one: str
    many: str
    tile: str
    fill: str
    ink: str

    def counted(self, count: int) -> str:
        return f"{count} {self.one if count == 1 else self.many}"


BLACK, WHITE = "#000000", "#FFFFFF"
GREEN, ORANGE, VERMILION, PURPLE, SKY, BLUE, YELLOW, GREY = (
    "#009E73", "#E69F00", "#D55E00", "#CC79A7", "#56B4E9", "#0072B2", "#F0E442", "#BBBBBB",
)

EXERCISE_CATEGORIES = (
    Category("active", "Activo", "activo", "activos", "activo", GREEN, WHITE),
    Category("impasse", "En impasse (detenido)", "en impasse", "en impasse", "impasse", ORANGE, BLACK),
    Category("inactive", "Inactivo", "inactivo", "inactivos", "inactivo", VERMILION, WHITE),
    Category("outside_strategy", "Fuera de la estrategia", "fuera de la estrategia", "fuera de la estrategia",
             "fuera", PURPLE, BLACK),
    Category("unclassified", "Sin clasificar (firmó en 2019)", "sin clasificar", "sin clasificar", "sin clas.",
             SKY, BLACK),
    Category("not_signed", "No firmó la Declaratoria", "sin firmar", "sin firmar", "sin firma", GREY, BLACK),
)
STEP_CATEGORIES = (  # a sequential scale (light to dark) so order reads without hue
    Category("0", "Sin firmar (paso 0)", "sin firmar", "sin firmar", "", GREY, BLACK),
    Category("1-3", "Pasos 1 a 3", "en los pasos 1 a 3", "en los pasos 1 a 3", "", YELLOW, BLACK),
    Category("4-6", "Pasos 4 a 6 (STL instalado)", "en los pasos 4 a 6", "en los pasos 4 a 6", "", SKY, BLACK),
    Category("7-10", "Pasos 7 a 10", "en los pasos 7 a 10", "en los pasos 7 a 10", "", BLUE, WHITE),
    Category("11-13", "Pasos 11 a 13 (plan en marcha)", "en los pasos 11 a 13", "en los pasos 11 a 13", "",
             BLACK, WHITE),
)
STL_CATEGORIES = (
    Category("installed_active", "Instalado y activo", "instalado y activo", "instalados y activos", "activo",
             GREEN, WHITE),
    Category("installed_impasse", "Instalado, en impasse", "instalado en impasse", "instalados en impasse",
             "impasse", ORANGE, BLACK),
    Category("installed_no_evidence", "Instalado, sin evidencia de trabajo", "instalado sin evidencia",
             "instalados sin evidencia", "sin evid.", VERMILION, WHITE),
    Category("installing", "En instalación", "en instalación", "en instalación", "instalando", SKY, BLACK),
    Category("not_installed", "No instalado", "sin instalar", "sin instalar", "no", YELLOW, BLACK),
    Category("not_reported", "No reportado (fuera de la estrategia)", "no reportado", "no reportados",
             "no report.", PURPLE, BLACK),
    Category("not_applicable", "No aplica (no firmó)", "sin firmar", "sin firmar", "sin firma", GREY, BLACK),
)
PAL_CATEGORIES = (
    Category("implementation", "Implementa un plan", "implementa un plan", "implementan un plan", "implementa",
             GREEN, WHITE),
    Category("construction", "Construye un plan", "construye un plan", "construyen un plan", "construye",
             SKY, BLACK),
    Category("launched", "Tuvo un plan; ninguno en curso", "tuvo un plan sin otro en curso",
             "tuvieron un plan sin otro en curso", "tuvo plan", PURPLE, BLACK),
    Category("none", "Sin plan todavía", "sin plan", "sin plan", "sin plan", YELLOW, BLACK),
    Category("not_signed", "No firmó la Declaratoria", "sin firmar", "sin firmar", "sin firma", GREY, BLACK),
)
CATEGORIES: dict[str, tuple[Category, ...]] = {
    "estado": EXERCISE_CATEGORIES, "pasos": STEP_CATEGORIES, "stl": STL_CATEGORIES, "pal": PAL_CATEGORIES,
}
LEADS = {
    "estado": "Ejercicios locales de gobierno abierto en las 32 entidades",
    "pasos": "Paso más avanzado con evidencia en las 32 entidades",
    "stl": "Secretariados Técnicos Locales en las 32 entidades",
    "pal": "Planes de Acción Local en las 32 entidades",
}


@dataclass(frozen=True)
class Tile:
    slug: str
    name: str
    label: str  # «JAL»
    row: int
    col: int
    category: Category
    detail: str  # the second line in the square: the category's word, or «paso 6»


@dataclass(frozen=True)
class StateMap:
    mode: str
    title: str
    tiles: tuple[Tile, ...]
    legend: tuple[tuple[Category, int], ...]  # the categories present, in order, with their counts
    date: str  # «noviembre de 2019»
    sources: tuple[str, ...]  # «NOSC 2019 (noviembre de 2019)», and the published documents when counted
    caption: str  # plain text: the accessible summary
    version: str  # changes whenever anything drawn changes

    @property
    def caption_html(self) -> str:
        return esc(self.caption)

    def counts(self) -> dict[str, int]:
        return {category.key: count for category, count in self.legend}


def parse_mode(text: str) -> str | None:
    """'' -> 'estado'; 'pasos', 'STL', 'plan'… -> their view; anything else -> None."""
    return MODE_WORDS.get(fold(text or "").strip())


def build_map(kb: KnowledgeBase, mode: str, live: LiveData | None = None) -> StateMap:
    live = live or NoLiveData()
    choose = _CHOOSERS[mode]
    tiles, cited, published = [], [], False
    for state in kb.states.values():
        category, detail, fact, from_live = choose(state, live, kb)
        tiles.append(Tile(state.slug, state.name, state.tile.label, state.tile.row, state.tile.col, category, detail))
        cited.append(fact)
        published = published or from_live
    counts = Counter(tile.category.key for tile in tiles)
    legend = tuple((c, counts[c.key]) for c in CATEGORIES[mode] if counts[c.key])
    dates = Counter(_date_of(kb, fact).human() for fact in cited)
    date = dates.most_common(1)[0][0]
    sources = tuple(dict.fromkeys(f"{kb.sources[f.source].short_name} ({_date_of(kb, f).human()})" for f in cited))
    if published:
        sources += (PUBLISHED_NOTE,)
    caption = _caption(mode, legend, date, sources)
    state_map = StateMap(mode, MODE_TITLES[mode], tuple(tiles), legend, date, sources, caption, "")
    return _with_version(state_map)


def _caption(mode: str, legend: tuple[tuple[Category, int], ...], date: str, sources: tuple[str, ...]) -> str:
    counts = [category.counted(count) for category, count in legend]
    label = "Fuente" if len(sources) == 1 else "Fuentes"
    return f"{LEADS[mode]}: {wording.join_names(counts)}, a {date}. {label}: {'; '.join(sources)}."


def _with_version(state_map: StateMap) -> StateMap:
    drawn = repr((DRAWING_VERSION, state_map.mode, state_map.title, state_map.caption,
                  [(t.slug, t.label, t.row, t.col, t.category, t.detail) for t in state_map.tiles]))
    version = hashlib.sha256(drawn.encode()).hexdigest()[:16]
    return StateMap(**{**state_map.__dict__, "version": version})


# (category, tile text, the fact behind it, whether published documents moved it past the seeds)
Placed = tuple["Category", str, Fact, bool]


# Bump when the drawing itself changes (knowledge/mapdraw.py), so cached pictures are redrawn.
DRAWING_VERSION = 1


def _date_of(kb: KnowledgeBase, fact: Fact) -> PartialDate:
    return fact.as_of or kb.sources[fact.source].date


def _by_key(categories: tuple[Category, ...], key: str) -> Category:
    return next(c for c in categories if c.key == key)


def _exercise(state: State, live: LiveData, kb: KnowledgeBase) -> Placed:
    category = _by_key(EXERCISE_CATEGORIES, state.exercise.status)
    return category, category.tile, state.exercise, False


def _steps(state: State, live: LiveData, kb: KnowledgeBase) -> Placed:
    seeded = wording.seed_progress(state)
    published = live.progress(state.slug) or 0
    step = max(seeded, published)
    key = "0" if step == 0 else "1-3" if step <= 3 else "4-6" if step <= 6 else "7-10" if step <= 10 else "11-13"
    fact = state.pal if step >= 11 and seeded == step else state.stl if seeded >= 4 else state.declaratoria
    detail = f"paso {step}" if step else "sin firma"
    return _by_key(STEP_CATEGORIES, key), detail, fact, published > seeded


def _stl(state: State, live: LiveData, kb: KnowledgeBase) -> Placed:
    category = _by_key(STL_CATEGORIES, state.stl.status)
    return category, category.tile, state.stl, False


def _pal(state: State, live: LiveData, kb: KnowledgeBase) -> Placed:
    pal = state.pal
    if not state.declaratoria.signed:
        key = "not_signed"
    elif pal.phase:
        key = pal.phase
    else:
        key = "launched" if pal.launched_any else "none"
    category = _by_key(PAL_CATEGORIES, key)
    detail = f"{category.tile} {pal.plan}" if pal.plan else category.tile  # «construye 1»: its first plan
    return category, detail, pal, False


_CHOOSERS = {"estado": _exercise, "pasos": _steps, "stl": _stl, "pal": _pal}

assert STEP_COUNT == 13, "STEP_CATEGORIES cover steps 0 to 13"
