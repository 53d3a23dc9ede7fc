"""Issue 10: a location pin opens the card of the state it falls in, told offline from the towns
in knowledge/data/lugares.txt (GeoNames); near a border it says it may be the neighbour; outside
Mexico, or far from any town, it says what it understood and offers to pick the state."""

from __future__ import annotations

import pytest

from knowledge.places import locate
from knowledge.reply import html_to_text


@pytest.mark.parametrize("lat, lon, state", [
    (20.674, -103.344, "jalisco"),            # Guadalajara
    (21.881, -102.291, "aguascalientes"),
    (19.432, -99.133, "ciudad-de-mexico"),   # the Zócalo
    (17.061, -96.725, "oaxaca"),
    (32.514, -117.038, "baja-california"),   # Tijuana
    (24.142, -110.313, "baja-california-sur"),  # La Paz
    (20.967, -89.623, "yucatan"),            # Mérida
    (21.161, -86.851, "quintana-roo"),       # Cancún
    (25.686, -100.316, "nuevo-leon"),        # Monterrey
    (28.632, -106.069, "chihuahua"),
    (16.753, -93.116, "chiapas"),            # Tuxtla
    (19.181, -96.142, "veracruz"),
])
def test_a_point_in_a_city_falls_in_its_state(lat, lon, state):
    assert locate(lat, lon).state == state


def test_outside_mexico_names_the_country():
    for (lat, lon), country in {(32.716, -117.161): "Estados Unidos", (14.634, -90.506): "Guatemala",
                                (17.251, -88.759): "Belice"}.items():
        place = locate(lat, lon)
        assert place.state is None and place.country == country, (lat, lon, place)


def test_far_from_any_town_is_not_guessed():
    for lat, lon in ((24.0, -92.0), (40.4, -3.7), (0.0, 0.0), (91.0, 0.0)):
        place = locate(lat, lon)
        assert place.state is None and place.country is None, (lat, lon, place)


def test_near_a_border_the_neighbour_is_named():
    place = locate(19.36, -99.03)  # Nezahualcóyotl area, at the edge of Mexico City
    assert {place.state, place.neighbour} == {"ciudad-de-mexico", "estado-de-mexico"}, place
    assert locate(20.674, -103.344).neighbour is None  # downtown Guadalajara


def test_the_reply_opens_the_card_and_offers_the_neighbour(engine):
    reply = engine.answers.location(19.36, -99.03)
    text = html_to_text(reply.html)
    assert text.startswith("📍 Ese punto cae en"), text
    assert "cerca del límite con" in text
    labels = [b.text for row in reply.buttons for b in row]
    assert any(label.startswith("Ver ") for label in labels), labels
    card = engine.answers.location(20.674, -103.344)
    assert html_to_text(card.html).startswith("📍 Ese punto cae en Jalisco.") and card.state == "Jalisco"


def test_the_reply_outside_mexico_says_what_it_understood_and_offers_the_picker(engine):
    for lat, lon, said in ((32.716, -117.161, "Estados Unidos"), (24.0, -92.0, "no cae cerca")):
        reply = engine.answers.location(lat, lon)
        assert said in html_to_text(reply.html), reply.html
        assert len([b for row in reply.buttons for b in row]) == 32
