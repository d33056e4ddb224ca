"""`althaus plugin new|keygen|pack|verify|trust`: exit codes 0/1/2 and one-line refusals."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from althaus.commands.plugin import command
from subgraphs.plugins.package.archive import build_archive
from tests.subgraphs.plugins.package.conftest import read_members

ROOT = Path(__file__).resolve().parents[3]
Plugin = Callable[..., Result]


@pytest.fixture
def plugin(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Plugin:
    """Run `althaus plugin ARGS` in-process, in tmp_path, on the run's database."""
    monkeypatch.chdir(tmp_path)
    env = {"DATABASE_URL": database_url, "ALTHAUS_ENV": "test", "ALTHAUS_DATA_DIR": str(tmp_path)}

    def run(*args: str, **overrides: str) -> Result:
        return CliRunner().invoke(command, list(args), env={**env, **overrides})

    return run


def _one_line_refusal(result: Result, code: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"althaus: {code}: ")


def test_shell_flow_keygen_trust_pack_verify_in_a_real_process(
    database_url: str, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALTHAUS_")}
    env.update(DATABASE_URL=database_url, ALTHAUS_ENV="test", ALTHAUS_DATA_DIR=str(tmp_path))

    def althaus(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "althaus.cli", "plugin", *args],
            cwd=tmp_path, env={**env, "PYTHONPATH": str(ROOT)},
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    for args in (
        ("new", "greeter"),
        ("keygen", "--out", "publisher.key"),
        ("trust", "add", "publisher.pub", "--name", "shell publisher"),
        ("pack", "greeter", "--key", "publisher.key", "--out", "greeter.althaus"),
    ):
        result = althaus(*args)
        assert result.returncode == 0, (args, result.stderr)
    verified = althaus("verify", "greeter.althaus")
    assert verified.returncode == 0, verified.stderr
    assert "OK greeter 0.1.0" in verified.stdout
    assert "signed by     shell publisher" in verified.stdout


def test_new_scaffolds_a_plugin_that_packs(plugin: Plugin, tmp_path: Path) -> None:
    assert plugin("new", "notes", "--dir", "work").exit_code == 0
    assert (tmp_path / "work" / "notes" / "notes" / "__init__.py").is_file()
    packed = plugin("pack", "work/notes", "--unsigned")
    assert packed.exit_code == 0, packed.output
    assert "UNSIGNED" in packed.output
    assert (tmp_path / "notes-0.1.0.althaus").is_file()


def test_new_refuses_a_bad_name_with_one_line(plugin: Plugin) -> None:
    _one_line_refusal(plugin("new", "Bad-Name"), "PLUGIN_MANIFEST_INVALID")


def test_keygen_refuses_to_overwrite(plugin: Plugin, tmp_path: Path) -> None:
    assert plugin("keygen").exit_code == 0
    assert (tmp_path / "publisher.pub").is_file()
    _one_line_refusal(plugin("keygen"), "PLUGIN_KEY_INVALID")


def test_pack_needs_a_key_or_unsigned(plugin: Plugin) -> None:
    plugin("new", "notes")
    assert plugin("pack", "notes").exit_code == 2
    assert plugin("pack", "no_such_dir", "--unsigned").exit_code == 2


def test_pack_refuses_an_invalid_manifest_listing_every_problem(
    plugin: Plugin, tmp_path: Path
) -> None:
    plugin("new", "notes")
    manifest = tmp_path / "notes" / "plugin.yaml"
    text = manifest.read_text().replace("memory_mb: 256", "memory_mb: 1")
    manifest.write_text(text.replace("version: 0.1.0", "version: one"))
    result = plugin("pack", "notes", "--unsigned")
    _one_line_refusal(result, "PLUGIN_MANIFEST_INVALID")
    assert "limits.memory_mb: must be >= 16" in result.output
    assert "version: 'one'" in result.output
    assert not list(tmp_path.glob("*.althaus"))


def test_verify_refuses_a_tampered_archive_and_writes_nothing(
    plugin: Plugin, tmp_path: Path
) -> None:
    plugin("new", "notes")
    plugin("keygen")
    assert plugin("trust", "add", "publisher.pub").exit_code == 0
    assert plugin("pack", "notes", "--key", "publisher.key", "--out", "n.althaus").exit_code == 0
    assert plugin("verify", "n.althaus").exit_code == 0
    files = read_members((tmp_path / "n.althaus").read_bytes())
    files["notes/__init__.py"] += b"# changed\n"
    (tmp_path / "n.althaus").write_bytes(build_archive(files))
    before = sorted(p.name for p in tmp_path.iterdir())
    _one_line_refusal(plugin("verify", "n.althaus"), "PLUGIN_CHECKSUM_MISMATCH")
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_verify_refuses_an_untrusted_publisher(plugin: Plugin) -> None:
    plugin("new", "notes")
    plugin("keygen", "--out", "stranger.key")
    plugin("pack", "notes", "--key", "stranger.key", "--out", "n.althaus")
    _one_line_refusal(plugin("verify", "n.althaus"), "PLUGIN_PUBLISHER_UNTRUSTED")


def test_allow_unsigned_only_in_development(plugin: Plugin) -> None:
    plugin("new", "notes")
    plugin("pack", "notes", "--unsigned", "--out", "n.althaus")
    _one_line_refusal(plugin("verify", "n.althaus"), "PLUGIN_UNSIGNED")
    assert plugin("verify", "n.althaus", "--allow-unsigned").exit_code == 2
    allowed = plugin("verify", "n.althaus", "--allow-unsigned", ALTHAUS_ENV="development")
    assert allowed.exit_code == 0, allowed.output
    assert "UNSIGNED" in allowed.output


def test_trust_list_shows_the_bundled_key_and_added_ones_and_remove_drops_them(
    plugin: Plugin,
) -> None:
    plugin("keygen", "--out", "ann.key")
    added = plugin("trust", "add", "ann.pub", "--name", "Ann")
    assert added.exit_code == 0, added.output
    fingerprint = added.output.split("fingerprint ")[1].split(")")[0]
    listed = plugin("trust", "list").output
    assert "althaus (bundled plugins)  (built in)" in listed
    assert f"{fingerprint}  Ann  (added " in listed
    _one_line_refusal(plugin("trust", "add", "ann.pub"), "PLUGIN_PUBLISHER_EXISTS")
    assert plugin("trust", "remove", fingerprint).exit_code == 0
    assert fingerprint not in plugin("trust", "list").output
    _one_line_refusal(plugin("trust", "remove", fingerprint), "PLUGIN_PUBLISHER_NOT_FOUND")


def test_trust_add_refuses_a_file_that_is_not_a_public_key(plugin: Plugin, tmp_path: Path) -> None:
    (tmp_path / "x.pub").write_text("hello\n")
    _one_line_refusal(plugin("trust", "add", "x.pub"), "PLUGIN_KEY_INVALID")


def test_verify_against_a_given_public_key_file_without_the_trust_store(
    plugin: Plugin, tmp_path: Path
) -> None:
    plugin("new", "notes")
    plugin("keygen", "--out", "offline.key")
    plugin("keygen", "--out", "other.key")
    plugin("pack", "notes", "--key", "offline.key", "--out", "n.althaus")
    result = plugin("verify", "n.althaus", "--trusted-key", "offline.pub")
    assert result.exit_code == 0, result.output
    assert "signed by     offline" in result.output
    refused = plugin("verify", "n.althaus", "--trusted-key", "other.pub")
    _one_line_refusal(refused, "PLUGIN_PUBLISHER_UNTRUSTED")


def test_an_unwritable_output_is_one_line(plugin: Plugin) -> None:
    result = plugin("keygen", "--out", "no/such/dir/k.key")
    assert result.exit_code == 1
    assert result.output == "althaus: no/such/dir/k.key: No such file or directory\n"


@pytest.mark.parametrize(
    "args",
    [[], ["new"], ["keygen"], ["pack"], ["verify"], ["trust"], ["trust", "add"],
     ["trust", "list"], ["trust", "remove"]],
)  # fmt: skip
def test_every_plugin_command_answers_help(args: list[str]) -> None:
    result = CliRunner().invoke(command, [*args, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: ")
