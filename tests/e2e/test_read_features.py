"""The read features as a person on a phone uses them: CocreaBot runs as its own process
(`python -m bot run`, long polling) against the Bot API emulator, and simulated users type
commands and questions and tap buttons. The assertions are about what the user sees."""

from __future__ import annotations

import re

import pytest

from knowledge.understanding.conversation import MEMORY_SECONDS
from tests.e2e.people import Person

STATES = 32


def numbered(message) -> list[str]:
    return [label for label in message.button_texts if label.isdigit()]


# -- /start and deep links ------------------------------------------------------------------

def test_start_welcomes_in_a_few_lines_with_the_privacy_notice(ana: Person):
    welcome = ana.says("/start")
    assert welcome.text.startswith("¡Hola, Ana! Soy CocreaBot")
    assert "Solo guardo el id de este chat" in welcome.text and "/privacidad" in welcome.text
    assert len([line for line in welcome.text.splitlines() if line.strip()]) <= 4
    assert welcome.button_texts == ["🔔 Avisos de mi estado", "📣 Convocatorias", "🗺️ Cómo va mi estado", "🧭 Los 13 pasos", "📖 Glosario", "📚 Fuentes", "📍 Ver el mapa"]
    assert "CocreaBot" in welcome.entities_of("bold")


@pytest.mark.parametrize("payload, first_line", [
    ("jalisco", "Jalisco · ejercicio activo"),
    ("estado-de-mexico", "Estado de México · ejercicio activo"),
    ("san-luis-potosi", "San Luis Potosí · ejercicio activo"),
    ("paso-6", "Paso 6 de 13 · Árbol de problemas y de soluciones"),
    ("paso-13", "Paso 13 de 13 · Informe intermedio y final de cumplimiento del Plan de Acción"),
])
def test_a_deep_link_opens_what_it_names(live, payload, first_line):
    card = live.person().says(f"/start {payload}")
    assert card.text.splitlines()[0] == first_line
    *card_lines, privacy = card.text.rstrip().splitlines()  # a first contact: the one-line privacy notice last
    assert privacy.startswith("🔒 Solo guardo el id de este chat")
    assert re.search(r"Fuentes?: .*\(.*\d{4}\)\.$", "\n".join(card_lines).rstrip()), "a factual card ends with its sources and dates"


@pytest.mark.parametrize("payload", ["atlantida", "paso-14", "paso-0", "paso-", "suscribir-atlantida", "x" * 64])
def test_an_unknown_deep_link_says_so_and_falls_back_to_the_welcome(live, payload):
    text = live.person().says(f"/start {payload}").text
    assert text.startswith("No reconozco el enlace «") and "¡Hola, Ana! Soy CocreaBot" in text


# -- help, sources, privacy ---------------------------------------------------------------

def test_ayuda_and_help_list_what_the_bot_does(ana: Person):
    ayuda, help_ = ana.says("/ayuda"), ana.says("/help")
    assert ayuda.text == help_.text
    for command in ("/estado", "/pasos", "/paso", "/glosario", "/fuentes", "/privacidad"):
        assert command in ayuda.text
    assert "¿Cómo va Jalisco?" in ayuda.text


def test_fuentes_lists_the_sources_and_says_inai_ceased_to_exist(ana: Person):
    sources = ana.says("/fuentes")
    assert sources.text.startswith("Fuentes")
    assert "NOSC 2019 (noviembre de 2019)" in sources.text
    assert "dejó de existir" in sources.text and "2025" in sources.text
    assert "<b>" not in sources.text, "markup shown to the user as text"
    assert "¿Qué pasó con el INAI?" in sources.entities_of("bold")
    assert sources.entities_of("text_link"), "the sources link to their documents"


def test_privacidad_says_what_is_stored(ana: Person):
    privacy = ana.says("/privacidad")
    assert privacy.text.startswith("Privacidad")
    assert "identificador" in privacy.text and "No guardo tu nombre" in privacy.text
    minutes = MEMORY_SECONDS // 60  # the text in respuestas.yaml must follow the memory's length
    assert f"Durante {minutes} minutos recuerdo de qué hablamos (el tema, no tus mensajes)" in privacy.text


# -- states ----------------------------------------------------------------------------------

def test_estado_without_argument_offers_every_state_three_to_a_row(ana: Person):
    picker = ana.says("/estado")
    assert picker.text == "¿De qué entidad quieres saber? Elige una:"
    assert len(picker.button_texts) == STATES
    assert all(len(row) <= 3 for row in picker.buttons)
    assert all(len(label) <= 16 for label in picker.button_texts), "labels must fit a phone's button"
    for label in ("Aguascalientes", "CDMX", "Edomex", "Michoacán", "San Luis Potosí", "Zacatecas"):
        assert label in picker.button_texts


def test_pressing_a_state_in_the_picker_turns_it_into_the_card(ana: Person):
    picker = ana.says("/estado")
    card = ana.taps_to_edit(picker, "Jalisco")
    assert card.message_id == picker.message_id and card.edited
    assert card.text.startswith("Jalisco · ejercicio activo")
    assert "Declaratoria: firmada en 2015." in card.text


@pytest.mark.parametrize("typed, state", [
    ("edomex", "Estado de México"),
    ("cdmx", "Ciudad de México"),
    ("jalsico", "Jalisco"),
    ("veracrus", "Veracruz"),
    ("Oaxaka", "Oaxaca"),
    ("michoacan", "Michoacán"),
    ("nuevo lein", "Nuevo León"),
    ("slp", "San Luis Potosí"),
    ("QUINTANA ROO", "Quintana Roo"),
])
def test_estado_understands_aliases_accents_and_typos(live, typed, state):
    card = live.person().says(f"/estado {typed}")
    assert card.text.splitlines()[0].startswith(f"{state} · ")
    assert card.text.count("▰") + card.text.count("▱") == 13, "the progress bar over the 13 steps"


def test_estado_baja_asks_which_one_and_the_answer_opens_it(ana: Person):
    question = ana.says("/estado baja")
    assert question.text == "¿Te refieres a Baja California o a Baja California Sur?"
    assert question.button_texts == ["BC", "BCS"]  # a state's label, the same on every button
    card = ana.taps_to_edit(question, "BCS")
    assert card.text.startswith("Baja California Sur · ")


def test_estado_with_an_unknown_name_says_so_and_offers_the_picker(ana: Person):
    reply = ana.says("/estado atlantida")
    assert reply.text.startswith("No encontré la entidad «atlantida».")
    assert len(reply.button_texts) == STATES


def test_the_state_card_buttons_lead_to_documents_convocatorias_and_steps(ana: Person):
    card = ana.says("/estado puebla")
    assert {"📄 Documentos", "📣 Convocatorias", "🧭 Los 13 pasos"} <= set(card.button_texts)
    documents = ana.taps_to_new(card, "📄 Documentos")
    assert "Puebla" in documents.text and "documentos" in documents.text
    convocatorias = ana.taps_to_new(card, "📣 Convocatorias")
    assert "convocatorias" in convocatorias.text.lower() and "Puebla" in convocatorias.text
    assert ana.emu.refresh(card).text == card.text, "documents and calls keep the card where it was"
    steps = ana.taps_to_edit(card, "🧭 Los 13 pasos")
    assert steps.text.startswith("Los 13 pasos de la estrategia local")


# -- steps -----------------------------------------------------------------------------------

def test_walking_the_steps_edits_one_message_in_place(ana: Person):
    overview = ana.says("/pasos")
    assert numbered(overview) == [str(n) for n in range(1, 14)]
    assert all(len(row) <= 5 for row in overview.buttons)

    step = ana.taps_to_edit(overview, "6")
    assert step.text.startswith("Paso 6 de 13 · Árbol de problemas y de soluciones")
    assert "«Dibujemos un árbol»" in step.text
    assert step.button_texts == ["◀ 5", "7 ▶", "◀ Volver"]  # «◀ Volver» is the way to the 13 pasos

    step = ana.taps_to_edit(step, "7 ▶")
    assert step.text.startswith("Paso 7 de 13")
    step = ana.taps_to_edit(step, "◀ 6")
    assert step.text.startswith("Paso 6 de 13")
    step = ana.taps_to_edit(step, "◀ 5")
    assert step.text.startswith("Paso 5 de 13")

    back = ana.taps_to_edit(step, "◀ Volver")
    assert back.text.startswith("Los 13 pasos de la estrategia local")
    assert back.message_id == overview.message_id
    assert len(ana.emu.messages(ana.chat)) == 2, "one question, one message from the bot"


def test_an_old_current_step_button_changes_nothing_and_says_so(ana: Person):
    step = ana.says("/paso 6")
    answer = ana.taps(step, "1|p|6", raw=True)  # the «· 6 ·» of cards sent before it was removed
    assert answer.text == "Ya lo tienes a la vista."
    assert ana.barrier() == [], "nothing sent for the press"
    assert ana.emu.refresh(step).text == step.text
    assert not ana.emu.calls("editMessageText", message_id=step.message_id, chat_id=ana.chat_id)


def test_the_first_and_last_steps_have_one_arrow(ana: Person):
    assert ana.says("/paso 1").button_texts == ["2 ▶", "📋 Ver los 13 pasos"]
    assert ana.says("/paso 13").button_texts == ["◀ 12", "📋 Ver los 13 pasos"]


@pytest.mark.parametrize("argument", ["14", "0", "99"])
def test_paso_out_of_range_says_there_are_13(live, argument):
    person = live.person()
    reply = person.says(f"/paso {argument}")
    assert reply.text == f"La estrategia local tiene 13 pasos; no existe el paso {argument}."
    overview = person.taps_to_edit(reply, "Ver los 13 pasos")
    assert overview.text.startswith("Los 13 pasos")


def test_paso_with_words_it_cannot_read_shows_all_the_steps(ana: Person):
    reply = ana.says("/paso abc")
    assert reply.text.startswith("Los 13 pasos de la estrategia local")
    assert numbered(reply) == [str(n) for n in range(1, 14)]


def test_paso_by_name(ana: Person):
    assert ana.says("/paso árbol de problemas").text.startswith("Paso 6 de 13")


# -- glossary ---------------------------------------------------------------------------------

def test_glosario_goes_letter_by_letter_and_opens_one(ana: Person):
    index = ana.says("/glosario")
    total = int(re.search(r"Glosario: (\d+) términos", index.text).group(1))
    first_page = [label for label in index.button_texts if len(label) > 1]
    assert 0 < len(first_page) < total and all(label[0] in "AÁ" for label in first_page), first_page
    assert first_page == sorted(first_page, key=lambda label: label.lower().replace("á", "a"))
    assert len(index.buttons) <= 8

    second = ana.taps_to_edit(index, "C")
    second_page = [label for label in second.button_texts if len(label) > 1]
    assert "A" in second.button_texts and "C" not in second.button_texts
    assert not set(first_page) & set(second_page) and all(label[0] == "C" for label in second_page)

    term_label = second_page[0]
    term = ana.taps_to_edit(second, term_label)
    heading = term.text.splitlines()[0]
    assert all(word in heading for word in term_label.replace("…", "").replace(":", "").split()), (term_label, heading)


def test_glosario_stl_explains_it(ana: Person):
    term = ana.says("/glosario STL")
    assert term.text.startswith("Secretariado Técnico Local (STL)")
    assert "Paso 2" in term.button_texts
    step = ana.taps_to_edit(term, "Paso 2")
    assert step.text.startswith("Paso 2 de 13")


def test_glosario_with_an_unknown_word_offers_the_index(ana: Person):
    reply = ana.says("/glosario xyzzy")
    assert reply.text.startswith("No tengo «xyzzy» en el glosario.")
    assert len(reply.button_texts) > 10


# -- free text -------------------------------------------------------------------------------

@pytest.mark.parametrize("question, starts", [
    ("¿cómo va Jalisco?", "Jalisco · ejercicio activo"),
    ("como va veracrus", "Veracruz · ejercicio activo"),
    ("¿qué es un STL?", "Secretariado Técnico Local (STL)"),
    ("¿qué pasa en el paso 6?", "Paso 6 de 13"),
    ("¿cuántos estados tienen STL?", "18 entidades tenían un STL instalado"),
    ("hola", "¡Hola! Soy CocreaBot"),
])
def test_free_text_questions(live, question, starts):
    assert live.person().says(question).text.startswith(starts)


def test_a_question_out_of_scope_is_answered_honestly(ana: Person):
    reply = ana.says("¿qué clima hace hoy?")
    assert reply.text.startswith("No tengo esa información.")
    assert "🗺️ Cómo va mi estado" in reply.button_texts


def test_out_of_scope_about_a_state_offers_that_state(ana: Person):
    reply = ana.says("¿cuál es el teléfono del gobernador de Jalisco?")
    assert reply.text.startswith("No tengo ese dato.")
    assert "Lo que sí sé de Jalisco" in reply.text
    card = ana.taps_to_new(reply, "Ver Jalisco")  # the answer stays: a card apart
    assert card.text.startswith("Jalisco · ")


def test_the_welcome_buttons_work(live):
    person = live.person()
    picker = person.taps_to_edit(person.says("/start"), "🗺️ Cómo va mi estado")
    assert len(picker.button_texts) == STATES + 1 and picker.button_texts[-1] == "◀ Volver"
    steps = person.taps_to_edit(person.says("/start"), "🧭 Los 13 pasos")
    assert steps.text.startswith("Los 13 pasos")
    glossary = person.taps_to_edit(person.says("/start"), "📖 Glosario")
    assert glossary.text.startswith("Glosario")
    welcome = person.says("/start")
    sources = person.taps_to_new(welcome, "📚 Fuentes")
    assert sources.text.startswith("Fuentes")
    assert person.emu.refresh(welcome).text == welcome.text


def test_phases_of_inai(ana: Person):
    phases = ana.says("/fases")
    assert phases.text.startswith("Las 6 fases básicas")
    phase = ana.taps_to_edit(phases, "Fase 2")
    assert phase.text.startswith("Fase 2 de 6 (INAI)")
    assert "dejó de existir" in phase.text


# -- the command menu ------------------------------------------------------------------------

def test_the_private_menu_is_registered_in_spanish(live):
    person = live.person()
    menu = {c["command"]: c["description"] for c in live.emulator.visible_commands(person.user)}
    assert {"estado", "pasos", "paso", "glosario", "fuentes", "privacidad", "ayuda"} <= set(menu)
    assert menu["estado"] == "Cómo va una entidad"
    assert menu["pasos"] == "Los 13 pasos de la estrategia local"
    assert menu["ayuda"] == "Qué puedo hacer"
    assert all(description.strip() for description in menu.values())


def test_every_command_in_the_menu_or_in_the_bots_own_words_is_understood(live):
    """A person taps any command the menu shows or the bot mentions, and the bot knows it."""
    person = live.person()
    menu = [c["command"] for c in live.emulator.visible_commands(person.user)]
    said = " ".join(person.says(f"/{command}").text for command in ("start", "ayuda", "privacidad", "fuentes"))
    mentioned = re.findall(r"(?<!\w)/([a-z_]+)", said)
    commands = sorted(set(menu) | set(mentioned))
    assert {"estado", "glosario", "privacidad"} <= set(commands)
    person.barrier()
    for command in commands:
        person.send(f"/{command}")
        answers = person.barrier()
        assert answers, f"/{command} got no answer"
        assert not answers[0].startswith("No conozco ese comando"), f"/{command} is shown or mentioned but unknown"
