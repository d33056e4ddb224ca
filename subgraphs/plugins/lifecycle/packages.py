"""The packages a host keeps: archives verified on upload, verified again and unpacked on use."""

from __future__ import annotations

import asyncio
import functools
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.plugins.engine import Actor
from subgraphs.plugins.engine.audit import record
from subgraphs.plugins.lifecycle import archives, registry
from subgraphs.plugins.lifecycle.errors import PluginStateInvalid
from subgraphs.plugins.lifecycle.registry import PluginRecord
from subgraphs.plugins.package import VerifiedPlugin, verify_archive
from subgraphs.plugins.package.trust import trusted_keys

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Uploaded:
    """An archive that passed verification and is kept, ready to install or update from."""

    checksum: str
    name: str
    version: str
    display_name: str
    signature: str | None
    publisher: str | None
    installed_version: str | None
    new: bool


class Packages:
    """Archives kept in the database, unpacked under `packages_dir/<name>/<checksum>/`."""

    def __init__(self, engine: AsyncEngine, packages_dir: Path, *, is_development: bool) -> None:
        self.engine = engine
        self.packages_dir = packages_dir
        self.is_development = is_development

    async def verify(self, data: bytes, *, allow_unsigned: bool = False) -> VerifiedPlugin:
        async with self.engine.connect() as conn:
            keys = await trusted_keys(conn)
        return await asyncio.to_thread(
            functools.partial(verify_archive, data, keys, allow_unsigned=allow_unsigned)
        )

    async def upload(
        self, data: bytes, actor: Actor | None = None, *, allow_unsigned: bool = False
    ) -> Uploaded:
        """Verify an archive (sizes, paths, checksums, signature by a trusted key, manifest,
        platform range) and keep it; nothing else changes. Audited as `plugin.upload`.

        `allow_unsigned` accepts a package without a signature (never a wrongly signed one),
        and only in development, with a loud warning in the log.
        """
        if allow_unsigned and not self.is_development:
            raise PluginStateInvalid(
                "unsigned plugin packages are accepted only when ALTHAUS_ENV=development"
            )
        verified = await self.verify(data, allow_unsigned=allow_unsigned)
        if verified.signature is None:
            log.warning(
                "UNSIGNED plugin package accepted (development only): nobody vouches for it",
                extra={
                    "context": {"plugin": verified.manifest.name, "checksum": verified.checksum}
                },
            )
        async with self.engine.begin() as conn:
            new = await archives.store(conn, data, verified, actor.user_id if actor else None)
            installed = await registry.find(conn, verified.manifest.name)
            await record(
                conn,
                "plugin.upload",
                verified.manifest.name,
                actor,
                {"version": verified.manifest.version, "checksum": verified.checksum, "new": new},
            )
        return Uploaded(
            checksum=verified.checksum,
            name=verified.manifest.name,
            version=verified.manifest.version,
            display_name=verified.manifest.display_name,
            signature=verified.signature,
            publisher=verified.publisher.name if verified.publisher else None,
            installed_version=installed.version if installed else None,
            new=new,
        )

    async def unpacked(self, checksum: str) -> tuple[VerifiedPlugin, Path]:
        """A kept archive verified again (trust may have been withdrawn) and unpacked."""
        async with self.engine.connect() as conn:
            stored = await archives.load(conn, checksum)
        unsigned_ok = stored.signature is None and self.is_development
        verified = await self.verify(stored.archive, allow_unsigned=unsigned_ok)
        folder = await asyncio.to_thread(archives.unpack, verified, self.packages_dir)
        return verified, folder

    async def folder_of(self, record_: PluginRecord) -> Path:
        """Where the package the plugin was installed or updated from is unpacked."""
        if not record_.checksum:
            raise PluginStateInvalid(f"plugin {record_.name!r} has no archive on record")
        _, folder = await self.unpacked(record_.checksum)
        return folder

    async def forget(self, name: str) -> None:
        """Remove every unpacked package of the plugin (uninstall without keeping data)."""
        await asyncio.to_thread(shutil.rmtree, self.packages_dir / name, True)
