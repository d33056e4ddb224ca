"""What the engine installs: an already verified plugin (name, version, manifest, migrations)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from subgraphs.plugins.engine.errors import PluginInputInvalid
from subgraphs.plugins.engine.identifiers import check_name
from subgraphs.plugins.engine.migrations import Migration, parse_migrations

# name: (default, minimum, maximum)
_LIMITS: dict[str, tuple[int, int, int]] = {
    "statement_timeout_ms": (5000, 100, 3_600_000),
    "idle_in_transaction_timeout_ms": (5000, 100, 3_600_000),
    "connections": (5, 1, 100),
    "storage_mb": (100, 1, 1_048_576),
    "temp_file_limit_mb": (64, 0, 1_048_576),
}


@dataclass(frozen=True)
class Limits:
    """The database limits of one plugin, from its manifest's `limits` with safe defaults."""

    statement_timeout_ms: int = 5000
    idle_in_transaction_timeout_ms: int = 5000
    connections: int = 5
    storage_mb: int = 100
    temp_file_limit_mb: int = 64

    @property
    def storage_bytes(self) -> int:
        return self.storage_mb * 1024 * 1024

    @classmethod
    def from_manifest(cls, manifest: Mapping[str, Any]) -> Limits:
        raw = manifest.get("limits") or {}
        if not isinstance(raw, Mapping):
            raise PluginInputInvalid("manifest limits: must be an object")
        values: dict[str, int] = {}
        for key, (default, low, high) in _LIMITS.items():
            value = raw.get(key, default)
            if key == "idle_in_transaction_timeout_ms" and key not in raw:
                value = raw.get("statement_timeout_ms", default)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise PluginInputInvalid(
                    f"manifest limits.{key}: must be a whole number from {low} to {high},"
                    f" got {value!r}"
                )
            values[key] = value
        return cls(**values)


class _Named(Protocol):
    @property
    def filename(self) -> str: ...


class _VerifiedManifest(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    def to_json(self) -> dict[str, Any]: ...


class VerifiedPackage(Protocol):
    """What `subgraphs.plugins.package.verify_archive` returns, as far as the engine reads it."""

    @property
    def manifest(self) -> _VerifiedManifest: ...

    @property
    def files(self) -> Mapping[str, bytes]: ...

    @property
    def checksum(self) -> str: ...

    @property
    def signature(self) -> str | None: ...

    @property
    def migrations(self) -> Sequence[_Named]: ...


MIGRATIONS_DIR = "migrations"


@dataclass(frozen=True)
class Plugin:
    """A verified plugin. `checksum` and `signature` are the archive's, stored in the registry."""

    name: str
    version: str
    manifest: Mapping[str, Any]
    migrations: tuple[Migration, ...] = ()
    checksum: str | None = None
    signature: str | None = None
    limits: Limits = field(init=False)

    def __post_init__(self) -> None:
        check_name(self.name)
        if not isinstance(self.version, str) or not self.version.strip():
            raise PluginInputInvalid("plugin version: must be a non-empty string")
        for key, value in (("name", self.name), ("version", self.version)):
            if key in self.manifest and self.manifest[key] != value:
                raise PluginInputInvalid(
                    f"plugin {key} {value!r} does not match the manifest's {self.manifest[key]!r}"
                )
        object.__setattr__(self, "limits", Limits.from_manifest(self.manifest))

    @classmethod
    def from_files(
        cls,
        name: str,
        version: str,
        manifest: Mapping[str, Any],
        migration_files: Iterable[tuple[str, str]],
        *,
        checksum: str | None = None,
        signature: str | None = None,
    ) -> Plugin:
        """A plugin from its migration files as (filename, text) pairs, in order."""
        return cls(
            name=name,
            version=version,
            manifest=manifest,
            migrations=parse_migrations(migration_files),
            checksum=checksum,
            signature=signature,
        )

    @property
    def display_name(self) -> str:
        value = self.manifest.get("display_name") or self.manifest.get("displayName")
        return str(value) if value else self.name

    def manifest_text(self, key: str) -> str | None:
        value = self.manifest.get(key)
        if isinstance(value, Mapping):  # an author given as {name, email}
            value = value.get("name")
        return str(value) if value is not None else None

    @classmethod
    def from_verified(cls, verified: VerifiedPackage) -> Plugin:
        """The plugin of a verified package: its manifest as written, its migration files
        (re-read from the package so their checksums are of the exact bytes), its archive's
        checksum and signature."""
        files: list[tuple[str, str]] = []
        for migration in verified.migrations:
            path = f"{MIGRATIONS_DIR}/{migration.filename}"
            try:
                files.append((migration.filename, verified.files[path].decode("utf-8")))
            except KeyError:
                raise PluginInputInvalid(f"the package has no {path}") from None
            except UnicodeDecodeError:
                raise PluginInputInvalid(f"{path} is not UTF-8 text") from None
        return cls.from_files(
            verified.manifest.name,
            verified.manifest.version,
            verified.manifest.to_json(),
            files,
            checksum=verified.checksum,
            signature=verified.signature,
        )
