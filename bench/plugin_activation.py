"""Time from `activatePlugin` returning to the first answer of the plugin's field via the gateway.

The whole platform runs in this process (`create_dev_app`), in a database of its own; the shipped
`plugins/blog` is packed, signed by a key trusted for this run and installed once, then activated
and deactivated N times. Each round measures how long `activatePlugin` takes, the time from its
answer to the first successful `{ me { posts { title } } }` through the gateway, how long
`deactivatePlugin` takes, and the time from its answer to the first validation error for
`User.posts`. The issue's target for the second figure is 2 s. Its parts are in
`bench/activation/`.

Usage: uv run python bench/plugin_activation.py [--rounds 5] [--json]
"""

# ruff: noqa: E402
# The project root must come first on sys.path before any project import (see below).

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, Python puts bench/ first on sys.path, and bench/subgraphs would hide the
# project's subgraphs package; the project root must come first instead.
ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path.pop(0)
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse
import asyncio
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime

import asyncpg
import orjson

from bench.activation.errors import BenchError
from bench.activation.report import format_table, json_record
from bench.activation.scenario import TARGET_SECONDS
from bench.activation.servers import EMBEDDED_DIR
from bench.activation.session import run
from core.config import ConfigError, Settings


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, not {value}")
    return value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/plugin_activation.py",
        description=(
            "Time from activatePlugin returning to the first answer of the plugin's field"
            f" through the gateway (target {TARGET_SECONDS:g} s), with the shipped blog plugin"
            " and the whole platform in this process. Uses DATABASE_URL / REDIS_URL when set,"
            f" else embedded servers in {EMBEDDED_DIR.relative_to(ROOT)}/; works in a fresh"
            " database althaus_bench_<hex>, dropped at the end. Exit code 0 when every round"
            " is within the target, 1 when one is not, 2 when the benchmark could not run."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--rounds", type=_positive, default=5, help="activations (and deactivations) to measure"
    )
    parser.add_argument(
        "--json", action="store_true", help="print the figures as JSON instead of a table"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)

    def progress(message: str) -> None:
        print(f"[plugin-activation] {message}", file=sys.stderr, flush=True)

    started = datetime.now(UTC)
    try:
        configured = Settings.from_env()
        summary = asyncio.run(run(configured, args.rounds, progress))
    except KeyboardInterrupt:
        print("plugin_activation: interrupted; cleaned up", file=sys.stderr)
        return 130
    except asyncio.CancelledError:
        print("plugin_activation: terminated; cleaned up", file=sys.stderr)
        return 143
    except (BenchError, ConfigError) as exc:
        print(f"plugin_activation: {exc}", file=sys.stderr)
        return 2
    except (OSError, asyncpg.PostgresError) as exc:
        print(f"plugin_activation: cannot use the servers: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        traceback.print_exc()
        print(f"plugin_activation: failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    if args.json:
        record = json_record(started, configured, summary)
        print(orjson.dumps(record, option=orjson.OPT_INDENT_2).decode())
    else:
        print(format_table(summary))
    return 0 if summary.within_target else 1


if __name__ == "__main__":
    sys.exit(main())
