"""The committed composition of the core subgraphs: `schema/supergraph.graphql`.

`python -m althaus.snapshot` rewrites it; `--check` exits 1 when it is stale (the test suite
runs the same comparison). Subgraph URLs are the default ports of DESIGN.md, as
`althaus serve gateway` would call them.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from althaus.platform import available_subgraphs
from core.config import CORE_SUBGRAPHS
from supergraph.compose import SubgraphDefinition, compose

SNAPSHOT = Path(__file__).resolve().parent.parent / "schema" / "supergraph.graphql"


class SnapshotCompositionError(Exception):
    """The core subgraphs do not compose."""

    code = "SNAPSHOT_COMPOSITION_FAILED"


def core_subgraph_definitions() -> list[SubgraphDefinition]:
    """Each core subgraph of this build with the SDL it answers to `_service { sdl }`."""
    definitions = []
    for name in available_subgraphs():
        schema = importlib.import_module(f"subgraphs.{name}.schema").schema
        url = f"http://127.0.0.1:{CORE_SUBGRAPHS[name]}/graphql"
        definitions.append(SubgraphDefinition(name=name, url=url, sdl=schema.as_str()))
    return definitions


def compose_core() -> str:
    result = compose(core_subgraph_definitions())
    if result.supergraph_sdl is None:
        problems = "; ".join(f"{e.code}: {e.message}" for e in result.errors)
        raise SnapshotCompositionError(f"the core subgraphs do not compose: {problems}")
    return result.supergraph_sdl


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m althaus.snapshot", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is stale")
    args = parser.parse_args(argv)
    try:
        sdl = compose_core()
    except SnapshotCompositionError as exc:
        print(f"althaus: {exc}", file=sys.stderr)
        return 1
    current = SNAPSHOT.read_text() if SNAPSHOT.exists() else None
    if args.check:
        if current != sdl:
            print(f"{SNAPSHOT} is stale: run `python -m althaus.snapshot`", file=sys.stderr)
            return 1
        print(f"{SNAPSHOT} is up to date")
        return 0
    SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
    SNAPSHOT.write_text(sdl)
    print(f"wrote {SNAPSHOT} ({len(sdl.splitlines())} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
