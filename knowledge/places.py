"""Which state a point on the map (a location pin) falls in, offline: the state of the nearest town
of knowledge/data/lugares.txt (GeoNames). A rough shape: near a border the answer names the
neighbour too; a point nearest to a town of the United States, Guatemala or Belize is outside
Mexico; one far from every town (at sea, or on another continent) is not guessed."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "lugares.txt"
COUNTRIES = {"@US": "Estados Unidos", "@GT": "Guatemala", "@BZ": "Belice"}
FAR_KM = 60  # farther than this from every town: not guessed
BORDER_KM = 8  # another state's town this much farther than the nearest one: it may be that state
EARTH_KM = 6371.0


@dataclass(frozen=True)
class Place:
    state: str | None = None  # slug, when the point is in Mexico
    country: str | None = None  # outside Mexico: the country, in Spanish
    neighbour: str | None = None  # a state (slug) the point may be in too, near a border


@dataclass(frozen=True)
class Town:
    lat: float
    lon: float
    key: str  # a state's slug, or a key of COUNTRIES


@lru_cache(maxsize=1)
def towns() -> tuple[Town, ...]:
    found: list[Town] = []
    key = ""
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            key = line.strip("[]")
            continue
        lat, lon = line.split(",")
        found.append(Town(float(lat), float(lon), key))
    return tuple(found)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def locate(lat: float, lon: float) -> Place:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return Place()
    nearest: dict[str, float] = {}  # key -> distance to its nearest town
    for town in towns():
        if abs(town.lat - lat) > 1.5 or abs(town.lon - lon) > 1.5:  # ~150 km: cheaper than the formula
            continue
        distance = distance_km(lat, lon, town.lat, town.lon)
        if distance < nearest.get(town.key, math.inf):
            nearest[town.key] = distance
    ranked = sorted(nearest.items(), key=lambda item: item[1])
    if not ranked or ranked[0][1] > FAR_KM:
        return Place()
    key, closest = ranked[0]
    if key in COUNTRIES:
        return Place(country=COUNTRIES[key])
    runner_up = next((other for other, distance in ranked[1:] if distance - closest <= BORDER_KM
                      and other not in COUNTRIES), None)
    return Place(state=key, neighbour=runner_up)
