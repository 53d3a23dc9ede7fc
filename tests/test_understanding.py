"""Finding states, steps, phases and terms in what people type, and the intent."""

from __future__ import annotations

import pytest

from knowledge.loader import default_knowledge
from knowledge.models import STEP_COUNT
from knowledge.text import fold, normalize

KB = default_knowledge()
ALIASES = [(slug, alias) for slug, state in KB.states.items() for alias in (state.name, *state.aliases, state.official_name) if alias]
TERM_ALIASES = [(term_id, alias) for term_id, term in KB.terms.items() for alias in (term.term, *term.aliases)]


def test_normalize_folds_case_accents_punctuation_and_repeats():
    assert normalize("¿¡Cómo va VERACRUZ???!!") == "como va veracruz"
    assert normalize("holaaaa  qué ondaaa") == "hola que onda"
    assert normalize("paso6") == "paso 6"
    assert normalize("q onda xfa", KB.vocabulary.maps["words.shorthand"]) == "que onda por favor"
    assert normalize("cancun q roo", KB.vocabulary.maps["words.shorthand"]) == "cancun qroo"
    assert normalize("<b>y</b> & ; DROP TABLE") == "b y b drop table"


@pytest.mark.parametrize("slug,alias", ALIASES)
def test_every_state_alias_is_found(engine, slug, alias):
    assert engine.understand(f"¿cómo va {alias}?").state == slug
    assert engine.understand(alias.upper()).state == slug


@pytest.mark.parametrize("typo,slug", [
    ("veracrus", "veracruz"), ("guanajuto", "guanajuato"), ("edo mex", "estado-de-mexico"),
    ("oaxca", "oaxaca"), ("puebal", "puebla"), ("michoacan", "michoacan"), ("yucatán", "yucatan"),
    ("jaliso", "jalisco"), ("chiuahua", "chihuahua"), ("nuevo lion", "nuevo-leon"), ("q roo", "quintana-roo"),
    ("tamaulipaz", "tamaulipas"), ("zacatecaz", "zacatecas"), ("san luis", "san-luis-potosi"), ("cdmx", "ciudad-de-mexico"),
    ("el df", "ciudad-de-mexico"), ("queretaro", "queretaro"), ("baja california sur", "baja-california-sur"),
])
def test_typos_and_abbreviations(engine, typo, slug):
    assert engine.understand(f"como va {typo}").state == slug


@pytest.mark.parametrize("text", [
    "cuantos estados de mexico firmaron", "el clima esta feo", "una señora me pregunto", "el pueblo decide",
    "modelos de gobierno abierto", "la colina", "el tabaco", "darme de baja",
])
def test_common_words_are_not_states(engine, text):
    u = engine.understand(text)
    assert u.states == () and u.ambiguous_states == ()


@pytest.mark.parametrize("text", ["como va baja?", "y en california?", "baja tiene stl"])
def test_baja_is_asked_back(engine, text):
    u = engine.understand(text)
    assert u.state is None
    assert set(u.ambiguous_states) == {"baja-california", "baja-california-sur"}
    reply = engine.ask(text)
    assert "Baja California o a Baja California Sur" in reply.text
    assert {b.action.arg for row in reply.buttons for b in row} == {"baja-california", "baja-california-sur"}


@pytest.mark.parametrize("number", range(1, STEP_COUNT + 1))
def test_every_step_by_number_and_name(engine, number):
    step = KB.steps[number]
    for text in (f"paso {number}", f"el paso número {number}", f"paso{number}"):
        u = engine.understand(text)
        assert (u.intent, u.step) == ("step", number), text
    u = engine.understand(f"qué pasa en el paso de {step.name}")
    assert (u.intent, u.step) == ("step", number)


@pytest.mark.parametrize("text,number", [
    ("el sexto paso", 6), ("el primer paso", 1), ("6to paso", 6), ("paso seis", 6), ("el último paso", 13),
    ("el penúltimo paso", 12), ("después de instalar el secretariado", 5), ("qué va antes del árbol de problemas", 5),
    ("el árbol de problemas", 6), ("qué sigue después del paso 6", 7), ("explícame el octavo", 8),
    ("en qué paso se le pregunta a la gente qué problemas quiere resolver", 5),
])
def test_step_phrasings(engine, text, number):
    u = engine.understand(text)
    assert (u.intent, u.step) == ("step", number)


@pytest.mark.parametrize("text,phase", [("fase 3 del inai", 3), ("la última fase del inai", 6), ("las mesas participativas del inai", 4)])
def test_inai_phases(engine, text, phase):
    u = engine.understand(text)
    assert (u.intent, u.phase) == ("step", phase)


@pytest.mark.parametrize("text,number", [("paso 14", 14), ("paso 0", 0), ("fase 9", 9)])
def test_steps_that_do_not_exist_are_said_so(engine, text, number):
    u = engine.understand(text)
    assert u.bad_number == number and u.step is None
    assert "no existe" in engine.ask(text).text


@pytest.mark.parametrize("term_id,alias", TERM_ALIASES)
def test_every_glossary_term_and_alias(engine, term_id, alias):
    u = engine.understand(f"¿qué es {alias}?")
    assert (u.intent, u.term) == ("glossary", term_id), alias


@pytest.mark.parametrize("text,intent", [
    ("hola", "greeting"), ("gracias!", "greeting"), ("ayuda", "help"), ("¿qué puedes hacer?", "help"),
    ("cuáles son los pasos", "steps_overview"), ("cuántos estados firmaron", "figures"),
    ("hay convocatorias abiertas?", "convocatorias"), ("cómo me suscribo", "subscribe_help"),
    ("cómo puedo participar", "how_to_participate"), ("qué documentos publicó el stl de jalisco", "documents"),
    ("qué tiempo hace en Colima", "out_of_scope"), ("teléfono del gobernador de Jalisco", "out_of_scope"),
    ("presupuesto de oaxaca", "out_of_scope"), ("quién ganó el partido", "out_of_scope"),
    ("presupuesto participativo en queretaro", "state_status"), ("qué es el presupuesto participativo", "glossary"),
])
def test_intents(engine, text, intent):
    assert engine.understand(text).intent == intent


def test_out_of_scope_keeps_the_state(engine):
    u = engine.understand("el teléfono del gobernador de Jalisco")
    assert (u.intent, u.state) == ("out_of_scope", "jalisco")
    text = engine.ask("el teléfono del gobernador de Jalisco").text
    assert text.startswith("No tengo ese dato.")
    assert "Lo que sí sé de Jalisco" in text


def test_fold_keeps_words_apart():
    assert fold("Querétaro-Arteaga") == "queretaro arteaga"
