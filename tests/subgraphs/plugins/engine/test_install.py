"""Installing a plugin: role, schema, migrations as the role, registry and audit rows; undo."""

from __future__ import annotations

import asyncio
import base64
import hashlib

import pytest
from sqlalchemy import text

from core.resources import Resources
from subgraphs.plugins.engine import (
    PluginAlreadyInstalled,
    PluginInstallFailed,
    role_password,
)
from subgraphs.plugins.engine.credentials import scram_verifier
from tests.subgraphs.plugins.engine.conftest import (
    NOTES_MIGRATION,
    Install,
    connect_as,
    make_plugin,
)

BROKEN_SECOND = [
    NOTES_MIGRATION,
    ("0002_broken.sql", "-- up\nALTER TABLE notes ADD COLUMN x nosuchtype;\n-- down\nSELECT 1;\n"),
]


async def _scalar(resources: Resources, sql: str, **params: object) -> object:
    async with resources.engine.connect() as connection:
        return (await connection.execute(text(sql), params)).scalar()


async def _leftovers(resources: Resources, name: str) -> dict[str, object]:
    role = f"plugin_{name}"
    return {
        "role": await _scalar(
            resources, "SELECT count(*) FROM pg_roles WHERE rolname = :r", r=role
        ),
        "schema": await _scalar(
            resources, "SELECT count(*) FROM pg_namespace WHERE nspname = :r", r=role
        ),
        "registry": await _scalar(
            resources, "SELECT count(*) FROM system.plugin_registry WHERE name = :n", n=name
        ),
        "migrations": await _scalar(
            resources,
            "SELECT count(*) FROM system.plugin_migrations WHERE plugin_name = :n",
            n=name,
        ),
    }


NOTHING = {"role": 0, "schema": 0, "registry": 0, "migrations": 0}


async def test_install_creates_a_login_role_with_no_powers_and_the_manifest_limits(
    resources: Resources, installed: Install
) -> None:
    plugin = make_plugin(
        "attrs",
        manifest={
            "display_name": "Attrs",
            "limits": {"statement_timeout_ms": 1500, "connections": 3, "temp_file_limit_mb": 8},
        },
    )
    await installed(plugin)
    async with resources.engine.connect() as connection:
        role = (
            await connection.execute(
                text(
                    "SELECT rolcanlogin, rolinherit, rolsuper, rolcreatedb, rolcreaterole,"
                    " rolreplication, rolbypassrls, rolconnlimit FROM pg_roles WHERE rolname = :r"
                ),
                {"r": f"plugin_{plugin.name}"},
            )
        ).one()
        settings = (
            await connection.execute(
                text(
                    "SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_roles r"
                    " ON r.oid = s.setrole WHERE r.rolname = :r AND s.setdatabase = 0"
                ),
                {"r": f"plugin_{plugin.name}"},
            )
        ).scalar_one()
    assert tuple(role) == (True, False, False, False, False, False, False, 3)
    assert sorted(settings) == sorted(
        [
            "statement_timeout=1500",
            "idle_in_transaction_session_timeout=1500",
            "temp_file_limit=8192",
            f"search_path=plugin_{plugin.name}",
        ]
    )


async def test_role_password_is_the_derived_one_stored_as_its_scram_verifier(
    resources: Resources, installed: Install, secret: str
) -> None:
    plugin = make_plugin("password")
    await installed(plugin)
    stored = await _scalar(
        resources,
        "SELECT rolpassword FROM pg_authid WHERE rolname = :r",
        r=f"plugin_{plugin.name}",
    )
    assert isinstance(stored, str)
    salt = base64.b64decode(stored.split("$")[1].split(":")[1])
    # Postgres kept our verifier as given (it would hash anything else as a plain password).
    assert stored == scram_verifier(role_password(secret, plugin.name), salt=salt)


async def test_install_creates_the_schema_owned_by_the_role(
    resources: Resources, installed: Install
) -> None:
    plugin = make_plugin("schema")
    result = await installed(plugin)
    owner = await _scalar(
        resources,
        "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = :s",
        s=result.schema,
    )
    assert owner == result.role == f"plugin_{plugin.name}"


async def test_migrations_run_as_the_plugin_role(resources: Resources, installed: Install) -> None:
    plugin = make_plugin("runas")
    await installed(plugin)
    owner = await _scalar(
        resources,
        "SELECT tableowner FROM pg_tables WHERE schemaname = :s AND tablename = 'notes'",
        s=f"plugin_{plugin.name}",
    )
    assert owner == f"plugin_{plugin.name}"


async def test_migrations_are_recorded_with_their_checksums(
    resources: Resources, installed: Install
) -> None:
    second = ("0002_tags.sql", "-- up\nCREATE TABLE tags (name text);\n-- down\nDROP TABLE tags;")
    plugin = make_plugin("checksums", migrations=[NOTES_MIGRATION, second])
    await installed(plugin)
    async with resources.engine.connect() as connection:
        rows = (
            await connection.execute(
                text(
                    "SELECT filename, checksum FROM system.plugin_migrations"
                    " WHERE plugin_name = :n ORDER BY filename"
                ),
                {"n": plugin.name},
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        (NOTES_MIGRATION[0], hashlib.sha256(NOTES_MIGRATION[1].encode()).hexdigest()),
        (second[0], hashlib.sha256(second[1].encode()).hexdigest()),
    ]


async def test_install_writes_the_registry_row_and_one_audit_row(
    resources: Resources, installed: Install
) -> None:
    plugin = make_plugin("registry")
    result = await installed(plugin)
    async with resources.engine.connect() as connection:
        row = (
            await connection.execute(
                text(
                    "SELECT id::text, version, display_name, status, checksum, signature,"
                    " manifest FROM system.plugin_registry WHERE name = :n"
                ),
                {"n": plugin.name},
            )
        ).one()
        audit = (
            await connection.execute(
                text(
                    "SELECT action, resource_type, resource_id, details FROM audit.audit_log"
                    " WHERE id = :id"
                ),
                {"id": result.audit_id},
            )
        ).one()
    assert tuple(row) == (
        result.registry_id,
        "1.0.0",
        "Test registry",
        "installed",
        "ab" * 32,
        "cd" * 64,
        {"display_name": "Test registry"},
    )
    assert tuple(audit)[:3] == ("plugin.install", "plugin", plugin.name)
    assert audit.details["migrations"] == ["0001_init.sql"]


async def test_progress_reports_each_step(installed: Install) -> None:
    steps: list[str] = []
    await installed(make_plugin("progress"), progress=steps.append)
    assert steps[:3] == ["creating role", "creating schema", "isolating the database"]
    assert "applying 0001_init.sql" in steps
    assert steps[-2:] == ["registering the plugin", "installed"]


async def test_installing_twice_is_refused(resources: Resources, installed: Install) -> None:
    plugin = make_plugin("twice")
    await installed(plugin)
    with pytest.raises(PluginAlreadyInstalled) as refused:
        await installed(plugin)
    assert refused.value.code == "PLUGIN_ALREADY_INSTALLED"
    assert await _leftovers(resources, plugin.name) == {
        "role": 1,
        "schema": 1,
        "registry": 1,
        "migrations": 1,
    }


async def test_failed_migration_leaves_nothing_and_names_the_file(
    resources: Resources, installed: Install
) -> None:
    plugin = make_plugin("badmigration", migrations=BROKEN_SECOND)
    with pytest.raises(PluginInstallFailed) as failed:
        await installed(plugin)
    error = failed.value
    assert error.code == "PLUGIN_INSTALL_FAILED"
    assert error.step == "applying 0002_broken.sql"
    assert error.filename == "0002_broken.sql"
    assert 'type "nosuchtype" does not exist' in error.reason
    assert "0002_broken.sql" in str(error)
    assert await _leftovers(resources, plugin.name) == NOTHING


async def test_migration_that_lifts_its_statement_timeout_is_stopped_and_undone(
    resources: Resources, installed: Install
) -> None:
    endless = (
        "0002_endless.sql",
        "-- up\nSET statement_timeout = 0;\nSELECT pg_sleep(30);\n-- down\nSELECT 1;\n",
    )
    plugin = make_plugin("endless", migrations=[NOTES_MIGRATION, endless])
    with pytest.raises(PluginInstallFailed, match="ran longer than 1 s") as failed:
        await installed(plugin, migration_timeout_s=1.0)
    assert failed.value.filename == "0002_endless.sql"
    assert await _leftovers(resources, plugin.name) == NOTHING


async def test_failing_install_hook_leaves_nothing(
    resources: Resources, installed: Install, database_url: str, secret: str
) -> None:
    plugin = make_plugin("badhook")
    seen: list[int] = []

    async def hook(role_url: str) -> None:
        # The hook gets the plugin's own login, and may leave a session open when it fails.
        connection = await connect_as(database_url, plugin.name, secret)
        seen.append(await connection.fetchval("SELECT count(*) FROM notes"))
        raise RuntimeError("the install hook could not seed its data")

    with pytest.raises(PluginInstallFailed) as failed:
        await installed(plugin, on_installed=hook)
    assert seen == [1]
    assert failed.value.step == "running the install hook"
    assert "could not seed its data" in failed.value.reason
    assert await _leftovers(resources, plugin.name) == NOTHING


async def test_install_over_data_kept_by_an_uninstall_is_refused_and_keeps_it(
    resources: Resources, installed: Install
) -> None:
    from subgraphs.plugins.engine import uninstall

    plugin = make_plugin("leftover")
    await installed(plugin)
    await uninstall(resources.engine, plugin.name, keep_data=True)
    with pytest.raises(PluginInstallFailed, match="keep_data") as failed:
        await installed(plugin)
    assert failed.value.step == "checking for leftovers"
    assert await _leftovers(resources, plugin.name) == {
        "role": 1,
        "schema": 1,
        "registry": 0,
        "migrations": 1,
    }


async def test_two_installs_of_one_plugin_at_once_leave_exactly_one(
    resources: Resources, installed: Install
) -> None:
    plugin = make_plugin("race")
    outcomes = await asyncio.gather(installed(plugin), installed(plugin), return_exceptions=True)
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(failures) == 1
    assert isinstance(failures[0], (PluginInstallFailed, PluginAlreadyInstalled))
    assert await _leftovers(resources, plugin.name) == {
        "role": 1,
        "schema": 1,
        "registry": 1,
        "migrations": 1,
    }
