"""The words that give away what a question is about. All entries are normalized (see
knowledge.text.normalize): lower case, no accents, single spaces. Phrases of several words
are matched as whole words; single words of six letters or more also match with a typo."""

from __future__ import annotations

INTENT_CUES: dict[str, tuple[str, ...]] = {
    "out_of_scope": (
        "clima", "que tiempo hace", "hace calor", "hace frio", "lluvia", "llover", "llovera", "temperatura", "pronostico", "huracan", "sismo", "temblor",
        "futbol", "partido de futbol", "quien gano", "gol", "goles", "liga mx", "chivas", "america",
        "mundial", "beisbol", "box", "telefono", "numero de telefono", "celular", "whatsapp del",
        "correo del", "correo de", "direccion de", "domicilio", "gobernador", "gobernadora", "presidente",
        "presidenta", "alcalde", "alcaldesa", "presidente municipal", "senador", "senadora", "diputado",
        "diputada", "sheinbaum", "amlo", "lopez obrador", "elecciones", "eleccion", "votar", "voto",
        "candidato", "candidata", "morena", "pri", "pan", "impuestos", "impuesto", "curp", "rfc",
        "sat", "ine", "credencial para votar", "pasaporte", "licencia", "tramite", "receta", "cocinar",
        "chiste", "chistes", "horoscopo", "dolar", "tipo de cambio", "precio", "cuesta", "cuanto cuesta",
        "gasolina", "presupuesto", "deuda", "salario", "sueldo", "gana", "ganan", "cobra",
        "reforma judicial", "jueces", "ministros", "corte suprema", "poblacion", "habitantes",
        "capital de", "turismo", "playa", "playas", "hotel", "restaurante", "comida", "vacuna",
        "covid", "hospital", "empleo", "trabajo para", "vacantes", "beca", "becas", "programa social",
        "pension", "apoyo economico", "seguridad publica", "delincuencia", "homicidios", "narco",
        "cancion", "pelicula", "serie", "netflix", "bitcoin", "criptomonedas", "loteria",
        "novia", "novio", "amor", "edad", "cumpleanos", "quien te hizo", "chatgpt", "inteligencia artificial",
        "tenencia", "predial", "multa", "multas", "pagar", "pago", "denunciar", "denuncia", "policia",
        "queja", "solicitud de informacion", "solicitud de acceso", "se fundo", "fundacion", "historia de",
        "ley seca", "tren maya", "traduce", "traduceme", "traducir", "ingles", "servicio militar", "unam",
        "examen", "admision", "titular del", "comisionado", "comisionada", "desempleo", "tasa de",
        "cuantos municipios tiene", "cuantos habitantes", "recomiendame", "recomienda", "tacos", "ipn",
        "politecnico", "prepa", "preparatoria", "licenciatura", "maestria", "doctorado", "universidad",
        "escuela", "acta de nacimiento",
    ),
    "greeting": (
        "hola", "holi", "holis", "ola", "buenas", "buenos dias", "buen dia", "buenas tardes",
        "buenas noches", "que onda", "q onda", "que tal", "saludos", "hey", "gracias", "muchas gracias",
        "mil gracias", "grax", "thx", "adios", "bye", "hasta luego", "ok gracias", "perfecto gracias",
    ),
    "help": (
        "ayuda", "ayudame", "help", "que puedes hacer", "que haces", "que sabes", "como funcionas",
        "como te uso", "como se usa", "como funciona el bot", "como funciona este bot", "comandos",
        "menu", "opciones", "instrucciones", "quien eres", "que eres", "para que sirves", "start",
        "que me puedes decir", "en que me ayudas", "que informacion tienes", "sabes hacer", "que sabes hacer",
        "que le puedo preguntar", "tipo de preguntas", "que preguntas", "que puedo preguntar",
    ),
    "subscribe_help": (
        "suscribir", "suscribirme", "suscribo", "suscripcion", "suscripciones", "suscrito", "subscribir",
        "subscribirme", "avisos", "aviso", "avisen", "avisame", "avises", "notificaciones", "notificacion",
        "notifiquen", "notificar", "alertas", "alerta", "boletin", "novedades", "dejar de recibir",
        "darme de baja", "dar de baja", "me doy de baja", "cancelar suscripcion", "desuscribir",
        "enterarme", "estar al pendiente", "seguir a", "seguir las novedades", "seguir las noticias",
        "noticias", "mantenerme informado", "mantenerme informada", "darme de alta", "doy de alta",
        "actualizaciones", "recibir", "que me avisen", "me avise",
    ),
    "convocatorias": (
        "convocatoria", "convocatorias", "convocan", "inscribir", "inscribirme", "inscribo",
        "inscripcion", "inscripciones", "registrarme", "registro", "me registro", "postular",
        "postularme", "postulo", "aplicar", "fecha limite", "cuando cierra", "cierran",
        "hay alguna abierta", "hay algo abierto", "me apunto", "apuntarme", "donde me apunto", "vigente",
        "vigentes",
    ),
    "documents": (
        "documento", "documentos", "link", "liga", "enlace", "pdf", "archivo", "archivos", "descargar",
        "leer", "consultar el", "pasame", "me pasas", "mandame", "donde veo", "donde encuentro",
        "donde esta el", "donde esta la", "ha subido", "han subido", "que ha publicado", "que han publicado",
        "que publico", "que publicaron", "actas", "minutas", "evidencias", "donde la veo", "donde lo veo",
        "donde los veo", "donde las veo",
    ),
    "how_to_participate": (
        "participar", "participo", "participe", "participacion ciudadana", "involucrarme", "involucrar",
        "involucro", "sumarme", "me sumo", "unirme", "me uno", "colaborar", "colaboro", "ser parte",
        "formar parte", "como le hago para", "como le hago", "como le hacemos", "quiero ayudar",
        "puedo ayudar", "meterme", "entrarle", "como ciudadano", "como ciudadana", "yo que puedo hacer",
        "que puedo hacer", "que podemos hacer", "incidir", "incido", "empujar", "impulsar", "sumarnos",
        "integrarme", "integrarse", "integrarnos", "unirnos", "podemos entrar", "puedo entrar",
    ),
    "figures": (
        "cuantos", "cuantas", "cuanto", "numero de", "cifras", "cifra", "estadisticas", "porcentaje",
        "cantidad de", "total de", "calificacion", "cuanto salio", "datos duros", "numeros",
        "que estados", "cuales estados", "que entidades", "cuales entidades", "cuales son los estados",
        "que estados", "lista de estados", "estados que", "entidades que",
    ),
    "steps_overview": (
        "proceso", "el proceso", "metodologia", "como funciona la estrategia", "como funciona la iniciativa",
        "como funciona el modelo", "ruta", "de que se trata", "en que consiste", "como se organiza",
        "como funciona",
    ),
    # The steps as a whole, said so plainly that it beats a glossary word in the same question.
    "steps_overview_strong": (
        "pasos", "los pasos", "los 13 pasos", "13 pasos", "trece pasos", "etapas", "fases", "las fases",
        "de principio a fin", "todo el camino", "paso a paso", "paso por paso", "cuantos pasos",
        "cuantas etapas", "cuantas fases", "metodologia completa",
    ),
    "glossary": (
        "que es", "que son", "q es", "k es", "ke es", "que significa", "significa", "significado",
        "definicion", "define", "defineme", "que quiere decir", "a que se refiere", "para que sirve",
        "para que sirven", "explicame que es", "que onda con el", "que onda con la", "quien es el",
        "quienes son", "que hace el", "que hace la", "que hace un", "que hace una", "que hacen", "en que consiste el", "todavia existe",
        "sigue existiendo", "ya no existe",
    ),
    "state_status": (
        "como va", "como van", "como esta", "como anda", "estatus", "status", "situacion", "avance",
        "avances", "firmo", "firmaron", "tiene stl", "tiene pal", "en que paso va", "en que paso esta",
        "en que va", "que paso con", "que pasa en", "que ha hecho", "ya tiene", "ya firmo",
    ),
}

# Phrases that keep an out-of-scope word in scope ("presupuesto participativo" is a Querétaro fact).
IN_SCOPE_PHRASES: tuple[str, ...] = (
    "presupuesto participativo", "presupuestos participativos", "partidos politicos",
    "poder judicial", "justicia abierta", "servicio publico", "empleo sin discriminacion",
)


# What a document-like glossary term is evidence of, when someone asks for the document.
DOCUMENT_TERM_STEPS: dict[str, int] = {
    "pal": 11, "plan-accion": 11, "declaratoria": 1, "arbol-problemas": 6,
}

# Chat shorthand, expanded before anything else is read.
SHORTHAND: dict[str, str] = {
    "q": "que", "k": "que", "ke": "que", "xq": "porque", "pq": "porque", "porq": "porque",
    "x": "por", "xfa": "por favor", "porfa": "por favor", "pls": "por favor", "plis": "por favor",
    "tmb": "tambien", "tb": "tambien", "tmbn": "tambien", "pa": "para", "sta": "esta",
    "ta": "esta", "toy": "estoy", "nel": "no", "simon": "si", "ntp": "no te preocupes",
    "dnd": "donde", "cmo": "como", "qe": "que", "xk": "porque", "nvo": "nuevo"
}

# Past tense about a state's convocatoria is a question about its history, not a call to join.
PAST_TENSE: frozenset[str] = frozenset(("tuvo", "hubo", "fue", "hizo", "lanzo", "emitio", "publico", "tuvieron", "hicieron"))


# A question that asks which step something happens in.
WHICH_STEP_CUES: tuple[str, ...] = ("en que paso", "que paso es", "cual paso", "cual es el paso", "en que etapa", "que etapa es", "el paso de", "el paso en el que", "el paso donde", "en cual paso")

NUMBER_WORDS: dict[str, int] = {
    "uno": 1, "un": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
    "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15,
}

ORDINALS: dict[str, int] = {
    "primer": 1, "primero": 1, "primera": 1, "1o": 1, "1ro": 1, "1er": 1, "1ra": 1,
    "segundo": 2, "segunda": 2, "2o": 2, "2do": 2, "2da": 2,
    "tercer": 3, "tercero": 3, "tercera": 3, "3o": 3, "3ro": 3, "3er": 3, "3ra": 3,
    "cuarto": 4, "cuarta": 4, "4o": 4, "4to": 4, "4ta": 4,
    "quinto": 5, "quinta": 5, "5o": 5, "5to": 5, "5ta": 5,
    "sexto": 6, "sexta": 6, "6o": 6, "6to": 6, "6ta": 6,
    "septimo": 7, "setimo": 7, "septima": 7, "7o": 7, "7mo": 7, "7ma": 7,
    "octavo": 8, "octava": 8, "8o": 8, "8vo": 8, "8va": 8,
    "noveno": 9, "novena": 9, "9o": 9, "9no": 9, "9na": 9,
    "decimo": 10, "decima": 10, "10o": 10, "10mo": 10, "10ma": 10,
    "undecimo": 11, "onceavo": 11, "decimo primero": 11, "decimoprimero": 11, "11o": 11, "11vo": 11,
    "duodecimo": 12, "doceavo": 12, "decimo segundo": 12, "decimosegundo": 12, "12o": 12, "12vo": 12,
    "treceavo": 13, "decimo tercero": 13, "decimotercero": 13, "decimo tercer": 13, "13o": 13, "13vo": 13,
    "penultimo": 12, "penultima": 12,
}

LAST_WORDS: tuple[str, ...] = ("ultimo", "ultima")

STEP_WORDS: tuple[str, ...] = ("paso", "etapa", "punto")
PHASE_WORDS: tuple[str, ...] = ("fase",)
# "…las mesas de cocreación, ¿qué sigue?": the step after the one named.
AFTER_TRAILERS: tuple[str, ...] = ("que sigue", "que viene", "que toca", "y despues", "que hay despues", "siguiente")
AFTER_WORDS: tuple[str, ...] = ("despues de", "despues del", "que sigue de", "que sigue del", "luego de", "luego del", "tras")
BEFORE_WORDS: tuple[str, ...] = ("antes de", "antes del", "previo a", "previo al")

# Ambiguous place words: ask back with buttons.
AMBIGUOUS_PLACES: dict[str, tuple[str, ...]] = {
    "baja": ("baja-california", "baja-california-sur"),
    "california": ("baja-california", "baja-california-sur"),
    "baja cali": ("baja-california", "baja-california-sur"),
    "las bajas": ("baja-california", "baja-california-sur"),
}

# Words that are never places even though they sit near one ("estados de mexico" is the country).
NOT_A_PLACE: tuple[str, ...] = (
    "estados de mexico", "estados mexicanos", "estados del pais", "gobierno de mexico",
    "dar de baja", "darme de baja", "me doy de baja", "doy de baja", "dame de baja", "la baja de",
)

# Common words one typo away from a state's name: never read as a state.
NEAR_MISS_WORDS: frozenset[str] = frozenset((
    "senora", "senoras", "pueblo", "pueblos", "pueble", "clima", "climas", "colina", "colinas",
    "tabaco", "sonoro", "durando", "herrero", "guerrera", "guerreros", "modelos", "chispas",
    "quinta", "quintas", "medico", "lexico", "estadio", "estrado", "nueva", "nueve", "huevo",
    "campo", "corte", "clave", "distinto", "morelia",
))

# Everyday words, spelled right: never taken for a typo of a state, step or term.
COMMON_WORDS: frozenset[str] = frozenset("""
a al algo algun alguna alguno algunos alla alli ando antes aqui asi aun aunque bien bueno buena cada
casa como con contra cosa cosas cual cuales cuando de del desde donde dos el ella ellos en entre era
eres es esa ese eso esta estado estados este esto estoy estan fue fueron gente ha haber habia hacer
hace hacen hay hoy la las le les lo los mas me mi mis mucho muy nada ni no nos nosotros o otra otro
para pero poco por porque puede pueden puedo pues que quien quiero quisiera saber se sea ser si sin
sobre solo son su sus tambien tan tengo tiene tienen todo todos tu tus un una uno unos usted va van
ver vez y ya yo dime dame decir digame oye oiga favor porfa xfa plis please neta onda wey chido
pregunta duda dudas informacion info necesito busco buscar encontrar quieren queria podrias podria
explica explicame cuentame platicame sabes conoces ahora actual actualmente todavia aun sigue siguen
nuevo nueva nuevos nuevas mexico pais nacional local locales municipio municipios ciudad estatal
gobierno gobiernos abierto abierta abiertos abiertas publico publica publicos publicas ciudadano
ciudadanos ciudadania sociedad civil organizacion organizaciones tema temas cosa año ano anos
primero luego despues antes siguiente sigue falta faltan parte partes manera forma caso casos
hola gracias adios semana mes dia dias hora horas manana tarde noche lunes martes miercoles jueves
viernes sabado domingo enero febrero marzo abril mayo junio julio agosto septiembre octubre
noviembre diciembre paso pasos etapa etapas fase fases numero punto ultimo ultima primer primera
""".split())

# Words that carry no meaning of their own, for comparing a question with a step's description.
STOPWORDS: frozenset[str] = frozenset("""
algo alguna alguno algunos alla alli antes aqui asi aunque bien cada como con contra cual cuales
cuando desde donde ella ellos entre esta este esto estos estas estan esos esas fueron haber habia
hace hacen hacer nada nosotros otra otro para pero poco porque puede pueden puedo pues quien quiero
saber sobre solo tambien tiene tienen todo todos usted paso pasos etapa etapas estrategia local
""".split())
