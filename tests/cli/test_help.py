"""Every command owned by the platform answers --help with a usage line and exit code 0."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from althaus.cli import cli


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["migrate"],
        ["serve"],
        ["dev"],
        ["user"],
        ["user", "create"],
        ["audit"],
        ["audit", "verify"],
    ],
)
def test_command_prints_help_and_exits_zero(args: list[str]) -> None:
    result = CliRunner().invoke(cli, [*args, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: ")
    assert "--help" in result.output


def test_serve_lists_every_service_in_its_help() -> None:
    output = CliRunner().invoke(cli, ["serve", "--help"]).output
    for service in ("gateway", "users", "system", "analytics", "plugins"):
        assert service in output


def test_serve_refuses_an_unknown_service_with_usage_exit_code() -> None:
    result = CliRunner().invoke(cli, ["serve", "billing"])
    assert result.exit_code == 2
    assert "billing" in result.output


def test_dev_help_says_the_gateway_serves_graphql() -> None:
    output = CliRunner().invoke(cli, ["dev", "--help"]).output
    assert "the gateway at /graphql" in output
    assert "once wired" not in output


def test_serving_analytics_says_it_is_not_in_this_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What README and `serve --help` promise; the check comes before any server is started.
    monkeypatch.setenv("ALTHAUS_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("althaus.commands.serve.resolve", lambda settings: settings)
    result = CliRunner().invoke(cli, ["serve", "analytics"])
    assert result.exit_code == 1
    assert "the analytics subgraph is not part of this build yet" in result.output
