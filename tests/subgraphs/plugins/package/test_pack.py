"""Packing a plugin folder: validated first, reproducible, only the plugin's own files."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from subgraphs.plugins.package.archive import ArchiveLimits
from subgraphs.plugins.package.errors import (
    ArchiveTooLargeError,
    LayoutInvalidError,
    LinkRefusedError,
    ManifestInvalidError,
)
from subgraphs.plugins.package.keys import public_key_hex, signature_valid
from subgraphs.plugins.package.pack import PackedPlugin, pack_plugin
from subgraphs.plugins.package.scaffold import scaffold
from tests.subgraphs.plugins.package.conftest import read_members


def test_the_scaffold_validates_and_packs(packed: PackedPlugin) -> None:
    assert packed.manifest.name == "notes"
    assert packed.files == (
        "README.md",
        "migrations/0001_create_items.sql",
        "notes/__init__.py",
        "plugin.yaml",
        "tests/test_notes.py",
    )
    assert packed.default_filename == "notes-0.1.0.althaus"


def test_the_scaffolds_own_tests_pass(plugin_dir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=plugin_dir,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_packing_twice_gives_the_same_bytes(
    plugin_dir: Path, publisher_key: Ed25519PrivateKey
) -> None:
    first = pack_plugin(plugin_dir, publisher_key)
    (plugin_dir / "plugin.yaml").touch()  # a new mtime must not change the archive
    second = pack_plugin(plugin_dir, publisher_key)
    assert first.archive == second.archive
    assert first.checksum == hashlib.sha256(second.archive).hexdigest()


def test_members_have_fixed_owners_times_and_modes(packed: PackedPlugin) -> None:
    with tarfile.open(fileobj=io.BytesIO(packed.archive), mode="r:gz") as tar:
        members = tar.getmembers()
    assert [m.name for m in members][:3] == ["SHA256SUMS", "SIGNATURE", "PUBLISHER"]
    assert {(m.uid, m.gid, m.uname, m.gname, m.mode) for m in members} == {(0, 0, "", "", 0o644)}
    assert len({m.mtime for m in members}) == 1


def test_the_signature_covers_the_exact_bytes_of_sha256sums(
    packed: PackedPlugin, publisher_key: Ed25519PrivateKey
) -> None:
    files = read_members(packed.archive)
    sums = files["SHA256SUMS"].decode()
    assert f"{hashlib.sha256(files['plugin.yaml']).hexdigest()}  plugin.yaml\n" in sums
    assert len(sums.splitlines()) == len(packed.files)
    signature = files["SIGNATURE"].decode().strip()
    assert len(signature) == 128
    assert files["PUBLISHER"].decode().strip() == public_key_hex(publisher_key)
    assert signature_valid(public_key_hex(publisher_key), files["SHA256SUMS"], signature)


def test_caches_compiled_files_and_dotfiles_are_left_out(
    plugin_dir: Path, publisher_key: Ed25519PrivateKey
) -> None:
    (plugin_dir / "notes" / "__pycache__").mkdir()
    (plugin_dir / "notes" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    (plugin_dir / "notes" / "old.pyc").write_bytes(b"\0")
    (plugin_dir / ".env").write_text("SECRET=1")
    (plugin_dir / ".git").mkdir()
    (plugin_dir / ".git" / "config").write_text("")
    packed = pack_plugin(plugin_dir, publisher_key)
    assert not any(
        "pycache" in path or path.endswith(".pyc") or path.startswith(".") for path in packed.files
    )


def test_a_symlink_in_the_folder_is_refused(plugin_dir: Path) -> None:
    (plugin_dir / "notes" / "passwd").symlink_to("/etc/passwd")
    with pytest.raises(LinkRefusedError, match="notes/passwd is a symlink"):
        pack_plugin(plugin_dir, None)


def test_a_private_key_in_the_folder_is_refused(plugin_dir: Path) -> None:
    (plugin_dir / "publisher.key").write_text("-----BEGIN PRIVATE KEY-----")
    with pytest.raises(LayoutInvalidError, match="looks like a private key"):
        pack_plugin(plugin_dir, None)


def test_an_invalid_manifest_is_refused_before_packing(plugin_dir: Path) -> None:
    manifest = plugin_dir / "plugin.yaml"
    manifest.write_text(manifest.read_text().replace("memory_mb: 256", "memory_mb: 1"))
    with pytest.raises(ManifestInvalidError, match=r"limits.memory_mb: must be >= 16"):
        pack_plugin(plugin_dir, None)


def test_a_folder_without_a_manifest_is_not_a_plugin(tmp_path: Path) -> None:
    with pytest.raises(LayoutInvalidError, match=r"has no plugin\.yaml"):
        pack_plugin(tmp_path, None)


def test_scaffold_refuses_bad_and_reserved_names_and_existing_folders(tmp_path: Path) -> None:
    with pytest.raises(ManifestInvalidError, match="3-41 characters"):
        scaffold("No", tmp_path)
    with pytest.raises(ManifestInvalidError, match="reserved"):
        scaffold("json", tmp_path)
    scaffold("notes", tmp_path)
    with pytest.raises(LayoutInvalidError, match="already exists"):
        scaffold("notes", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes"]


def test_a_folder_bigger_than_an_install_accepts_is_refused_at_pack_time(
    plugin_dir: Path,
) -> None:
    (plugin_dir / "notes" / "data.bin").write_bytes(bytes(2000))
    with pytest.raises(ArchiveTooLargeError, match="an install accepts at most"):
        pack_plugin(plugin_dir, None, ArchiveLimits(max_unpacked_bytes=1000))
