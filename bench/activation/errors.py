"""Why the benchmark could not run, in one line a user can act on."""

from __future__ import annotations

from typing import Any

import orjson

from bench.activation.scenario import PLUGIN
from subgraphs.plugins.engine import role_name


class BenchError(Exception):
    """The benchmark could not run or a round could not finish; the message is one line."""


class PluginRoleTakenError(BenchError):
    """Role `plugin_blog` already exists on the server: another run or install owns it."""

    def __init__(self, where: str) -> None:
        super().__init__(
            f"role {role_name(PLUGIN)} already exists on the PostgreSQL server at {where}"
            f" (a {PLUGIN!r} plugin installed by someone else; roles are server-wide):"
            " refusing to touch it; run again once it is gone, or against another server"
        )


def first_error(answer: dict[str, Any]) -> str:
    """The first error of a GraphQL answer as `[CODE] message`, or the answer itself."""
    errors = answer.get("errors") or []
    if not errors:
        return orjson.dumps(answer).decode()[:200]
    first = errors[0]
    code = (first.get("extensions") or {}).get("code")
    message = str(first.get("message", "")).splitlines()[0] if first.get("message") else ""
    return f"[{code}] {message}" if code else message


def with_hint(problem: str) -> str:
    if "not permitted to log in" in problem:
        # Another platform on the same server uninstalling its own `blog` turns the
        # server-wide role's login off under this run.
        return (
            f"{problem} (role {role_name(PLUGIN)} is server-wide: did another run on this"
            " server install or uninstall a blog plugin meanwhile? run again)"
        )
    return problem
