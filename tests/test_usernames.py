"""Issue 10: admins name a facilitator by @username once that person has written to the bot. The
username of a private chat that wrote is kept (one row per person, case-insensitive, moving to
whoever holds it now), shown by /mis_datos and erased by /borrar_mis_datos."""

from __future__ import annotations

import pytest

from bot.core.chats import Chats, username_problem


@pytest.fixture
def chats(store):
    return Chats(store)


def test_a_username_is_found_in_any_case_once_the_person_wrote(chats):
    assert chats.user_named("sofi_stl") is None
    chats.wrote(101, "Sofi_STL")
    assert chats.user_named("sofi_stl") == 101 and chats.user_named("@SOFI_STL") == 101
    assert chats.kept_data(101).username == "Sofi_STL"


def test_a_new_username_replaces_the_old_and_a_taken_one_moves(chats):
    chats.wrote(101, "sofi_stl")
    chats.wrote(101, "sofi_nueva")
    assert chats.user_named("sofi_stl") is None and chats.user_named("sofi_nueva") == 101
    chats.wrote(202, "sofi_stl")
    chats.wrote(303, "sofi_nueva")  # Telegram gave it to someone else
    assert chats.user_named("sofi_nueva") == 303 and chats.user_named("sofi_stl") == 202
    chats.wrote(303, None)  # removed their username
    assert chats.user_named("sofi_nueva") is None


def test_erasing_a_chat_erases_its_username(chats):
    chats.wrote(101, "sofi_stl")
    chats.erase(101)
    assert chats.user_named("sofi_stl") is None and chats.kept_data(101).username is None


@pytest.mark.parametrize("typed, problem", [
    ("@sofi_stl", None),
    ("@abc", "de 5 a 32"),
    ("@sofi-stl", "de 5 a 32"),
    ("@1sofi", "de 5 a 32"),
    ("@" + "a" * 33, "de 5 a 32"),
])
def test_what_is_not_a_username_is_said(typed, problem):
    found = username_problem(typed)
    assert (found is None) if problem is None else (problem in (found or "")), found
