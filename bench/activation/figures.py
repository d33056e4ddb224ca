"""The figures of a run: one round's timings, and min / median / max over the rounds."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from bench.activation.scenario import TARGET_SECONDS


@dataclass(frozen=True)
class Round:
    """One activation and deactivation, in seconds."""

    activate_seconds: float
    """How long the `activatePlugin` mutation took."""
    visible_seconds: float
    """From `activatePlugin`'s answer to the first successful `User.posts` answer."""
    visible_polls: int
    deactivate_seconds: float
    """How long the `deactivatePlugin` mutation took (it includes the drain)."""
    gone_seconds: float
    """From `deactivatePlugin`'s answer to the first validation error for `User.posts`."""
    gone_polls: int


@dataclass(frozen=True)
class Spread:
    min: float
    median: float
    max: float


def spread(values: Sequence[float]) -> Spread:
    """Min, median (the mean of the middle two for an even count) and max of some figures."""
    if not values:
        raise ValueError("no figures to summarize")
    return Spread(min(values), statistics.median(values), max(values))


FIGURES = ("activate_seconds", "visible_seconds", "deactivate_seconds", "gone_seconds")


@dataclass(frozen=True)
class Summary:
    rounds: tuple[Round, ...]
    target_seconds: float = TARGET_SECONDS

    def of(self, figure: str) -> Spread:
        return spread([getattr(round_, figure) for round_ in self.rounds])

    @property
    def late_rounds(self) -> list[int]:
        """1-based numbers of the rounds whose new field took longer than the target."""
        return [
            number
            for number, round_ in enumerate(self.rounds, 1)
            if round_.visible_seconds > self.target_seconds
        ]

    @property
    def within_target(self) -> bool:
        return not self.late_rounds

    def verdict(self) -> str:
        slowest = self.of("visible_seconds").max
        if self.within_target:
            return (
                f"verdict: within the {self.target_seconds:g} s target: the new field answered"
                f" at most {ms(slowest)} ms after activatePlugin returned"
                f" ({_rounds(len(self.rounds))})"
            )
        late = ", ".join(str(number) for number in self.late_rounds)
        return (
            f"verdict: over the {self.target_seconds:g} s target in {len(self.late_rounds)}"
            f" of {_rounds(len(self.rounds))} ({late}); slowest {ms(slowest)} ms"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "target_seconds": self.target_seconds,
            "within_target": self.within_target,
            "rounds": [asdict(round_) for round_ in self.rounds],
            "summary": {figure: asdict(self.of(figure)) for figure in FIGURES},
        }


def ms(seconds: float) -> str:
    """Seconds as milliseconds with one decimal, as the table and the verdict print them."""
    return f"{seconds * 1000:.1f}"


def _rounds(count: int) -> str:
    return f"{count} round" if count == 1 else f"{count} rounds"
