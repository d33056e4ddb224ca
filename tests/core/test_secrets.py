"""Development secrets: generated once with mode 0600, then reused."""

from __future__ import annotations

import stat
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from core import secrets


def test_internal_token_secret_is_generated_once_with_mode_0600(tmp_path: Path) -> None:
    first = secrets.internal_token_secret(tmp_path)
    second = secrets.internal_token_secret(tmp_path)
    assert first == second
    assert len(first.encode()) >= 32
    mode = stat.S_IMODE((tmp_path / secrets.INTERNAL_TOKEN_SECRET_FILE).stat().st_mode)
    assert mode == 0o600


def test_jwt_private_key_is_an_ed25519_pem_reused_across_calls(tmp_path: Path) -> None:
    pem = secrets.jwt_private_key(tmp_path)
    assert secrets.jwt_private_key(tmp_path) == pem
    assert isinstance(load_pem_private_key(pem.encode(), password=None), Ed25519PrivateKey)
    mode = stat.S_IMODE((tmp_path / secrets.JWT_PRIVATE_KEY_FILE).stat().st_mode)
    assert mode == 0o600
