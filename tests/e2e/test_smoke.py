from __future__ import annotations


def test_start_and_a_question(emulator, bot):
    ana = emulator.new_user("Ana")
    emulator.send_command(ana, "/start")
    welcome, = emulator.wait_for_messages(ana)
    assert "CocreaBot" in welcome.text and "/privacidad" in welcome.text
    emulator.send_text(ana, "¿cómo va veracrus?")
    card, = emulator.wait_for_messages(ana)
    assert card.text.startswith("Veracruz")
    assert "NOSC 2019 (noviembre de 2019)" in card.text
