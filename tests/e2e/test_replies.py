"""Replies first, at the speed Telegram allows: the bot as its own process against the emulator.

- A reply that meets a 429 waits `retry_after` and is sent (it used to be «Perdón, algo salió
  mal» for 19 of 20 people).
- Replies never wait behind a fan-out, and one chat's flood slows only that chat.
- Updates of different chats are handled at the same time, those of one chat in order."""

from __future__ import annotations

import statistics
import time
from tests.e2e.people import SORRY
from tests.e2e.publishing_support import notices_received, poll, publish_cli, running, subscribe_directly

QUESTION = "¿cómo va jalisco?"
ANSWER = "Jalisco · "
ROUNDS = 10  # questions of each person in the fan-out test, one every 2 s


def answers_to(emulator, chat_id: int) -> list:
    return emulator.calls("sendMessage", chat_id=chat_id, status=200)


def test_replies_that_meet_a_429_wait_and_are_sent(emulator, tmp_path):
    people = emulator.new_users(20)
    for someone in people[1:]:  # Telegram's flood control answers 429 to the first reply of 19 of them
        emulator.inject("sendMessage", chat_id=someone, error_code=429, retry_after=1, times=1)
    with running(emulator, tmp_path / "cocrea.db") as process:
        for someone in people:
            emulator.send_text(someone, QUESTION)
        replies = [emulator.wait_for_messages(someone, 1, timeout=30)[0] for someone in people]
        assert "Telegram asked to wait" in process.log()
    assert [r.text.startswith(ANSWER) for r in replies] == [True] * 20
    assert not [c for c in emulator.calls("sendMessage", status=200) if SORRY in c.params["text"]]
    assert emulator.status_count(429) == 19


def test_replies_stay_fast_while_a_fan_out_runs_and_nothing_exceeds_telegrams_limits(emulator, tmp_path):
    """Ten people asking every 2 s for 20 s during an 800-subscriber fan-out, under the
    emulator's flood control: every reply within a second (they used to grow by ~0.3 s for each
    second of fan-out: 3.6 s median, 13 s at worst after 40 s), the notices keep flowing, and
    Telegram never had to say 429."""
    db_path = tmp_path / "cocrea.db"
    emulator.set_flood_control(True)
    subscribers = emulator.new_users(800)
    subscribe_directly(db_path, subscribers, "jalisco")
    talkers = emulator.new_users(10, first_name="Pregunta")
    with running(emulator, db_path):
        publish_cli(emulator, db_path, "jalisco")
        poll(lambda: sum(notices_received(emulator).values()) >= 60, 60, "the fan-out to be under way")
        asked: dict[int, list[float]] = {t.id: [] for t in talkers}
        started = time.monotonic()
        for round_ in range(ROUNDS):
            for n, talker in enumerate(talkers):
                time.sleep(max(0.0, started + 2 * round_ + n * 0.2 - time.monotonic()))
                asked[talker.id].append(time.time())
                emulator.send_text(talker, QUESTION)
        for talker in talkers:
            emulator.wait_for(lambda talker=talker: len(answers_to(emulator, talker.id)) >= ROUNDS, timeout=90,
                              description="every question answered")
        delivered_meanwhile = sum(notices_received(emulator).values())
        poll(lambda: sum(notices_received(emulator).values()) >= 800, 90, "every notice delivered")
    latencies = [call.time - at for talker in talkers
                 for call, at in zip(answers_to(emulator, talker.id), asked[talker.id], strict=False)]
    assert all(call.params["text"].startswith("<b>Jalisco") or ANSWER in call.params["text"]
               for talker in talkers for call in answers_to(emulator, talker.id))
    assert max(latencies) < 1.0, f"p50 {statistics.median(latencies):.3f} s, max {max(latencies):.3f} s"
    assert delivered_meanwhile >= 60 + 2 * ROUNDS * 15  # at least 15 notices a second while people talked
    assert emulator.flood_rejections == 0 and emulator.status_count(429) == 0


def test_a_chat_that_floods_the_bot_slows_only_itself_and_gets_its_answers_in_order(emulator, tmp_path):
    """It used to be one update at a time for everybody: one chat's 1,500 messages delayed
    another person's answer to 39 s."""
    flooder, ana = emulator.new_users(2)
    marks = [f"zz-{n}" for n in range(150)]
    with running(emulator, tmp_path / "cocrea.db"):
        for mark in marks:
            emulator.send_text(flooder, f"/glosario {mark}")
        emulator.wait_for(lambda: len(answers_to(emulator, flooder.id)) >= 5, timeout=30,
                          description="the flood to be under way")
        asked = time.time()
        emulator.send_text(ana, QUESTION)
        answer, = emulator.wait_for_messages(ana, 1, timeout=30)
        answered = answers_to(emulator, ana.id)[0].time
        behind = len(answers_to(emulator, flooder.id))
        emulator.wait_for(lambda: len(answers_to(emulator, flooder.id)) >= len(marks), timeout=60,
                          description="every flood message answered")
    assert answer.text.startswith(ANSWER)
    assert answered - asked < 1.0 and behind < len(marks) // 2
    texts = [call.params["text"] for call in answers_to(emulator, flooder.id)]
    assert [next(m for m in marks if f"«{m}»" in text) for text in texts] == marks  # in the order asked
