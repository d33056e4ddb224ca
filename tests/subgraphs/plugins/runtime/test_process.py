"""A well-behaved plugin (the `althaus plugin new` scaffold) served in its own process."""

from __future__ import annotations

import os
import time
from pathlib import Path

import jwt
import pytest

from core.security import internal_token
from core.security.principal import Principal
from subgraphs.plugins.package.scaffold import scaffold
from subgraphs.plugins.runtime import ProcessSpec
from supergraph.transport.base import TransportError
from supergraph.transport.http import HttpTransport

from .conftest import Start, query


@pytest.fixture
def scaffolded(tmp_path: Path) -> Path:
    return scaffold("hello_rt", tmp_path)


@pytest.fixture
def spec(scaffolded: Path, platform_secret: str, runtime_dirs) -> ProcessSpec:  # type: ignore[no-untyped-def]
    return ProcessSpec.for_plugin(
        "hello_rt", scaffolded, runtime_dirs(), platform_secret=platform_secret
    )


async def send_with(spec: ProcessSpec, headers: dict[str, str]) -> bytes:
    transport = HttpTransport(spec.audience, spec.url, timeout=10)
    try:
        return await transport.send(b'{"query": "{ helloRtHello }"}', headers)
    finally:
        await transport.close()


async def test_scaffold_serves_its_sdl_over_its_unix_socket(
    start_plugin: Start, spec: ProcessSpec
) -> None:
    process = await start_plugin(spec)
    assert 'helloRtHello(name: String! = "world"): String!' in process.sdl
    assert spec.url == f"unix://{spec.runtime_dir}/plugin.sock"


async def test_scaffold_answers_a_query_with_a_token_minted_from_the_platform_secret(
    start_plugin: Start, spec: ProcessSpec, platform_secret: str
) -> None:
    process = await start_plugin(spec)
    result = await query(process, '{ helloRtHello(name: "Ann") }', platform_secret)
    assert result == {"data": {"helloRtHello": "Hello, Ann, from hello_rt!"}}


async def test_request_without_token_is_refused_with_401(
    start_plugin: Start, spec: ProcessSpec
) -> None:
    await start_plugin(spec)
    with pytest.raises(TransportError) as refused:
        await send_with(spec, {"content-type": "application/json"})
    assert refused.value.status == 401


async def test_token_for_another_plugin_is_refused_with_401(
    start_plugin: Start, spec: ProcessSpec, platform_secret: str
) -> None:
    await start_plugin(spec)
    token = internal_token.mint(Principal(), "plugin_other", platform_secret)
    with pytest.raises(TransportError) as refused:
        await send_with(spec, {"content-type": "application/json", internal_token.HEADER: token})
    assert refused.value.status == 401


async def test_token_signed_with_the_platform_secret_itself_is_refused_with_401(
    start_plugin: Start, spec: ProcessSpec, platform_secret: str
) -> None:
    await start_plugin(spec)
    now = int(time.time())
    claims = {"iss": internal_token.ISSUER, "aud": spec.audience, "iat": now, "exp": now + 60}
    token = jwt.encode(claims, platform_secret.encode(), algorithm="HS256")
    with pytest.raises(TransportError) as refused:
        await send_with(spec, {"content-type": "application/json", internal_token.HEADER: token})
    assert refused.value.status == 401


async def test_stop_ends_the_process_and_removes_its_socket(
    start_plugin: Start, spec: ProcessSpec
) -> None:
    process = await start_plugin(spec)
    pid = process.pid
    assert pid is not None
    await process.stop()
    assert not process.running
    assert not spec.socket.exists()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


async def test_protections_are_reported_once_ready(start_plugin: Start, spec: ProcessSpec) -> None:
    process = await start_plugin(spec)
    assert process.protections["rlimit_as_mb"] == spec.memory_mb
    assert process.protections["no_new_privs"] is True
    assert process.protections["no_core_dumps"] is True
