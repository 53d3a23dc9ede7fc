"""Drawing a StateMap (knowledge/statemap.py) as a PNG with Pillow, offline: one equal square per
state where its tile says, filled with its category's colour and labelled with its short name
and its category's word, then the legend with counts and the source line. The font is bundled
(DejaVu Sans Condensed, knowledge/data/fonts/, with its licence) so «ó» and «é» render anywhere."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from knowledge.statemap import StateMap, Tile

FONT_DIR = Path(__file__).parent / "data" / "fonts"
BOLD = FONT_DIR / "DejaVuSansCondensed-Bold.ttf"
REGULAR = FONT_DIR / "DejaVuSansCondensed.ttf"

CELL = 112  # a tile's side, in pixels
GAP = 8
MARGIN = 40
GRID_TOP = 130
COLUMNS = 9
ROWS = 5
WIDTH = MARGIN * 2 + COLUMNS * CELL + (COLUMNS - 1) * GAP
LEGEND_ROW = 40
BACKGROUND = "#FFFFFF"
TEXT = "#1A1A1A"
MUTED = "#555555"


@lru_cache(maxsize=16)
def font(size: int, bold: bool = True) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(BOLD if bold else REGULAR), size)


def tile_box(row: int, col: int) -> tuple[int, int, int, int]:
    """The square of the cell (row, col): left, top, right, bottom (inclusive)."""
    left = MARGIN + col * (CELL + GAP)
    top = GRID_TOP + row * (CELL + GAP)
    return left, top, left + CELL - 1, top + CELL - 1


def grid_bottom(state_map: StateMap) -> int:
    rows = max(tile.row for tile in state_map.tiles) + 1
    return GRID_TOP + rows * (CELL + GAP)


def render_png(state_map: StateMap) -> bytes:
    image = draw_map(state_map)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def draw_map(state_map: StateMap) -> Image.Image:
    legend_top = grid_bottom(state_map) + 24
    legend_rows = -(-len(state_map.legend) // 2)
    height = legend_top + legend_rows * LEGEND_ROW + 90
    image = Image.new("RGB", (WIDTH, height), BACKGROUND)
    pen = ImageDraw.Draw(image)
    pen.text((MARGIN, 36), state_map.title, font=font(32), fill=TEXT)
    pen.text((MARGIN, 82), f"Datos a {state_map.date} · cada cuadro es una entidad", font=font(20, bold=False), fill=MUTED)
    for tile in state_map.tiles:
        _draw_tile(pen, tile)
    _draw_legend(pen, state_map, legend_top)
    sources = "Fuente: " if len(state_map.sources) == 1 else "Fuentes: "
    pen.text((MARGIN, height - 50), sources + "; ".join(state_map.sources) + " · CocreaBot",
             font=font(18, bold=False), fill=MUTED)
    return image


def _draw_tile(pen: ImageDraw.ImageDraw, tile: Tile) -> None:
    left, top, right, bottom = tile_box(tile.row, tile.col)
    pen.rectangle((left, top, right, bottom), fill=tile.category.fill)
    centre = (left + right) / 2
    pen.text((centre, top + CELL * 0.42), tile.label, font=font(30), fill=tile.category.ink, anchor="mm")
    pen.text((centre, top + CELL * 0.76), _fit(pen, tile.detail, CELL - 10, 16), font=font(16),
             fill=tile.category.ink, anchor="mm")


def _fit(pen: ImageDraw.ImageDraw, text: str, width: int, size: int) -> str:
    """The text, shortened with «…» when it is wider than the square (never expected with the
    curated words, but a long word must not spill into the next state)."""
    while text and pen.textlength(text, font=font(size)) > width:
        text = text[:-2] + "…"
    return text


def _draw_legend(pen: ImageDraw.ImageDraw, state_map: StateMap, top: int) -> None:
    half = (WIDTH - 2 * MARGIN) // 2
    for index, (category, count) in enumerate(state_map.legend):
        x = MARGIN + (index % 2) * half
        y = top + (index // 2) * LEGEND_ROW
        pen.rectangle((x, y, x + 28, y + 28), fill=category.fill, outline=TEXT)
        words = f"{category.legend}: {count}"
        if category.tile:
            words += f"  («{category.tile}»)"
        pen.text((x + 40, y + 14), words, font=font(20, bold=False), fill=TEXT, anchor="lm")
