"""The map of the 32 states: the picture decodes and shows 32 squares whose colours are each
state's category; the caption's counts are the store's; the tile layout is checked at load; the
cache draws once per data version and keeps the file_id; what a reply is shared as."""

from __future__ import annotations

import io
import re
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml
from markupsafe import Markup
from PIL import Image

from bot.runtime.maps import MapCache
from bot.store import Store
from bot.core.commands import command_reply
from knowledge.engine import Engine
from knowledge.loader import DATA_DIR, KnowledgeError, default_knowledge, load_knowledge
from knowledge.mapdraw import BACKGROUND, CELL, GAP, render_png, tile_box
from knowledge.reply import Reply
from knowledge.sharing import deep_link_payload, map_offer, share_query
from knowledge.statemap import CATEGORIES, MODES, build_map, parse_mode


@pytest.fixture(scope="module")
def kb():
    return default_knowledge()


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def expected_category(kb, slug: str, mode: str) -> str:
    state = kb.states[slug]
    if mode == "estado":
        return state.exercise.status
    if mode == "stl":
        return state.stl.status
    if mode == "pal":
        if not state.declaratoria.signed:
            return "not_signed"
        return state.pal.phase or ("launched" if state.pal.launched_any else "none")
    step = 11 if state.pal.launched_any else 4 if state.stl.status.startswith("installed") else int(state.declaratoria.signed)
    return {0: "0", 1: "1-3", 4: "4-6", 11: "11-13"}[step]


@pytest.mark.parametrize("mode", MODES)
def test_the_picture_decodes_with_32_squares_coloured_by_each_states_status(kb, mode):
    state_map = build_map(kb, mode)
    image = Image.open(io.BytesIO(render_png(state_map)))
    assert image.format == "PNG" and image.width >= 1000
    image = image.convert("RGB")
    fills = {c.key: c.fill for c in CATEGORIES[mode]}
    boxes = set()
    for slug, state in kb.states.items():
        left, top, right, bottom = tile_box(state.tile.row, state.tile.col)
        boxes.add((left, top))
        key = expected_category(kb, slug, mode)
        for corner in ((left + 3, top + 3), (right - 3, bottom - 3)):  # away from the words in the middle
            assert image.getpixel(corner) == hex_rgb(fills[key]), (slug, mode, key)
        assert image.getpixel((right + GAP // 2, top + CELL // 2)) == hex_rgb(BACKGROUND), "squares never touch"
    assert len(boxes) == 32


@pytest.mark.parametrize("mode", MODES)
def test_the_caption_counts_are_the_stores(kb, mode):
    state_map = build_map(kb, mode)
    counted = Counter(expected_category(kb, slug, mode) for slug in kb.states)
    assert state_map.counts() == dict(counted)
    assert sum(state_map.counts().values()) == 32
    listed = state_map.caption.split(": ", 1)[1].rsplit(", a ", 1)[0]  # «16 activos, 6 en impasse… y 2 sin firmar»
    numbers = [int(item.split()[0]) for item in re.split(r", | y (?=\d)", listed)]
    assert numbers == [count for _, count in state_map.legend]
    assert state_map.caption.endswith("a noviembre de 2019. Fuente: NOSC 2019 (noviembre de 2019).")


def test_the_exercise_caption_reads_as_the_issue_asks(kb):
    caption = build_map(kb, "estado").caption
    assert caption.startswith("Ejercicios locales de gobierno abierto en las 32 entidades: 16 activos, 6 en impasse, ")


def test_views_are_named_in_plain_words():
    assert [parse_mode(w) for w in ("", "pasos", "STL", "Plan", "ejercicio", "clima")] == [
        "estado", "pasos", "stl", "pal", "estado", None]


def test_the_tiles_keep_the_accented_names_and_ascii_labels(kb):
    tiles = {t.slug: t for t in build_map(kb, "estado").tiles}
    assert tiles["michoacan"].name == "Michoacán" and tiles["michoacan"].label == "MICH"


# -- the layout, checked at load --------------------------------------------------------------

def edited_copy(tmp_path: Path, edit) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "entidades.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(entries)
    path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return data


def problems(data: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(data)
    return str(caught.value).splitlines()


def test_two_states_in_one_cell_name_the_file_the_entry_and_the_field(tmp_path):
    def same_cell(entries):
        jalisco = next(e for e in entries if e["slug"] == "jalisco")
        oaxaca = next(e for e in entries if e["slug"] == "oaxaca")
        oaxaca["tile"] = {**oaxaca["tile"], "row": jalisco["tile"]["row"], "col": jalisco["tile"]["col"]}
    found = problems(edited_copy(tmp_path, same_cell))
    assert any(line.startswith("knowledge/data/entidades.yaml, entrada 'oaxaca', campo 'tile': la celda")
               and "ya es de 'jalisco'" in line for line in found), found


@pytest.mark.parametrize("tile, field", [
    ({"row": 9, "col": 1, "label": "JAL"}, "tile.row"),
    ({"row": 3, "col": 1, "label": "jal"}, "tile.label"),
    ({"row": 3, "label": "JAL"}, "tile.col"),
])
def test_a_malformed_tile_names_its_field(tmp_path, tile, field):
    def broken(entries):
        next(e for e in entries if e["slug"] == "jalisco")["tile"] = tile
    found = problems(edited_copy(tmp_path, broken))
    assert any(f"entrada 'jalisco' (n.º 15), campo '{field}'" in line for line in found), found


def test_a_repeated_label_is_an_error(tmp_path):
    def repeated(entries):
        next(e for e in entries if e["slug"] == "colima")["tile"]["label"] = "JAL"
    found = problems(edited_copy(tmp_path, repeated))
    assert any("entrada 'jalisco', campo 'tile.label'" in line and "ya es de 'colima'" in line for line in found), found


# -- the cache --------------------------------------------------------------------------------

def publish(store: Store, state: str, step: int) -> None:
    store.add_document(state=state, step=step, kind="acta", title="Relatoría de las mesas",
                       url=f"https://stl.example/{state}-{step}.pdf", file_id=None, file_unique_id=None,
                       file_name=None, published_on=date(2024, 5, 1), published_by="1", notice_html="Nuevo")


def test_the_map_is_drawn_once_per_version_and_kept_on_disk(kb, store, tmp_path):
    cache = MapCache(kb, store, tmp_path / "maps")
    first = cache.picture(cache.current("pasos"))
    assert cache.picture(cache.current("pasos")) is first and cache.renders == 1
    again = MapCache(kb, store, tmp_path / "maps")  # after a restart
    assert again.picture(again.current("pasos")) == first and again.renders == 0


def test_a_document_that_moves_a_step_makes_a_new_version(kb, store, tmp_path):
    cache = MapCache(kb, store, tmp_path / "maps")
    before = cache.current("pasos")
    cache.remember_file_id(before, "file-before")
    publish(store, "baja-california-sur", 2)  # step 1 -> 2: same colour band, new label
    moved = cache.current("pasos")
    assert moved.version != before.version and cache.file_id(moved) is None
    tile = next(t for t in moved.tiles if t.slug == "baja-california-sur")
    assert tile.detail == "paso 2" and moved.counts()["1-3"] == 11
    assert cache.current("estado").version == MapCache(kb, store).current("estado").version  # other views stay


def test_the_file_id_survives_a_restart(kb, store, tmp_path):
    state_map = MapCache(kb, store, None).current("stl")
    MapCache(kb, store, None).remember_file_id(state_map, "AgAD-file")
    assert MapCache(kb, store, None).file_id(state_map) == "AgAD-file"
    MapCache(kb, store, None).forget_file_id(state_map)
    assert MapCache(kb, store, None).file_id(state_map) is None


# -- sharing decisions and deep links ---------------------------------------------------------

@pytest.fixture(scope="module")
def engine(kb):
    return Engine(kb)


def test_what_each_reply_is_shared_as(engine, kb):
    answers = engine.answers
    assert share_query(answers.state_card("estado-de-mexico"), kb) == "Estado de México"
    assert share_query(answers.step(6), kb) == "paso 6"
    assert share_query(answers.term("stl"), kb) == "glosario Secretariado Técnico Local (STL)"
    assert share_query(answers.convocatorias("jalisco"), kb) == "convocatorias Jalisco"
    assert share_query(answers.help(), kb) is None
    assert deep_link_payload(answers.state_card("estado-de-mexico"), kb) == "estado-de-mexico"
    assert deep_link_payload(answers.term("stl"), kb) == "glosario-stl"
    assert deep_link_payload(answers.phase(2), kb) == "fases"


def test_the_map_is_offered_after_the_welcome_and_lists_of_states_not_after_a_card(engine):
    assert map_offer(engine.answers.welcome()) == "estado"
    assert map_offer(engine.ask("¿qué estados tienen STL instalado?")) == "stl"
    assert map_offer(engine.ask("¿cuántos estados están en impasse?")) == "estado"
    assert map_offer(engine.answers.state_card("jalisco")) is None
    assert map_offer(Reply(Markup("x"), intent="figures", state="Jalisco")) is None


def test_deep_links_to_a_term_and_the_phases(engine):
    assert command_reply(engine, "start", "glosario-stl").term == "stl"
    assert command_reply(engine, "start", "fases").text.startswith("Las 6 fases")
    assert command_reply(engine, "start", "glosario-atlantida").intent == "greeting"
