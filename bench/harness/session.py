"""One benchmark session: serve the subgraphs, then check and load each gateway in turn."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from bench.harness import answer
from bench.harness.gateways import (
    DEFAULT_GATEWAYS,
    GATEWAYS,
    ROOT,
    Gateway,
    GatewayUnavailableError,
    process_env,
)
from bench.harness.load import LoadDriverError, LoadResult, ensure_wrk, run_wrk
from bench.harness.machine import machine_facts
from bench.harness.processes import CpuPlan, ManagedProcess, ProcessStartError, free_port, pinned
from bench.harness.report import GatewayOutcome, format_table, merge_rounds

BENCH_DIR = ROOT / "bench"
SUPERGRAPH_TEMPLATE = BENCH_DIR / "supergraph.graphql"
TEMPLATE_ORIGIN = "http://0.0.0.0:4200/"
RESULTS_DIR = BENCH_DIR / "results"


def _connection_counts(text: str) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--connections takes numbers like 10,50, not {text!r}"
        ) from None
    if not counts or any(count < 1 for count in counts):
        raise argparse.ArgumentTypeError("--connections needs at least one count of 1 or more")
    return counts


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, not {value}")
    return value


def _gateway_names(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in GATEWAYS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown gateway(s) {unknown}; choose from {', '.join(GATEWAYS)}"
        )
    return names


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py",
        description="Four-subgraph federation benchmark: Althaus gateway beside its peers.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measured run")
    parser.add_argument(
        "--connections", type=_connection_counts, default=[10, 50], help="e.g. 10,50"
    )
    parser.add_argument(
        "--gateways",
        type=_gateway_names,
        default=list(DEFAULT_GATEWAYS),
        help=f"comma-separated, from {', '.join(GATEWAYS)} (default all)",
    )
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of warm-up per gateway")
    parser.add_argument(
        "--rounds",
        type=_positive,
        default=1,
        help="measure every gateway this many times, interleaved; report the median round",
    )
    parser.add_argument(
        "--gateway-core",
        type=int,
        default=None,
        help="CPU core for the gateway under test (default: the first usable core)",
    )
    parser.add_argument(
        "--subgraph-workers",
        type=_positive,
        default=1,
        help="uvicorn worker processes for subgraphs",
    )
    parser.add_argument(
        "--write-expected",
        action="store_true",
        help="store Apollo Gateway's answer as bench/expected.json (check it by hand!)",
    )
    return parser.parse_args(argv)


def write_supergraph(directory: Path, port: int) -> Path:
    """The benchmark supergraph with its subgraph URLs pointed at this run's subgraph server."""
    text = SUPERGRAPH_TEMPLATE.read_text()
    if TEMPLATE_ORIGIN not in text:
        raise ValueError(f"{SUPERGRAPH_TEMPLATE} no longer names {TEMPLATE_ORIGIN}")
    path = directory / "supergraph.graphql"
    path.write_text(text.replace(TEMPLATE_ORIGIN, f"http://127.0.0.1:{port}/"))
    return path


def _log(message: str) -> None:
    print(message, flush=True)


class Session:
    """The state of one run: where it writes, what it pins where, what it expects."""

    def __init__(
        self, args: argparse.Namespace, run_dir: Path, cpu: CpuPlan, wrk: str, subgraphs: str
    ) -> None:
        self.args = args
        self.subgraphs = subgraphs
        self.run_dir = run_dir
        self.cpu = cpu
        self.wrk = wrk
        self.body_file = run_dir / "request.json"
        self.body_file.write_bytes(answer.request_body())
        self.expected: Any = None
        if answer.EXPECTED_FILE.exists():
            self.expected = orjson.loads(answer.EXPECTED_FILE.read_bytes())

    def measure(self, gateway: Gateway, supergraph: Path) -> GatewayOutcome:
        outcome = GatewayOutcome(gateway.name, gateway.label)
        try:
            outcome.version = gateway.prepare()
        except (GatewayUnavailableError, OSError) as exc:
            outcome.status, outcome.reason = "unavailable", str(exc)
            return outcome
        port = free_port()
        url = gateway.url(port)
        process = ManagedProcess(
            gateway.name,
            pinned(gateway.command(supergraph, port), self.cpu.gateway),
            self.run_dir / f"{gateway.name}.log",
            cwd=gateway.cwd,
            env=process_env(gateway),
        )
        try:
            process.start()
            process.wait_ready(lambda: answer.is_listening(url), gateway.start_timeout)
            _log(f"  {gateway.label} is up on port {port} (pid {process.pid})")
            before = self._served()
            status, body = answer.post(url, self.body_file.read_bytes())
            after = self._served()
            outcome.answer_bytes = len(body)
            outcome.subgraph_fetches = {name: after[name] - before.get(name, 0) for name in after}
            if self.args.write_expected and gateway.name == "apollo" and status == 200:
                answer.EXPECTED_FILE.write_bytes(
                    orjson.dumps(orjson.loads(body), option=orjson.OPT_INDENT_2) + b"\n"
                )
                self.expected = orjson.loads(body)
                _log(f"  wrote {answer.EXPECTED_FILE}: check it by hand against the data")
            if self.expected is None:
                outcome.status = "failed"
                outcome.reason = f"{answer.EXPECTED_FILE} is missing; run with --write-expected"
                return outcome
            wrong = answer.check_answer(status, body, self.expected)
            if wrong is not None:
                outcome.status, outcome.reason = "wrong-answer", wrong
                return outcome
            fetches = ", ".join(f"{n} {c}" for n, c in outcome.subgraph_fetches.items() if c)
            _log(f"  answer matches expected.json ({len(body)} bytes; subgraph fetches: {fetches})")
            peak = max(self.args.connections)
            if self.args.warmup > 0:
                self._load(url, peak, self.args.warmup)
            for count in self.args.connections:
                sample = self.run_dir / f"{gateway.name}-{count}c-{time.time_ns()}-failure.txt"
                result = self._load(url, count, self.args.duration, sample)
                _log(
                    f"  {count:>3} connections: {result.rps:8.1f} req/s, "
                    f"p99 {result.p99_ms:.1f} ms, {result.failed} failed"
                )
                if result.failure_sample:
                    _log(f"    first failure: {result.failure_sample[:300]!r}")
                outcome.results.append(result)
        except ProcessStartError as exc:
            outcome.status = "unavailable" if gateway.name == "althaus" else "failed"
            outcome.reason = str(exc)
        except (LoadDriverError, OSError, ValueError) as exc:
            outcome.status, outcome.reason = "failed", str(exc)
        finally:
            process.stop()
        return outcome

    def _served(self) -> dict[str, int]:
        """Requests served so far per subgraph (exact with one subgraph worker)."""
        try:
            with urllib.request.urlopen(f"{self.subgraphs}/stats", timeout=5) as response:
                counts: dict[str, int] = orjson.loads(response.read())
                return counts
        except (OSError, ValueError):
            return {}

    def _load(
        self, url: str, connections: int, duration: float, sample: Path | None = None
    ) -> LoadResult:
        return run_wrk(
            self.wrk,
            url,
            self.body_file,
            connections=connections,
            duration=duration,
            cores=self.cpu.others,
            sample_file=sample,
        )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = datetime.now(UTC)
    load_at_start = list(os.getloadavg())
    run_name = f"{started.strftime('%Y%m%dT%H%M%SZ')}-{os.getpid()}"
    # Work in a private directory: bench/results/ is shared with other runs (and may be cleaned
    # while this one runs); its files are copied there at the end.
    run_dir = Path(tempfile.mkdtemp(prefix=f"althaus-bench-{run_name}-"))
    try:
        cpu = CpuPlan.for_this_machine(args.gateway_core)
    except ValueError as exc:
        _log(f"error: --gateway-core: {exc}")
        return 2
    _log(f"benchmark run {run_name}: {cpu.note}")
    try:
        wrk = ensure_wrk()
    except LoadDriverError as exc:
        _log(f"error: {exc}")
        return 2
    port = free_port()
    session = Session(args, run_dir, cpu, wrk, f"http://127.0.0.1:{port}")
    subgraphs = ManagedProcess(
        "subgraphs",
        pinned(
            [
                sys.executable,
                "-m",
                "bench.subgraphs",
                "--port",
                str(port),
                "--workers",
                str(args.subgraph_workers),
            ],
            cpu.others,
        ),
        run_dir / "subgraphs.log",
        cwd=ROOT,
    )
    rounds: dict[str, list[GatewayOutcome]] = {name: [] for name in args.gateways}
    try:
        subgraphs.start()
        health = f"http://127.0.0.1:{port}/health"
        subgraphs.wait_ready(lambda: _healthy(health), 30)
        _log(f"subgraphs serving on 127.0.0.1:{port} (/accounts /inventory /products /reviews)")
        supergraph = write_supergraph(run_dir, port)
        order = sorted(args.gateways, key=lambda name: name != "apollo" or not args.write_expected)
        for number in range(1, max(1, args.rounds) + 1):
            for name in order:
                if rounds[name] and rounds[name][-1].status != "measured":
                    continue  # unavailable or wrong once: no point in measuring it again
                gateway = GATEWAYS[name]
                suffix = f" (round {number} of {args.rounds})" if args.rounds > 1 else ""
                _log(f"{gateway.label}{suffix}:")
                outcome = session.measure(gateway, supergraph)
                if outcome.status != "measured":
                    _log(f"  {outcome.status}: {outcome.reason}")
                rounds[name].append(outcome)
    except ProcessStartError as exc:
        _log(f"error: the subgraphs did not start: {exc}\n(logs in {run_dir})")
        return 2
    finally:
        subgraphs.stop()

    outcomes = [merge_rounds(rounds[name]) for name in args.gateways if rounds[name]]
    _log("")
    _log(format_table(outcomes, args.connections))
    record = {
        "started": started.isoformat(),
        "finished": datetime.now(UTC).isoformat(),
        "settings": {
            "duration_s": args.duration,
            "connections": args.connections,
            "warmup_s": args.warmup,
            "rounds": args.rounds,
            "load_average_at_start": load_at_start,
            "subgraph_workers": args.subgraph_workers,
            "cpu": cpu.note,
            "driver": "wrk, 1 thread, keep-alive, POST of bench/query.graphql",
        },
        "machine": machine_facts(),
        "gateways": [outcome.as_json() for outcome in outcomes],
    }
    encoded = orjson.dumps(record, option=orjson.OPT_INDENT_2)
    (run_dir / "results.json").write_bytes(encoded)
    kept = RESULTS_DIR / run_name
    try:
        shutil.copytree(run_dir, kept, dirs_exist_ok=True)
        (RESULTS_DIR / "latest.json").write_bytes(encoded)
    except OSError as exc:
        _log(f"\ncould not keep results in {kept} ({exc}); they stay in {run_dir}")
    else:
        shutil.rmtree(run_dir, ignore_errors=True)
        _log(f"\nresults: {kept / 'results.json'}")
    bad = [o for o in outcomes if o.status in ("wrong-answer", "failed")]
    bad += [o for o in outcomes if any(r.failed for round_ in o.rounds for r in round_)]
    return 1 if bad else 0


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main())
