"""What the bot says, independent of Telegram: HTML text (Telegram's subset), buttons that name
an action, and the sources it cites. The Telegram handlers and the console render the same
Reply objects.

HTML is a type: a Reply's text is markupsafe's Markup, never a plain str. Data and what people
typed go in through esc(); the HTML an answer assembles is marked with Markup() where the Reply
is made. Adding a plain str to Markup escapes it, so text nobody escaped cannot become markup."""

from __future__ import annotations

import dataclasses
import html
import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

# Actions a button can ask for. Handlers encode them as versioned callback data.
ACTION_KINDS = frozenset({
    "state",      # arg: slug[:n]      -> the state's card (with its particularity n first)
    "state_more", # arg: slug:n|slug:  -> what the card leaves out (n: the particularity it shows)
    "states",     # arg: "" | page     -> the state picker
    "step",       # arg: 1..13         -> one step
    "steps",      # arg: ""            -> the 13 steps
    "phase",      # arg: 1..6          -> one of INAI's phases
    "phases",     # arg: ""            -> the 6 phases
    "term",       # arg: term id       -> a glossary entry
    "terms",      # arg: "" | page     -> the glossary index
    "subscribe",  # arg: slug          -> subscribe to a state
    "unsub",      # arg: slug          -> stop following a state (the tap is the confirmation)
    "docs",       # arg: slug          -> the state's published documents
    "docs_page",  # arg: slug:step:page -> a page of them (step 0: any), in place
    "convs",      # arg: slug | ""     -> open convocatorias
    "convs_page", # arg: slug:page (slug "" : every state) -> a page of them, in place
    "sources",    # arg: ""            -> the sources
    "help",       # arg: ""
    "map",        # arg: view          -> the map of the 32 states (knowledge/statemap.py MODES)
    "welcome",    # arg: ""            -> the greeting and its menu
})
# Buttons of these kinds replace the message they are on (handlers/buttons.py); the others send a
# new message (documents, convocatorias, sources, help, the map) or change something (subscribe).
IN_PLACE_KINDS = frozenset({"state", "state_more", "states", "step", "steps", "phase", "phases", "term", "terms", "docs_page",
                            "welcome"})
# Moving to the next one of the same kind (◀ 5, 7 ▶, another letter, the next page) keeps the origin.
SIBLING_KINDS = frozenset({"step", "phase", "terms", "docs_page", "states"})
BACK_LABEL = "◀ Volver"


@dataclass(frozen=True)
class Action:
    kind: str
    arg: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ACTION_KINDS:
            raise ValueError(f"unknown action {self.kind!r}")


@dataclass(frozen=True)
class Button:
    text: str
    action: Action | None = None
    url: str | None = None
    share: str | None = None  # an inline query to share in a chat the person picks (Telegram only)
    back: tuple[Action, ...] = ()  # the views it was opened from, nearest first («◀ Volver» goes there)
    returning: bool = False  # «◀ Volver»: always edits in place, whatever its kind
    fresh: bool = False  # on a reply that cannot be rebuilt: open as a new message, keep this one


Keyboard = tuple[tuple[Button, ...], ...]  # rows of buttons


@dataclass(frozen=True)
class Citation:
    source_id: str
    short_name: str
    title: str
    date: str  # already formatted for people, "noviembre de 2019"


@dataclass(frozen=True)
class Reply:
    html: Markup
    buttons: Keyboard = ()
    sources: tuple[Citation, ...] = ()
    intent: str = ""
    state: str | None = None  # canonical name
    step: int | None = None
    term: str | None = None
    phase: int | None = None  # one of INAI's 6 phases
    ambiguous: tuple[str, ...] = ()  # canonical names to choose from
    form: str = ""  # the question form understood (knowledge/understanding/request.py)
    states: tuple[str, ...] = ()  # every state named, canonical names
    attribute: str | None = None  # the fact of a state asked about
    view: Action | None = None  # the action that rebuilds this reply (a «◀ Volver» can come back to it)
    back: tuple[Action, ...] = ()  # the views this one replaced in place, nearest first
    replaceable: bool = False  # a question («¿Te refieres a…?») its answer may replace, with no way back
    inai_notice: bool = False  # ends with the INAI notice in full, not yet said to a chat (Engine.for_chat)

    def __post_init__(self) -> None:
        if not isinstance(self.html, Markup):
            raise TypeError("Reply.html must be Markup: esc() what comes from data or people, Markup() what is built")

    @property
    def text(self) -> str:
        return html_to_text(self.html)

    def as_json(self) -> dict[str, Any]:
        return {
            "intent": self.intent,
            "form": self.form,
            "state": self.state,
            "states": list(self.states),
            "attribute": self.attribute,
            "step": self.step,
            "term": self.term,
            "phase": self.phase,
            "ambiguous": list(self.ambiguous),
            "text": self.text,
            "html": self.html,
            "sources": [
                {"id": c.source_id, "name": c.short_name, "title": c.title, "date": c.date} for c in self.sources
            ],
            "buttons": [[b.text for b in row] for row in self.buttons],
        }


def navigable(reply: Reply, rows: Keyboard) -> Keyboard:
    """The reply's keyboard with the way back: each button that replaces the message in place
    remembers the views it was opened from (the same ones for a sibling: ◀ 5, 7 ▶, another
    letter), and a reply that replaced another ends with «◀ Volver» to it (instead of any button
    that went to the same view). On a reply no action can rebuild, such buttons open a new
    message, so nothing is lost; a question's answer may replace it («¿Te refieres a…?»)."""
    origin = reply.back
    out: list[tuple[Button, ...]] = []
    for row in rows:
        kept: list[Button] = []
        for button in row:
            action = button.action
            if action is None or button.returning or action.kind not in IN_PLACE_KINDS:
                kept.append(button)
            elif reply.view is None:
                kept.append(button if reply.replaceable else dataclasses.replace(button, fresh=True))
            elif not (origin and action == origin[0]):
                sibling = action.kind == reply.view.kind and action.kind in SIBLING_KINDS
                kept.append(dataclasses.replace(button, back=origin if sibling else (reply.view, *origin)))
        if kept:
            out.append(tuple(kept))
    if origin:
        out.append((Button(BACK_LABEL, origin[0], back=origin[1:], returning=True),))
    return tuple(out)


def esc(value: object) -> Markup:
    """Escape anything that comes from data or from a user before it goes into HTML (quotes too:
    the same helper serves text and href attributes). The standard library's escaping, so the
    bytes sent stay what they were (markupsafe's own escape() writes &#39; and &#34;)."""
    return Markup(html.escape(str(value), quote=True))


_TAG = re.compile(r"<[^>]+>")


def html_to_text(markup: str) -> str:
    """What a person sees of a Telegram HTML message."""
    return html.unescape(_TAG.sub("", markup))
