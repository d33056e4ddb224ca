"""The storage quota: writes refused while over it, no way around it for the plugin, and
lifted once space is freed."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest
import pytest_asyncio

from core import db
from core.resources import Resources
from subgraphs.plugins.engine import (
    Plugin,
    PluginDatabaseError,
    PluginNotInstalled,
    enforce_quota,
    install,
    storage_used,
    writes_blocked,
)
from tests.subgraphs.plugins.engine.conftest import (
    NOTES_MIGRATION,
    Install,
    connect_as,
    make_plugin,
    plugin_name,
    remove_if_present,
)

QUOTA_ERROR = "storage quota exceeded"
GROW = "INSERT INTO notes (body) SELECT repeat(md5(g::text), 40) FROM generate_series(1, 400) g"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def over_quota(
    resources: Resources, database_url: str, secret: str
) -> AsyncIterator[tuple[Plugin, int]]:
    """A plugin that grew past its quota (given as the pair's second item) and is blocked."""
    plugin = make_plugin("overquota")
    try:
        await install(resources.engine, database_url, plugin, secret=secret)
        quota = await storage_used(resources.engine, plugin.name) + 16 * 1024
        assert await enforce_quota(resources.engine, plugin.name, quota) is False
        session = await connect_as(database_url, plugin.name, secret)
        try:
            await session.execute(GROW)
        finally:
            await session.close()
        assert await enforce_quota(resources.engine, plugin.name, quota) is True
        yield plugin, quota
    finally:
        await remove_if_present(resources, plugin.name)


@pytest_asyncio.fixture(loop_scope="session")
async def session(
    over_quota: tuple[Plugin, int], database_url: str, secret: str
) -> AsyncIterator[asyncpg.Connection]:
    connection = await connect_as(database_url, over_quota[0].name, secret)
    try:
        yield connection
    finally:
        await connection.close()


async def test_storage_used_grows_with_the_schemas_data(
    resources: Resources, installed: Install, database_url: str, secret: str
) -> None:
    plugin = make_plugin("storage")
    await installed(plugin)
    before = await storage_used(resources.engine, plugin.name)
    session = await connect_as(database_url, plugin.name, secret)
    try:
        await session.execute(GROW)
        await session.execute("CREATE INDEX ON notes (body)")
    finally:
        await session.close()
    after = await storage_used(resources.engine, plugin.name)
    assert before > 0
    assert after - before > 400 * 1280


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO notes (body) VALUES ('more')",
        "UPDATE notes SET body = body",
        "INSERT INTO notes (id, body) VALUES (1, 'x') ON CONFLICT (id) DO UPDATE SET body = 'y'",
        "MERGE INTO notes n USING (VALUES (1, 'm')) v(id, body) ON n.id = v.id"
        " WHEN MATCHED THEN UPDATE SET body = v.body",
        "WITH moved AS (DELETE FROM notes WHERE id = 2 RETURNING body)"
        " INSERT INTO notes (body) SELECT body FROM moved",
    ],
)
async def test_writes_over_quota_fail_with_a_clear_error(
    session: asyncpg.Connection, statement: str
) -> None:
    with pytest.raises(asyncpg.PostgresError, match=QUOTA_ERROR):
        await session.execute(statement)


async def test_copy_into_a_table_over_quota_fails(session: asyncpg.Connection) -> None:
    with pytest.raises(asyncpg.PostgresError, match=QUOTA_ERROR):
        await session.copy_records_to_table("notes", records=[(10_000, "copied")])


async def test_reads_still_work_over_quota(session: asyncpg.Connection) -> None:
    assert await session.fetchval("SELECT count(*) FROM notes") == 401


@pytest.mark.parametrize(
    "attempt",
    [
        "GRANT INSERT, UPDATE ON notes TO CURRENT_USER",
        "DROP TRIGGER althaus_storage_quota ON notes",
        "ALTER TABLE notes DISABLE TRIGGER ALL",
        "ALTER TABLE notes DISABLE TRIGGER althaus_storage_quota",
        "CREATE TABLE fresh (body text)",
        "CREATE TABLE copied AS SELECT * FROM notes",
        "SELECT * INTO copied2 FROM notes",
        "ALTER TABLE notes RENAME TO old_notes",
        "CREATE OR REPLACE FUNCTION system.plugin_write_guard() RETURNS trigger"
        " LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$",
        "SET session_replication_role = replica",
        "REVOKE althaus_plugin_over_quota FROM CURRENT_USER",
        "ALTER EVENT TRIGGER althaus_plugin_ddl_guard DISABLE",
        "SET ROLE althaus_plugin_over_quota",
    ],
)
async def test_plugin_cannot_get_around_the_quota(
    session: asyncpg.Connection, attempt: str
) -> None:
    try:
        await session.execute(attempt)
    except asyncpg.PostgresError:
        pass  # refused, as it should be; either way writes must stay refused below
    with pytest.raises(
        asyncpg.PostgresError, match=f"{QUOTA_ERROR}|permission denied|does not exist"
    ):
        await session.execute("INSERT INTO notes (body) VALUES ('sneaked in')")
    await session.execute("RESET ROLE")
    with pytest.raises(asyncpg.PostgresError, match=QUOTA_ERROR):
        await session.execute("INSERT INTO notes (body) VALUES ('sneaked in')")


async def test_ddl_over_quota_is_refused_with_the_reason(session: asyncpg.Connection) -> None:
    with pytest.raises(asyncpg.PostgresError, match=QUOTA_ERROR):
        await session.execute("CREATE TABLE fresh (body text)")


async def test_decoy_trigger_made_in_advance_does_not_stop_the_block(
    resources: Resources, installed: Install, database_url: str, secret: str
) -> None:
    plugin = make_plugin("decoy")
    await installed(plugin)
    session = await connect_as(database_url, plugin.name, secret)
    try:
        await session.execute(
            "CREATE FUNCTION allow() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN RETURN NULL; END $$;"
            " CREATE TRIGGER althaus_storage_quota BEFORE INSERT OR UPDATE ON notes"
            " FOR EACH STATEMENT EXECUTE FUNCTION allow()"
        )
        assert await enforce_quota(resources.engine, plugin.name, 1) is True
        session = await _reconnect(session, database_url, plugin.name, secret)
        with pytest.raises(asyncpg.PostgresError, match=QUOTA_ERROR):
            await session.execute("INSERT INTO notes (body) VALUES ('x')")
    finally:
        await session.close()


async def test_freeing_space_lifts_the_block(
    resources: Resources, installed: Install, database_url: str, secret: str
) -> None:
    plugin = make_plugin("freeing")
    await installed(plugin)
    quota = await storage_used(resources.engine, plugin.name) + 16 * 1024
    session = await connect_as(database_url, plugin.name, secret)
    try:
        await session.execute(GROW)
        assert await enforce_quota(resources.engine, plugin.name, quota) is True
        session = await _reconnect(session, database_url, plugin.name, secret)
        await session.execute("TRUNCATE notes")
        assert await enforce_quota(resources.engine, plugin.name, quota) is False
        assert await writes_blocked(resources.engine, plugin.name) is False
        await session.execute("INSERT INTO notes (body) VALUES ('room again')")
        await session.execute("CREATE TABLE fresh (body text)")
        assert await session.fetchval("SELECT count(*) FROM notes") == 1
    finally:
        await session.close()


async def _reconnect(
    session: asyncpg.Connection, database_url: str, name: str, secret: str
) -> asyncpg.Connection:
    """Going over quota ends the plugin's sessions (writes in flight must not finish)."""
    session.terminate()
    return await connect_as(database_url, name, secret)


async def test_enforcing_again_while_over_quota_keeps_the_plugins_sessions(
    resources: Resources, over_quota: tuple[Plugin, int], session: asyncpg.Connection
) -> None:
    plugin, quota = over_quota
    assert await enforce_quota(resources.engine, plugin.name, quota) is True
    assert await session.fetchval("SELECT count(*) FROM notes") == 401


async def test_dropping_a_table_frees_space_over_quota(
    resources: Resources, installed: Install, database_url: str, secret: str
) -> None:
    plugin = make_plugin("dropfree")
    await installed(plugin)
    assert await enforce_quota(resources.engine, plugin.name, 1) is True
    session = await connect_as(database_url, plugin.name, secret)
    try:
        await session.execute("DROP TABLE notes")
    finally:
        await session.close()
    assert await storage_used(resources.engine, plugin.name) == 0
    assert await enforce_quota(resources.engine, plugin.name, 1) is False


async def test_enforcing_the_quota_of_an_unknown_plugin_is_refused(resources: Resources) -> None:
    with pytest.raises(PluginNotInstalled):
        await enforce_quota(resources.engine, plugin_name("noquota"), 1)


@pytest.mark.parametrize("target", ["events", "events_2026"])
async def test_partitioned_tables_over_quota_refuse_writes_to_parent_and_partition(
    resources: Resources, installed: Install, database_url: str, secret: str, target: str
) -> None:
    partitions = (
        "0002_events.sql",
        "-- up\n"
        "CREATE TABLE events (at date NOT NULL, body text) PARTITION BY RANGE (at);\n"
        "CREATE TABLE events_2026 PARTITION OF events"
        " FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');\n"
        "-- down\nDROP TABLE events;\n",
    )
    plugin = make_plugin(f"parts_{target[-4:]}", migrations=[NOTES_MIGRATION, partitions])
    await installed(plugin)
    assert await enforce_quota(resources.engine, plugin.name, 1) is True
    session = await connect_as(database_url, plugin.name, secret)
    try:
        with pytest.raises(asyncpg.PostgresError, match=QUOTA_ERROR):
            await session.execute(f"INSERT INTO {target} VALUES ('2026-06-01', 'x')")
    finally:
        await session.close()


async def test_a_database_failure_is_a_coded_engine_error(database_url: str) -> None:
    engine = db.create_engine(db.with_database(database_url, "althaus_no_such_database"))
    try:
        with pytest.raises(PluginDatabaseError, match="measuring storage") as failed:
            await storage_used(engine, plugin_name("nodb"))
    finally:
        await engine.dispose()
    assert failed.value.code == "PLUGIN_DATABASE_ERROR"
    assert "althaus_no_such_database" in failed.value.reason
