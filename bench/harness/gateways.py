"""The gateways under test: ours (`althaus gateway`), Apollo Gateway, optionally Hive Gateway."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent
ROOT = BENCH_DIR.parent
PEERS_DIR = BENCH_DIR / "peers"


class GatewayUnavailableError(RuntimeError):
    """A gateway that cannot be run on this machine; the message says why."""

    code = "BENCH_GATEWAY_UNAVAILABLE"


@dataclass(frozen=True)
class Gateway:
    """How to prepare and start one gateway over a supergraph file on a port."""

    name: str
    label: str
    command: Callable[[Path, int], list[str]]
    prepare: Callable[[], str] = field(default=lambda: "")
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path = ROOT
    path: str = "/graphql"
    start_timeout: float = 60.0

    def url(self, port: int) -> str:
        return f"http://127.0.0.1:{port}{self.path}"


def _althaus_command(supergraph: Path, port: int) -> list[str]:
    installed = Path(sys.executable).parent / "althaus"
    base = [str(installed)] if installed.exists() else ["uv", "run", "althaus"]
    return [*base, "gateway", "--supergraph", str(supergraph), "--port", str(port)]


def _prepare_althaus() -> str:
    """Our gateway's version line, or why `althaus gateway` cannot run yet."""
    installed = Path(sys.executable).parent / "althaus"
    base = [str(installed)] if installed.exists() else ["uv", "run", "althaus"]
    probe = subprocess.run(
        [*base, "gateway", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    if probe.returncode != 0:
        detail = (probe.stderr or probe.stdout).strip().splitlines()
        raise GatewayUnavailableError(
            "`althaus gateway --help` failed (exit "
            f"{probe.returncode}): {detail[-1] if detail else 'no output'}"
        )
    version = subprocess.run(
        [*base, "--version"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    return version.stdout.strip()


def npm_ci(package_dir: Path) -> None:
    """Install a peer's locked dependencies with `npm ci` when its node_modules is missing."""
    if (package_dir / "node_modules").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise GatewayUnavailableError("npm is not installed; install Node.js 20+ and npm")
    print(f"  installing {package_dir.name} peer with npm ci ...", flush=True)
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=package_dir,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        tail = "\n".join(result.stderr.strip().splitlines()[-5:])
        raise GatewayUnavailableError(f"npm ci in {package_dir} failed:\n{tail}")


def node_package_version(package_dir: Path, package: str) -> str:
    manifest = package_dir / "node_modules" / package / "package.json"
    try:
        return str(json.loads(manifest.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return "unknown"


def _node_env() -> dict[str, str]:
    return {"NODE_ENV": "production"}


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise GatewayUnavailableError("node is not installed; install Node.js 20+")
    return node


def _prepare_apollo() -> str:
    directory = PEERS_DIR / "apollo"
    _node()
    npm_ci(directory)
    return "@apollo/gateway " + node_package_version(directory, "@apollo/gateway")


def _apollo_command(supergraph: Path, port: int) -> list[str]:
    script = PEERS_DIR / "apollo" / "server.mjs"
    return [_node(), str(script), "--supergraph", str(supergraph), "--port", str(port)]


def _prepare_hive() -> str:
    directory = PEERS_DIR / "hive"
    if not (directory / "package.json").exists():
        raise GatewayUnavailableError(f"no Hive Gateway peer in {directory}")
    _node()
    npm_ci(directory)
    return "@graphql-hive/gateway " + node_package_version(directory, "@graphql-hive/gateway")


def _hive_command(supergraph: Path, port: int) -> list[str]:
    script = PEERS_DIR / "hive" / "node_modules" / "@graphql-hive" / "gateway" / "dist" / "bin.js"
    binary = PEERS_DIR / "hive" / "node_modules" / ".bin" / "hive-gateway"
    launcher = [_node(), str(script)] if script.exists() else [str(binary)]
    return [*launcher, "supergraph", str(supergraph), "--host", "127.0.0.1", "--port", str(port)]


def _hive_router_command(supergraph: Path, port: int) -> list[str]:
    # The Rust query planner and executor (@graphql-hive/router-runtime) inside Hive Gateway.
    return [*_hive_command(supergraph, port), "--hive-router-runtime"]


def _prepare_hive_router() -> str:
    version = _prepare_hive()
    runtime = node_package_version(PEERS_DIR / "hive", "@graphql-hive/router-runtime")
    return f"{version} + @graphql-hive/router-runtime {runtime}"


# Generous: a first start may create development secrets or warm caches.
ALTHAUS = Gateway(
    "althaus", "Althaus gateway", _althaus_command, _prepare_althaus, start_timeout=120.0
)
APOLLO = Gateway(
    "apollo",
    "Apollo Gateway",
    _apollo_command,
    _prepare_apollo,
    env=_node_env(),
    cwd=PEERS_DIR / "apollo",
)
HIVE = Gateway(
    "hive",
    "Hive Gateway",
    _hive_command,
    _prepare_hive,
    env=_node_env(),
    cwd=PEERS_DIR / "hive",
)

HIVE_ROUTER = Gateway(
    "hive-router",
    "Hive GW (Rust planner)",
    _hive_router_command,
    _prepare_hive_router,
    env=_node_env(),
    cwd=PEERS_DIR / "hive",
)

GATEWAYS: dict[str, Gateway] = {
    gateway.name: gateway for gateway in (ALTHAUS, APOLLO, HIVE, HIVE_ROUTER)
}
DEFAULT_GATEWAYS = ("althaus", "apollo", "hive", "hive-router")


def process_env(gateway: Gateway) -> dict[str, str]:
    """The environment of a gateway process: ours, without subgraph URL overrides (the run's
    supergraph file names the subgraphs), plus the gateway's own settings."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not (key.startswith("SUBGRAPH_") and key.endswith("_URL"))
    }
    return {**inherited, **gateway.env}
