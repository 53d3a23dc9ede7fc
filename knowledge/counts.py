"""Counts in words that read right for 0, 1 and many: «1 entidad», «3 entidades», «nadie»
instead of «0 suscriptores». Spanish has two plural forms (CLDR: one for 1, other for the
rest), so one small function is enough; every message that shows a number goes through here."""

from __future__ import annotations


def notices_on_their_way(queued: int, what: str | None = None) -> str:
    """What a facilitator reads after publishing: «Avisos en camino a 3 suscriptores.» (`what`:
    the notice's own name, «Corrección»)."""
    if queued == 0:
        return "Nadie sigue todavía esta entidad, así que no hubo avisos que enviar."
    what = what or ("Aviso" if queued == 1 else "Avisos")
    return f"{what} en camino a {counted(queued, 'suscriptor', 'suscriptores')}."


def counted(number: int, one: str, many: str, zero: str | None = None) -> str:
    """'1 entidad', '3 entidades'; `zero` (when given) replaces '0 entidades' altogether."""
    if number == 0 and zero is not None:
        return zero
    return f"{number} {one if number == 1 else many}"
