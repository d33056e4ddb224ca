"""The Postgres side of a plugin's isolation: its role, its schema, and the database's privileges.

Everything here runs on the platform's admin connection (a superuser on these machines) inside
the caller's transaction. DDL takes no bind parameters, so names are validated plugin names and
quoted; the role's password is given as a SCRAM verifier, never as plain text.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.plugins.engine.credentials import scram_verifier
from subgraphs.plugins.engine.identifiers import (
    OVER_QUOTA_ROLE,
    quote_ident,
    quote_literal,
    role_name,
)
from subgraphs.plugins.engine.plugin import Limits

CATALOG_LOCK_KEY = 0x506C_7547_7264  # pg_advisory_xact_lock key ("PluGrd")
DDL_GUARD_FUNCTION = "system.plugin_ddl_guard"
WRITE_GUARD_FUNCTION = "system.plugin_write_guard"
DDL_GUARD_TRIGGER = "althaus_plugin_ddl_guard"
# An over-quota plugin may still free space with these; every other DDL is refused.
_FREEING_TAGS = ("DROP TABLE", "DROP INDEX", "DROP MATERIALIZED VIEW", "DROP SEQUENCE", "DROP VIEW")
_PLATFORM_SCHEMAS = ("system", "audit", "analytics")
# Large objects live outside every schema, so no schema quota could count them: nobody but
# the platform may create them (the platform does not use them).
_LARGE_OBJECT_CREATORS = (
    "lo_create(oid)",
    "lo_creat(integer)",
    "lo_from_bytea(oid, bytea)",
    "lo_import(text)",
    "lo_import(text, oid)",
)


async def lock_catalog(connection: AsyncConnection) -> None:
    """Serialize the engine's role, grant and guard changes for the rest of the transaction:
    two of them updating the same catalog row at once would fail ("tuple concurrently
    updated") rather than wait."""
    await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CATALOG_LOCK_KEY})


async def create_role(
    connection: AsyncConnection, name: str, password: str, limits: Limits
) -> None:
    role = quote_ident(role_name(name))
    await connection.exec_driver_sql(
        f"CREATE ROLE {role} LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE"
        f" NOREPLICATION NOBYPASSRLS CONNECTION LIMIT {int(limits.connections)}"
    )
    await set_password(connection, name, password)
    await apply_settings(connection, name, limits)


async def set_password(connection: AsyncConnection, name: str, password: str) -> None:
    verifier = quote_literal(scram_verifier(password))
    await connection.exec_driver_sql(
        f"ALTER ROLE {quote_ident(role_name(name))} PASSWORD {verifier}"
    )


async def apply_settings(connection: AsyncConnection, name: str, limits: Limits) -> None:
    """The role's session defaults, replacing any it set on itself (a role may ALTER ROLE
    itself SET ... for the settings any session may change)."""
    role = quote_ident(role_name(name))
    settings = {
        "statement_timeout": f"{int(limits.statement_timeout_ms)}",
        "idle_in_transaction_session_timeout": f"{int(limits.idle_in_transaction_timeout_ms)}",
        "temp_file_limit": f"{int(limits.temp_file_limit_mb) * 1024}",
        "search_path": role,
    }
    await connection.exec_driver_sql(f"ALTER ROLE {role} RESET ALL")
    # Settings a role put on itself for one database would win over its role-wide ones.
    per_database = await connection.execute(
        text(
            "SELECT d.datname FROM pg_catalog.pg_db_role_setting s"
            " JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase"
            " WHERE s.setrole = CAST(:role AS regrole)"
        ),
        {"role": role_name(name)},
    )
    for (database,) in per_database.all():
        await connection.exec_driver_sql(
            f"ALTER ROLE {role} IN DATABASE {quote_ident(database)} RESET ALL"
        )
    for setting, value in settings.items():
        await connection.exec_driver_sql(f"ALTER ROLE {role} SET {setting} = {value}")
    await connection.exec_driver_sql(
        f"ALTER ROLE {role} CONNECTION LIMIT {int(limits.connections)}"
    )


async def create_schema(connection: AsyncConnection, name: str) -> None:
    role = quote_ident(role_name(name))
    await connection.exec_driver_sql(f"CREATE SCHEMA {role} AUTHORIZATION {role}")


async def isolate_database(connection: AsyncConnection, name: str) -> None:
    """Only the platform's login and the plugin's role may connect; no plugin reaches the
    platform's schemas, creates anywhere but in its own schema, or makes temporary tables."""
    role = quote_ident(role_name(name))
    database = quote_ident(
        (await connection.execute(text("SELECT current_database()"))).scalar_one()
    )
    platform_schemas = ", ".join(_PLATFORM_SCHEMAS)
    statements = [
        f"REVOKE CONNECT, TEMPORARY ON DATABASE {database} FROM PUBLIC",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO CURRENT_USER",
        f"GRANT CONNECT ON DATABASE {database} TO {role}",
        "REVOKE ALL ON SCHEMA public FROM PUBLIC",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"REVOKE ALL ON SCHEMA {platform_schemas} FROM PUBLIC",
    ]
    statements += [
        f"REVOKE EXECUTE ON FUNCTION pg_catalog.{f} FROM PUBLIC" for f in _LARGE_OBJECT_CREATORS
    ]
    for statement in statements:
        await connection.exec_driver_sql(statement)
    await _reserve_advisory_locks(connection)
    await ensure_guards(connection)


async def _reserve_advisory_locks(connection: AsyncConnection) -> None:
    """Advisory locks are shared by every session of the database: a plugin holding the audit
    chain's lock (`core.audit_chain.AUDIT_LOCK_KEY`) would stall every audited change. Only the
    platform's login may take them."""
    await connection.exec_driver_sql(
        "DO $advisory$ DECLARE f regprocedure; BEGIN"
        " FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p"
        "  WHERE p.pronamespace = 'pg_catalog'::regnamespace"
        "  AND p.proname LIKE 'pg\\_%advisory\\_%' LOOP"
        "  EXECUTE 'REVOKE EXECUTE ON FUNCTION ' || f || ' FROM PUBLIC';"
        "  EXECUTE 'GRANT EXECUTE ON FUNCTION ' || f || ' TO CURRENT_USER';"
        " END LOOP;"
        " END $advisory$"
    )


async def ensure_guards(connection: AsyncConnection) -> None:
    """The storage-quota guards (idempotent; creating an event trigger needs a superuser).

    The over-quota marker role is shared by the cluster (roles are); the functions and the event
    trigger belong to this database. Both functions pin `search_path` so a plugin cannot shadow
    what they call.
    """
    await lock_catalog(connection)
    marker = quote_literal(OVER_QUOTA_ROLE)
    await connection.exec_driver_sql(
        "DO $guard$ BEGIN"
        f" IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = {marker}) THEN"
        f"  CREATE ROLE {quote_ident(OVER_QUOTA_ROLE)} NOLOGIN;"
        " END IF;"
        " EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;"
        " END $guard$"
    )
    freeing = ", ".join(quote_literal(tag) for tag in _FREEING_TAGS)
    await connection.exec_driver_sql(
        f"CREATE OR REPLACE FUNCTION {DDL_GUARD_FUNCTION}() RETURNS event_trigger"
        " LANGUAGE plpgsql SET search_path = pg_catalog AS $guard$"
        " BEGIN"
        "  IF EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m"
        "     JOIN pg_catalog.pg_roles g ON g.oid = m.roleid"
        "     JOIN pg_catalog.pg_roles u ON u.oid = m.member"
        f"    WHERE g.rolname = {marker} AND u.rolname = session_user)"
        f"   AND tg_tag NOT IN ({freeing}) THEN"
        "   RAISE EXCEPTION 'storage quota exceeded: % is over its storage quota, so % is refused"
        " until it frees space (DELETE, TRUNCATE or DROP TABLE)', session_user, tg_tag"
        "    USING ERRCODE = '53400';"
        "  END IF;"
        " END $guard$"
    )
    await connection.exec_driver_sql(
        f"CREATE OR REPLACE FUNCTION {WRITE_GUARD_FUNCTION}() RETURNS trigger"
        " LANGUAGE plpgsql SET search_path = pg_catalog AS $guard$"
        " BEGIN"
        "  RAISE EXCEPTION 'storage quota exceeded: schema % is over its storage quota, so % on"
        " %.% is refused until it frees space (DELETE, TRUNCATE or DROP TABLE)',"
        "   TG_TABLE_SCHEMA, TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME"
        "   USING ERRCODE = '53400';"
        " END $guard$"
    )
    exists = await connection.execute(
        text("SELECT 1 FROM pg_catalog.pg_event_trigger WHERE evtname = :name"),
        {"name": DDL_GUARD_TRIGGER},
    )
    if exists.first() is None:
        await connection.exec_driver_sql(
            f"CREATE EVENT TRIGGER {DDL_GUARD_TRIGGER} ON ddl_command_start"
            f" EXECUTE FUNCTION {DDL_GUARD_FUNCTION}()"
        )


async def guards_present(connection: AsyncConnection) -> bool:
    """Whether this database has the quota guards (the event trigger and both functions)."""
    found = await connection.execute(
        text(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_event_trigger WHERE evtname = :trigger"
            " AND evtenabled <> 'D')"
            " AND to_regproc(:ddl) IS NOT NULL AND to_regproc(:write) IS NOT NULL"
            " AND EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = :marker)"
        ),
        {
            "trigger": DDL_GUARD_TRIGGER,
            "ddl": DDL_GUARD_FUNCTION,
            "write": WRITE_GUARD_FUNCTION,
            "marker": OVER_QUOTA_ROLE,
        },
    )
    return bool(found.scalar_one())


async def terminate_backends(connection: AsyncConnection, name: str) -> int:
    """End every session of the plugin's role (waiting up to 2 s each); how many were ended."""
    result = await connection.execute(
        text(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 2000))"
            " FROM pg_catalog.pg_stat_activity"
            " WHERE usename = :role AND pid <> pg_backend_pid()"
        ),
        {"role": role_name(name)},
    )
    return int(result.scalar_one())


async def set_role_login(connection: AsyncConnection, name: str, enabled: bool) -> None:
    role = quote_ident(role_name(name))
    await connection.exec_driver_sql(f"ALTER ROLE {role} {'LOGIN' if enabled else 'NOLOGIN'}")


async def drop_role_and_schema(connection: AsyncConnection, name: str) -> None:
    """Drop the schema with everything in it, the role's grants in this database, the role."""
    role = quote_ident(role_name(name))
    await connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {role} CASCADE")
    if await role_exists(connection, name):
        await connection.exec_driver_sql(f"DROP OWNED BY {role}")
        await connection.exec_driver_sql(f"DROP ROLE {role}")


async def role_exists(connection: AsyncConnection, name: str) -> bool:
    found = await connection.execute(
        text("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = :role"),
        {"role": role_name(name)},
    )
    return found.first() is not None


async def schema_exists(connection: AsyncConnection, name: str) -> bool:
    found = await connection.execute(
        text("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = :schema"),
        {"schema": role_name(name)},
    )
    return found.first() is not None
