"""Packing a plugin folder into a signed `.althaus` archive."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from subgraphs.plugins.package.archive import (
    PUBLISHER_FILE,
    RESERVED_FILES,
    SIGNATURE_FILE,
    SUMS_FILE,
    ArchiveLimits,
    build_archive,
    sha256sums,
)
from subgraphs.plugins.package.errors import (
    ArchiveTooLargeError,
    LayoutInvalidError,
    LinkRefusedError,
)
from subgraphs.plugins.package.keys import public_key_hex, sign
from subgraphs.plugins.package.layout import check_layout
from subgraphs.plugins.package.manifest import MANIFEST_FILE, Manifest, load_manifest

_SKIPPED_DIRS = ("__pycache__",)
_SKIPPED_SUFFIXES = (".pyc", ".pyo")


@dataclass(frozen=True)
class PackedPlugin:
    manifest: Manifest
    archive: bytes
    checksum: str  # sha256 hex of the archive
    signature: str | None  # 128 hex characters, None when packed unsigned
    publisher: str | None  # public key hex of the signer
    files: tuple[str, ...]

    @property
    def default_filename(self) -> str:
        return f"{self.manifest.name}-{self.manifest.version}.althaus"


def collect_files(directory: Path) -> dict[str, bytes]:
    """The files of a plugin folder to pack, by relative POSIX path.

    Skips dotfiles and dot-folders, `__pycache__` and compiled Python; refuses symlinks (a
    package holds what it shows) and `*.key` files (a private key never ships by accident).
    """
    if not (directory / MANIFEST_FILE).is_file():
        raise LayoutInvalidError(f"{directory} has no {MANIFEST_FILE}: is it a plugin folder?")
    files: dict[str, bytes] = {}
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory)
        if any(part.startswith(".") or part in _SKIPPED_DIRS for part in relative.parts):
            continue
        if path.is_symlink():
            raise LinkRefusedError(f"{relative.as_posix()} is a symlink; copy the file instead")
        if path.is_dir() or path.suffix in _SKIPPED_SUFFIXES:
            continue
        name = relative.as_posix()
        if path.suffix == ".key":
            raise LayoutInvalidError(
                f"{name} looks like a private key; move it out of the plugin folder"
            )
        if name in RESERVED_FILES:
            raise LayoutInvalidError(f"{name} is written by `pack`; remove it from the folder")
        if not path.is_file():
            raise LayoutInvalidError(f"{name} is not a regular file")
        files[name] = path.read_bytes()
    return files


def pack_plugin(
    directory: Path,
    private_key: Ed25519PrivateKey | None,
    limits: ArchiveLimits = ArchiveLimits(),
) -> PackedPlugin:
    """Validate the folder's manifest, layout and size, then build the (signed) archive in
    memory. Packing the same folder with the same key gives the same bytes (Ed25519 is
    deterministic)."""
    files = collect_files(directory)
    unpacked = sum(len(body) for body in files.values())
    if len(files) + 3 > limits.max_files or unpacked > limits.max_unpacked_bytes:
        raise ArchiveTooLargeError(
            f"{len(files)} files of {unpacked} bytes in all: an install accepts at most"
            f" {limits.max_files} files and {limits.max_unpacked_bytes} bytes"
        )
    manifest = load_manifest(files[MANIFEST_FILE], name=f"{directory.name}/{MANIFEST_FILE}")
    check_layout(manifest.name, files)
    sums = sha256sums(files)
    contents = {**files, SUMS_FILE: sums}
    signature = publisher = None
    if private_key is not None:
        signature = sign(private_key, sums)
        publisher = public_key_hex(private_key)
        contents[SIGNATURE_FILE] = (signature + "\n").encode("ascii")
        contents[PUBLISHER_FILE] = (publisher + "\n").encode("ascii")
    archive = build_archive(contents)
    if len(archive) > limits.max_archive_bytes:
        raise ArchiveTooLargeError(
            f"the archive is {len(archive)} bytes; an install accepts {limits.max_archive_bytes}"
        )
    return PackedPlugin(
        manifest=manifest,
        archive=archive,
        checksum=hashlib.sha256(archive).hexdigest(),
        signature=signature,
        publisher=publisher,
        files=tuple(sorted(files)),
    )
