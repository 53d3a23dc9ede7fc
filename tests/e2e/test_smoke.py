from __future__ import annotations

from tests import tdlib_html


def test_start_and_a_question(emulator, bot):
    ana = emulator.new_user("Ana")
    emulator.send_command(ana, "/start")
    welcome, = emulator.wait_for_messages(ana)
    assert "CocreaBot" in welcome.text and "/privacidad" in welcome.text
    emulator.send_text(ana, "¿cómo va veracrus?")
    card, = emulator.wait_for_messages(ana)
    assert card.text.startswith("Veracruz")
    assert "NOSC 2019 (noviembre de 2019)" in card.text


def test_what_the_bot_sends_is_accepted_by_telegrams_own_parser_too(live):
    """/start, a question, /paso 6 and a state card: the replies arrive, and every HTML text the
    bot sent is read by TDLib (Telegram's library) exactly as the emulator read it."""
    ana = live.person("Ana")
    assert "CocreaBot" in ana.says("/start").text
    assert ana.says("¿qué es un STL?").text
    assert ana.says("/paso 6").text
    card = ana.says("¿cómo va Jalisco?")
    assert card.text.startswith("Jalisco")
    sent = [call for call in live.emulator.calls("sendMessage", chat_id=ana.chat_id, status=200)]
    assert len(sent) == 4
    for call in sent:
        text, entities = tdlib_html.parse_html(call.params["text"])
        assert text.strip() == call.result["text"]  # Telegram trims the ends
        emulated = {(e["type"], e["offset"], e["length"]) for e in call.result.get("entities", [])}
        assert set(entities) <= emulated  # the emulator adds the automatic ones (urls, commands)
