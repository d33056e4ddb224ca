"""The plugin role's login: a password derived from the platform secret, and its URL."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import urlsplit

from subgraphs.plugins.engine import role_password, role_url
from subgraphs.plugins.engine.credentials import scram_verifier

SECRET = "s" * 48


def test_password_is_recomputable_and_differs_per_plugin_and_secret() -> None:
    assert role_password(SECRET, "blog") == role_password(SECRET, "blog")
    assert role_password(SECRET, "blog") != role_password(SECRET, "contact")
    assert role_password(SECRET, "blog") != role_password("t" * 48, "blog")
    assert len(role_password(SECRET, "blog")) == 64


def test_role_url_keeps_server_and_database_and_logs_in_as_the_role() -> None:
    url = role_url(
        "postgresql://postgres:pw@127.0.0.1:5432/althaus?sslmode=disable", "blog", SECRET
    )
    parts = urlsplit(url)
    assert (parts.username, parts.password) == ("plugin_blog", role_password(SECRET, "blog"))
    assert (parts.hostname, parts.port, parts.path, parts.query) == (
        "127.0.0.1",
        5432,
        "/althaus",
        "sslmode=disable",
    )


def test_scram_verifier_proves_the_password() -> None:
    verifier = scram_verifier("secret-password", salt=b"0123456789abcdef")
    method, rest = verifier.split("$", 1)
    iterations_salt, keys = rest.split("$")
    iterations, salt = iterations_salt.split(":")
    stored_key, server_key = keys.split(":")
    assert method == "SCRAM-SHA-256" and iterations == "4096"
    salted = hashlib.pbkdf2_hmac(
        "sha256", b"secret-password", base64.b64decode(salt), int(iterations)
    )
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    assert base64.b64decode(stored_key) == hashlib.sha256(client_key).digest()
    assert base64.b64decode(server_key) == hmac.new(salted, b"Server Key", hashlib.sha256).digest()
