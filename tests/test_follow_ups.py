"""Conversation turns read against the chat's last question, and questions mixed with English,
through the engine (`engine.ask(text, chat)`), as the console and Telegram use it."""

from __future__ import annotations

import itertools

import pytest

_chats = itertools.count()


@pytest.fixture
def chat(engine):
    """A conversation of its own, forgotten afterwards."""
    chat = ("follow-ups", next(_chats))
    yield lambda text: engine.ask(text, chat=chat)
    engine.forget(chat)


@pytest.mark.parametrize("thanks", ["ya entendí, gracias", "ok lo checo, gracias", "qué triste, gracias", "okas"])
def test_thanks_at_the_end_of_a_message_is_an_acknowledgement(chat, thanks):
    chat("¿cómo va Guerrero?")
    assert chat(thanks).form == "ack"


def test_thanks_with_a_question_is_still_a_question(chat):
    chat("¿cómo va Guerrero?")
    assert chat("gracias, ¿y cuándo firmó Oaxaca?").form == "when"


def test_a_greeting_in_the_middle_of_a_chat_is_a_greeting_not_a_question_about_the_last_state(chat):
    chat("¿cómo va Guerrero?")
    assert chat("perdón, no saludé: buenas noches").form == "greeting"


@pytest.mark.parametrize("move, step", [("y luego??", 9), ("luego de eso qué toca", 9), ("y el que va antes", 7),
                                        ("y el anterior a ese cuál es", 7), ("y el último cuál es", 13)])
def test_moving_along_the_steps_in_everyday_words(chat, move, step):
    chat("explícame el paso 8")
    reply = chat(move)
    assert (reply.form, reply.text.startswith(f"Paso {step} de 13")) == ("step", True)


def test_a_named_step_moves_from_that_step_not_from_the_last_one(chat):
    chat("explícame el paso 10")
    assert chat("y el de antes de los talleres").text.startswith("Paso 7 de 13")


def test_the_last_phase_after_a_phase(chat):
    chat("¿cuál es la fase 2 del INAI?")
    reply = chat("ah, ¿y cuál es la última?")
    assert reply.form == "phase" and "6" in reply.text.splitlines()[0]


@pytest.mark.parametrize("addition", ["agrégale edomex", "¿y Edomex cómo está comparado con ellos?",
                                      "y cómo se compara con Edomex"])
def test_adding_a_state_to_a_comparison(chat, addition):
    chat("compara Chihuahua y Sinaloa")
    reply = chat(addition)
    assert reply.form == "compare"
    assert set(reply.states) == {"Chihuahua", "Sinaloa", "Estado de México"}


def test_two_new_states_are_compared_on_their_own(chat):
    chat("compara Jalisco y Oaxaca")
    assert set(chat("¿y Veracruz vs Zacatecas?").states) == {"Veracruz", "Zacatecas"}


def test_a_count_of_something_the_store_does_not_hold_says_so_with_what_it_knows(engine):
    reply = engine.ask("¿cuántas personas con discapacidad viven en Guanajuato?")
    assert reply.text.startswith("No tengo ese dato.")
    assert "Guanajuato" in reply.text and "población" in reply.text


def test_a_count_of_what_the_store_holds_about_a_state_is_still_answered(engine):
    reply = engine.ask("¿cuántos planes de acción ha tenido Jalisco?")
    assert reply.text.startswith("Jalisco tiene su segundo plan en implementación.")


def test_a_yes_no_with_the_asker_first_is_about_the_fact_not_about_taking_part(engine):
    reply = engine.ask("soy profe jubilado. ¿Morelos llegó a tener plan de acción local?")
    assert reply.form == "yes_no"


@pytest.mark.parametrize("question, value", [
    ("which states haven't signed la declaratoria yet?", "not_signed"),
    ("which ones don't have STL?", "not_installed"),
])
def test_negations_in_english_turn_the_list_around(engine, question, value):
    request = engine.understand(question)
    assert (request.form, request.value) == ("which_states", value)


def test_english_words_for_the_installation_are_read(engine):
    request = engine.understand("Michoacan did an open installation del STL o fue closed?")
    assert request.attribute == "stl_installation" and request.either_or


def test_a_two_digit_year_after_el_is_a_year(engine):
    reply = engine.ask("tabasco firmó la declaratoria en el 16 ?")
    assert reply.text.startswith("No")  # Tabasco signed, but not in 2016


def test_a_status_asked_with_the_data_year_is_the_status_not_the_installation_year(engine):
    assert engine.ask("el secretariado de Campeche estaba activo en 2019?").text.startswith("Sí.")


def test_which_ones_after_counting_the_steps_lists_the_steps_and_a_number_then_names_one(chat):
    assert chat("¿cuántos pasos son en total?").form == "how_many"
    assert chat("¿cuáles son?").form == "steps_overview"
    assert chat("y el 4?").text.startswith("Paso 4 de 13")


def test_in_which_step_after_a_call_or_a_term_is_that_step(chat):
    chat("¿qué es un árbol de problemas?")
    assert chat("¿en qué paso va?").text.startswith("Paso 6 de 13")


@pytest.mark.parametrize("question, step", [
    ("¿qué paso va entre el árbol de problemas y los talleres?", 7),
    ("que paso va entre los talleres y el acta de resultados", 9),
    ("¿Cuál es el último de los 13 pasos?", 13),
    ("cual es el primerito paso", 1),
    ("¿Qué paso antecede a la elaboración del árbol de problemas?", 5),
    ("el paso siguiente a la consulta ciudadana", 6),
])
def test_steps_by_their_position(engine, question, step):
    request = engine.understand(question)
    assert (request.form, request.step) == ("step", step)


@pytest.mark.parametrize("question", ["¿cuál es la tasa de pobreza en Chiapas?", "dime la fecha de la próxima mesa en Campeche",
                                      "¿Tamaulipas va a firmar la declaratoria el año que entra?"])
def test_what_the_documents_cannot_know_about_a_state_says_so_and_what_they_do_know(engine, question):
    reply = engine.ask(question)
    assert reply.form == "out_of_scope" and reply.text.startswith("No tengo ese dato.")


@pytest.mark.parametrize("question", ["sube mi propuesta al stl de jalisco", "Recommend me hotels in Oaxaca",
                                      "organiza una reunión con el STL de Nuevo León el martes"])
def test_requests_to_do_something_are_out_of_scope_even_when_they_name_a_state(engine, question):
    assert engine.understand(question).form == "out_of_scope"


def test_a_new_fact_about_another_state_is_its_own_question(chat):
    chat("¿Jalisco firmó la declaratoria?")
    request = chat("¿Tlaxcala tiene STL?")
    assert (request.form, request.states, request.attribute) == ("yes_no", ("Tlaxcala",), "stl")


@pytest.mark.parametrize("question, term", [
    ("¿Qué es el Compromiso 13 del Cuarto Plan de Acción ante la AGA?", "compromiso-13"),
    ("¿Qué significa que un STL sea multiactor?", "stl-multiactor"),
    ("¿Qué significa que un compromiso sea SMART?", "compromisos-smart"),
    ("q es la metrica d gobierno abierto", "metrica-gobierno-abierto"),
    ("pa mi tarea, q es el pal en gobierno avierto", "pal"),
    ("presupuesto participativo que es en esto de gobierno abierto", "presupuesto-participativo"),
])
def test_of_several_terms_the_one_asked_about(engine, question, term):
    request = engine.understand(question)
    assert (request.form, request.term) == ("what_is", term)


@pytest.mark.parametrize("typed, meant", [("serrada", "cerrada"), ("inpase", "impasse"), ("avierto", "abierto"),
                                          ("poblasion", "poblacion")])
def test_words_spelled_as_they_sound_are_mended(engine, typed, meant):
    assert engine.understander.finder.speller.correct([typed]) == [meant]


def test_a_year_beside_a_figure_is_the_figure_s_year_not_a_signing_year(engine):
    reply = engine.ask("¿Cuántos municipios participaron en el Multi City Challenge 2020?")
    assert "firmaron" not in reply.text.split("\n")[0]


def test_a_count_of_the_stl_that_are_not_multiactor_is_the_document_s_figure(engine):
    assert "6" in engine.ask("¿cuántos STL son solo de gobierno estatal, órgano garante y sociedad civil?").text.split("•")[1]


def test_the_data_s_own_year_in_a_list_of_statuses_is_its_date_not_a_filter(engine):
    request = engine.understand("Estados que a fines de 2019 estaban construyendo su plan de acción")
    assert (request.value, request.year) == ("construction", None)


def test_a_status_said_right_after_ejercicio_is_the_exercise_s(engine):
    request = engine.understand("qué entidades tienen el ejercicio en impasse pero ni siquiera tienen STL")
    assert (request.attribute, request.value) == ("exercise", "impasse")
    assert engine.understand("¿el STL de Sonora está activo?").attribute == "stl"


def test_several_years_list_every_one_of_them_oldest_first(engine):
    text = engine.ask("que estados firmaron la declaratoria entre 2017 y 2019").text
    assert text.startswith("8 entidades firmaron la Declaratoria de Gobierno Abierto en 2017, 2018 y 2019")
    assert text.index("Firmaron en 2017") < text.index("Firmaron en 2018") < text.index("Firmaron en 2019")
    assert "30 entidades" not in text  # no document counts those years together


def test_two_years_named_are_both_counted(engine):
    assert engine.ask("¿cuántos firmaron en 2016 y 2017?").text.startswith("14 entidades")


@pytest.mark.parametrize("choice, state", [("la sur", "Baja California Sur"), ("la normal, no la sur", "Baja California"),
                                           ("la de arriba, la del norte", "Baja California")])
def test_answering_which_baja(chat, choice, state):
    assert chat("¿cómo va baja?").states == ()
    assert chat(choice).states == (state,)


def test_the_other_one_of_a_pair(chat):
    chat("¿cómo va Baja California Sur?")
    assert chat("ahh ok, ¿y la otra baja?").states == ("Baja California",)
    assert chat("¿y la sur?").states == ("Baja California Sur",)
    assert chat("¿y la otra?").states == ("Baja California",)


def test_a_follow_up_that_a_state_s_particularity_answers_opens_its_card_there(chat):
    chat("¿qué onda con Querétaro?")
    reply = chat("¿qué municipios participan?")
    assert reply.form == "status" and reply.states == ("Querétaro",)


def test_data_the_store_lacks_stays_lacking_even_beside_a_particularity(engine):
    reply = engine.ask("mándame los teléfonos de las OSC del observatorio de Quintana Roo")
    assert reply.text.startswith("No tengo ese dato.")


def test_when_after_a_state_is_when_not_a_step_described(chat):
    chat("¿cómo va Quintana Roo?")
    assert chat("¿y cuándo la presentaron?").form == "when"


def test_a_step_by_its_word_after_a_phase_is_the_step(chat):
    chat("¿cuál es la fase 3 del INAI?")
    assert chat("¿y el paso 2?").text.startswith("Paso 2 de 13")


def test_the_same_year_as_a_state_lists_that_year(engine):
    text = engine.ask("¿qué otros estados firmaron el mismo año que Chihuahua?").text
    assert text.startswith("10 entidades firmaron la Declaratoria de Gobierno Abierto en 2016")


def test_that_year_then_a_year_before(chat):
    chat("¿Yucatán ya firmó?")
    assert chat("¿y quiénes más firmaron ese año?").text.startswith("3 entidades firmaron la Declaratoria de Gobierno Abierto en 2019")
    assert chat("¿y un año antes?").text.startswith("1 entidad firmó la Declaratoria de Gobierno Abierto en 2018")


@pytest.mark.parametrize("question, start", [
    ("¿cuál fue el último estado en firmar la declaratoria?", "3 entidades firmaron la Declaratoria de Gobierno Abierto en 2019"),
    ("¿quiénes fueron los primeros en firmar?", "12 entidades firmaron la Declaratoria de Gobierno Abierto en 2015"),
    ("¿cuál fue el STL más reciente en instalarse?", "1 entidad tenía un STL instalado en 2019"),
])
def test_the_first_and_the_last_of_a_dated_fact(engine, question, start):
    assert engine.ask(question).text.startswith(start)


def test_states_putting_together_their_secretariat_are_the_ones_installing_it(engine):
    request = engine.understand("¿cuáles están armando su secretariado ahorita?")
    assert (request.form, request.value) == ("which_states", "installing")


@pytest.mark.parametrize("question", ["donde rento mesas para fiesta en guadalajara", "como van los STL Cardinals esta temporada",
                                      "quien firmo la declaratoria de independencia de mexico"])
def test_the_domain_s_words_in_another_sense_are_out_of_scope(engine, question):
    assert engine.understand(question).form == "out_of_scope"


def test_the_map_of_the_steps_is_asked_by_its_words(engine):
    reply = engine.ask("muéstrame el mapa de los pasos")
    assert reply.form == "map" and reply.buttons[0][0].action.arg == "pasos"


def test_what_happened_with_is_not_which_step(engine):
    assert engine.understand("¿qué pasó con el INAI?").term == "inai"
    assert engine.understand("que paso con la cdmx").form == "status"


def test_a_term_asked_after_a_state_is_about_the_term(chat):
    chat("¿cómo va Baja California?")
    reply = chat("¿qué pasó con el INAI?")
    assert reply.form == "what_is" and reply.states == ()


def test_a_follow_up_about_the_term_just_explained(chat):
    chat("¿qué es el STL?")
    reply = chat("¿y quiénes lo integran?")
    assert (reply.form, reply.term) == ("what_is", "stl")


def test_the_name_of_a_plan_is_not_a_person(chat):
    chat("¿cómo va Jalisco?")
    reply = chat("¿y cómo se llama su plan?")
    assert reply.form == "status" and reply.text.startswith("Jalisco tiene su segundo plan en implementación.")


def test_not_understanding_the_very_thing_just_explained_asks_for_it_plainer(chat):
    chat("¿qué es el paso 6?")
    assert chat("no le entendí, ¿cómo que un árbol??").form == "clarify"


def test_not_understanding_another_term_explains_that_term(chat):
    chat("¿cómo va Quintana Roo?")
    reply = chat("no le entendí eso de fuera de la estrategia")
    assert (reply.form, reply.term) == ("what_is", "fuera-de-la-estrategia")


def test_which_of_the_two_compares_the_two_and_says_which_is_ahead(chat):
    chat("compara Jalisco y Puebla")
    reply = chat("¿cuál de los dos va más avanzado?")
    assert reply.form == "compare" and set(reply.states) == {"Jalisco", "Puebla"}
    assert "Más avanzada: Jalisco" in reply.text


def test_a_phase_by_number_among_the_phases(chat):
    chat("¿cuáles son las fases del INAI?")
    assert chat("bien, y de las fases del inai, ¿la 5 cuál es?").phase == 5


def test_which_ones_after_a_count_with_more_words(chat):
    chat("¿cuántos estados ya tienen plan?")
    assert listed_names(chat("CUALES SON ESOS 13").text) >= {"Jalisco", "Oaxaca"}


def test_which_are_missing_after_a_list_is_its_opposite(chat):
    chat("¿qué estados firmaron la declaratoria?")
    text = chat("¿y cuáles faltan?").text
    assert "Puebla" in text and "Jalisco" not in text


def test_a_list_of_its_own_after_a_state(chat):
    chat("¿Yucatán ya firmó?")
    reply = chat("¿y en 2017 quiénes firmaron?")
    assert reply.form == "which_states" and "Yucatán" not in reply.text


def listed_names(text: str) -> set[str]:
    return {name for name in ("Jalisco", "Oaxaca", "Puebla", "Yucatán") if name in text}


@pytest.mark.parametrize("turn", ["ya entrado en eso, ¿por cuál partido me conviene votar?",
                                  "oye y ya que estamos, ¿quién ganó el partido del América ayer?"])
def test_a_leading_ok_does_not_swallow_another_question(chat, turn):
    chat("¿cómo va Jalisco?")
    assert chat(turn).form == "out_of_scope"


@pytest.mark.parametrize("turn", ["ok ntp", "dios se lo pague", "ok gracias, me sirve mucho"])
def test_everyday_thanks(chat, turn):
    chat("¿cómo va Jalisco?")
    assert chat(turn).form == "ack"


def test_a_phase_after_a_step(chat):
    chat("¿qué es el paso 6?")
    assert chat("¿y la fase 6?").phase == 6


def test_the_last_to_sign_after_a_state_is_a_list(chat):
    chat("¿cómo va Baja California Sur?")
    assert chat("¿y los últimos en firmar?").form == "which_states"


def test_which_of_the_two_reaches_back_to_the_state_before(chat):
    chat("¿Jalisco está en OGP Local?")
    chat("¿y Zacatecas?")
    reply = chat("¿cuál de los dos está en OGP Local?")
    assert reply.form == "compare" and set(reply.states) == {"Jalisco", "Zacatecas"}
    assert reply.text.startswith("• Sí. Jalisco") and "• No. Zacatecas" in reply.text


def test_of_those_keeps_the_list_s_own_condition(chat):
    chat("¿qué estados firmaron en 2015?")
    reply = chat("¿y de esos cuáles sí tienen STL instalado?")
    assert reply.form == "which_states" and reply.text.startswith("9 entidades")


def test_of_the_three_just_compared(chat):
    chat("compara Veracruz, Oaxaca y Coahuila")
    reply = chat("¿cuáles de los tres instalaron su STL con convocatoria abierta?")
    assert reply.form == "which_states" and set(reply.states) == {"Veracruz", "Oaxaca", "Coahuila"}


@pytest.mark.parametrize("first,turn,step", [
    ("¿cuáles son los 13 pasos?", "¿y cuál es el último?", 13),
    ("¿qué es el paso 8?", "¿y el anterior al del árbol?", 5),  # from the step named, not from the last one
])
def test_moving_along_the_steps(chat, first, turn, step):
    chat(first)
    reply = chat(turn)
    assert (reply.form, reply.step) == ("step", step)


def test_thanks_with_homework_done_is_thanks(chat):
    chat("¿qué es el INAI?")
    assert chat("gracias, ya acabé mi tarea").form == "ack"


def test_how_to_stop_the_notices_after_a_state(chat):
    chat("¿cómo va Veracruz?")
    assert chat("¿y cómo le quito después si ya no quiero que me lleguen?").form == "subscribe"
