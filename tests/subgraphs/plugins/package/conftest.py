"""Fixtures for plugin package tests: a publisher key, a scaffolded plugin, a packed archive."""

from __future__ import annotations

import gzip
import io
import tarfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from subgraphs.plugins.package.archive import (
    SIGNATURE_FILE,
    SUMS_FILE,
    build_archive,
    sha256sums,
)
from subgraphs.plugins.package.keys import Publisher, public_key_hex, sign
from subgraphs.plugins.package.pack import PackedPlugin, pack_plugin
from subgraphs.plugins.package.scaffold import scaffold


@pytest.fixture
def publisher_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def trusted(publisher_key: Ed25519PrivateKey) -> list[Publisher]:
    return [Publisher(public_key_hex(publisher_key), "test publisher")]


@pytest.fixture
def plugin_dir(tmp_path: Path) -> Path:
    return scaffold("notes", tmp_path)


@pytest.fixture
def packed(plugin_dir: Path, publisher_key: Ed25519PrivateKey) -> PackedPlugin:
    return pack_plugin(plugin_dir, publisher_key)


def read_members(archive: bytes) -> dict[str, bytes]:
    """All files of an archive, read without any check (to tamper with them)."""
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        files: dict[str, bytes] = {}
        for member in tar.getmembers():
            handle = tar.extractfile(member)
            assert handle is not None
            files[member.name] = handle.read()
    return files


def resign(files: dict[str, bytes], key: Ed25519PrivateKey) -> dict[str, bytes]:
    """Recompute SHA256SUMS and SIGNATURE over `files` as a publisher with `key` would."""
    own = {p: b for p, b in files.items() if p not in (SUMS_FILE, SIGNATURE_FILE, "PUBLISHER")}
    sums = sha256sums(own)
    return {
        **own,
        SUMS_FILE: sums,
        SIGNATURE_FILE: sign(key, sums).encode(),
        "PUBLISHER": public_key_hex(key).encode(),
    }


def raw_archive(entries: list[tarfile.TarInfo], files: dict[str, bytes]) -> bytes:
    """A tar.gz of `files` followed by hand-made members (links, odd paths) with no data."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb") as gz, tarfile.open(fileobj=gz, mode="w") as tar:
        for path, body in files.items():
            info = tarfile.TarInfo(path)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
        for entry in entries:
            tar.addfile(entry, io.BytesIO(b"x" * entry.size) if entry.size else None)
    return buffer.getvalue()


__all__ = ["build_archive", "raw_archive", "read_members", "resign"]
