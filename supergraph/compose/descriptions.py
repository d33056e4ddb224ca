"""Choosing one description for an element subgraphs describe differently (Apollo's rule)."""

from __future__ import annotations

from collections import Counter

from .errors import Report


def pick_description(
    coordinate: str, described: list[tuple[str, str | None]], report: Report
) -> str | None:
    """The most used description (the first seen on a tie); a hint when subgraphs disagree.

    `described` holds (subgraph name, description) in subgraph order; None means undescribed.
    """
    present = [(name, text) for name, text in described if text]
    if not present:
        return None
    counts = Counter(text for _, text in present)
    if len(counts) == 1:
        return present[0][1]
    best = max(counts.values())
    chosen = next(text for _, text in present if counts[text] == best)
    report.hint(
        "INCONSISTENT_DESCRIPTION",
        f'Element "{coordinate}" has inconsistent descriptions across subgraphs; the supergraph '
        "will "
        f"use the description of {', '.join(repr(n) for n, t in present if t == chosen)}.",
        tuple(name for name, _ in present),
        coordinate,
    )
    return chosen
