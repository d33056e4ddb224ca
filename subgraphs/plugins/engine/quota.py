"""The storage quota: how much a plugin's schema holds, and refusing its writes while over.

Why not just REVOKE INSERT, UPDATE: the plugin's role owns its tables, and an owner can GRANT
the privileges back to itself, or create a fresh table and fill it. So while a plugin is over
quota, two things hold together:

- its role is a member of the NOLOGIN role `althaus_plugin_over_quota`, which a member cannot
  leave by itself; the event trigger `althaus_plugin_ddl_guard` (superuser-made, which no plugin
  can alter or disable) refuses every DDL command of such a session (GRANT, CREATE TABLE,
  ALTER TABLE ... DISABLE TRIGGER, DROP TRIGGER, ...) except the DROPs that free space;
- every table of its schema carries the statement trigger `althaus_storage_quota`, which refuses
  INSERT and UPDATE (COPY, MERGE and ON CONFLICT included) with "storage quota exceeded". Only
  DDL could remove or disable it, and `session_replication_role` is superuser-only.

DELETE, TRUNCATE, DROP TABLE and VACUUM stay allowed, so the plugin can free space; the next
`enforce_quota` below the quota lifts both.
"""

from __future__ import annotations

from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from subgraphs.plugins.engine import isolation
from subgraphs.plugins.engine.errors import PluginNotInstalled
from subgraphs.plugins.engine.identifiers import OVER_QUOTA_ROLE, quote_ident, role_name
from subgraphs.plugins.engine.postgres_errors import database_errors

WRITE_GUARD_TRIGGER = "althaus_storage_quota"

_USED = text(
    "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)"
    " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = :schema AND c.relkind IN ('r', 'm', 'S')"
)
# Tables (partitioned ones too: statement triggers are not inherited) lacking our guard; a
# trigger of the guard's name calling anything else is a decoy and does not count.
_UNGUARDED_TABLES = text(
    "SELECT c.relname FROM pg_catalog.pg_class c"
    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = :schema AND c.relkind IN ('r', 'p') AND NOT EXISTS ("
    "  SELECT 1 FROM pg_catalog.pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = :trigger"
    "  AND t.tgfoid = CAST(:function AS regproc) AND t.tgenabled <> 'D')"
    " ORDER BY c.relname"
)
_GUARDED_TABLES = text(
    "SELECT c.relname FROM pg_catalog.pg_trigger t"
    " JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid"
    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = :schema AND t.tgname = :trigger"
    " ORDER BY c.relname"
)
_BLOCKED = text(
    "SELECT 1 FROM pg_catalog.pg_auth_members m"
    " JOIN pg_catalog.pg_roles g ON g.oid = m.roleid"
    " JOIN pg_catalog.pg_roles u ON u.oid = m.member"
    " WHERE g.rolname = :marker AND u.rolname = :role"
)


async def storage_used(admin_engine: AsyncEngine, name: str) -> int:
    """Bytes held by the plugin's schema: tables, materialized views and sequences with their
    indexes and TOAST."""
    async with database_errors(name, "measuring storage"):
        return await _storage_used(admin_engine, name)


async def _storage_used(admin_engine: AsyncEngine, name: str) -> int:
    async with admin_engine.connect() as connection:
        used = await connection.execute(_USED, {"schema": role_name(name)})
        return int(used.scalar_one())


async def writes_blocked(admin_engine: AsyncEngine, name: str) -> bool:
    """Whether the plugin is currently held over quota (its writes and DDL refused)."""
    async with admin_engine.connect() as connection:
        return await _blocked(connection, name)


async def enforce_quota(admin_engine: AsyncEngine, name: str, quota_bytes: int) -> bool:
    """Block the plugin's writes while its schema is over `quota_bytes`, lift the block once it
    is not. Returns True when the plugin is over quota (writes refused) after the call.

    Meant to run every few seconds: when nothing changes it only reads the catalog.
    """
    async with database_errors(name, "enforcing the storage quota"):
        return await _enforce_quota(admin_engine, name, quota_bytes)


async def _enforce_quota(admin_engine: AsyncEngine, name: str, quota_bytes: int) -> bool:
    schema = role_name(name)
    async with admin_engine.connect() as connection:
        if not await isolation.role_exists(connection, name):
            raise PluginNotInstalled(name)
        over = int((await connection.execute(_USED, {"schema": schema})).scalar_one()) > (
            quota_bytes
        )
        blocked = await _blocked(connection, name)
        guarded = await _tables(connection, _GUARDED_TABLES, name)
        unguarded = await _tables(connection, _UNGUARDED_TABLES, name)
        guards_ready = await isolation.guards_present(connection)
    if over:
        if not guards_ready:
            async with admin_engine.begin() as connection:
                await isolation.ensure_guards(connection)
        if not blocked or unguarded:
            await _block(admin_engine, name, newly=not blocked)
    elif blocked or guarded:
        await _unblock(admin_engine, name)
    return over


async def _block(admin_engine: AsyncEngine, name: str, *, newly: bool) -> None:
    role = quote_ident(role_name(name))
    if newly:
        # First the DDL lock, so no table can appear or change while triggers are added.
        async with admin_engine.begin() as connection:
            await isolation.lock_catalog(connection)
            await connection.exec_driver_sql(f"GRANT {quote_ident(OVER_QUOTA_ROLE)} TO {role}")
        # Writes already running would hold locks the triggers wait for, and finish unchecked.
        async with admin_engine.connect() as connection:
            await isolation.terminate_backends(connection, name)
    schema = quote_ident(role_name(name))
    async with admin_engine.begin() as connection:
        await connection.exec_driver_sql("SET LOCAL lock_timeout = '5s'")
        for table in await _tables(connection, _UNGUARDED_TABLES, name):
            # OR REPLACE: a plugin may have made a decoy trigger of the same name beforehand.
            await connection.exec_driver_sql(
                f"CREATE OR REPLACE TRIGGER {WRITE_GUARD_TRIGGER}"
                f" BEFORE INSERT OR UPDATE ON {schema}.{quote_ident(table)}"
                f" FOR EACH STATEMENT EXECUTE FUNCTION {isolation.WRITE_GUARD_FUNCTION}()"
            )


async def _unblock(admin_engine: AsyncEngine, name: str) -> None:
    role = quote_ident(role_name(name))
    schema = quote_ident(role_name(name))
    async with admin_engine.begin() as connection:
        await isolation.lock_catalog(connection)
        await connection.exec_driver_sql("SET LOCAL lock_timeout = '5s'")
        for table in await _tables(connection, _GUARDED_TABLES, name):
            await connection.exec_driver_sql(
                f"DROP TRIGGER IF EXISTS {WRITE_GUARD_TRIGGER} ON {schema}.{quote_ident(table)}"
            )
        if await _blocked(connection, name):
            await connection.exec_driver_sql(f"REVOKE {quote_ident(OVER_QUOTA_ROLE)} FROM {role}")


async def _tables(connection: AsyncConnection, query: TextClause, name: str) -> list[str]:
    found = await connection.execute(
        query,
        {
            "schema": role_name(name),
            "trigger": WRITE_GUARD_TRIGGER,
            "function": isolation.WRITE_GUARD_FUNCTION,
        },
    )
    return [row[0] for row in found.all()]


async def _blocked(connection: AsyncConnection, name: str) -> bool:
    found = await connection.execute(_BLOCKED, {"marker": OVER_QUOTA_ROLE, "role": role_name(name)})
    return found.first() is not None
