"""The `.althaus` archive format: a reproducible tar.gz of a plugin's files plus SHA256SUMS,
SIGNATURE and PUBLISHER, and reading one back in memory with every member checked.

Nothing is ever extracted to disk here: members are read into memory while their count and
total size are bounded, and the decompressed stream itself is capped, so a gzip bomb or a
header that lies cannot make the reader use more than the limits allow.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import re
import tarfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from subgraphs.plugins.package.errors import (
    ArchiveInvalidError,
    ArchiveTooLargeError,
    ChecksumMismatchError,
    LinkRefusedError,
    PathTraversalError,
)

SUMS_FILE = "SHA256SUMS"
SIGNATURE_FILE = "SIGNATURE"
PUBLISHER_FILE = "PUBLISHER"
RESERVED_FILES = (SUMS_FILE, SIGNATURE_FILE, PUBLISHER_FILE)
ARCHIVE_SUFFIX = ".althaus"
NORMALIZED_MTIME = 946684800  # 2000-01-01T00:00:00Z: every member, so packing is reproducible
_SUM_LINE = re.compile(r"^([0-9a-f]{64})  (\S(?:.*\S)?)$")
_TAR_BLOCK = 512


@dataclass(frozen=True)
class ArchiveLimits:
    """Bounds checked before and while an archive is read."""

    max_archive_bytes: int = 20 * 1024 * 1024
    max_unpacked_bytes: int = 100 * 1024 * 1024
    max_files: int = 2000


def sha256sums(files: Mapping[str, bytes]) -> bytes:
    """`<sha256>  <path>` lines, sorted by path: the exact bytes the signature covers."""
    lines = [f"{hashlib.sha256(files[path]).hexdigest()}  {path}\n" for path in sorted(files)]
    return "".join(lines).encode("utf-8")


def parse_sha256sums(content: bytes) -> dict[str, str]:
    """path -> sha256 hex from a SHA256SUMS file; any malformed or repeated line is refused."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise ChecksumMismatchError(f"{SUMS_FILE} is not UTF-8 text") from None
    sums: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _SUM_LINE.match(line)
        if match is None:
            raise ChecksumMismatchError(
                f"{SUMS_FILE} line {number} is not '<sha256>  <path>' (64 lowercase hex)"
            )
        digest, path = match.groups()
        if path in sums:
            raise ChecksumMismatchError(f"{SUMS_FILE} lists {path} twice")
        sums[path] = digest
    return sums


def build_archive(files: Mapping[str, bytes]) -> bytes:
    """A tar.gz of `files` (path -> bytes) with sorted members, fixed times, owners and modes."""
    buffer = io.BytesIO()
    # filename="" and mtime=0 keep the gzip header identical from one pack to the next.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for path in _member_order(files):
                info = tarfile.TarInfo(path)
                info.size = len(files[path])
                info.mtime = NORMALIZED_MTIME
                info.mode = 0o644
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                tar.addfile(info, io.BytesIO(files[path]))
    return buffer.getvalue()


def _member_order(files: Mapping[str, bytes]) -> list[str]:
    # The signing files first, so `tar tzf` shows what a package claims before its contents.
    first = [path for path in RESERVED_FILES if path in files]
    return first + sorted(path for path in files if path not in RESERVED_FILES)


def read_archive(data: bytes, limits: ArchiveLimits) -> dict[str, bytes]:
    """Every regular file of the archive, path -> bytes, after checking each member.

    Raises ArchiveTooLargeError, PathTraversalError, LinkRefusedError or ArchiveInvalidError.
    """
    if len(data) > limits.max_archive_bytes:
        raise ArchiveTooLargeError(
            f"the archive is {len(data)} bytes; the limit is {limits.max_archive_bytes}"
        )
    # Tar headers take a block each; allow them on top of the content limit.
    stream_cap = limits.max_unpacked_bytes + (limits.max_files * 3 + 64) * _TAR_BLOCK
    files: dict[str, bytes] = {}
    seen: set[str] = set()
    members = 0
    unpacked = 0
    try:
        source = _CappedStream(gzip.GzipFile(fileobj=io.BytesIO(data), mode="rb"), stream_cap)
        with tarfile.open(fileobj=source, mode="r|") as tar:
            for member in tar:
                members += 1
                if members > limits.max_files:
                    raise ArchiveTooLargeError(
                        f"the archive has more than {limits.max_files} members"
                    )
                path = check_member_path(member.name)
                if path in seen:
                    raise ArchiveInvalidError(f"the archive holds {path} twice")
                seen.add(path)
                _check_member_type(member, path)
                if member.isdir():
                    continue
                unpacked += member.size
                if unpacked > limits.max_unpacked_bytes:
                    raise ArchiveTooLargeError(
                        f"the archive unpacks to more than {limits.max_unpacked_bytes} bytes"
                    )
                handle = tar.extractfile(member)
                if handle is None:  # pragma: no cover - regular files always have data
                    raise ArchiveInvalidError(f"{path} has no data")
                files[path] = handle.read()
    except _StreamCapExceeded:
        raise ArchiveTooLargeError(
            f"the archive unpacks to more than {limits.max_unpacked_bytes} bytes"
        ) from None
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise ArchiveInvalidError(f"not a readable .althaus (tar.gz) archive: {exc}") from None
    return files


def check_member_path(name: str) -> str:
    """A member name as a safe relative POSIX path; absolute paths and `..` are refused."""
    path = name[:-1] if name.endswith("/") else name
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path) or path.startswith("\\"):
        raise PathTraversalError(f"member {name!r} has an absolute path")
    parts = path.replace("\\", "/").split("/")
    if ".." in parts:
        raise PathTraversalError(f"member {name!r} leaves the plugin folder ('..')")
    if not path or "\\" in path or "\x00" in path or any(part in ("", ".") for part in parts):
        raise ArchiveInvalidError(f"member {name!r} is not a plain relative path")
    return path


def _check_member_type(member: tarfile.TarInfo, path: str) -> None:
    if member.issym() or member.islnk():
        raise LinkRefusedError(f"member {path} is a link to {member.linkname!r}; links are refused")
    if not (member.isfile() or member.isdir()):
        raise ArchiveInvalidError(
            f"member {path} is a device or FIFO; only regular files and folders are allowed"
        )


class _StreamCapExceeded(Exception):
    pass


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class _CappedStream(io.RawIOBase):
    """A read-only stream that stops with an error after `cap` bytes."""

    def __init__(self, inner: _Readable, cap: int) -> None:
        self._inner = inner
        self._left = cap

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        want = self._left + 1 if size is None or size < 0 else min(size, self._left + 1)
        chunk = self._inner.read(want)
        self._left -= len(chunk)
        if self._left < 0:
            raise _StreamCapExceeded
        return chunk
