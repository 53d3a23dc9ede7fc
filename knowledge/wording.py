"""The plain-Spanish words for statuses, progress, dates and live items. Functions here return
plain text unless their name ends in _html or they say so; callers escape plain text."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from knowledge.dates import PartialDate, human_date, human_time, human_weekday_date
from knowledge.live import ConvocatoriaInfo, DocumentInfo
from knowledge.models import STEP_COUNT, KnowledgeBase, State, Step
from knowledge.reply import esc
from knowledge.text import fold

MEXICO_TZ = ZoneInfo("America/Mexico_City")

INAI_NOTICE = (
    "El INAI dejó de existir en marzo de 2025: sus funciones pasaron a la Secretaría Anticorrupción y "
    "Buen Gobierno («Transparencia para el Pueblo»). Lo que digo del INAI es histórico, a la fecha de cada documento."
)
# What later answers of the same day say instead, in a chat that already read INAI_NOTICE (knowledge/engine.py).
INAI_REMINDER = ("Recuerda: el INAI dejó de existir en marzo de 2025; sus funciones pasaron a «Transparencia para el "
                 "Pueblo» (más en /fuentes).")
YOU_ARE_WELCOME = "¡Con gusto! Si tienes otra pregunta sobre gobierno abierto en tu estado, aquí estoy."

EXERCISE = {
    "active": "ejercicio activo",
    "impasse": "ejercicio en impasse (detenido)",
    "inactive": "ejercicio inactivo",
    "outside_strategy": "firmó, pero trabaja fuera de la estrategia del INAI",
    "unclassified": "firmó en 2019; el informe no la clasifica",
    "not_signed": "no ha firmado la Declaratoria",
}

ORDINAL_PLAN = {1: "primer", 2: "segundo", 3: "tercer", 4: "cuarto", 5: "quinto"}


def declaratoria(state: State) -> str:
    if state.declaratoria.signed:
        return f"firmada en {state.declaratoria.year}."
    return "sin firmar."


def stl(state: State) -> str:
    info = state.stl
    text = {
        "installed_active": f"instalado en {info.year} y activo." if info.year else "instalado y activo.",
        "installed_impasse": "instalado, pero en impasse.",
        "installed_no_evidence": "instalado, pero sin evidencia de trabajo.",
        "not_installed": "no se ha instalado.",
        "installing": "en proceso de instalación.",
        "not_reported": "el informe no reporta un STL: la entidad trabaja fuera de la estrategia.",
        "not_applicable": "no tiene, porque la entidad no firmó la Declaratoria.",
    }[info.status]
    if info.installation == "open":
        text += " Su instalación fue abierta, con convocatoria pública."
    elif info.installation == "closed":
        text += " Su instalación fue cerrada: no se documentó una convocatoria pública."
    if info.note:
        text += f" {info.note}"
    return text


def pal(state: State) -> str:
    info = state.pal
    if info.plan and info.phase:
        stage = "construcción" if info.phase == "construction" else "implementación"
        text = f"tiene su {ORDINAL_PLAN.get(info.plan, str(info.plan))} plan en {stage}."
    elif info.launched_any:
        text = "ha puesto en marcha al menos un plan; el informe no reporta uno en curso."
    else:
        text = "todavía no ha puesto en marcha un plan."
    if info.note:
        text += f" {info.note}"
    return text


def seed_progress(state: State) -> int:
    """The furthest of the 13 steps the sources show evidence for: the signature (1), the
    installed STL (4), a Plan de Acción put in motion (11)."""
    if state.pal.launched_any:
        return 11
    if state.stl.status.startswith("installed"):
        return 4
    return 1 if state.declaratoria.signed else 0


def progress_bar(step: int, mark_only: bool = False) -> str:
    """▰▰▰▰▱▱▱▱▱▱▱▱▱ (how far), or ▱▱▱▰▱… (where this step sits) with mark_only."""
    if mark_only:
        return "".join("▰" if n == step else "▱" for n in range(1, STEP_COUNT + 1))
    return "▰" * step + "▱" * (STEP_COUNT - step)


def progress_caption(step: int, info: Step | None) -> str:
    if step == 0 or info is None:
        return "Aún no da el paso 1 (firmar la Declaratoria)."
    return f"Paso {step} de {STEP_COUNT}: {info.name} (el más avanzado del que hay evidencia)."


def as_of_notice(date: PartialDate) -> str:
    return (
        f"Datos a {date.human()}, salvo donde se indica otra fecha. "
        "Los documentos no dicen si el ejercicio sigue igual hoy."
    )


# A state's label on every button, the same everywhere (pickers in 3 columns, «Ver …», «🔔 …»):
# the names a phone would cut in a third of its width go by the short names people use.
STATE_LABELS = {"Baja California": "BC", "Baja California Sur": "BCS", "Ciudad de México": "CDMX",
                "Estado de México": "Edomex"}
MAX_LABEL = 24  # characters on a button: what a phone shows whole in half its width
MAX_ROWS = 8  # rows of a keyboard…
MAX_GRID_ROWS = 12  # …or of a grid of three or more to a row (the 32 states in 11 rows, and «◀ Volver»)
_TRAILING = frozenset({"de", "del", "la", "las", "el", "los", "y", "o", "e", "u", "a", "al", "en", "para", "por",
                       "con", "ante", "sin", "lo"})


PREVIOUS_PAGE, NEXT_PAGE = "◀ Anteriores", "Siguientes ▶"  # every list that pages


def page_of(total: int, page: int, size: int) -> tuple[int, int, int]:
    """(the page, clamped to the list; how many pages; the index of its first item) of a list of
    `total` items shown `size` at a time (at least one page, even when empty)."""
    pages = max(1, -(-total // size))
    page = min(max(page, 0), pages - 1)
    return page, pages, page * size


def page_moves(page: int, pages: int) -> list[tuple[str, int]]:
    """(label, page) of «◀ Anteriores» and «Siguientes ▶» under a list shown a page at a time
    (none for a list of one page)."""
    moves = []
    if page > 0:
        moves.append((PREVIOUS_PAGE, page - 1))
    if page < pages - 1:
        moves.append((NEXT_PAGE, page + 1))
    return moves


def page_line(first: int, last: int, total: int) -> str:
    """«Del 1 al 5 de 11. Quedan 6 más.» (first and last counted from 1): where a page stands."""
    more = f" Quedan {total - last} más." if total > last else ""
    return f"Del {first} al {last} de {total}.{more}"


def short_name(name: str) -> str:
    """The state's label on buttons (STATE_LABELS), its name elsewhere."""
    return STATE_LABELS.get(name, name)


def state_button(template: str, name: str, without_name: str | None = None) -> str:
    """A button's label about a state: the template with the state's button label in it
    («🔔 Suscribirme a {}»), or, when that does not fit on a phone, `without_name` (the message
    around it names the state) or the state's label alone."""
    label = template.format(short_name(name))
    return label if len(label) <= MAX_LABEL else (without_name or short_name(name))


def button_label(text: str, limit: int = MAX_LABEL) -> str:
    """Short enough for a phone: whole words up to the limit, never one cut inside, and never
    ending on «de», «y»… before the ellipsis. A single word longer than the limit stays whole."""
    if len(text) <= limit:
        return text
    words = text.split()
    kept: list[str] = []
    for word in words:
        if len(" ".join([*kept, word])) + 1 > limit:
            break
        kept.append(word)
    while kept and (kept[-1].lower() in _TRAILING or kept[-1] in ("/", "-", "·")):
        kept.pop()
    if not kept:
        return words[0] + ("…" if len(words) > 1 else "")
    return " ".join(kept).rstrip(",;:(") + "…"


def keyboard_problems(rows: list[list[str]]) -> list[str]:
    """What breaks the phone-sized rules in a keyboard's labels (row by row): a label over
    MAX_LABEL characters, more rows than MAX_ROWS (MAX_GRID_ROWS for a grid), an empty label."""
    problems = [f"«{label}» tiene {len(label)} caracteres (máximo {MAX_LABEL})"
                for row in rows for label in row if len(label) > MAX_LABEL]
    problems += ["un botón sin texto" for row in rows for label in row if not label.strip()]
    grid = sum(len(row) >= 3 for row in rows) >= len(rows) - 3  # a few rows under it: «◀ Volver», the map
    limit = MAX_GRID_ROWS if grid else MAX_ROWS
    if len(rows) > limit:
        problems.append(f"{len(rows)} filas (máximo {limit})")
    return problems


def term_label(term: str) -> str:
    """'Compromiso 13: Estrategia subnacional…' -> 'Compromiso 13'; 'Agentes Locales de Cambio
    (fellows)' -> 'Agentes Locales de Cambio', unless the parenthesis is the common name ('STL')."""
    head = term.split(":")[0].strip()
    if "(" in head and ")" in head:
        inside = head[head.index("(") + 1:head.rindex(")")]
        short = head[:head.index("(")].strip()
        if not inside.isupper():
            head = short
        elif len(f"{short} ({inside})") > MAX_LABEL:
            head = f"{inside}: {short}"  # the acronym people know, then as much of the name as fits
    return button_label(head)


def sort_key(text: str) -> str:
    return fold(text)


def steps_mention(steps: list[int]) -> str:
    if len(steps) == 1:
        return f"Es parte del paso {steps[0]} de los 13 de la estrategia local."
    listed = ", ".join(str(s) for s in steps[:-1]) + f" y {steps[-1]}"
    return f"Aparece en los pasos {listed} de los 13 de la estrategia local."


def participation_hint(state: State) -> str:
    status = state.stl.status
    if status in ("installed_active", "installing"):
        return "su STL está activo o instalándose; sus convocatorias son la forma de entrar. Suscríbete para enterarte."
    if status in ("installed_impasse", "installed_no_evidence"):
        return "su STL estaba detenido a la fecha del informe; suscríbete para saber si publica algo nuevo."
    if status == "not_applicable":
        return "la entidad no había firmado la Declaratoria, así que no tenía STL."
    return "no tenía un STL en funciones a la fecha del informe; suscríbete para saber si publica algo nuevo."


# -- live items -----------------------------------------------------------------------------


def document_line(document: DocumentInfo, kb: KnowledgeBase) -> str:
    """HTML: title (linked), step, date."""
    title: str = esc(document.title)
    if document.url:
        title = f'<a href="{esc(document.url)}">{title}</a>'
    step = f"paso {document.step}: {esc(kb.steps[document.step].name)}" if document.step else esc(document.kind)
    attached = " 📎" if document.has_file else ""
    return f"{title}{attached} — {step}; {esc(human_date(document.published_on))}"


def relative_days(moment: datetime, now: datetime) -> str:
    days = (moment.astimezone(MEXICO_TZ).date() - now.astimezone(MEXICO_TZ).date()).days
    if days < -1:
        return f"hace {-days} días"
    if days == -1:
        return "ayer"
    if days == 0:
        return "hoy"
    if days == 1:
        return "mañana"
    return f"en {days} días"


def local_day(moment: datetime, now: datetime | None = None, with_year: bool = False) -> str:
    """'martes 15 de diciembre' in Mexico City, with ' de 2027' when asked or when it is not
    the year of `now`."""
    local = moment.astimezone(MEXICO_TZ)
    day = human_weekday_date(local)
    if with_year or (now is not None and local.year != now.astimezone(MEXICO_TZ).year):
        day += f" de {local.year}"
    return day


def local_moment(moment: datetime, now: datetime | None = None, with_year: bool = False) -> str:
    """'martes 15 de diciembre a las 18:00' (Mexico City's time)."""
    return f"{local_day(moment, now, with_year)} a las {human_time(moment.astimezone(MEXICO_TZ))}"


def closing_phrase(item: ConvocatoriaInfo, now: datetime) -> str:
    """'cierra el martes 24 de noviembre a las 18:00, en 3 días'; on the last two days
    'cierra hoy a las 18:00' and 'cierra mañana, domingo 22 de noviembre, a las 18:00'."""
    when = relative_days(item.closes_at, now)
    hour = human_time(item.closes_at.astimezone(MEXICO_TZ))
    if when == "hoy":
        return f"cierra hoy a las {hour}"
    if when == "mañana":
        return f"cierra mañana, {local_day(item.closes_at, now)}, a las {hour}"
    return f"cierra el {local_moment(item.closes_at, now)}, {when}"


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def convocatoria_line(item: ConvocatoriaInfo, now: datetime) -> str:
    return f"{esc(item.title)}: {esc(closing_phrase(item, now))}"


def convocatoria_block(item: ConvocatoriaInfo, now: datetime, kb: KnowledgeBase) -> str:
    """HTML: a convocatoria as a short card."""
    state = kb.states[item.state].name
    step = f" · paso {item.step}: {esc(kb.steps[item.step].name)}" if item.step else ""
    lines = [f"<b>{esc(item.title)}</b>", f"{esc(state)}{step}", f"⏳ {esc(_capitalized(closing_phrase(item, now)))}"]
    if item.description:
        lines.append(esc(item.description))
    return "\n".join(lines + convocatoria_details(item))


def opening_phrase(item: ConvocatoriaInfo, now: datetime) -> str:
    """'abre el lunes 7 de diciembre a las 09:00, en 16 días' (of one that opens later)."""
    return f"abre el {local_moment(item.opens_at, now)}, {relative_days(item.opens_at, now)}"


def upcoming_line(item: ConvocatoriaInfo, now: datetime) -> str:
    return f"{esc(item.title)}: {esc(opening_phrase(item, now))}"


def upcoming_block(item: ConvocatoriaInfo, now: datetime, kb: KnowledgeBase) -> str:
    """HTML: a convocatoria that opens later, as a short card: when it opens, then when it closes."""
    state = kb.states[item.state].name
    step = f" · paso {item.step}: {esc(kb.steps[item.step].name)}" if item.step else ""
    lines = [f"<b>{esc(item.title)}</b>", f"{esc(state)}{step}", f"🟢 {esc(_capitalized(opening_phrase(item, now)))}",
             f"⏳ {esc(_capitalized(closing_phrase(item, now)))}"]
    if item.description:
        lines.append(esc(item.description))
    return "\n".join(lines + convocatoria_details(item))


def convocatoria_details(item: ConvocatoriaInfo) -> list[str]:
    """HTML lines: how to take part, the contact and the link, those that are known."""
    lines = []
    if item.how_to_apply:
        lines.append(f"Cómo participar: {esc(item.how_to_apply)}")
    if item.contact:
        lines.append(f"Contacto: {esc(item.contact)}")
    if item.url:
        lines.append(f'<a href="{esc(item.url)}">Ver la convocatoria</a>')
    return lines


def no_convocatorias(place: str, steps: dict[int, Step]) -> str:
    kinds = [steps[n] for n in sorted(steps) if steps[n].is_convocatoria]
    listed = "; ".join(f"paso {s.number}: {esc(s.name)}" for s in kinds)
    return (
        f"Ahora no hay convocatorias abiertas{esc(place)} publicadas en este bot.\n\n"
        f"En la estrategia local las convocatorias son los pasos de entrada ({listed}). "
        "Suscríbete y te aviso en cuanto se publique una."
    )


# -- lists of states --------------------------------------------------------------------------

FILTER_LABELS = {
    "signed": "firmaron la Declaratoria de Gobierno Abierto",
    "not_signed": "no habían firmado la Declaratoria de Gobierno Abierto",
    "active": "tenían su ejercicio activo",
    "impasse": "tenían su ejercicio en impasse (detenido)",
    "inactive": "tenían su ejercicio inactivo",
    "outside_strategy": "trabajaban fuera de la estrategia del INAI",
    "installed": "tenían un STL instalado",
    "not_installed": "no tenían un STL instalado",
    "installing": "estaban instalando su STL",
    "open": "instalaron su STL de forma abierta, con convocatoria pública",
    "closed": "instalaron su STL de forma cerrada",
    "multiactor": "tenían un STL multiactor",
    "plan_1": "iban en su primer Plan de Acción Local",
    "plan_2": "iban en su segundo Plan de Acción Local",
    "construction": "construían un Plan de Acción Local",
    "implementation": "implementaban un Plan de Acción Local",
    "has_pal": "habían puesto en marcha al menos un Plan de Acción Local",
    "published": "habían publicado un Plan de Acción Local",
    "no_pal": "no habían puesto en marcha un Plan de Acción Local",
    "ogp_local": "participaban en OGP Local",
}


STL_FILTER_LABELS = {
    "active": "tenían un STL instalado y activo",
    "impasse": "tenían un STL instalado pero en impasse",
    "inactive": "tenían un STL instalado sin evidencia de trabajo",
}


# A plan's number and its stage asked together: one label, not two ('construían su segundo plan').
PLAN_STAGE_LABELS = {
    frozenset((number, stage)): f"{verb} su {ordinal} Plan de Acción Local"
    for number, ordinal in (("plan_1", "primer"), ("plan_2", "segundo"))
    for stage, verb in (("construction", "construían"), ("implementation", "implementaban"))
}


# The verbs of the labels above, for one state: «1 entidad firmó», not «firmaron».
SINGULAR_VERBS = {
    "firmaron": "firmó", "habían": "había", "tenían": "tenía", "trabajaban": "trabajaba", "estaban": "estaba",
    "instalaron": "instaló", "iban": "iba", "construían": "construía", "implementaban": "implementaba",
    "participaban": "participaba",
}


def filter_label(attribute: str, value: str, year: int | None = None, also: tuple[str, ...] = (),
                 year_of: str | None = None, years: tuple[int, ...] = (), count: int = 2,
                 not_years: tuple[int, ...] = ()) -> str:
    """'firmaron la Declaratoria de Gobierno Abierto en 2016 y tenían un STL instalado' (for one
    state, 'firmó … y tenía …'); ', salvo las de 2015' when years are left out."""
    label = STL_FILTER_LABELS[value] if attribute == "stl" and value in STL_FILTER_LABELS else FILTER_LABELS[value]
    paired = next((v for v in also if frozenset((value, v)) in PLAN_STAGE_LABELS), None)
    if paired is not None:
        label, also = PLAN_STAGE_LABELS[frozenset((value, paired))], tuple(v for v in also if v != paired)
    when = join_names([str(y) for y in years]) if years else year
    if when and year_of != "declaratoria":
        label += f" en {when}"
    if when and year_of == "declaratoria":
        also = tuple(v for v in also if v != "signed")  # said with its year below
    label += "".join(f" y {FILTER_LABELS[v]}" for v in also)
    if when and year_of == "declaratoria":
        label += f" y firmaron la Declaratoria en {when}"
    if count == 1:
        label = " ".join(SINGULAR_VERBS.get(word, word) for word in label.split(" "))
    if not_years:
        which = "las que firmaron en" if year_of == "declaratoria" else "las de"
        label += f", salvo {which} {join_names([str(y) for y in not_years])}"
    return label


def entities_word(count: int) -> str:
    return "entidad" if count == 1 else "entidades"


def join_names(names: list[str]) -> str:
    """'Jalisco, Oaxaca y Puebla' ('e' before a word that sounds 'i': 'Oaxaca e Hidalgo')."""
    if not names:
        return "ninguna"
    if len(names) == 1:
        return names[0]
    last = names[-1]
    joiner = " e " if fold(last).startswith(("i", "hi")) and not fold(last).startswith(("hie", "ia", "io")) else " y "
    return ", ".join(names[:-1]) + joiner + last
