"""Understanding: a message and the chat's short memory in, a structured Request out."""

from knowledge.understanding.conversation import Context, Memory
from knowledge.understanding.request import ATTRIBUTES, FORM_INTENTS, FORMS, INTENTS, VALUES, Request
from knowledge.understanding.understander import Understander

__all__ = ["ATTRIBUTES", "FORMS", "FORM_INTENTS", "INTENTS", "VALUES", "Context", "Memory", "Request", "Understander"]
