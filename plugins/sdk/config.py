"""The runner's configuration, read from its environment, and the sandbox it applies to itself.

The supervisor in `subgraphs.plugins.runtime` sets ALTHAUS_PLUGIN_NAME, ALTHAUS_PLUGIN_DIR,
ALTHAUS_PLUGIN_SOCKET (Unix socket path), ALTHAUS_PLUGIN_DATABASE_URL (its own role's login; may
be empty), ALTHAUS_PLUGIN_TOKEN_KEY (hex key derived for audience `plugin_<name>`),
ALTHAUS_PLUGIN_SETTINGS (JSON object), ALTHAUS_PLUGIN_LIMITS (JSON: memory_mb, nofile),
ALTHAUS_PLUGIN_GATEWAY_URL and ALTHAUS_PLUGIN_GATEWAY_KEY (where and with which API key it calls
the API back; may be empty). This is the one place the runner reads them; the secrets among them
(SECRET_VARIABLES) are taken out of the environment before plugin code runs.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from core.security import internal_token
from plugins.sdk import sandbox

DEFAULT_MEMORY_MB = 256
REPO_ROOT = Path(__file__).resolve().parents[2]
SECRET_VARIABLES = (
    "ALTHAUS_PLUGIN_TOKEN_KEY",
    "ALTHAUS_PLUGIN_DATABASE_URL",
    "ALTHAUS_PLUGIN_GATEWAY_KEY",
)
"""Read into RunnerConfig, then removed: plugin code gets a pool and a Gateway, not these."""


class RunnerConfigError(Exception):
    """The runner's environment is incomplete or malformed."""

    code = "PLUGIN_RUNNER_CONFIG"


@dataclass(frozen=True)
class RunnerConfig:
    name: str
    plugin_dir: Path
    socket: Path
    database_url: str
    token_key: str
    settings: Mapping[str, Any]
    memory_mb: int
    nofile: int
    gateway_url: str = ""
    gateway_key: str = field(default="", repr=False)

    @property
    def audience(self) -> str:
        return f"plugin_{self.name}"

    @property
    def schema_name(self) -> str:
        return f"plugin_{self.name}"


def read_config(environ: Mapping[str, str]) -> RunnerConfig:
    """The runner's configuration from its environment; names what is missing or wrong."""

    def required(key: str) -> str:
        value = environ.get(key, "")
        if not value:
            raise RunnerConfigError(f"{key} is not set")
        return value

    try:
        settings = json.loads(environ.get("ALTHAUS_PLUGIN_SETTINGS") or "{}")
        limits = json.loads(environ.get("ALTHAUS_PLUGIN_LIMITS") or "{}")
    except json.JSONDecodeError as exc:
        raise RunnerConfigError(f"ALTHAUS_PLUGIN_SETTINGS/LIMITS is not JSON: {exc}") from None
    if not isinstance(settings, dict) or not isinstance(limits, dict):
        raise RunnerConfigError("ALTHAUS_PLUGIN_SETTINGS and ALTHAUS_PLUGIN_LIMITS must be objects")
    key = required("ALTHAUS_PLUGIN_TOKEN_KEY")
    try:
        if len(bytes.fromhex(key)) < internal_token.MIN_SECRET_BYTES:
            raise ValueError("too short")
    except ValueError:
        raise RunnerConfigError("ALTHAUS_PLUGIN_TOKEN_KEY must be 64+ hex characters") from None
    return RunnerConfig(
        name=required("ALTHAUS_PLUGIN_NAME"),
        plugin_dir=Path(required("ALTHAUS_PLUGIN_DIR")).resolve(),
        socket=Path(required("ALTHAUS_PLUGIN_SOCKET")),
        database_url=environ.get("ALTHAUS_PLUGIN_DATABASE_URL", ""),
        token_key=key,
        settings=settings,
        memory_mb=int(limits.get("memory_mb") or DEFAULT_MEMORY_MB),
        nofile=int(limits.get("nofile") or sandbox.DEFAULT_NOFILE),
        gateway_url=environ.get("ALTHAUS_PLUGIN_GATEWAY_URL", ""),
        gateway_key=environ.get("ALTHAUS_PLUGIN_GATEWAY_KEY", ""),
    )


def plugin_version(plugin_dir: Path) -> str:
    """`version` from the plugin dir's plugin.yaml (the code being run), "" without one."""
    try:
        manifest = yaml.safe_load((plugin_dir / "plugin.yaml").read_text())
    except (OSError, yaml.YAMLError):
        return ""
    version = manifest.get("version") if isinstance(manifest, dict) else None
    return str(version) if version is not None else ""


def readable_paths(config: RunnerConfig) -> list[str]:
    """Where the plugin's process may read and execute: Python, the venv, the SDK, the plugin."""
    paths = {
        sys.prefix,
        sys.base_prefix,
        str(Path(sys.executable).resolve().parent.parent),
        str(REPO_ROOT / "plugins" / "sdk"),
        str(REPO_ROOT / "plugins" / "__init__.py"),
        str(REPO_ROOT / "core"),
        str(config.plugin_dir),
        "/usr",
        "/lib",
        "/lib64",
        "/lib32",
        "/etc/ssl",
        "/etc/ld.so.cache",
        "/etc/localtime",
        "/etc/hosts",
        "/etc/resolv.conf",
        "/etc/nsswitch.conf",
        "/etc/gai.conf",
        "/dev/urandom",
    }
    root = str(REPO_ROOT)
    for entry in sys.path:
        # Installed packages (site-packages) yes; the repository root itself (secrets in
        # `.data/`, the platform's own code) no.
        if entry and os.path.isdir(entry) and "site-packages" in entry:
            paths.add(entry)
    return sorted(path for path in paths if path != root)


def apply_sandbox(config: RunnerConfig) -> sandbox.Protections:
    report = sandbox.Protections()
    sandbox.apply_limits(config.memory_mb, config.nofile, report)
    sandbox.no_new_privileges(report)
    writable = [str(config.socket.parent), os.environ.get("HOME", ""), "/dev/null"]
    sandbox.restrict_filesystem(readable_paths(config), [p for p in writable if p], report)
    return report
