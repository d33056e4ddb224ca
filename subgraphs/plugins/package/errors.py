"""Why a plugin package was refused: one error type per reason, each with a stable code."""

from __future__ import annotations


class PluginPackageError(Exception):
    """A plugin package (folder or archive) was refused; `str()` is one line a user can act on."""

    code = "PLUGIN_PACKAGE_INVALID"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ArchiveTooLargeError(PluginPackageError):
    code = "PLUGIN_ARCHIVE_TOO_LARGE"


class ArchiveInvalidError(PluginPackageError):
    """Not a readable tar.gz, a duplicate member, a device or FIFO, a missing SHA256SUMS."""

    code = "PLUGIN_ARCHIVE_INVALID"


class PathTraversalError(PluginPackageError):
    code = "PLUGIN_PATH_TRAVERSAL"


class LinkRefusedError(PluginPackageError):
    code = "PLUGIN_LINK_REFUSED"


class ChecksumMismatchError(PluginPackageError):
    code = "PLUGIN_CHECKSUM_MISMATCH"


class SignatureInvalidError(PluginPackageError):
    code = "PLUGIN_SIGNATURE_INVALID"


class PublisherUntrustedError(PluginPackageError):
    code = "PLUGIN_PUBLISHER_UNTRUSTED"


class UnsignedError(PluginPackageError):
    code = "PLUGIN_UNSIGNED"


class ManifestInvalidError(PluginPackageError):
    """Every problem of a manifest at once; `problems` lists them field by field."""

    code = "PLUGIN_MANIFEST_INVALID"

    def __init__(self, problems: list[str], source: str = "plugin.yaml") -> None:
        self.problems = problems
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"{source} is invalid ({count}): " + "; ".join(problems))


class LayoutInvalidError(PluginPackageError):
    """The folder lacks its Python package, or a migration is misnamed or malformed."""

    code = "PLUGIN_LAYOUT_INVALID"


class PlatformUnsupportedError(PluginPackageError):
    code = "PLUGIN_PLATFORM_UNSUPPORTED"


class KeyInvalidError(PluginPackageError):
    """A publisher key file that is not an Ed25519 key in the expected form."""

    code = "PLUGIN_KEY_INVALID"
