"""How a lifecycle operation reports each step as it happens (the operator streams them)."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str], None]


def quiet(step: str) -> None:
    """The progress of a caller that does not follow the steps."""
    return None
