"""The command table, the one list of the bot's commands: Telegram's handler registration and its
menus per scope (handlers/), the console's help (bot/console.py) and the README's table (a test
holds it to this one) come from COMMANDS. Plus the read-only commands and buttons, whose replies
the Telegram handlers and the console chat share."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from markupsafe import Markup

from knowledge.answers.cards import PRIVACY_LINE
from knowledge.engine import Engine
from knowledge.models import PHASE_COUNT, STEP_COUNT
from knowledge.reply import Action, Reply, esc
from knowledge.text import ascii_int

CITIZEN, FACILITATOR, CURATOR, ADMIN = "citizen", "facilitator", "curator", "admin"


@dataclass(frozen=True)
class Command:
    name: str
    menu: str | None  # its line in Telegram's menu; None: not in the menu
    role: str | tuple[str, ...] = CITIZEN  # who sees it in the menu: citizen (everyone), facilitator, curator, admin
    aliases: tuple[str, ...] = ()
    in_groups: bool = True  # in the groups' menu too
    read_only: bool = False  # answered by command_reply, in Telegram and in the console alike
    console: bool = False  # works in the console chat

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]

    @property
    def roles(self) -> tuple[str, ...]:
        return self.role if isinstance(self.role, tuple) else (self.role,)


COMMANDS: tuple[Command, ...] = (
    Command("start", None, read_only=True, console=True),
    Command("estado", "Cómo va una entidad", read_only=True, console=True),
    Command("pasos", "Los 13 pasos de la estrategia local", read_only=True, console=True),
    Command("paso", "Un paso, por ejemplo /paso 6", read_only=True, console=True),
    Command("fases", "Las 6 fases de la iniciativa según el INAI", read_only=True, console=True),
    Command("fase", None, read_only=True, console=True),
    Command("glosario", "Qué significa un término, por ejemplo /glosario STL", read_only=True, console=True),
    Command("convocatorias", "Convocatorias abiertas", read_only=True, console=True),
    Command("mapa", "El mapa de las 32 entidades"),  # a photo: Telegram only (handlers/sharing.py)
    Command("documentos", "Lo que publicó el STL de una entidad", read_only=True, console=True),
    Command("suscribir", "Recibir avisos de una entidad", aliases=("suscribirme",), console=True),
    Command("baja", "Dejar de recibir avisos", aliases=("desuscribir",), console=True),
    Command("suscripciones", "Qué entidades sigues y qué recibes", aliases=("settings",), console=True),
    Command("fuentes", "De dónde sale la información", read_only=True, console=True),
    Command("privacidad", "Qué datos guardo", aliases=("privacy",), in_groups=False, read_only=True, console=True),
    Command("mis_datos", "Ver lo que guardo de este chat", in_groups=False, console=True),
    Command("borrar_mis_datos", "Borrar lo que guardo de este chat", in_groups=False, console=True),
    Command("ayuda", "Qué puedo hacer", read_only=True, console=True),
    Command("help", None, read_only=True, console=True),
    Command("publicar", "Publicar un documento del STL", FACILITATOR),
    Command("convocar", "Publicar una convocatoria", FACILITATOR),
    Command("mis_convocatorias", "Editar o cancelar tus convocatorias", FACILITATOR),
    Command("cancelar", "Cancelar lo que estás haciendo", FACILITATOR),
    Command("pendientes", "Preguntas que esperan respuesta del equipo", CURATOR, in_groups=False),
    Command("estadisticas", "Cifras de uso: avisos, preguntas, 👍/👎", (CURATOR, FACILITATOR), in_groups=False),
    Command("nombrar_facilitador", "Nombrar a una persona facilitadora", ADMIN),
    Command("quitar_facilitador", "Quitar a una persona facilitadora", ADMIN),
    Command("facilitadores", "Ver las personas facilitadoras", ADMIN),
    Command("nombrar_curador", "Nombrar a una persona curadora", ADMIN),
    Command("quitar_curador", "Quitar a una persona curadora", ADMIN),
)
BY_NAME = {command.name: command for command in COMMANDS}
CANONICAL = {alias: command.name for command in COMMANDS for alias in command.names}  # /privacy -> privacidad

# What Telegram shows on the bot's profile and before the first /start (setMyDescription ≤ 512
# characters, setMyShortDescription ≤ 120).
DESCRIPTION = ("Cómo va cada estado en «Gobierno Abierto: Cocreación desde lo Local» (su STL y su Plan de "
               "Acción Local), los 13 pasos de la estrategia, un glosario, las convocatorias abiertas y avisos "
               "cuando el STL de tu estado publica algo. Pregunta con tus palabras. Cada dato lleva su fuente y "
               "su fecha; solo guardo el id del chat y tus suscripciones.")
SHORT_DESCRIPTION = "Gobierno abierto en tu estado: cómo va, los 13 pasos, convocatorias y avisos. Con fuentes."
READ_ONLY_COMMANDS = tuple(name for command in COMMANDS if command.read_only for name in command.names)


def names(command: str) -> list[str]:
    """The command's name and its aliases, for a CommandHandler."""
    return BY_NAME[command].names


def menu(role: str, in_group: bool = False) -> list[tuple[str, str]]:
    """(command, description) pairs of Telegram's menu for a role (a facilitator sees the
    citizens' too, an admin everything), in the table's order."""
    return menu_for({role}, in_group)


def menu_for(roles: set[str], in_group: bool = False) -> list[tuple[str, str]]:
    """The menu of someone with these roles (a facilitator who also curates sees both)."""
    everything = ADMIN in roles
    return [(c.name, c.menu) for c in COMMANDS if c.menu and (everything or CITIZEN in c.roles or roles & set(c.roles))
            and (c.in_groups or not in_group)]


HELP_SECTIONS = ((FACILITATOR, "Para quien facilita"), (CURATOR, "Para el equipo que revisa preguntas"),
                 (ADMIN, "Para la administración"))


def help_for(engine: Engine, roles: set[str]) -> Reply:
    """/ayuda: the curated intro and closing line (respuestas.yaml), and between them the
    commands of each role the person has, from COMMANDS; each command once, under its first role."""
    curated = engine.kb.answers["help"].text.strip().splitlines()
    intro, closing = Markup(curated[0]), Markup(curated[-1])  # respuestas.yaml holds Telegram HTML
    shown = {name for name, _ in menu(CITIZEN)}
    lines = [intro, *_help_lines(menu(CITIZEN)), closing]
    for role, title in HELP_SECTIONS:
        if role in roles or ADMIN in roles:
            pairs = [pair for pair in menu(role) if pair[0] not in shown]
            shown |= {name for name, _ in pairs}
            if pairs:
                lines += [Markup(""), Markup("<b>{}:</b>").format(title), *_help_lines(pairs)]
    buttons = engine.answers.help().buttons
    return Reply(Markup("\n").join(lines), buttons, intent="help", view=Action("help"))


def _help_lines(pairs: list[tuple[str, str]]) -> list[Markup]:
    return [Markup("/{} — {}").format(name, description[0].lower() + description[1:]) for name, description in pairs]


def group_help(username: str | None, introduction: bool = False) -> Reply:
    """/start and /ayuda in a group, and the introduction when the bot is added to one: how to
    talk to it there (it ignores the conversation) and what the group's administrators can do."""
    handle = f"@{username}" if username else "al bot"
    commands = ", ".join(f"/{c.name}" for c in COMMANDS if c.menu and c.read_only and c.in_groups and c.name != "ayuda")
    lead = ("👋 <b>Hola, soy CocreaBot.</b> Respondo sobre «Gobierno Abierto: Cocreación desde lo Local»: cómo va "
            "cada estado, los 13 pasos y sus convocatorias.\n\n" if introduction else "")
    text = (f"{lead}En este grupo no leo la conversación. Para preguntarme, <b>menciona a {esc(handle)}</b> en tu mensaje "
            f"(por ejemplo «{esc(handle)} ¿cómo va Oaxaca?») o <b>responde a uno de mis mensajes</b>.\n\n"
            f"Comandos: {commands}.\n\n"
            "Quienes administran el grupo pueden suscribirlo a los avisos de una entidad (/suscribir oaxaca), "
            "cambiar qué recibe (/suscripciones), quitarlos (/baja) o borrar lo que guardo del grupo (/borrar_mis_datos).")
    return Reply(Markup(text), intent="help")


def console_commands() -> list[str]:
    return [command.name for command in COMMANDS if command.console]


def command_reply(engine: Engine, command: str, arg: str = "") -> Reply | None:
    """The reply to /command arg, or None when the command is not a read-only one."""
    arg = arg.strip()
    handler = _COMMANDS.get(CANONICAL.get(command.lower(), command.lower()))
    return handler(engine, arg) if handler else None


def action_reply(engine: Engine, action: Action) -> Reply | None:
    """The reply to a button, or None when the action needs the runtime (subscribe)."""
    answers = engine.answers
    kb = engine.kb
    if action.kind in _WITHOUT_ARGUMENT:
        return _WITHOUT_ARGUMENT[action.kind](engine)
    if action.kind in ("state", "state_more"):
        return _state_view(engine, action)
    if action.kind == "states":
        if action.arg in ("docs", "convs", "subscribe"):
            return answers.state_picker("Elige una entidad:", action=action.arg)
        return answers.state_picker()
    if action.kind == "step" and _in_range(action.arg, STEP_COUNT):
        return answers.step(int(action.arg))
    if action.kind == "phase" and _in_range(action.arg, PHASE_COUNT):
        return answers.phase(int(action.arg))
    if action.kind == "term" and action.arg in kb.terms:
        return answers.term(action.arg)
    if action.kind == "terms":  # a letter; an old message's page number opens the first letter
        return answers.glossary_index(action.arg if len(action.arg) == 1 and action.arg.isalpha() else "")
    if action.kind == "docs" and action.arg in kb.states:
        return answers.documents(action.arg)
    if action.kind in ("docs_page", "convs_page"):
        return _page(engine, action)
    if action.kind == "convs" and (action.arg in kb.states or action.arg == ""):
        return answers.convocatorias(action.arg or None)
    return None


def _state_view(engine: Engine, action: Action) -> Reply | None:
    """A state's card («slug», or «slug:0.2» with those particularities first) or what its
    [➕ Ver más] holds («slug:0.2», the particularities the card shows; «slug:» when none)."""
    slug, colon, listed = action.arg.partition(":")
    state = engine.kb.states.get(slug)
    indices = tuple(ascii_int(part) for part in listed.split(".")) if listed else ()
    if state is None or any(i is None or not 0 <= i < len(state.particularities) for i in indices) \
            or len(set(indices)) != len(indices):
        return None
    shown = tuple(i for i in indices if i is not None)
    if action.kind == "state_more":
        return engine.answers.state_more(slug, shown) if colon else None
    return engine.answers.state_card(slug, featured=shown) if shown else engine.answers.state_card(slug)


def _page(engine: Engine, action: Action) -> Reply | None:
    """◀ ▶ under a list of documents or of convocatorias."""
    return (_documents_page if action.kind == "docs_page" else _convocatorias_page)(engine, action.arg)


def _convocatorias_page(engine: Engine, arg: str) -> Reply | None:
    """[Siguientes ▶] under the convocatorias: «slug:page» (slug empty: every state)."""
    slug, colon, page = arg.partition(":")
    number = ascii_int(page)
    if colon and (slug == "" or slug in engine.kb.states) and number is not None and ":" not in page:
        return engine.answers.convocatorias(slug or None, page=number)
    return None


_WITHOUT_ARGUMENT: dict[str, Callable[[Engine], Reply]] = {
    "steps": lambda engine: engine.answers.steps_overview(),
    "phases": lambda engine: engine.answers.phases_overview(),
    "sources": lambda engine: engine.answers.sources_list(),
    "help": lambda engine: help_for(engine, {CITIZEN}),
    "welcome": lambda engine: engine.answers.welcome(),
}


def _documents_page(engine: Engine, arg: str) -> Reply | None:
    """[Siguientes ▶] under a state's documents: «slug:step:page» (step 0: every step)."""
    slug, step, page = (arg.split(":") + ["", "", ""])[:3]
    number = ascii_int(page)
    if slug in engine.kb.states and (step == "0" or _in_range(step, STEP_COUNT)) and number is not None:
        return engine.answers.documents(slug, step=int(step) or None, page=number)
    return None


def state_or_picker(engine: Engine, arg: str, action: str = "state", intro: str = "Elige una entidad:") -> tuple[str | None, Reply | None]:
    """(slug, None) when arg names one state; otherwise (None, a reply that asks which)."""
    picked = pick_state(engine, arg, action, intro)
    return (None, picked) if isinstance(picked, Reply) else (picked, None)


def pick_state(engine: Engine, arg: str, action: str = "state", intro: str = "Elige una entidad:") -> str | Reply:
    """The slug when arg names one state; otherwise a reply that asks which."""
    if not arg:
        return engine.answers.state_picker(intro, action=action)
    understood = engine.understand(arg)
    if understood.state:
        return understood.state
    if understood.ambiguous_states:
        return engine.answers.which_state(understood.ambiguous_states, _intent_for(action))
    text = f"No encontré la entidad «{arg[:60]}». {intro}"  # state_picker escapes it
    return engine.answers.state_picker(text, action=action)


CONNECTORS = frozenset({"y", "e", "o", "u", "de", "del", "la", "el", "los", "las", "a", "en", "tambien", "mas"})
MAX_CARDS = 4  # /estado with more states shows this many cards and says so


@dataclass(frozen=True)
class Named:
    """The states an argument names, in order, and the words in it that named none."""
    states: tuple[str, ...]
    skipped: tuple[str, ...]


def states_named(engine: Engine, arg: str) -> Named:
    understander = engine.understander
    tokens = understander.tokens(arg)
    found = understander.finder.find(tokens)
    covered = {index for start, end in found.state_spans for index in range(start, end)}
    skipped = [token for index, token in enumerate(tokens) if index not in covered and token not in CONNECTORS
               and token not in understander.finder.stopwords]
    return Named(tuple(dict.fromkeys(found.states)), tuple(skipped))


def skipped_note(named: Named, did: str) -> str | None:
    """«No encontré «atlantida» entre las entidades; …» (HTML), or None when nothing was skipped."""
    if not named.skipped:
        return None
    words = " ".join(named.skipped)[:60]
    return f"No encontré «{esc(words)}» entre las 32 entidades; {did}"


def command_replies(engine: Engine, command: str, arg: str = "") -> list[Reply]:
    """Like command_reply, but /estado with several states answers with a card for each (and
    says which words named no state)."""
    if command.lower() == "estado" and arg.strip():
        named = states_named(engine, arg)
        if len(named.states) > 1 or (named.states and named.skipped):
            cards = [engine.answers.state_card(slug) for slug in named.states[:MAX_CARDS]]
            notes = []
            if len(named.states) > MAX_CARDS:
                rest = [engine.kb.states[s].name for s in named.states[MAX_CARDS:]]
                notes.append(f"Te muestro {MAX_CARDS} fichas; para {esc(', '.join(rest))}, pide cada una con /estado.")
            shown = ", ".join(engine.kb.states[s].name for s in named.states[:MAX_CARDS])
            note = skipped_note(named, f"te mostré {esc(shown)}.")
            notes += [note] if note else []
            return cards + ([Reply(Markup("\n".join(notes)), intent="state_status")] if notes else [])
    reply = command_reply(engine, command, arg)
    return [reply] if reply else []


def _intent_for(action: str) -> str:
    return {"docs": "documents", "subscribe": "subscribe_help", "convs": "convocatorias"}.get(action, "state_status")


def start_reply(engine: Engine, arg: str, first_name: str | None = None, first_contact: bool = False) -> Reply:
    """/start greeting the person by name; a deep link opened as the first contact also says,
    in one line, what is stored (the welcome says it anyway)."""
    if not arg:
        return engine.answers.welcome(first_name)
    reply = _start(engine, arg, first_name)
    if first_contact and reply.intent != "greeting":
        reply = with_privacy_line(reply)
    return reply


def with_privacy_line(reply: Reply) -> Reply:
    return replace(reply, html=reply.html + Markup("\n\n") + PRIVACY_LINE)


def _start(engine: Engine, arg: str, first_name: str | None = None) -> Reply:
    """/start, and deep links such as t.me/<bot>?start=jalisco."""
    if arg and arg in engine.kb.states:
        return engine.answers.state_card(arg)
    if arg.startswith("paso-") and _in_range(arg[5:], STEP_COUNT):
        return engine.answers.step(int(arg[5:]))
    if arg.startswith("glosario-") and arg[9:] in engine.kb.terms:
        return engine.answers.term(arg[9:])
    if arg == "fases":
        return engine.answers.phases_overview()
    welcome = engine.answers.welcome(first_name)
    if not arg:
        return welcome
    lead = f"No reconozco el enlace «{esc(arg[:40])}» (quizá está incompleto); te dejo el inicio.\n\n"
    return Reply(Markup(f"{lead}{welcome.html}"), welcome.buttons, welcome.sources, intent=welcome.intent)


def _estado(engine: Engine, arg: str) -> Reply:
    picked = pick_state(engine, arg, intro="¿De qué entidad quieres saber? Elige una:")
    return picked if isinstance(picked, Reply) else engine.answers.state_card(picked)


def _paso(engine: Engine, arg: str) -> Reply:
    if not arg:
        return engine.answers.steps_overview()
    number = ascii_int(arg)
    if number is not None:
        return engine.answers.step(number) if 1 <= number <= STEP_COUNT else engine.answers.no_such_step(number)
    understood = engine.understand(f"paso {arg}")
    if understood.step:
        return engine.answers.step(understood.step)
    if understood.bad_number is not None:
        return engine.answers.no_such_step(understood.bad_number)
    return engine.answers.steps_overview()


def _fase(engine: Engine, arg: str) -> Reply:
    number = ascii_int(arg)
    if number is not None and 1 <= number <= PHASE_COUNT:
        return engine.answers.phase(number)
    if number is not None:
        return engine.answers.no_such_step(number, phase=True)
    return engine.answers.phases_overview()


def _glosario(engine: Engine, arg: str) -> Reply:
    if not arg:
        return engine.answers.glossary_index()
    term = engine.understander.find_term(arg)
    if term:
        return engine.answers.term(term)
    index = engine.answers.glossary_index()
    text = f"No tengo «{esc(arg[:60])}» en el glosario. Estos son los términos que sí tengo:"
    return Reply(Markup(text), index.buttons, intent="glossary")


def _convocatorias(engine: Engine, arg: str) -> Reply:
    if not arg:
        return engine.answers.convocatorias(None)
    picked = pick_state(engine, arg, action="convs")
    return picked if isinstance(picked, Reply) else engine.answers.convocatorias(picked)


def _documentos(engine: Engine, arg: str) -> Reply:
    picked = pick_state(engine, arg, action="docs", intro="¿De qué entidad quieres ver los documentos?")
    return picked if isinstance(picked, Reply) else engine.answers.documents(picked)


def _in_range(text: str, top: int) -> bool:
    return 1 <= (ascii_int(text) or 0) <= top


_COMMANDS = {
    "start": _start,
    "ayuda": lambda e, a: help_for(e, {CITIZEN}),
    "help": lambda e, a: help_for(e, {CITIZEN}),
    "estado": _estado,
    "pasos": lambda e, a: e.answers.steps_overview(),
    "paso": _paso,
    "fases": lambda e, a: e.answers.phases_overview(),
    "fase": _fase,
    "glosario": _glosario,
    "fuentes": lambda e, a: e.answers.sources_list(),
    "privacidad": lambda e, a: e.answers.curated("privacy", intent="privacy"),
    "convocatorias": _convocatorias,
    "documentos": _documentos,
}
