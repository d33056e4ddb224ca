"""The process spec: the child's environment is built from nothing but what it needs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from core.security.internal_token import audience_key
from subgraphs.plugins.runtime import ProcessSpec, plugin_url

PLATFORM = {
    "PATH": "/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "DATABASE_URL": "postgresql://postgres@127.0.0.1/postgres",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "INTERNAL_TOKEN_SECRET": "s" * 64,
    "JWT_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----",
    "ALTHAUS_DATA_DIR": "/srv/althaus/.data",
    "AWS_SECRET_ACCESS_KEY": "nope",
}


def spec(tmp_path: Path, secret: str = "k" * 64) -> ProcessSpec:
    return ProcessSpec.for_plugin(
        "notes", tmp_path / "notes", tmp_path / "rt", platform_secret=secret, settings={"a": 1}
    )


def test_environment_holds_only_the_plugins_own_variables(tmp_path: Path) -> None:
    env = spec(tmp_path).environment(PLATFORM)
    for key in ("DATABASE_URL", "REDIS_URL", "INTERNAL_TOKEN_SECRET", "JWT_PRIVATE_KEY"):
        assert key not in env
    assert "ALTHAUS_DATA_DIR" not in env and "AWS_SECRET_ACCESS_KEY" not in env
    assert env["PATH"] == "/usr/bin:/bin" and env["LANG"] == "C.UTF-8"
    assert env["HOME"] == str(tmp_path / "rt" / "home")
    assert json.loads(env["ALTHAUS_PLUGIN_SETTINGS"]) == {"a": 1}
    assert "k" * 64 not in "".join(env.values())


def test_token_key_is_derived_for_the_plugins_audience(tmp_path: Path) -> None:
    assert spec(tmp_path).token_key == audience_key("k" * 64, "plugin_notes").hex()


def test_url_is_the_unix_socket_form_the_gateway_reads(tmp_path: Path) -> None:
    assert plugin_url(spec(tmp_path)) == f"unix://{tmp_path}/rt/plugin.sock"


def test_runner_without_its_environment_exits_2_with_one_line(tmp_path: Path) -> None:
    plugin = spec(tmp_path)
    env = plugin.environment(PLATFORM)
    del env["ALTHAUS_PLUGIN_TOKEN_KEY"]
    done = subprocess.run(plugin.command(), env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr == "PLUGIN_RUNNER_CONFIG: ALTHAUS_PLUGIN_TOKEN_KEY is not set\n"


def test_the_gateway_url_and_key_reach_the_child_and_the_key_stays_out_of_the_repr(
    tmp_path: Path,
) -> None:
    plugin = ProcessSpec.for_plugin(
        "notes",
        tmp_path / "notes",
        tmp_path / "rt",
        platform_secret="k" * 64,
        gateway_url="http://127.0.0.1:4000/graphql",
        gateway_key="ak_0123abcd_secret-part",
    )
    env = plugin.environment(PLATFORM)
    assert env["ALTHAUS_PLUGIN_GATEWAY_URL"] == "http://127.0.0.1:4000/graphql"
    assert env["ALTHAUS_PLUGIN_GATEWAY_KEY"] == "ak_0123abcd_secret-part"
    assert "secret-part" not in repr(plugin)


def test_without_a_gateway_the_child_gets_empty_settings(tmp_path: Path) -> None:
    env = spec(tmp_path).environment(PLATFORM)
    assert env["ALTHAUS_PLUGIN_GATEWAY_URL"] == "" and env["ALTHAUS_PLUGIN_GATEWAY_KEY"] == ""
