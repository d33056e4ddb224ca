"""What a run prints: the table with the verdict, or the JSON record."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bench.activation.figures import FIGURES, Summary, ms
from bench.harness.machine import machine_facts
from core.config import Settings

COLUMNS = (
    ("round", 6),
    ("activate ms", 12),
    ("visible after ms", 17),
    ("polls", 6),
    ("deactivate ms", 14),
    ("gone after ms", 14),
    ("polls", 6),
)


def _row(cells: Sequence[str]) -> str:
    return "  ".join(
        cell.ljust(width) if index == 0 else cell.rjust(width)
        for index, (cell, (_, width)) in enumerate(zip(cells, COLUMNS, strict=True))
    )


def format_table(summary: Summary) -> str:
    """One row per round, then min / median / max of each figure, then the verdict."""
    header = _row([title for title, _ in COLUMNS])
    lines = [header, "-" * len(header)]
    for number, round_ in enumerate(summary.rounds, 1):
        lines.append(
            _row(
                [
                    str(number),
                    ms(round_.activate_seconds),
                    ms(round_.visible_seconds),
                    str(round_.visible_polls),
                    ms(round_.deactivate_seconds),
                    ms(round_.gone_seconds),
                    str(round_.gone_polls),
                ]
            )
        )
    lines.append("-" * len(header))
    spreads = [summary.of(figure) for figure in FIGURES]
    for label in ("min", "median", "max"):
        a, v, d, g = (ms(getattr(s, label)) for s in spreads)
        lines.append(_row([label, a, v, "", d, g, ""]))
    lines.append("")
    lines.append(summary.verdict())
    return "\n".join(lines)


def json_record(started: datetime, configured: Settings, summary: Summary) -> dict[str, Any]:
    """The run's start, the machine, which servers were used and the figures (`--json`)."""
    return {
        "started_at": started.isoformat(timespec="seconds"),
        "machine": machine_facts(),
        "servers": {
            "database": "DATABASE_URL" if configured.database_url else "embedded",
            "redis": "REDIS_URL" if configured.redis_url else "embedded",
        },
        **summary.as_json(),
    }
