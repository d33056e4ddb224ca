"""A plugin role's database login: its password derived from the platform secret, never stored.

password = HMAC-SHA256(key, "plugin-db:" + name) as hex, where key = HMAC-SHA256(
INTERNAL_TOKEN_SECRET, "althaus plugin database roles"). The engine recomputes it whenever it
needs the login (to run migrations, to start the plugin's process), so it is kept nowhere; the
role is created with a SCRAM-SHA-256 verifier so the plain password is not in any SQL text.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from urllib.parse import quote, urlsplit, urlunsplit

from subgraphs.plugins.engine.identifiers import role_name

_KEY_LABEL = b"althaus plugin database roles"
SCRAM_ITERATIONS = 4096


def role_password(secret: str | bytes, name: str) -> str:
    """The password of role `plugin_<name>` (64 hex characters)."""
    raw = secret.encode() if isinstance(secret, str) else secret
    if len(raw) < 32:
        raise ValueError("INTERNAL_TOKEN_SECRET must be at least 256 bits (32 bytes)")
    key = hmac.new(raw, _KEY_LABEL, hashlib.sha256).digest()
    return hmac.new(key, f"plugin-db:{name}".encode(), hashlib.sha256).hexdigest()


def scram_verifier(password: str, *, salt: bytes | None = None) -> str:
    """The SCRAM-SHA-256 verifier Postgres stores for `password` (RFC 5802/7677)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, SCRAM_ITERATIONS)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    return f"SCRAM-SHA-256${SCRAM_ITERATIONS}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def role_url(database_url: str, name: str, secret: str | bytes) -> str:
    """`database_url` (same host, port, database and options) logged in as `plugin_<name>`."""
    parts = urlsplit(database_url)
    host = parts.netloc.rpartition("@")[2]
    user = quote(role_name(name), safe="")
    password = quote(role_password(secret, name), safe="")
    netloc = f"{user}:{password}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
