"""One-shot actions: a fresh sandboxed process runs one SDL, hook, task or update and exits,
its outcome (or why it failed, or that it ran out of time) coming back to the platform."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import pytest_asyncio

from core import db
from core.resources import Resources
from subgraphs.plugins.engine import Plugin, install, role_url
from subgraphs.plugins.runtime import (
    PluginActionFailed,
    ProcessSpec,
    plugin_sdl,
    run_action,
    run_hook,
    run_task,
    run_update,
)
from subgraphs.plugins.runtime.protections import landlock
from tests.subgraphs.plugins.engine.conftest import plugin_name, remove_if_present

from .conftest import FIXTURES, Start, fixture_spec, query

EVENTS = (
    "0001_events.sql",
    "-- up\nCREATE TABLE events (id serial PRIMARY KEY, hook text NOT NULL, detail text NOT NULL,"
    " role text NOT NULL, version text NOT NULL);\n-- down\nDROP TABLE events;\n",
)
REPO_ROOT = Path(__file__).resolve().parents[4]
AUDIT = {"filename": "0002_audit.sql", "up": "CREATE TABLE audit (note text NOT NULL);"}


@pytest.fixture
def actions(platform_secret: str, runtime_dirs: Callable[[], Path]) -> Callable[..., ProcessSpec]:
    """`actions(**settings)`: a spec of `fixture_actions` (no database) in a fresh runtime dir."""

    def make(**settings: Any) -> ProcessSpec:
        return fixture_spec("fixture_actions", runtime_dirs(), platform_secret, settings=settings)

    return make


class Installed:
    """`fixture_actions`, copied under a per-run name and installed: its role, its schema and
    its `events` table are real."""

    def __init__(self, name: str, plugin_dir: Path, secret: str, database_url: str) -> None:
        self.name = name
        self.plugin_dir = plugin_dir
        self.secret = secret
        self.database_url = database_url

    def spec(self, runtime_dir: Path, **settings: Any) -> ProcessSpec:
        return ProcessSpec.for_plugin(
            self.name,
            self.plugin_dir,
            runtime_dir,
            platform_secret=self.secret,
            database_url=role_url(self.database_url, self.name, self.secret),
            settings=settings,
        )

    async def fetch(self, sql: str) -> list[asyncpg.Record]:
        """`sql` as the platform's admin, with the plugin's schema first on the search_path."""
        connection = await asyncpg.connect(db.plain_url(self.database_url))
        try:
            await connection.execute(f"SET search_path = plugin_{self.name}")
            return list(await connection.fetch(sql))
        finally:
            await connection.close()


@pytest_asyncio.fixture
async def installed(
    resources: Resources, database_url: str, platform_secret: str, tmp_path: Path
) -> AsyncIterator[Installed]:
    name = plugin_name("act")
    plugin_dir = tmp_path / name
    shutil.copytree(FIXTURES / "fixture_actions" / "fixture_actions", plugin_dir / name)
    shutil.copy(FIXTURES / "fixture_actions" / "plugin.yaml", plugin_dir / "plugin.yaml")
    plugin = Plugin.from_files(
        name,
        "1.2.0",
        {"display_name": "Actions"},
        [EVENTS],
        checksum="ab" * 32,
        signature="cd" * 64,
    )
    await install(resources.engine, database_url, plugin, secret=platform_secret)
    try:
        yield Installed(name, plugin_dir, platform_secret, database_url)
    finally:
        await remove_if_present(resources, name)


async def test_sdl_is_what_the_served_subgraph_answers_and_leaves_the_serving_process_alone(
    start_plugin: Start, platform_secret: str, runtime_dirs: Callable[[], Path]
) -> None:
    spec = fixture_spec("fixture_actions", runtime_dirs(), platform_secret)
    process = await start_plugin(spec)
    sdl = await plugin_sdl(spec, timeout=60)
    assert sdl == process.sdl
    assert 'type Gadget @key(fields: "id")' in sdl
    assert spec.socket.exists()
    result = await query(process, '{ fixtureGadget(id: "7") { label } }', platform_secret)
    assert result == {"data": {"fixtureGadget": {"label": "gadget 7"}}}


async def test_sdl_runs_without_a_runtime_dir_made_beforehand(
    actions: Callable[..., ProcessSpec],
) -> None:
    spec = actions()
    shutil.rmtree(spec.runtime_dir)
    assert "fixtureGadget(id: ID!): Gadget!" in await plugin_sdl(spec, timeout=60)
    assert not spec.socket.exists()


async def test_a_tasks_result_comes_back_with_anything_not_json_as_its_str(
    actions: Callable[..., ProcessSpec],
) -> None:
    result = await run_task(actions(per_page=5), "tasks.summary", cpu_seconds=10, timeout=60)
    assert result == {
        "name": "fixture_actions",
        "version": "1.2.0",
        "settings": {"per_page": 5},
        "has_database": False,
        "environment_has_key": False,
        "at": "2026-01-02 03:04:05+00:00",
    }


async def test_a_one_shot_run_is_sandboxed_before_the_plugin_is_imported(
    actions: Callable[..., ProcessSpec],
) -> None:
    spec = actions(path=str(REPO_ROOT / "pyproject.toml"), megabytes=400)
    outcome = await run_task(spec, "tasks.probe", cpu_seconds=10, timeout=60)
    assert outcome["allocate"] == "refused:MemoryError"  # RLIMIT_AS, 256 MiB by default
    if landlock().in_force:
        assert outcome["read"] == "refused:PermissionError"
    else:
        print("Landlock not in force on this machine: the repository read is not checked")


async def test_what_a_plugin_prints_does_not_spoil_its_result(
    actions: Callable[..., ProcessSpec],
) -> None:
    assert await run_task(actions(), "tasks.noisy", cpu_seconds=10, timeout=60) == "quiet"


async def test_a_failing_hook_raises_plugin_action_failed_with_the_plugins_code(
    actions: Callable[..., ProcessSpec],
) -> None:
    with pytest.raises(PluginActionFailed) as failed:
        await run_hook(actions(fail="activate"), "activate", timeout=60)
    assert failed.value.code == "PLUGIN_ACTION_FAILED"
    assert failed.value.plugin_code == "FIXTURE_REFUSED"
    assert failed.value.reason == "Refused: activate refused on purpose"
    assert not failed.value.timed_out


async def test_a_hook_failing_without_a_code_is_reported_with_its_exception_type(
    actions: Callable[..., ProcessSpec],
) -> None:
    with pytest.raises(PluginActionFailed) as failed:
        await run_hook(actions(fail="deactivate-plain"), "deactivate", timeout=60)
    assert failed.value.code == "PLUGIN_ACTION_FAILED"
    assert failed.value.plugin_code is None
    assert failed.value.reason == "ValueError: no code on this one"
    assert "Traceback" not in str(failed.value)


async def test_a_hook_the_plugin_does_not_define_succeeds(
    platform_secret: str, runtime_dirs: Callable[[], Path]
) -> None:
    spec = fixture_spec("fixture_routes", runtime_dirs(), platform_secret)
    await run_hook(spec, "install", timeout=60)  # no PluginActionFailed


async def test_a_cpu_burning_task_is_killed_and_reported_timed_out(
    actions: Callable[..., ProcessSpec],
) -> None:
    started = time.monotonic()
    with pytest.raises(PluginActionFailed) as failed:
        await run_task(actions(), "tasks.burn", cpu_seconds=1, timeout=60)
    assert failed.value.timed_out
    assert failed.value.code == "PLUGIN_ACTION_TIMED_OUT"
    assert "CPU time" in failed.value.reason
    assert time.monotonic() - started < 30


async def test_past_its_wall_clock_timeout_the_process_is_killed(
    actions: Callable[..., ProcessSpec],
) -> None:
    spec = actions()
    started = time.monotonic()
    with pytest.raises(PluginActionFailed) as failed:
        await run_task(spec, "tasks.sleep", cpu_seconds=10, timeout=4)
    assert failed.value.timed_out
    assert "ran longer than 4 s" in failed.value.reason
    assert time.monotonic() - started < 15
    pid = int((spec.home / "sleeper.pid").read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


@pytest.mark.parametrize(
    ("action", "exit_code", "last_line"),
    [
        ({"action": "task", "function": "tasks.noisy", "cpu_seconds": 5}, 0, {"ok": True}),
        (
            {"action": "hook", "hook": "activate"},
            1,
            {"ok": False, "code": "FIXTURE_REFUSED", "source": "plugin"},
        ),
        ({"action": "nope"}, 2, {"ok": False, "code": "PLUGIN_RUNNER_CONFIG", "source": "runner"}),
    ],
)
def test_the_runner_ends_with_one_json_line_and_an_exit_code_scripts_can_trust(
    actions: Callable[..., ProcessSpec],
    action: dict[str, Any],
    exit_code: int,
    last_line: dict[str, Any],
) -> None:
    spec = actions(fail="activate")
    spec.home.mkdir(parents=True)
    environment = {**spec.environment(), "ALTHAUS_PLUGIN_ACTION": json.dumps(action)}
    done = subprocess.run(
        spec.command(), env=environment, cwd=spec.home, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == exit_code, done.stderr
    assert len(done.stdout.splitlines()) == 1  # what the plugin printed went to stderr
    outcome = json.loads(done.stdout)
    assert {key: outcome[key] for key in last_line} == last_line
    assert "Traceback" not in done.stdout


async def test_an_unknown_action_is_refused_by_the_runner(
    actions: Callable[..., ProcessSpec],
) -> None:
    with pytest.raises(PluginActionFailed) as failed:
        await run_action(actions(), {"action": "explode"}, timeout=60)
    assert failed.value.code == "PLUGIN_RUNNER_CONFIG"
    assert failed.value.plugin_code is None


async def test_a_plugin_that_cannot_be_imported_fails_with_import_failed(
    platform_secret: str, runtime_dirs: Callable[[], Path], tmp_path: Path
) -> None:
    (tmp_path / "fixture_broken").mkdir()
    (tmp_path / "fixture_broken" / "__init__.py").write_text("raise ImportError('half-written')\n")
    spec = ProcessSpec.for_plugin(
        "fixture_broken", tmp_path, runtime_dirs(), platform_secret=platform_secret
    )
    with pytest.raises(PluginActionFailed) as failed:
        await plugin_sdl(spec, timeout=60)
    assert failed.value.code == "PLUGIN_IMPORT_FAILED"
    assert "ImportError: half-written" in failed.value.reason


async def test_install_hook_runs_as_the_plugins_role_and_writes_to_its_schema(
    installed: Installed, runtime_dirs: Callable[[], Path]
) -> None:
    await run_hook(installed.spec(runtime_dirs()), "install", timeout=60)
    rows = await installed.fetch("SELECT hook, role, version FROM events")
    assert [tuple(row) for row in rows] == [("install", f"plugin_{installed.name}", "1.2.0")]


async def test_uninstall_hook_is_told_whether_data_is_kept_and_tasks_read_its_schema(
    installed: Installed, runtime_dirs: Callable[[], Path]
) -> None:
    spec = installed.spec(runtime_dirs())
    await run_hook(spec, "uninstall", timeout=60, keep_data=True)
    events = await run_task(spec, "tasks.events", cpu_seconds=10, timeout=60)
    assert events == [["uninstall", "keep_data=True", f"plugin_{installed.name}", "1.2.0"]]


async def test_an_update_applies_its_migrations_and_hook_in_one_transaction(
    installed: Installed, runtime_dirs: Callable[[], Path]
) -> None:
    await run_update(installed.spec(runtime_dirs()), "1.0.0", [AUDIT], timeout=60)
    assert [row["note"] for row in await installed.fetch("SELECT note FROM audit")] == [
        "from 1.0.0"
    ]
    assert [row["hook"] for row in await installed.fetch("SELECT hook FROM events")] == ["update"]


async def test_an_update_whose_hook_fails_leaves_the_new_migrations_table_absent(
    installed: Installed, runtime_dirs: Callable[[], Path]
) -> None:
    with pytest.raises(PluginActionFailed) as failed:
        await run_update(installed.spec(runtime_dirs(), fail="update"), "1.0.0", [AUDIT], 60)
    assert failed.value.plugin_code == "FIXTURE_REFUSED"
    missing = await installed.fetch(f"SELECT to_regclass('plugin_{installed.name}.audit') AS t")
    assert missing[0]["t"] is None


async def test_an_update_whose_migration_fails_names_it_and_applies_none(
    installed: Installed, runtime_dirs: Callable[[], Path]
) -> None:
    broken = {"filename": "0003_broken.sql", "up": "ALTER TABLE nowhere ADD COLUMN x int;"}
    with pytest.raises(PluginActionFailed) as failed:
        await run_update(installed.spec(runtime_dirs()), "1.0.0", [AUDIT, broken], timeout=60)
    assert failed.value.code == "PLUGIN_MIGRATION_FAILED"
    assert failed.value.reason.startswith("0003_broken.sql: UndefinedTableError")
    missing = await installed.fetch(f"SELECT to_regclass('plugin_{installed.name}.audit') AS t")
    assert missing[0]["t"] is None
