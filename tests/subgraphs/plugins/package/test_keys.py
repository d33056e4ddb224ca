"""Publisher keys: keygen files, fingerprints, signatures of 64 bytes."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from subgraphs.plugins.package.errors import KeyInvalidError
from subgraphs.plugins.package.keys import (
    fingerprint,
    read_private_key,
    read_public_key,
    sign,
    signature_valid,
    write_key_pair,
)


def test_keygen_writes_a_private_pem_readable_only_by_its_owner_and_a_hex_public_key(
    tmp_path: Path,
) -> None:
    public_path, public = write_key_pair(tmp_path / "publisher.key")
    assert public_path == tmp_path / "publisher.pub"
    assert stat.S_IMODE((tmp_path / "publisher.key").stat().st_mode) == 0o600
    assert (tmp_path / "publisher.key").read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert re.fullmatch(r"[0-9a-f]{64}\n", public_path.read_text())
    assert read_public_key(public_path) == public


def test_keygen_never_overwrites_a_key(tmp_path: Path) -> None:
    write_key_pair(tmp_path / "publisher.key")
    with pytest.raises(KeyInvalidError, match="already exists"):
        write_key_pair(tmp_path / "publisher.key")


def test_a_signature_is_128_hex_characters_and_binds_the_message(tmp_path: Path) -> None:
    _, public = write_key_pair(tmp_path / "publisher.key")
    key = read_private_key(tmp_path / "publisher.key")
    signature = sign(key, b"sums")
    assert re.fullmatch(r"[0-9a-f]{128}", signature)
    assert signature_valid(public, b"sums", signature)
    assert not signature_valid(public, b"sums!", signature)
    assert not signature_valid(public, b"sums", "00" * 64)
    assert not signature_valid(public, b"sums", "not hex")


def test_a_fingerprint_is_the_sha256_of_the_raw_key() -> None:
    assert fingerprint("00" * 32) == (
        "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925"
    )


def test_a_public_key_file_of_anything_else_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.pub").write_text("ssh-ed25519 AAAA...\n")
    with pytest.raises(KeyInvalidError, match="64 hex characters"):
        read_public_key(tmp_path / "bad.pub")
    (tmp_path / "bad.key").write_text("not a key")
    with pytest.raises(KeyInvalidError, match="not an unencrypted PEM private key"):
        read_private_key(tmp_path / "bad.key")
