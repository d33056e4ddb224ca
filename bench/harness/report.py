"""The benchmark's printed table and its JSON record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bench.harness.load import LoadResult


@dataclass
class GatewayOutcome:
    """What happened to one gateway in a run: measured, unavailable, or wrong answer."""

    name: str
    label: str
    version: str = ""
    status: str = "measured"  # measured | unavailable | wrong-answer | failed
    reason: str = ""
    answer_bytes: int = 0
    subgraph_fetches: dict[str, int] = field(default_factory=dict)
    results: list[LoadResult] = field(default_factory=list)
    rounds: list[list[LoadResult]] = field(default_factory=list)

    def at(self, connections: int) -> LoadResult | None:
        return next((r for r in self.results if r.connections == connections), None)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "version": self.version,
            "status": self.status,
            "reason": self.reason,
            "answer_bytes": self.answer_bytes,
            "subgraph_fetches_per_query": self.subgraph_fetches,
            "results": [result.as_json() for result in self.results],
            "rounds": [[result.as_json() for result in round_] for round_ in self.rounds],
        }


def merge_rounds(rounds: list[GatewayOutcome]) -> GatewayOutcome:
    """One outcome from several rounds of the same gateway: per connection count, the round with
    the median throughput (the lower middle one for an even count). A round that did not measure
    (unavailable, wrong answer, failed) decides the outcome, since it is a finding in itself."""
    for outcome in rounds:
        if outcome.status != "measured":
            return outcome
    merged = GatewayOutcome(
        rounds[0].name,
        rounds[0].label,
        version=rounds[0].version,
        answer_bytes=rounds[0].answer_bytes,
        subgraph_fetches=rounds[0].subgraph_fetches,
        rounds=[outcome.results for outcome in rounds],
    )
    counts = [result.connections for result in rounds[0].results]
    for count in counts:
        runs = sorted(
            (r for outcome in rounds if (r := outcome.at(count)) is not None),
            key=lambda result: result.rps,
        )
        merged.results.append(runs[(len(runs) - 1) // 2])
    return merged


def ratios(ours: GatewayOutcome, peer: GatewayOutcome, connections: int) -> dict[str, float] | None:
    """Throughput ratio (ours/peer, higher is better) and p99 ratio (ours/peer, lower is better)."""
    mine, theirs = ours.at(connections), peer.at(connections)
    if mine is None or theirs is None or not theirs.rps or not theirs.p99_ms:
        return None
    return {
        "rps_ratio": round(mine.rps / theirs.rps, 2),
        "p99_ratio": round(mine.p99_ms / theirs.p99_ms, 2),
    }


def format_table(outcomes: list[GatewayOutcome], connections: list[int]) -> str:
    header = (
        f"{'gateway':<24}{'conns':>6}{'req/s':>10}{'p50 ms':>10}{'p95 ms':>10}"
        f"{'p99 ms':>10}{'requests':>10}{'failed':>8}"
    )
    lines = [header, "-" * len(header)]
    for outcome in outcomes:
        if outcome.status != "measured":
            lines.append(f"{outcome.label:<24}{outcome.status}: {outcome.reason.splitlines()[0]}")
            continue
        for count in connections:
            result = outcome.at(count)
            if result is None:
                continue
            lines.append(
                f"{outcome.label:<24}{count:>6}{result.rps:>10.1f}{result.p50_ms:>10.1f}"
                f"{result.p95_ms:>10.1f}{result.p99_ms:>10.1f}{result.requests:>10}"
                f"{result.failed:>8}"
            )
    for outcome in outcomes:
        failed = sum(r.failed for round_ in outcome.rounds for r in round_)
        shown = sum(r.failed for r in outcome.results)
        if failed > shown:
            lines.append(
                f"{outcome.label}: {failed} failed requests over all rounds "
                f"({failed - shown} in rounds not shown); see results.json"
            )
    ours = next((o for o in outcomes if o.name == "althaus"), None)
    if ours is not None and ours.status == "measured":
        for peer in outcomes:
            if peer is ours or peer.status != "measured":
                continue
            for count in connections:
                ratio = ratios(ours, peer, count)
                if ratio is not None:
                    lines.append(
                        f"althaus / {peer.name} at {count} connections: throughput "
                        f"x{ratio['rps_ratio']:.2f}, p99 x{ratio['p99_ratio']:.2f} "
                        "(throughput higher is better, p99 lower is better)"
                    )
    return "\n".join(lines)
