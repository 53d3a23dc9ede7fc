"""`python -m bot run --webhook`: PTB's webhook server behind WEBHOOK_URL, PORT and
WEBHOOK_SECRET. The emulator delivers each update with the secret header, as Telegram does;
a request with a wrong or missing secret is refused by the bot."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request

import pytest

from tests.e2e.people import Live, live_bot

SECRET = "s3cr3t_de-prueba"
PATH = "/telegram/cocrea"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(port: int, live: Live, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert live.process.process.poll() is None, live.process.log()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"the webhook server never listened on {port}:\n{live.process.log()}")


def post(port: int, body: dict, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(f"http://127.0.0.1:{port}{PATH}", data=json.dumps(body).encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def webhook(tmp_path_factory):
    port = free_port()
    env = {"WEBHOOK_URL": f"http://127.0.0.1:{port}{PATH}", "PORT": str(port), "WEBHOOK_SECRET": SECRET}
    with live_bot(tmp_path_factory.mktemp("webhook"), "run", "--webhook", env=env, wait_polling=False) as live:
        live.emulator.wait_for_call("setWebhook", timeout=20)
        wait_until_listening(port, live)
        yield live, port


def test_the_bot_registers_its_webhook_with_the_secret(webhook):
    live, port = webhook
    registration, = live.emulator.calls("setWebhook")
    assert registration.params["url"] == f"http://127.0.0.1:{port}{PATH}"
    assert registration.params["secret_token"] == SECRET
    assert not live.emulator.is_polling(), "webhook mode never calls getUpdates"


def test_updates_arrive_by_webhook_and_are_answered(webhook):
    live, _ = webhook
    ana = live.person("Ana")
    assert ana.says("/start").text.startswith("¡Hola, Ana! Soy CocreaBot")
    overview = ana.says("/pasos")
    assert ana.taps_to_edit(overview, "6").text.startswith("Paso 6 de 13")
    assert ana.says("¿qué es un STL?").text.startswith("Secretariado Técnico Local")
    delivered = [d for d in live.emulator.webhook_deliveries if d["status"] == 200]
    assert len(delivered) >= 4


@pytest.mark.parametrize("secret", ["wrong", "", None, SECRET.upper()])
def test_a_request_without_the_right_secret_is_refused(webhook, secret):
    live, port = webhook
    assert post(port, {"update_id": 10**9}, secret) == 403


def test_the_right_secret_is_accepted(webhook):
    """The control for the test above: the same request with the secret gets through."""
    _, port = webhook
    assert post(port, {"update_id": 10**9 + 1}, SECRET) == 200
