"""Verifying a `.althaus` archive before anything of it is written anywhere."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from core.version import PLATFORM_VERSION
from subgraphs.plugins.package.archive import (
    PUBLISHER_FILE,
    RESERVED_FILES,
    SIGNATURE_FILE,
    SUMS_FILE,
    ArchiveLimits,
    parse_sha256sums,
    read_archive,
)
from subgraphs.plugins.package.errors import (
    ArchiveInvalidError,
    ArchiveTooLargeError,
    ChecksumMismatchError,
    PublisherUntrustedError,
    SignatureInvalidError,
    UnsignedError,
)
from subgraphs.plugins.package.keys import Publisher, signature_valid
from subgraphs.plugins.package.layout import Migration, check_layout
from subgraphs.plugins.package.manifest import (
    MANIFEST_FILE,
    Manifest,
    check_platform,
    load_manifest,
)

logger = logging.getLogger("althaus.plugins.package")
_DEFAULT_LIMITS = ArchiveLimits()


@dataclass(frozen=True)
class VerifiedPlugin:
    """A package that passed every check; `files` are the plugin's own files (no signing files)."""

    manifest: Manifest
    files: dict[str, bytes]
    checksum: str  # sha256 hex of the archive (plugin_registry.checksum)
    signature: str | None  # 128 hex characters (plugin_registry.signature); None if unsigned
    publisher: Publisher | None  # the trusted key that signed it; None if unsigned
    migrations: tuple[Migration, ...] = ()


def verify_archive(
    archive: bytes | Path,
    trusted_keys: Iterable[Publisher | str],
    *,
    allow_unsigned: bool = False,
    max_archive_bytes: int = _DEFAULT_LIMITS.max_archive_bytes,
    max_unpacked_bytes: int = _DEFAULT_LIMITS.max_unpacked_bytes,
    max_files: int = _DEFAULT_LIMITS.max_files,
    platform_version: str = PLATFORM_VERSION,
) -> VerifiedPlugin:
    """Check, in order: size, members, checksums, signature, manifest, layout, platform range.

    `allow_unsigned` accepts a package with no SIGNATURE (never a wrongly signed one); only
    development may pass it, and a warning is logged. Raises a PluginPackageError subclass.
    """
    limits = ArchiveLimits(max_archive_bytes, max_unpacked_bytes, max_files)
    data = _read_bounded(archive, limits.max_archive_bytes)
    checksum = hashlib.sha256(data).hexdigest()
    contents = read_archive(data, limits)
    if SUMS_FILE not in contents:
        raise ArchiveInvalidError(
            f"the archive has no {SUMS_FILE}; pack it with `althaus plugin pack`"
        )
    files = {path: body for path, body in contents.items() if path not in RESERVED_FILES}
    _check_sums(contents[SUMS_FILE], files)
    signature, publisher = _check_signature(contents, trusted_keys, allow_unsigned, checksum)
    if MANIFEST_FILE not in files:
        raise ArchiveInvalidError(f"the archive has no {MANIFEST_FILE}")
    manifest = load_manifest(files[MANIFEST_FILE], name=MANIFEST_FILE)
    migrations = check_layout(manifest.name, files)
    check_platform(manifest, platform_version)
    return VerifiedPlugin(
        manifest=manifest,
        files=files,
        checksum=checksum,
        signature=signature,
        publisher=publisher,
        migrations=tuple(migrations),
    )


def _read_bounded(archive: bytes | Path, limit: int) -> bytes:
    if isinstance(archive, bytes):
        return archive
    try:
        size = archive.stat().st_size
        if size > limit:
            raise ArchiveTooLargeError(f"the archive is {size} bytes; the limit is {limit}")
        with archive.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise ArchiveInvalidError(f"{archive}: cannot be read ({exc.strerror})") from None
    if len(data) > limit:
        raise ArchiveTooLargeError(f"the archive is over the limit of {limit} bytes")
    return data


def _check_sums(sums_file: bytes, files: dict[str, bytes]) -> None:
    sums = parse_sha256sums(sums_file)
    for path in sorted(files):
        if path not in sums:
            raise ChecksumMismatchError(f"{path} is in the archive but not in {SUMS_FILE}")
        if hashlib.sha256(files[path]).hexdigest() != sums[path]:
            raise ChecksumMismatchError(f"{path} does not match its checksum in {SUMS_FILE}")
    for path in sorted(sums):
        if path not in files:
            raise ChecksumMismatchError(f"{path} is listed in {SUMS_FILE} but not in the archive")


def _check_signature(
    contents: dict[str, bytes],
    trusted_keys: Iterable[Publisher | str],
    allow_unsigned: bool,
    checksum: str,
) -> tuple[str | None, Publisher | None]:
    trusted = [key if isinstance(key, Publisher) else Publisher(key) for key in trusted_keys]
    if SIGNATURE_FILE not in contents:
        if not allow_unsigned:
            raise UnsignedError(
                "the package is not signed; pack it with `althaus plugin pack DIR --key FILE`"
            )
        logger.warning(
            "INSTALLING AN UNSIGNED PLUGIN PACKAGE (sha256 %s): development only; nobody vouches"
            " for this code",
            checksum,
        )
        return None, None
    signature = _text(contents[SIGNATURE_FILE])
    claimed = _text(contents.get(PUBLISHER_FILE, b""))
    sums = contents[SUMS_FILE]
    # PUBLISHER is only a hint: the signature must verify under a key the operator trusts.
    candidates = sorted(trusted, key=lambda key: key.public_key != claimed)
    for publisher in candidates:
        if signature_valid(publisher.public_key, sums, signature):
            return signature, publisher
    if claimed and not any(key.public_key == claimed for key in trusted):
        if signature_valid(claimed, sums, signature):
            raise PublisherUntrustedError(
                f"signed by publisher {claimed[:16]}, which is not trusted here"
                " (an operator can run `althaus plugin trust add publisher.pub`)"
            )
    raise SignatureInvalidError(
        f"{SIGNATURE_FILE} does not verify over {SUMS_FILE} with any trusted key"
    )


def _text(content: bytes) -> str:
    return content.decode("ascii", errors="replace").strip().lower()
