"""The map pictures, drawn once per data version: in memory, on disk (COCREA_CACHE_DIR/maps) and,
after the first upload, as Telegram's file_id (kept in the store's settings, so a restart does
not upload again). A version is a hash of everything drawn (knowledge/statemap.py), so a
published document that moves a state's step makes a new version and a new picture."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from knowledge.live import NoLiveData
from knowledge.mapdraw import render_png
from knowledge.models import KnowledgeBase
from knowledge.statemap import StateMap, build_map
from knowledge.understanding.understander import cache_folder

log = logging.getLogger(__name__)

FILE_ID_KEY = "map_file_id:{version}"
LIVE_MODES = ("pasos",)  # the views that read what facilitators published


class _Progress(NoLiveData):
    """The published progress of every state, read once (LiveData for build_map)."""

    def __init__(self, steps: dict[str, int]):
        self.steps = steps

    def progress(self, state: str) -> int | None:
        return self.steps.get(state)


class MapCache:
    def __init__(self, kb: KnowledgeBase, store, folder: Path | None = None):
        """`store`: bot.store.Store (progress_by_state, get_setting, set_setting)."""
        self.kb = kb
        self.store = store
        self.folder = folder
        self._pictures: dict[str, bytes] = {}  # version -> PNG
        self._file_ids: dict[str, str] = {}  # version -> Telegram file_id
        self._maps: dict[tuple, StateMap] = {}  # (view, published progress) -> the view's data
        self.renders = 0  # how many pictures were drawn (tests and benchmarks read it)

    @classmethod
    def default(cls, kb: KnowledgeBase, store) -> "MapCache":
        folder = cache_folder()
        return cls(kb, store, folder / "maps" if folder else None)

    def current(self, mode: str) -> StateMap:
        """The view as the store has it now. Only the steps view reads live data (one query);
        each distinct state of the data is built once."""
        progress = self.store.progress_by_state() if mode in LIVE_MODES else {}
        key = (mode, tuple(sorted(progress.items())))
        built = self._maps.get(key)
        if built is None:
            built = build_map(self.kb, mode, _Progress(progress))
            self._maps = {key: built, **dict(list(self._maps.items())[:15])}
        return built

    def picture(self, state_map: StateMap) -> bytes:
        """The PNG of this version: from memory, from disk, or drawn now (and kept in both)."""
        cached = self._pictures.get(state_map.version)
        if cached is None:
            cached = self._from_disk(state_map) or self._draw(state_map)
            self._pictures = {state_map.version: cached, **self._recent()}
        return cached

    def file_id(self, state_map: StateMap) -> str | None:
        known = self._file_ids.get(state_map.version)
        if known is None:
            known = self.store.get_setting(FILE_ID_KEY.format(version=state_map.version))
            if known:
                self._file_ids[state_map.version] = known
        return known

    def remember_file_id(self, state_map: StateMap, file_id: str) -> None:
        self._file_ids[state_map.version] = file_id
        self.store.set_setting(FILE_ID_KEY.format(version=state_map.version), file_id)

    def forget_file_id(self, state_map: StateMap) -> None:
        """Telegram refused the file_id (another bot token, an expired file): upload again."""
        self._file_ids.pop(state_map.version, None)
        self.store.set_setting(FILE_ID_KEY.format(version=state_map.version), None)

    def _recent(self) -> dict[str, bytes]:
        """Keep a few versions in memory (four views, and the one before a change)."""
        return dict(list(self._pictures.items())[:7])

    def _path(self, state_map: StateMap) -> Path | None:
        return self.folder / f"mapa-{state_map.mode}-{state_map.version}.png" if self.folder else None

    def _from_disk(self, state_map: StateMap) -> bytes | None:
        path = self._path(state_map)
        try:
            return path.read_bytes() if path else None
        except OSError:
            return None

    def _draw(self, state_map: StateMap) -> bytes:
        png = render_png(state_map)
        self.renders += 1
        path = self._path(state_map)
        if path:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                partial = path.with_suffix(f".{os.getpid()}.tmp")
                partial.write_bytes(png)
                partial.replace(path)  # a reader never sees half a picture
            except OSError as error:  # a full or read-only disk costs a redraw next time, nothing more
                log.warning("could not keep the map picture on disk: %s", error)
        return png
