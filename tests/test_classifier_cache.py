"""The form classifier is trained once per set of examples and vocabulary, then read from the
cache folder; a change to the examples trains it again; an unusable folder only costs time."""

from __future__ import annotations

import pytest

from knowledge.understanding import understander
from knowledge.understanding.classifier import FormClassifier
from knowledge.understanding.understander import Understander

QUESTIONS = ["¿Puebla firmó?", "qué estados están en impasse", "el paso donde le preguntan a la gente", "hola"]


@pytest.fixture(scope="module")
def kb(kb):
    """The store with a few examples per form: what is cached and when it is trained again does
    not depend on how many there are, and training on all of them takes seconds."""
    return kb.model_copy(update={"examples": {form: questions[:25] for form, questions in kb.examples.items()}})


def ranks(u: Understander) -> list:
    return [u.classifier.rank(u._features(u.finder.find(u.tokens(q)), q)) for q in QUESTIONS]


def test_a_cached_classifier_ranks_exactly_as_a_freshly_trained_one(kb, tmp_path, monkeypatch):
    monkeypatch.setenv("COCREA_CACHE_DIR", str(tmp_path))
    fresh = Understander(kb)
    assert len(list(tmp_path.glob("forms-*.json"))) == 1
    calls = []
    monkeypatch.setattr(FormClassifier, "train", classmethod(lambda cls, examples: calls.append(1)))
    cached = Understander(kb)
    assert calls == []  # read, not trained
    assert ranks(cached) == ranks(fresh)


def test_new_examples_train_again_and_replace_the_old_file(kb, tmp_path, monkeypatch):
    monkeypatch.setenv("COCREA_CACHE_DIR", str(tmp_path))
    Understander(kb)
    first = {p.name for p in tmp_path.glob("forms-*.json")}
    examples = {**kb.examples, "greeting": kb.examples["greeting"] + ("qué onda, bot",)}
    Understander(kb.model_copy(update={"examples": examples}))
    second = {p.name for p in tmp_path.glob("forms-*.json")}
    assert len(second) == 1 and second != first


def test_an_unusable_cache_folder_still_answers(kb, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("COCREA_CACHE_DIR", str(blocker / "cache"))
    assert Understander(kb).understand("¿Puebla firmó?").form == "yes_no"
    monkeypatch.setenv("COCREA_CACHE_DIR", "")
    assert understander.cache_folder() is None
    assert Understander(kb).understand("¿Puebla firmó?").form == "yes_no"


def test_a_corrupt_cache_file_is_trained_over(kb, tmp_path, monkeypatch):
    monkeypatch.setenv("COCREA_CACHE_DIR", str(tmp_path))
    Understander(kb)
    (path,) = tmp_path.glob("forms-*.json")
    path.write_text("{ not json")
    assert Understander(kb).understand("hola").form == "greeting"
    assert path.read_text().startswith("{\"log_likelihood\"")
