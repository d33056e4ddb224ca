"""What the supervisor needs to start one plugin's process, and the environment it gets."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.security.internal_token import plugin_key

REPO_ROOT = Path(__file__).resolve().parents[3]
RUNNER_MODULE = "plugins.sdk.runner"
DEFAULT_MEMORY_MB = 256
DEFAULT_NOFILE = 256
PASSED_THROUGH = ("PATH", "LANG", "LC_ALL")
"""The only variables of the platform's own environment a plugin's process inherits."""


@dataclass(frozen=True)
class ProcessSpec:
    """One plugin's process: its code, its socket and runtime dir, its login, key and limits.

    `token_key` is the hex key derived for audience `plugin_<name>` (see `for_plugin`), never
    INTERNAL_TOKEN_SECRET. `database_url` is the plugin role's own login (engine.role_url), or
    "" for a plugin without a database. `gateway_url` and `gateway_key` (an API key,
    `ak_<8 hex>_<secret>`, scoped to the plugin's capabilities) let it call the API back through
    the gateway; both "" when it may not. The key is left out of the spec's repr.
    """

    name: str
    plugin_dir: Path
    runtime_dir: Path
    token_key: str
    database_url: str = ""
    settings: Mapping[str, Any] = field(default_factory=dict)
    memory_mb: int = DEFAULT_MEMORY_MB
    nofile: int = DEFAULT_NOFILE
    python: str = sys.executable
    gateway_url: str = ""
    gateway_key: str = field(default="", repr=False)

    @classmethod
    def for_plugin(
        cls,
        name: str,
        plugin_dir: Path,
        runtime_dir: Path,
        *,
        platform_secret: str | bytes,
        database_url: str = "",
        settings: Mapping[str, Any] | None = None,
        memory_mb: int | None = None,
        gateway_url: str = "",
        gateway_key: str = "",
    ) -> ProcessSpec:
        """A spec whose token key is derived from the platform secret for this plugin alone."""
        return cls(
            name=name,
            plugin_dir=plugin_dir,
            runtime_dir=runtime_dir,
            token_key=plugin_key(platform_secret, f"plugin_{name}"),
            database_url=database_url,
            settings=dict(settings or {}),
            memory_mb=memory_mb or DEFAULT_MEMORY_MB,
            gateway_url=gateway_url,
            gateway_key=gateway_key,
        )

    @property
    def audience(self) -> str:
        return f"plugin_{self.name}"

    @property
    def socket(self) -> Path:
        return self.runtime_dir / "plugin.sock"

    @property
    def home(self) -> Path:
        return self.runtime_dir / "home"

    @property
    def url(self) -> str:
        """Where the gateway reaches it (supergraph.transport.http's `unix://` form)."""
        return f"unix://{self.socket}"

    def environment(self, parent: Mapping[str, str] | None = None) -> dict[str, str]:
        """The child's whole environment: built from nothing, with only PATH and LANG taken from
        the platform's, so DATABASE_URL, INTERNAL_TOKEN_SECRET, JWT_PRIVATE_KEY, REDIS_URL,
        ALTHAUS_DATA_DIR and the rest never reach plugin code."""
        source = os.environ if parent is None else parent
        env = {key: source[key] for key in PASSED_THROUGH if key in source}
        env.setdefault("PATH", "/usr/bin:/bin")
        env.update(
            {
                "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), str(self.plugin_dir)]),
                "PYTHONDONTWRITEBYTECODE": "1",
                "PYTHONUNBUFFERED": "1",
                "HOME": str(self.home),
                "TMPDIR": str(self.home),
                "MALLOC_ARENA_MAX": "2",
                "ALTHAUS_PLUGIN_NAME": self.name,
                "ALTHAUS_PLUGIN_DIR": str(self.plugin_dir),
                "ALTHAUS_PLUGIN_SOCKET": str(self.socket),
                "ALTHAUS_PLUGIN_DATABASE_URL": self.database_url,
                "ALTHAUS_PLUGIN_TOKEN_KEY": self.token_key,
                "ALTHAUS_PLUGIN_GATEWAY_URL": self.gateway_url,
                "ALTHAUS_PLUGIN_GATEWAY_KEY": self.gateway_key,
                "ALTHAUS_PLUGIN_SETTINGS": json.dumps(dict(self.settings)),
                "ALTHAUS_PLUGIN_LIMITS": json.dumps(
                    {"memory_mb": self.memory_mb, "nofile": self.nofile}
                ),
            }
        )
        return env

    def command(self) -> list[str]:
        return [self.python, "-m", RUNNER_MODULE]
