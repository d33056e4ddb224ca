"""The blog plugin for this run: signed by a fresh key, installed once, uninstalled at the end."""

from __future__ import annotations

import contextlib
import secrets

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text

from althaus.platform import display_url
from bench.activation.errors import BenchError, PluginRoleTakenError, first_error, with_hint
from bench.activation.platform import Platform, Progress
from bench.activation.scenario import PLUGIN, PLUGIN_DIR, POSTS, refuses_posts
from bench.activation.servers import Cleanup
from subgraphs.plugins.engine import PluginInstallFailed, PluginNotInstalled, role_name, uninstall
from subgraphs.plugins.package import pack_plugin
from subgraphs.plugins.package.keys import public_key_hex
from subgraphs.plugins.package.trust import add_publisher


async def install_plugin(running: Platform, cleanup: Cleanup, progress: Progress) -> None:
    """Trust a fresh key, pack plugins/blog with it, upload and install it."""
    publisher = Ed25519PrivateKey.generate()
    engine = running.resources.engine
    await add_publisher(engine, public_key_hex(publisher), f"bench-{secrets.token_hex(3)}")
    archive = pack_plugin(PLUGIN_DIR, publisher).archive
    uploaded = await running.host.upload(archive)
    progress(f"installing {PLUGIN} {uploaded.version} (dry run, migrations, install hook)")
    cleanup.owns_role = True
    try:
        await running.host.install(uploaded.checksum)
    except PluginInstallFailed as exc:
        if exc.step == "checking for leftovers":  # made by someone else since the check
            cleanup.owns_role = False
            where = display_url(running.resources.settings.database_url)
            raise PluginRoleTakenError(where) from None
        raise BenchError(with_hint(str(exc))) from exc
    first = await running.graphql(POSTS, running.editor_token)
    if not refuses_posts(first):
        raise BenchError(f"User.posts answered before activation: {first_error(first)}")


async def _installed_here(running: Platform) -> bool:
    """Whether this run's database holds the plugin (its registry row or its schema; unlike
    its role, both belong to this database alone)."""
    async with running.resources.engine.connect() as conn:
        found = await conn.execute(
            text(
                "SELECT EXISTS (SELECT 1 FROM system.plugin_registry WHERE name = :name)"
                " OR EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = :schema)"
            ),
            {"name": PLUGIN, "schema": role_name(PLUGIN)},
        )
        return bool(found.scalar_one())


async def uninstall_plugin(running: Platform, cleanup: Cleanup, progress: Progress) -> None:
    """Deactivate (when active) and uninstall through the host; straight through the engine
    when the host cannot. Once it is gone the role name is no longer ours: another run may
    take it right away."""
    if not await _installed_here(running):
        # An install that failed undid itself; a role of that name now is someone else's.
        cleanup.owns_role = False
        return
    progress(f"uninstalling {PLUGIN}")
    try:
        await running.host.uninstall(PLUGIN)
    except Exception as exc:
        progress(f"the host could not uninstall {PLUGIN} ({exc}); dropping it directly")
        with contextlib.suppress(PluginNotInstalled):
            await uninstall(running.resources.engine, PLUGIN)
    cleanup.owns_role = False
