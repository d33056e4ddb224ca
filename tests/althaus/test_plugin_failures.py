"""What goes wrong in a plugin's lifecycle leaves the platform as it was, and says why.

Each plugin here is scaffolded by `althaus plugin new` under a name of its own for this run
(roles are server-wide), changed to fail in one way, packed and signed by a trusted key.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text

from core import supergraph_versions as versions
from core.config import Settings
from core.resources import Resources
from subgraphs.plugins.package import pack_plugin
from subgraphs.plugins.package.scaffold import scaffold

from .plugin_platform import Dev, audit_actions, forget, publisher, running_platform, until

__all__ = ["publisher"]

RUN = secrets.token_hex(3)
NAMES = [f"fx{kind}{RUN}" for kind in ("nocompose", "hook", "sql", "upd", "crash", "pa", "pb")]


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def dev(
    settings: Settings, resources: Resources, publisher: Ed25519PrivateKey
) -> AsyncIterator[Dev]:
    async for platform in running_platform(settings, resources, publisher, *NAMES):
        yield platform


@pytest.fixture
def workdir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path


def make_plugin(
    parent: Path,
    name: str,
    *,
    version: str = "0.1.0",
    body: str | None = None,
    migrations: dict[str, str] | None = None,
) -> Path:
    """A scaffolded plugin; `body` replaces its package's code, `migrations` adds files."""
    root = scaffold(name, parent / version)
    manifest = root / "plugin.yaml"
    manifest.write_text(manifest.read_text().replace("version: 0.1.0", f"version: {version}"))
    if body is not None:
        (root / name / "__init__.py").write_text(body)
    for filename, sql in (migrations or {}).items():
        (root / "migrations" / filename).write_text(sql)
    return root


def package(publisher: Ed25519PrivateKey, root: Path) -> bytes:
    return pack_plugin(root, publisher).archive


def field_module(field: str, returns: str = "str", value: str = '"ok"', extra: str = "") -> str:
    return f"""
from __future__ import annotations

import os

import strawberry

from plugins.sdk import PluginContext


@strawberry.type
class Query:
    @strawberry.field
    def {field}(self) -> {returns}:
        return {value}
{extra}
"""


async def install(dev: Dev, archive: bytes) -> dict[str, Any]:
    events = await dev.operator("install", archive)
    return events[-1]


async def registry_has(resources: Resources, name: str) -> bool:
    async with resources.engine.connect() as conn:
        found = await conn.execute(
            text("SELECT 1 FROM system.plugin_registry WHERE name = :n"), {"n": name}
        )
        return found.first() is not None


async def role_exists(resources: Resources, name: str) -> bool:
    async with resources.engine.connect() as conn:
        found = await conn.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": f"plugin_{name}"}
        )
        return found.first() is not None


async def latest_version(resources: Resources) -> int | None:
    async with resources.engine.connect() as conn:
        latest = await versions.latest(conn)
    return latest.version if latest else None


async def test_a_schema_that_does_not_compose_is_refused_at_install_with_its_code(
    dev: Dev, resources: Resources, publisher: Ed25519PrivateKey, workdir: Path
) -> None:
    name = NAMES[0]
    # `me` is the users subgraph's root field (type User); a second, non-shareable `me: String`
    # cannot compose.
    root = make_plugin(workdir, name, body=field_module("me"))
    before = await latest_version(resources)
    result = await install(dev, package(publisher, root))
    assert result["ok"] is False
    assert result["code"] == "PLUGIN_COMPOSITION_FAILED"
    assert {d["code"] for d in result["details"]} & {
        "INVALID_FIELD_SHARING",
        "FIELD_TYPE_MISMATCH",
    }, result
    assert not await registry_has(resources, name)
    assert not await role_exists(resources, name)
    assert await latest_version(resources) == before
    still = await dev.graphql("{ me { role } }", dev.editor_token)
    assert still == {"data": {"me": {"role": "editor"}}}


async def test_a_failing_install_hook_undoes_the_install(
    dev: Dev, resources: Resources, publisher: Ed25519PrivateKey, workdir: Path
) -> None:
    name = NAMES[1]
    hook = (
        "\n\nclass HookRefused(Exception):\n    code = 'HOOK_REFUSED'\n\n\n"
        "async def install(context: PluginContext) -> None:\n"
        "    raise HookRefused('the install hook says no')\n"
    )
    root = make_plugin(workdir, name, body=field_module(f"{name}hi", extra=hook))
    result = await install(dev, package(publisher, root))
    assert result["ok"] is False and result["code"] == "PLUGIN_INSTALL_FAILED", result
    assert "install hook" in result["error"] and "the install hook says no" in result["error"]
    assert not await registry_has(resources, name)
    assert not await role_exists(resources, name)


async def test_a_failing_migration_undoes_the_install_and_names_the_file(
    dev: Dev, resources: Resources, publisher: Ed25519PrivateKey, workdir: Path
) -> None:
    name = NAMES[2]
    bad = "-- up\nCREATE TABLE broken (id int REFERENCES nowhere (id));\n-- down\nSELECT 1;\n"
    root = make_plugin(
        workdir,
        name,
        body=field_module(f"{name}hi"),
        migrations={"0002_broken.sql": bad},
    )
    result = await install(dev, package(publisher, root))
    assert result["ok"] is False and result["code"] == "PLUGIN_INSTALL_FAILED", result
    assert "0002_broken.sql" in result["error"]
    assert not await registry_has(resources, name)
    assert not await role_exists(resources, name)


async def test_a_failed_update_leaves_schema_registry_and_running_version_intact(
    dev: Dev, resources: Resources, publisher: Ed25519PrivateKey, workdir: Path
) -> None:
    name = NAMES[3]
    field = f"{name}version"
    first = make_plugin(workdir, name, body=field_module(field, value='"one"'))
    assert (await install(dev, package(publisher, first)))["ok"] is True
    await dev.graphql(
        f'mutation {{ activatePlugin(name: "{name}") {{ status }} }}', dev.admin_token
    )

    async def answers(expected: str) -> bool:
        got = await dev.graphql(f"{{ {field} }}")
        return got.get("data") == {field: expected}

    ok = await until(lambda: answers("one"), 10)
    assert ok, await dev.graphql(f"{{ {field} }}")

    failing_hook = (
        "\n\nasync def update(context: PluginContext, old_version: str) -> None:\n"
        "    raise RuntimeError('update hook refuses ' + old_version)\n"
    )
    new_table = (
        "-- up\nCREATE TABLE notes (id bigserial PRIMARY KEY);\n-- down\nDROP TABLE notes;\n"
    )
    second = make_plugin(
        workdir,
        name,
        version="0.2.0",
        body=field_module(field, value='"two"', extra=failing_hook),
        migrations={"0002_notes.sql": new_table},
    )
    events = await dev.operator("update", package(publisher, second))
    assert events[-1]["ok"] is False and events[-1]["code"] == "PLUGIN_UPDATE_FAILED", events
    assert "update hook refuses 0.1.0" in events[-1]["error"]
    async with resources.engine.connect() as conn:
        table = await conn.execute(text(f"SELECT to_regclass('plugin_{name}.notes')"))
        assert table.scalar_one() is None  # the migration was rolled back with the hook
        row = await conn.execute(
            text("SELECT version, status FROM system.plugin_registry WHERE name = :n"), {"n": name}
        )
        assert tuple(row.one()) == ("0.1.0", "active")
    assert await answers("one")

    third = make_plugin(
        workdir,
        name,
        version="0.3.0",
        body=field_module(field, value='"three"'),
        migrations={"0002_notes.sql": new_table},
    )
    events = await dev.operator("update", package(publisher, third))
    assert events[-1]["ok"] is True, events
    assert events[-1]["result"]["version"] == "0.3.0"
    assert await until(lambda: answers("three"), 10)
    async with resources.engine.connect() as conn:
        table = await conn.execute(text(f"SELECT to_regclass('plugin_{name}.notes')"))
        assert table.scalar_one() is not None
    assert (await audit_actions(resources, name))[-1] == "plugin.update"


async def test_a_plugin_crashing_in_a_loop_is_deactivated_and_the_reason_kept(
    dev: Dev, resources: Resources, publisher: Ed25519PrivateKey, workdir: Path
) -> None:
    name = NAMES[4]
    field = f"{name}crash"
    root = make_plugin(workdir, name, body=field_module(field, "int", "os._exit(7)"))
    assert (await install(dev, package(publisher, root)))["ok"] is True
    await dev.graphql(
        f'mutation {{ activatePlugin(name: "{name}") {{ status }} }}', dev.admin_token
    )

    async def status() -> str:
        answer = await dev.graphql(
            f'{{ plugin(name: "{name}") {{ status error {{ code message }} }} }}', dev.admin_token
        )
        return str(answer["data"]["plugin"]["status"])

    async def crashed_for_good() -> bool:
        # Each query kills the process; the supervisor restarts it until it gives up.
        await dev.graphql(f"{{ {field} }}")
        return await status() == "FAILED"

    assert await until(crashed_for_good, 20)
    answer = await dev.graphql(
        f'{{ plugin(name: "{name}") {{ error {{ code message }} health {{ running }} }} }}',
        dev.admin_token,
    )
    plugin = answer["data"]["plugin"]
    assert plugin["error"]["code"] == "PLUGIN_CRASH_LOOP"
    assert "exited with code 7" in plugin["error"]["message"]
    assert plugin["health"] == {"running": False}
    assert "plugin.crashed" in await audit_actions(resources, name)

    async def field_gone() -> bool:
        got = await dev.graphql(f"{{ {field} }}")
        return bool(got.get("errors")) and got["errors"][0]["extensions"]["code"] == (
            "GRAPHQL_VALIDATION_FAILED"
        )

    assert await until(field_gone, 10)


async def test_activation_that_does_not_compose_marks_the_plugin_failed_and_keeps_serving(
    dev: Dev, resources: Resources, publisher: Ed25519PrivateKey, workdir: Path
) -> None:
    first, second = NAMES[5], NAMES[6]
    shared = f"fxshared{RUN}"
    # Each composes alone (so both install), but they give one field two types.
    for name, returns, value in ((first, "str", f'"{first}"'), (second, "int", "2")):
        root = make_plugin(workdir, name, body=field_module(shared, returns, value))
        assert (await install(dev, package(publisher, root)))["ok"] is True
    await dev.graphql(
        f'mutation {{ activatePlugin(name: "{first}") {{ status }} }}', dev.admin_token
    )

    async def serves_first() -> bool:
        return (await dev.graphql(f"{{ {shared} }}")).get("data") == {shared: first}

    assert await until(serves_first, 10)
    before = await latest_version(resources)
    refused = await dev.graphql(
        f'mutation {{ activatePlugin(name: "{second}") {{ status }} }}', dev.admin_token
    )
    assert "errors" in refused, refused
    error = refused["errors"][0]
    assert error["extensions"]["code"] == "PLUGIN_ACTIVATION_FAILED", refused
    assert any(d["code"] == "FIELD_TYPE_MISMATCH" for d in error["extensions"]["details"])
    assert await latest_version(resources) == before
    assert await serves_first()
    shown = await dev.graphql(
        f'{{ plugin(name: "{second}") {{ status error {{ code details {{ code }} }} }} }}',
        dev.admin_token,
    )
    plugin = shown["data"]["plugin"]
    assert plugin["status"] == "FAILED"
    assert plugin["error"]["code"] == "SUPERGRAPH_COMPOSITION_FAILED"
    assert "FIELD_TYPE_MISMATCH" in {d["code"] for d in plugin["error"]["details"]}
    await forget(resources, second)


async def test_an_unsigned_package_is_refused_outside_development(
    dev: Dev, resources: Resources, workdir: Path
) -> None:
    name = f"fxunsigned{RUN}"
    archive = pack_plugin(make_plugin(workdir, name), None).archive
    plain = await dev.operator("install", archive)
    assert plain[-1]["ok"] is False and plain[-1]["code"] == "PLUGIN_UNSIGNED", plain
    asked = await dev.operator("install", archive, allow_unsigned="true")
    assert asked[-1]["ok"] is False and "ALTHAUS_ENV=development" in asked[-1]["error"], asked
    assert not await registry_has(resources, name)
