"""Plugin packages: the manifest, the signed `.althaus` archive, packing, verifying, trust.

The install engine and the CLI use the names re-exported here; `trust` is imported on its own
because it needs the database.
"""

from __future__ import annotations

from subgraphs.plugins.package.archive import ArchiveLimits
from subgraphs.plugins.package.errors import (
    ArchiveInvalidError,
    ArchiveTooLargeError,
    ChecksumMismatchError,
    KeyInvalidError,
    LayoutInvalidError,
    LinkRefusedError,
    ManifestInvalidError,
    PathTraversalError,
    PlatformUnsupportedError,
    PluginPackageError,
    PublisherUntrustedError,
    SignatureInvalidError,
    UnsignedError,
)
from subgraphs.plugins.package.keys import Publisher
from subgraphs.plugins.package.layout import Migration, parse_migrations
from subgraphs.plugins.package.manifest import (
    CAPABILITIES,
    Limits,
    Manifest,
    Task,
    load_manifest,
)
from subgraphs.plugins.package.pack import PackedPlugin, pack_plugin
from subgraphs.plugins.package.verify import VerifiedPlugin, verify_archive

__all__ = [
    "CAPABILITIES",
    "ArchiveInvalidError",
    "ArchiveLimits",
    "ArchiveTooLargeError",
    "ChecksumMismatchError",
    "KeyInvalidError",
    "LayoutInvalidError",
    "Limits",
    "LinkRefusedError",
    "Manifest",
    "ManifestInvalidError",
    "Migration",
    "PackedPlugin",
    "PathTraversalError",
    "PlatformUnsupportedError",
    "PluginPackageError",
    "Publisher",
    "PublisherUntrustedError",
    "SignatureInvalidError",
    "Task",
    "UnsignedError",
    "VerifiedPlugin",
    "load_manifest",
    "pack_plugin",
    "parse_migrations",
    "verify_archive",
]
