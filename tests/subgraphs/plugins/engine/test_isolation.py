"""What an installed plugin's own login can and cannot do in the platform's database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest
import pytest_asyncio
from sqlalchemy import text

from core.audit_chain import AUDIT_LOCK_KEY
from core.resources import Resources
from subgraphs.plugins.engine import Plugin, install
from tests.subgraphs.plugins.engine.conftest import connect_as, make_plugin, remove_if_present


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def pair(
    resources: Resources, database_url: str, secret: str
) -> AsyncIterator[tuple[Plugin, Plugin]]:
    """Two installed plugins: tests log in as the first and poke at the second."""
    first, second = make_plugin("iso_a"), make_plugin("iso_b")
    try:
        for plugin in (first, second):
            await install(resources.engine, database_url, plugin, secret=secret)
        yield first, second
    finally:
        for plugin in (first, second):
            await remove_if_present(resources, plugin.name)


@pytest_asyncio.fixture(loop_scope="session")
async def session(
    pair: tuple[Plugin, Plugin], database_url: str, secret: str
) -> AsyncIterator[asyncpg.Connection]:
    connection = await connect_as(database_url, pair[0].name, secret)
    try:
        yield connection
    finally:
        await connection.close()


async def test_plugin_logs_in_as_its_role_into_its_schema(
    session: asyncpg.Connection, pair: tuple[Plugin, Plugin]
) -> None:
    role = f"plugin_{pair[0].name}"
    assert await session.fetchrow("SELECT current_user, current_schema()") == (role, role)


async def test_plugin_creates_and_uses_tables_in_its_schema(session: asyncpg.Connection) -> None:
    await session.execute("CREATE TABLE IF NOT EXISTS cards (id int PRIMARY KEY, title text)")
    await session.execute("INSERT INTO cards VALUES (1, 'one') ON CONFLICT DO NOTHING")
    await session.execute("UPDATE cards SET title = 'uno' WHERE id = 1")
    assert await session.fetchval("SELECT title FROM cards WHERE id = 1") == "uno"
    assert await session.fetchval("SELECT count(*) FROM notes") == 1


@pytest.mark.parametrize(
    "table", ["public.users", "audit.audit_log", "system.system_settings", "system.plugin_registry"]
)
async def test_plugin_cannot_read_platform_tables(session: asyncpg.Connection, table: str) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied for schema"):
        await session.fetch(f"SELECT * FROM {table} LIMIT 1")


async def test_plugin_cannot_read_another_plugins_tables(
    session: asyncpg.Connection, pair: tuple[Plugin, Plugin]
) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await session.fetch(f"SELECT * FROM plugin_{pair[1].name}.notes")


async def test_reset_role_changes_nothing(
    session: asyncpg.Connection, pair: tuple[Plugin, Plugin]
) -> None:
    await session.execute("RESET ROLE")
    assert await session.fetchval("SELECT current_user") == f"plugin_{pair[0].name}"
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await session.fetch("SELECT * FROM public.users LIMIT 1")


@pytest.mark.parametrize(
    "statement",
    ["SET ROLE postgres", "SET SESSION AUTHORIZATION postgres", "SET ROLE pg_read_all_data"],
)
async def test_plugin_cannot_become_another_role(
    session: asyncpg.Connection, statement: str
) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await session.execute(statement)


async def test_plugin_cannot_become_the_other_plugin(
    session: asyncpg.Connection, pair: tuple[Plugin, Plugin]
) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await session.execute(f"SET ROLE plugin_{pair[1].name}")


@pytest.mark.parametrize(
    "statement",
    [
        "CREATE TABLE public.intruder (x int)",
        "CREATE TEMPORARY TABLE scratch (x int)",
        "CREATE SCHEMA elsewhere",
        "CREATE TABLE system.intruder (x int)",
        "SELECT lo_create(0)",
        "SELECT lo_from_bytea(0, 'data')",
    ],
)
async def test_plugin_cannot_create_outside_its_schema(
    session: asyncpg.Connection, statement: str
) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await session.execute(statement)


async def test_plugin_cannot_raise_its_superuser_only_limits(session: asyncpg.Connection) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await session.execute("SET temp_file_limit = -1")


async def test_only_the_platform_and_the_plugins_may_connect(
    resources: Resources, pair: tuple[Plugin, Plugin]
) -> None:
    async with resources.engine.connect() as connection:
        grants = (
            await connection.execute(
                text(
                    "SELECT coalesce(r.rolname, 'PUBLIC'), a.privilege_type"
                    " FROM pg_database d, aclexplode(d.datacl) a"
                    " LEFT JOIN pg_roles r ON r.oid = a.grantee"
                    " WHERE d.datname = current_database()"
                )
            )
        ).all()
        me = (await connection.execute(text("SELECT current_user"))).scalar_one()
    by_role: dict[str, set[str]] = {}
    for role, privilege in grants:
        by_role.setdefault(role, set()).add(privilege)
    assert "PUBLIC" not in by_role
    assert {"CONNECT", "TEMPORARY"} <= by_role[me]
    for plugin in pair:
        assert by_role[f"plugin_{plugin.name}"] == {"CONNECT"}


@pytest.mark.parametrize("schema", ["public", "system", "audit", "analytics", "other plugin"])
async def test_plugin_role_has_no_privilege_on_other_schemas(
    resources: Resources, pair: tuple[Plugin, Plugin], schema: str
) -> None:
    target = f"plugin_{pair[1].name}" if schema == "other plugin" else schema
    async with resources.engine.connect() as connection:
        usage, create = (
            await connection.execute(
                text(
                    "SELECT has_schema_privilege(:role, :schema, 'USAGE'),"
                    " has_schema_privilege(:role, :schema, 'CREATE')"
                ),
                {"role": f"plugin_{pair[0].name}", "schema": target},
            )
        ).one()
    assert (usage, create) == (False, False)


@pytest.mark.parametrize(
    "statement",
    [
        f"SELECT pg_advisory_lock({AUDIT_LOCK_KEY})",
        "SELECT pg_try_advisory_lock(1, 2)",
        "SELECT pg_advisory_xact_lock_shared(7)",
    ],
)
async def test_plugin_cannot_take_advisory_locks_the_platform_relies_on(
    session: asyncpg.Connection, statement: str
) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await session.execute(statement)


async def test_platform_still_takes_advisory_locks(resources: Resources) -> None:
    async with resources.engine.begin() as connection:
        taken = await connection.execute(
            text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY}
        )
        assert taken.scalar_one() is True
