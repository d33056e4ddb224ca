"""JWT_PRIVATE_KEY is parsed at start: only an unencrypted PEM Ed25519 private key is accepted."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from althaus.cli import main
from core.config import ConfigError, Settings
from core.secrets import new_jwt_private_key


def _pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _refusal(value: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"JWT_PRIVATE_KEY": value})
    assert caught.value.variable == "JWT_PRIVATE_KEY"
    return caught.value


def test_an_ed25519_pem_is_accepted() -> None:
    pem = new_jwt_private_key()
    assert Settings.from_env({"JWT_PRIVATE_KEY": pem}).jwt_private_key == pem.strip()


def test_an_rsa_key_is_refused_naming_its_type() -> None:
    error = _refusal(_pem(rsa.generate_private_key(public_exponent=65537, key_size=2048)))
    assert "not an Ed25519 private key (it is RSA)" in error.problem


def test_an_ec_key_is_refused() -> None:
    error = _refusal(_pem(ec.generate_private_key(ec.SECP256R1())))
    assert "not an Ed25519 private key" in error.problem


def test_text_that_only_looks_like_a_pem_is_refused() -> None:
    fake = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n"
    assert "not a readable PEM private key" in _refusal(fake).problem


def test_an_encrypted_key_is_refused() -> None:
    key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret"),
    )
    assert "encrypted" in _refusal(key.decode()).problem


def test_a_bad_key_stops_a_command_with_one_line_and_exit_code_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JWT_PRIVATE_KEY", _pem(ec.generate_private_key(ec.SECP256R1())))
    monkeypatch.setattr("sys.argv", ["althaus", "serve", "users"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("althaus: configuration error: JWT_PRIVATE_KEY: ")
