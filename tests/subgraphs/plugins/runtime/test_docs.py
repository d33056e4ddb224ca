"""docs/plugin-runtime.md: the documented actions are the ones the runner reads, and the
documented route example is a working `routes` list."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.routing import Route

from plugins.sdk.runner import read_action

DOC = (Path(__file__).resolve().parents[4] / "docs" / "plugin-runtime.md").read_text()


def _section(title: str) -> str:
    return DOC.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_every_documented_action_is_read_by_the_runner() -> None:
    actions = re.findall(r"^\| `(\{.*?\})` \|", _section("One-shot actions"), flags=re.MULTILINE)
    assert len(actions) == 4
    assert [read_action(action).kind for action in actions] == ["sdl", "hook", "task", "update"]


def test_the_documented_route_example_defines_routes() -> None:
    blocks = re.findall(r"```python\n(.*?)```", _section("HTTP routes"), flags=re.DOTALL)
    namespace: dict[str, object] = {}
    exec(compile(blocks[0], "plugin-runtime.md", "exec"), namespace)
    routes = namespace["routes"]
    assert isinstance(routes, list) and isinstance(routes[0], Route)
    assert routes[0].path == "/ping"
