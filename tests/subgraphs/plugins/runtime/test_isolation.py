"""A misbehaving plugin: each attempt to reach the platform's secrets or resources is refused,
and the plugin (and the platform) keep serving."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from core.security.principal import Principal
from subgraphs.plugins.runtime import PluginProcess, ProcessSpec

from .conftest import FIXTURES, query

REPO_ROOT = Path(__file__).resolve().parents[4]
PLATFORM_ONLY = (
    "DATABASE_URL",
    "REDIS_URL",
    "INTERNAL_TOKEN_SECRET",
    "JWT_PRIVATE_KEY",
    "ALTHAUS_DATA_DIR",
)
SECRET = secrets.token_hex(32)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def rogue() -> AsyncIterator[PluginProcess]:
    """`fixture_rogue`, started while the platform's own environment holds its secrets."""
    runtime = Path(tempfile.mkdtemp(prefix="althaus-rt-"))
    spec = ProcessSpec.for_plugin(
        "fixture_rogue", FIXTURES / "fixture_rogue", runtime, platform_secret=SECRET, memory_mb=192
    )
    saved = {key: os.environ.get(key) for key in PLATFORM_ONLY}
    os.environ.update({key: f"platform-{key.lower()}" for key in PLATFORM_ONLY})
    process = PluginProcess(spec)
    try:
        await process.start()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    try:
        await process.wait_ready(30)
        yield process
    finally:
        await process.stop(grace=2)
        process.remove_runtime_dir()


def require_landlock(process: PluginProcess) -> None:
    if process.protections.get("landlock") != "applied":
        reason = f"Landlock not in force on this machine: {process.protections.get('landlock')}"
        print(reason)
        pytest.skip(reason)


async def ask(process: PluginProcess, document: str, **variables: object) -> object:
    result = await query(process, document, SECRET, variables=dict(variables))
    assert "errors" not in result, result
    return next(iter(result["data"].values()))


async def test_platform_secrets_are_not_in_the_plugins_environment(rogue: PluginProcess) -> None:
    names = await ask(rogue, "{ environmentNames }")
    assert isinstance(names, list) and "PATH" in names
    for key in (*PLATFORM_ONLY, "ALTHAUS_PLUGIN_TOKEN_KEY"):
        assert key not in names


async def test_a_secret_under_a_data_dir_cannot_be_read(
    rogue: PluginProcess, tmp_path: Path
) -> None:
    require_landlock(rogue)
    secret_file = tmp_path / ".data" / "secrets" / "internal_token_secret"
    secret_file.parent.mkdir(parents=True)
    secret_file.write_text("top secret")
    assert await ask(rogue, "query($p: String!) { readFile(path: $p) }", p=str(secret_file)) == (
        "refused:PermissionError"
    )


async def test_the_platforms_repository_files_cannot_be_read(rogue: PluginProcess) -> None:
    require_landlock(rogue)
    path = str(REPO_ROOT / "pyproject.toml")
    assert (
        await ask(rogue, "query($p: String!) { readFile(path: $p) }", p=path)
        == "refused:PermissionError"
    )


async def test_the_platforms_own_code_cannot_be_imported(rogue: PluginProcess) -> None:
    require_landlock(rogue)
    document = "query($m: String!) { importModule(name: $m) }"
    assert await ask(rogue, document, m="subgraphs.plugins.engine.credentials") == (
        "refused:PermissionError"
    )
    assert await ask(rogue, document, m="json.tool") == "imported"  # the standard library is fine


async def test_its_own_plugin_files_can_be_read(rogue: PluginProcess) -> None:
    path = str(FIXTURES / "fixture_rogue" / "plugin.yaml")
    answer = await ask(rogue, "query($p: String!) { readFile(path: $p) }", p=path)
    assert isinstance(answer, str) and answer.startswith("read:# A fixture plugin")


async def test_the_supervisors_environment_cannot_be_read_through_proc(
    rogue: PluginProcess,
) -> None:
    require_landlock(rogue)
    path = f"/proc/{os.getpid()}/environ"
    assert (
        await ask(rogue, "query($p: String!) { readFile(path: $p) }", p=path)
        == "refused:PermissionError"
    )


async def test_writing_outside_its_private_dir_is_refused(
    rogue: PluginProcess, tmp_path: Path
) -> None:
    require_landlock(rogue)
    target = tmp_path / "planted"
    assert await ask(rogue, "query($p: String!) { writeFile(path: $p) }", p=str(target)) == (
        "refused:PermissionError"
    )
    assert not target.exists()


async def test_writing_in_its_private_home_is_allowed(rogue: PluginProcess) -> None:
    target = rogue.spec.home / "scratch.txt"
    assert (
        await ask(rogue, "query($p: String!) { writeFile(path: $p) }", p=str(target)) == "written"
    )
    assert target.read_text() == "planted"


async def test_signalling_the_platform_is_refused(rogue: PluginProcess) -> None:
    abi = rogue.protections.get("landlock_abi") or 0
    if rogue.protections.get("landlock") != "applied" or abi < 6:
        reason = f"Landlock signal scoping needs ABI 6, this machine: {rogue.protections}"
        print(reason)
        pytest.skip(reason)
    assert await ask(rogue, "query($p: Int!) { signalProcess(pid: $p) }", p=os.getpid()) == (
        "refused:PermissionError"
    )


async def test_allocating_past_the_memory_limit_fails_and_the_plugin_keeps_serving(
    rogue: PluginProcess,
) -> None:
    assert await ask(rogue, "{ allocate(megabytes: 400) }") == "refused:MemoryError"
    assert await ask(rogue, "{ allocate(megabytes: 8) }") == f"allocated:{8 * 1024 * 1024}"
    assert rogue.running


async def test_resolvers_see_the_principal_from_the_token(rogue: PluginProcess) -> None:
    principal = Principal(sub="u-42", role="editor", kind="user")
    result = await query(rogue, "{ whoami }", SECRET, principal=principal)
    assert result == {"data": {"whoami": "editor:u-42"}}
