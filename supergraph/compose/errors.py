"""Composition errors and hints: stable codes (Apollo's), naming subgraphs and coordinates."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CompositionError:
    """One reason the subgraphs do not compose; `code` is stable, `message` says what to change."""

    code: str
    message: str
    subgraphs: tuple[str, ...] = ()
    coordinate: str | None = None

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


@dataclass(frozen=True)
class CompositionHint:
    """A non-fatal observation made while merging (an argument dropped, a description chosen...)."""

    code: str
    message: str
    subgraphs: tuple[str, ...] = ()
    coordinate: str | None = None

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


@dataclass
class Report:
    """Collects errors and hints while one composition runs."""

    errors: list[CompositionError] = field(default_factory=list)
    hints: list[CompositionHint] = field(default_factory=list)

    def error(
        self,
        code: str,
        message: str,
        subgraphs: tuple[str, ...] | list[str] = (),
        coordinate: str | None = None,
    ) -> None:
        self.errors.append(CompositionError(code, message, tuple(subgraphs), coordinate))

    def hint(
        self,
        code: str,
        message: str,
        subgraphs: tuple[str, ...] | list[str] = (),
        coordinate: str | None = None,
    ) -> None:
        self.hints.append(CompositionHint(code, message, tuple(subgraphs), coordinate))


def quote_list(names: list[str] | tuple[str, ...]) -> str:
    """`"a"`, `"a" and "b"`, `"a", "b" and "c"`: how Apollo lists subgraphs in messages."""
    quoted = [f'"{name}"' for name in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]
