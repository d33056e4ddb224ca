"""Publisher keys: Ed25519 key pairs, their file forms, fingerprints, signing and checking."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from subgraphs.plugins.package.errors import KeyInvalidError

_PUBLIC_HEX = re.compile(r"^[0-9a-f]{64}$")
SIGNATURE_HEX_LENGTH = 128


@dataclass(frozen=True)
class Publisher:
    """A publisher key the platform may trust: its raw public key as 64 lowercase hex chars."""

    public_key: str
    name: str = ""
    bundled: bool = False

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


def fingerprint(public_key_hex: str) -> str:
    """sha256 hex of the raw public key (its first 16 characters are enough to show)."""
    return hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest()


def public_key_hex(private_key: Ed25519PrivateKey) -> str:
    raw = private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return raw.hex()


def parse_public_key(text: str, *, source: str = "public key") -> str:
    """The 64-hex-character public key from a `.pub` file's text (whitespace ignored)."""
    key = text.strip().lower()
    if not _PUBLIC_HEX.match(key):
        raise KeyInvalidError(
            f"{source}: expected an Ed25519 public key as 64 hex characters (a publisher.pub file)"
        )
    return key


def read_public_key(path: Path) -> str:
    try:
        return parse_public_key(path.read_text(encoding="ascii"), source=str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyInvalidError(f"{path}: cannot be read as a public key ({exc})") from None


def read_private_key(path: Path) -> Ed25519PrivateKey:
    """An Ed25519 private key from a PEM file written by `althaus plugin keygen`."""
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as exc:
        raise KeyInvalidError(f"{path}: cannot be read ({exc.strerror})") from None
    except (ValueError, TypeError):
        raise KeyInvalidError(
            f"{path}: not an unencrypted PEM private key (make one with `althaus plugin keygen`)"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyInvalidError(f"{path}: is not an Ed25519 key")
    return key


def write_key_pair(private_path: Path, *, overwrite: bool = False) -> tuple[Path, str]:
    """Write a new private key (PEM, mode 0600) and its `.pub`; return the .pub path and key."""
    public_path = public_key_path(private_path)
    for path in (private_path, public_path):
        if path.exists() and not overwrite:
            raise KeyInvalidError(f"{path} already exists; not overwriting a key")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    if overwrite and private_path.exists():
        private_path.unlink()
    descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    os.chmod(private_path, 0o600)  # the umask cannot widen it, but be explicit
    public = public_key_hex(key)
    public_path.write_text(public + "\n", encoding="ascii")
    return public_path, public


def public_key_path(private_path: Path) -> Path:
    """`publisher.key` -> `publisher.pub`; any other name gets `.pub` appended."""
    if private_path.suffix == ".key":
        return private_path.with_suffix(".pub")
    return private_path.with_name(private_path.name + ".pub")


def sign(private_key: Ed25519PrivateKey, message: bytes) -> str:
    """The Ed25519 signature (64 bytes) of `message`, as 128 hex characters."""
    return private_key.sign(message).hex()


def signature_valid(public_key: str, message: bytes, signature_hex: str) -> bool:
    try:
        signature = bytes.fromhex(signature_hex)
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key)).verify(signature, message)
    except (ValueError, InvalidSignature):
        return False
    return len(signature) == 64
