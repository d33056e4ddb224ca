"""`althaus plugin doctor`: which protections a plugin's process gets on this machine."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from althaus.commands.plugin import command

from .conftest import Start


def doctor_lines() -> dict[str, str]:
    result = CliRunner().invoke(command, ["doctor"])
    assert result.exit_code == 0, result.output
    lines = {}
    for line in result.output.splitlines():
        name, rest = line.split(None, 1)
        lines[name] = rest
    return lines


def test_doctor_lists_every_protection() -> None:
    lines = doctor_lines()
    assert set(lines) == {
        "landlock",
        "rlimit_as",
        "cgroup_v2_memory_max",
        "no_new_privs",
        "scrubbed_environment",
        "postgres_role_isolation",
    }
    assert lines["rlimit_as"].startswith("yes")
    assert lines["postgres_role_isolation"].startswith("yes")


def test_doctor_reports_cgroup_v2_as_the_machine_has_it() -> None:
    unified = Path("/sys/fs/cgroup/cgroup.controllers").exists()
    line = doctor_lines()["cgroup_v2_memory_max"]
    assert line.startswith("no")
    if not unified:
        assert "no cgroup v2 unified hierarchy" in line


async def test_doctors_landlock_answer_matches_what_a_plugin_process_got(
    start_plugin: Start,
) -> None:
    process = await start_plugin("fixture_rogue")
    line = doctor_lines()["landlock"]
    applied = process.protections["landlock"] == "applied"
    assert line.startswith("yes") == applied
    if applied:
        assert f"ABI {process.protections['landlock_abi']}" in line
