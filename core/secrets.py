"""Development secrets: generated once into the data directory (mode 0600) and reused."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

INTERNAL_TOKEN_SECRET_FILE = "internal_token_secret"
JWT_PRIVATE_KEY_FILE = "jwt_private_key.pem"


def new_internal_token_secret() -> str:
    """384 random bits, URL-safe (the minimum is 256)."""
    return secrets.token_urlsafe(48)


def new_jwt_private_key() -> str:
    """A fresh Ed25519 private key as PKCS#8 PEM."""
    key = Ed25519PrivateKey.generate()
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def stored_secret(path: Path, generate: Callable[[], str]) -> str:
    """The secret in `path`; created with `generate()` and mode 0600 when missing.

    The file is created exclusively, so two processes starting together agree on one secret.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        value = path.read_text().strip()
        if value:
            return value
        # An empty file is a crash between create and write: fill it now.
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
    value = generate().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    os.chmod(path, 0o600)
    return value


def internal_token_secret(data_dir: Path) -> str:
    return stored_secret(data_dir / INTERNAL_TOKEN_SECRET_FILE, new_internal_token_secret)


def jwt_private_key(data_dir: Path) -> str:
    return stored_secret(data_dir / JWT_PRIVATE_KEY_FILE, new_jwt_private_key)
