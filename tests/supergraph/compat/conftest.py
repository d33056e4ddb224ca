"""The reference composer (@theguild/federation-composition) run by Node (`npm ci`)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from supergraph.compose import SubgraphDefinition

HERE = Path(__file__).parent

ReferenceComposer = Callable[[list[SubgraphDefinition]], dict[str, Any]]


@pytest.fixture(scope="session")
def reference_composer() -> ReferenceComposer:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip(
            "node/npm not installed: cannot run the @theguild/federation-composition cross-check"
        )
    if not (HERE / "node_modules" / "@theguild" / "federation-composition").is_dir():
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=HERE,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            pytest.skip(f"npm ci failed in {HERE}: {done.stderr[-500:]}")

    def run(subgraphs: list[SubgraphDefinition]) -> dict[str, Any]:
        payload = json.dumps([{"name": s.name, "url": s.url, "sdl": s.sdl} for s in subgraphs])
        done = subprocess.run(
            [node, str(HERE / "compose.mjs")],
            input=payload,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=HERE,
        )
        if done.returncode != 0 or not done.stdout:
            raise RuntimeError(f"reference composer crashed: {done.stderr[-2000:]}")
        result: dict[str, Any] = json.loads(done.stdout)
        return result

    return run
