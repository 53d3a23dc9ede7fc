"""Answers: a structured request (knowledge/understanding) and the store in, a Reply out."""

from knowledge.answers.cards import Answerer, Clock, utc_now

__all__ = ["Answerer", "Clock", "utc_now"]
