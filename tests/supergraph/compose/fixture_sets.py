"""Fixture subgraph sets for composition tests: a folder per set, a `.graphql` per subgraph."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from supergraph.compose import SubgraphDefinition

FIXTURES = Path(__file__).parent / "fixtures"


def load_set(name: str) -> list[SubgraphDefinition]:
    folder = FIXTURES / name
    return [
        SubgraphDefinition(
            name=path.stem, url=f"http://{path.stem}.internal:4000/graphql", sdl=path.read_text()
        )
        for path in sorted(folder.glob("*.graphql"))
    ]


def composing_sets() -> list[str]:
    return sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name != "errors")


def failing_sets() -> list[str]:
    return sorted(f"errors/{p.name}" for p in (FIXTURES / "errors").iterdir() if p.is_dir())


def strawberry_sets() -> dict[str, list[SubgraphDefinition]]:
    """Strawberry sets under tests/fixtures/federation/<set>/ (written by another helper)."""
    try:
        package = importlib.import_module("tests.fixtures.federation")
    except ImportError:
        return {}
    sets: dict[str, list[SubgraphDefinition]] = {}
    for info in pkgutil.iter_modules(package.__path__):
        try:
            module = importlib.import_module(f"tests.fixtures.federation.{info.name}")
        except Exception:
            continue
        subgraphs = getattr(module, "SUBGRAPHS", None)
        if not isinstance(subgraphs, dict):
            continue
        sets[f"strawberry/{info.name}"] = [
            SubgraphDefinition(
                name=name, url=f"http://{name}.internal:4000/graphql", sdl=schema.as_str()
            )
            for name, schema in sorted(subgraphs.items())
        ]
    return sets
