"""Verifying an archive: every tampering refused with its code, before anything is written."""

from __future__ import annotations

import gzip
import io
import logging
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from subgraphs.plugins.package.archive import build_archive
from subgraphs.plugins.package.errors import PluginPackageError
from subgraphs.plugins.package.keys import Publisher, sign
from subgraphs.plugins.package.pack import PackedPlugin, pack_plugin
from subgraphs.plugins.package.verify import verify_archive
from tests.subgraphs.plugins.package.conftest import raw_archive, read_members, resign

Tamper = Callable[[bytes, Ed25519PrivateKey], bytes]


def test_a_good_archive_is_accepted_with_its_files_checksum_and_publisher(
    packed: PackedPlugin, trusted: list[Publisher]
) -> None:
    verified = verify_archive(packed.archive, trusted)
    assert verified.manifest.name == "notes"
    assert sorted(verified.files) == list(packed.files)
    assert "SIGNATURE" not in verified.files
    assert verified.checksum == packed.checksum
    assert verified.signature == packed.signature
    assert verified.publisher == trusted[0]
    assert [m.filename for m in verified.migrations] == ["0001_create_items.sql"]


def test_a_trusted_key_given_as_hex_and_a_path_to_the_archive_work(
    packed: PackedPlugin, trusted: list[Publisher], tmp_path: Path
) -> None:
    archive = tmp_path / "notes.althaus"
    archive.write_bytes(packed.archive)
    verified = verify_archive(archive, [trusted[0].public_key])
    assert verified.publisher is not None
    assert verified.publisher.public_key == trusted[0].public_key


def _changed_file(archive: bytes, key: Ed25519PrivateKey) -> bytes:
    files = read_members(archive)
    files["notes/__init__.py"] += b"\nimport os; os.system('id')\n"
    return build_archive(files)


def _wrong_signature(archive: bytes, key: Ed25519PrivateKey) -> bytes:
    files = read_members(archive)
    files["SIGNATURE"] = sign(Ed25519PrivateKey.generate(), files["SHA256SUMS"]).encode()
    return build_archive(files)


def _untrusted_key(archive: bytes, key: Ed25519PrivateKey) -> bytes:
    return build_archive(resign(read_members(archive), Ed25519PrivateKey.generate()))


def _extra_file(archive: bytes, key: Ed25519PrivateKey) -> bytes:
    return build_archive({**read_members(archive), "notes/extra.py": b"print('hi')"})


def _missing_file(archive: bytes, key: Ed25519PrivateKey) -> bytes:
    files = read_members(archive)
    del files["README.md"]
    return build_archive(files)


def _member(name: str, kind: bytes = tarfile.REGTYPE, link: str = "", size: int = 1) -> Callable:
    def tamper(archive: bytes, key: Ed25519PrivateKey) -> bytes:
        info = tarfile.TarInfo(name)
        info.type = kind
        info.linkname = link
        info.size = size if kind == tarfile.REGTYPE else 0
        return raw_archive([info], read_members(archive))

    return tamper


def _not_a_tar(archive: bytes, key: Ed25519PrivateKey) -> bytes:
    return b"this is not a gzip file"


def _bad_manifest_signed(archive: bytes, key: Ed25519PrivateKey) -> bytes:
    files = read_members(archive)
    files["plugin.yaml"] = b"name: notes\nversion: one\n"
    return build_archive(resign(files, key))


@pytest.mark.parametrize(
    ("tamper", "code", "message"),
    [
        (_changed_file, "PLUGIN_CHECKSUM_MISMATCH", "notes/__init__.py does not match"),
        (_wrong_signature, "PLUGIN_SIGNATURE_INVALID", "does not verify"),
        (_untrusted_key, "PLUGIN_PUBLISHER_UNTRUSTED", "not trusted here"),
        (_extra_file, "PLUGIN_CHECKSUM_MISMATCH", "notes/extra.py is in the archive but not"),
        (_missing_file, "PLUGIN_CHECKSUM_MISMATCH", "README.md is listed in SHA256SUMS but not"),
        (_member("../x"), "PLUGIN_PATH_TRAVERSAL", "leaves the plugin folder"),
        (_member("notes/../../x"), "PLUGIN_PATH_TRAVERSAL", "leaves the plugin folder"),
        (_member("/etc/x"), "PLUGIN_PATH_TRAVERSAL", "absolute path"),
        (_member("notes/pw", tarfile.SYMTYPE, "/etc/passwd"), "PLUGIN_LINK_REFUSED", "link"),
        (_member("notes/pw", tarfile.LNKTYPE, "plugin.yaml"), "PLUGIN_LINK_REFUSED", "link"),
        (_member("notes/tty", tarfile.CHRTYPE), "PLUGIN_ARCHIVE_INVALID", "device or FIFO"),
        (_member("plugin.yaml"), "PLUGIN_ARCHIVE_INVALID", "holds plugin.yaml twice"),
        (_not_a_tar, "PLUGIN_ARCHIVE_INVALID", "not a readable"),
        (_bad_manifest_signed, "PLUGIN_MANIFEST_INVALID", "version: 'one': must be a semantic"),
    ],
)
def test_tampered_archives_are_refused_and_nothing_is_written(
    packed: PackedPlugin,
    publisher_key: Ed25519PrivateKey,
    trusted: list[Publisher],
    tmp_path: Path,
    tamper: Tamper,
    code: str,
    message: str,
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    archive = inbox / "tampered.althaus"
    archive.write_bytes(tamper(packed.archive, publisher_key))
    with pytest.raises(PluginPackageError) as caught:
        verify_archive(archive, trusted)
    assert caught.value.code == code
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert [p.name for p in inbox.iterdir()] == ["tampered.althaus"]


def test_an_archive_over_the_size_limit_is_refused_before_reading(
    packed: PackedPlugin, trusted: list[Publisher], tmp_path: Path
) -> None:
    archive = tmp_path / "big.althaus"
    archive.write_bytes(packed.archive)
    with pytest.raises(PluginPackageError) as caught:
        verify_archive(archive, trusted, max_archive_bytes=len(packed.archive) - 1)
    assert caught.value.code == "PLUGIN_ARCHIVE_TOO_LARGE"


def test_an_archive_unpacking_past_the_limit_is_refused(
    packed: PackedPlugin, publisher_key: Ed25519PrivateKey, trusted: list[Publisher]
) -> None:
    files = read_members(packed.archive)
    files["notes/zeros.bin"] = bytes(5_000_000)  # compresses to a few kB: a small bomb
    bomb = build_archive(resign(files, publisher_key))
    assert len(bomb) < 100_000
    with pytest.raises(PluginPackageError) as caught:
        verify_archive(bomb, trusted, max_unpacked_bytes=1_000_000)
    assert caught.value.code == "PLUGIN_ARCHIVE_TOO_LARGE"
    assert "unpacks to more than 1000000 bytes" in str(caught.value)


def test_an_archive_with_too_many_files_is_refused(
    packed: PackedPlugin, trusted: list[Publisher]
) -> None:
    with pytest.raises(PluginPackageError) as caught:
        verify_archive(packed.archive, trusted, max_files=4)
    assert caught.value.code == "PLUGIN_ARCHIVE_TOO_LARGE"


def test_an_unsigned_archive_is_refused(plugin_dir: Path, trusted: list[Publisher]) -> None:
    unsigned = pack_plugin(plugin_dir, None)
    with pytest.raises(PluginPackageError) as caught:
        verify_archive(unsigned.archive, trusted)
    assert caught.value.code == "PLUGIN_UNSIGNED"


def test_an_unsigned_archive_is_accepted_when_allowed_with_a_loud_warning(
    plugin_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    unsigned = pack_plugin(plugin_dir, None)
    with caplog.at_level(logging.WARNING, logger="althaus.plugins.package"):
        verified = verify_archive(unsigned.archive, [], allow_unsigned=True)
    assert verified.signature is None and verified.publisher is None
    assert "UNSIGNED PLUGIN" in caplog.text


def test_allowing_unsigned_never_accepts_a_wrong_signature(
    packed: PackedPlugin, publisher_key: Ed25519PrivateKey, trusted: list[Publisher]
) -> None:
    with pytest.raises(PluginPackageError) as caught:
        verify_archive(
            _wrong_signature(packed.archive, publisher_key), trusted, allow_unsigned=True
        )
    assert caught.value.code == "PLUGIN_SIGNATURE_INVALID"


def test_a_plugin_for_another_platform_version_is_refused(
    plugin_dir: Path, publisher_key: Ed25519PrivateKey, trusted: list[Publisher]
) -> None:
    manifest = plugin_dir / "plugin.yaml"
    manifest.write_text(manifest.read_text().replace('">=0.1,<1.0"', '">=9.0"'))
    archive = pack_plugin(plugin_dir, publisher_key).archive
    with pytest.raises(PluginPackageError) as caught:
        verify_archive(archive, trusted)
    assert caught.value.code == "PLUGIN_PLATFORM_UNSUPPORTED"
    assert verify_archive(archive, trusted, platform_version="9.1.0").manifest.name == "notes"


def test_a_huge_header_is_cut_off_by_the_decompression_cap(trusted: list[Publisher]) -> None:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb") as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
            info = tarfile.TarInfo("plugin.yaml")
            info.pax_headers = {"comment": "x" * 3_000_000}  # header data, not file content
            tar.addfile(info, io.BytesIO(b""))
    with pytest.raises(PluginPackageError) as caught:
        verify_archive(buffer.getvalue(), trusted, max_unpacked_bytes=100_000, max_files=10)
    assert caught.value.code == "PLUGIN_ARCHIVE_TOO_LARGE"
