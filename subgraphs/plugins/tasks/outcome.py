"""How a run ended, as recorded: its status, duration and one line of error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Outcome = Literal["succeeded", "failed", "timed_out"]

ERROR_LIMIT = 500
"""The most characters of a failed run's error line that are kept."""
ABANDONED = "abandoned: the replica running it stopped"
CANCELLED = "cancelled: the replica stopped before the run finished"


@dataclass(frozen=True)
class RunResult:
    """The outcome of one claimed run, to be written to its row."""

    run_id: int
    status: Outcome
    duration_ms: int
    error: str | None


def error_line(exc: BaseException) -> str:
    """What a failed run records: one line of at most ERROR_LIMIT characters, never a
    traceback (the last line of one, `ValueError: ...`, when the message holds one)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if not lines:
        line = type(exc).__name__
    elif lines[0].startswith("Traceback (most recent call last)"):
        line = lines[-1]
    else:
        line = lines[0]
    return line if len(line) <= ERROR_LIMIT else line[: ERROR_LIMIT - 1] + "…"
