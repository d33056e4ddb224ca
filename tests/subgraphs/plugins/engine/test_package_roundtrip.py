"""A package made by `althaus plugin new` and `pack`, verified, then installed by the engine."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from subgraphs.plugins.engine import Plugin
from subgraphs.plugins.package.keys import public_key_hex
from subgraphs.plugins.package.pack import pack_plugin
from subgraphs.plugins.package.scaffold import scaffold
from subgraphs.plugins.package.verify import verify_archive
from tests.subgraphs.plugins.engine.conftest import Install, connect_as, plugin_name


async def test_a_verified_package_installs_with_its_checksum_signature_and_migrations(
    tmp_path: Path, installed: Install, database_url: str, secret: str
) -> None:
    key = Ed25519PrivateKey.generate()
    folder = scaffold(plugin_name("packaged"), tmp_path)
    packed = pack_plugin(folder, key)
    verified = verify_archive(packed.archive, [public_key_hex(key)])
    plugin = Plugin.from_verified(verified)
    assert (plugin.checksum, plugin.signature) == (packed.checksum, packed.signature)
    result = await installed(plugin)
    assert result.migrations == ("0001_create_items.sql",)
    session = await connect_as(database_url, plugin.name, secret)
    try:
        await session.execute("INSERT INTO items (title) VALUES ('first')")
        assert await session.fetchval("SELECT count(*) FROM items") == 1
    finally:
        await session.close()
