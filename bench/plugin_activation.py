"""Time from `activatePlugin` returning to the first answer of the plugin's field via the gateway.

The whole platform runs in this process (`create_dev_app`), in a database of its own; the shipped
`plugins/blog` is packed, signed by a key trusted for this run and installed once, then activated
and deactivated N times. Each round measures how long `activatePlugin` takes, the time from its
answer to the first successful `{ me { posts { title } } }` through the gateway, how long
`deactivatePlugin` takes, and the time from its answer to the first validation error for
`User.posts`. The issue's target for the second figure is 2 s.

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
import contextlib
import secrets
import shutil
import signal
import statistics
import tempfile
import time
import traceback
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text

from althaus.commands.user import create_account
from althaus.platform import create_dev_app, display_url
from bench.harness.machine import machine_facts
from core import db
from core import redis as core_redis
from core.config import ConfigError, Settings
from core.embedded import resolve
from core.migrate import migrate
from core.resources import Resources
from core.secrets import new_internal_token_secret, new_jwt_private_key
from subgraphs.plugins.engine import PluginInstallFailed, PluginNotInstalled, role_name, uninstall
from subgraphs.plugins.lifecycle.host import HostOptions
from subgraphs.plugins.package import pack_plugin
from subgraphs.plugins.package.keys import public_key_hex
from subgraphs.plugins.package.trust import add_publisher

PLUGIN = "blog"
PLUGIN_DIR = ROOT / "plugins" / PLUGIN
EMBEDDED_DIR = ROOT / ".data" / "bench"
"""Where the embedded PostgreSQL and Redis live when DATABASE_URL / REDIS_URL are unset."""
TARGET_SECONDS = 2.0
POLL_CAP_SECONDS = 30.0
POLL_PAUSE_SECONDS = 0.001
DRAIN_SECONDS = 0.2
POSTS = "{ me { posts { title } } }"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"

Progress = Callable[[str], None]


class BenchError(Exception):
    """The benchmark could not run or a round could not finish; the message is one line."""


class PluginRoleTakenError(BenchError):
    """Role `plugin_blog` already exists on the server: another run or install owns it."""

    def __init__(self, where: str) -> None:
        super().__init__(
            f"role {role_name(PLUGIN)} already exists on the PostgreSQL server at {where}"
            f" (a {PLUGIN!r} plugin installed by someone else; roles are server-wide):"
            " refusing to touch it; run again once it is gone, or against another server"
        )


# -- figures ---------------------------------------------------------------------------------


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
                f" at most {_ms(slowest)} ms after activatePlugin returned"
                f" ({_rounds(len(self.rounds))})"
            )
        late = ", ".join(str(number) for number in self.late_rounds)
        return (
            f"verdict: over the {self.target_seconds:g} s target in {len(self.late_rounds)}"
            f" of {_rounds(len(self.rounds))} ({late}); slowest {_ms(slowest)} ms"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "target_seconds": self.target_seconds,
            "within_target": self.within_target,
            "rounds": [asdict(round_) for round_ in self.rounds],
            "summary": {figure: asdict(self.of(figure)) for figure in FIGURES},
        }


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def _rounds(count: int) -> str:
    return f"{count} round" if count == 1 else f"{count} rounds"


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
                    _ms(round_.activate_seconds),
                    _ms(round_.visible_seconds),
                    str(round_.visible_polls),
                    _ms(round_.deactivate_seconds),
                    _ms(round_.gone_seconds),
                    str(round_.gone_polls),
                ]
            )
        )
    lines.append("-" * len(header))
    spreads = [summary.of(figure) for figure in FIGURES]
    for label in ("min", "median", "max"):
        a, v, d, g = (_ms(getattr(s, label)) for s in spreads)
        lines.append(_row([label, a, v, "", d, g, ""]))
    lines.append("")
    lines.append(summary.verdict())
    return "\n".join(lines)


# -- arguments -------------------------------------------------------------------------------


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


# -- the platform ----------------------------------------------------------------------------


def _short_temp_dir() -> Path:
    # Plugin processes listen on Unix sockets under the data dir (108 bytes at most).
    base = "/tmp" if Path("/tmp").is_dir() else None
    return Path(tempfile.mkdtemp(prefix="althaus-bench-", dir=base)).resolve()


@dataclass
class Cleanup:
    """What this run made that outlives its process unless removed."""

    database: str | None = None
    redis_prefix: str | None = None
    owns_role: bool = False
    """Set when this run installs the plugin, cleared once it is uninstalled: only in between
    is role plugin_blog ours to drop."""


class Platform:
    """The in-process platform with an editor and an admin signed in."""

    def __init__(self, client: httpx.AsyncClient, app: Any) -> None:
        self.client = client
        self.app = app
        self.admin_token = ""
        self.editor_token = ""

    @property
    def host(self) -> Any:
        return self.app.state.subgraphs["plugins"].state.plugin_host

    @property
    def resources(self) -> Resources:
        resources: Resources = self.app.state.resources
        return resources

    async def graphql(self, query: str, token: str = "", **variables: Any) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            body = None
        if not isinstance(body, dict):
            return {"errors": [{"message": f"HTTP {response.status_code}: {response.text[:200]}"}]}
        return body

    async def login(self, login: str, password: str) -> str:
        answer = await self.graphql(
            "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
            i={"login": login, "password": password},
        )
        token = ((answer.get("data") or {}).get("login") or {}).get("accessToken")
        if not token:
            raise BenchError(f"could not sign in as {login}: {_first_error(answer)}")
        return str(token)

    async def set_plugin(self, mutation: str, expected: str) -> float:
        """Run `activatePlugin` or `deactivatePlugin`; its duration in seconds."""
        started = time.perf_counter()
        answer = await self.graphql(
            f'mutation {{ {mutation}(name: "{PLUGIN}") {{ status }} }}', self.admin_token
        )
        took = time.perf_counter() - started
        status = ((answer.get("data") or {}).get(mutation) or {}).get("status")
        if status != expected:
            problem = f"{mutation} did not answer {expected}: {_first_error(answer)}"
            raise BenchError(_with_hint(problem))
        return took

    async def poll_posts(
        self, accept: Callable[[dict[str, Any]], bool], since: float, what: str
    ) -> tuple[float, int]:
        """Ask for `User.posts` as fast as the gateway answers until `accept` says yes; the time
        from `since` to that answer and the number of requests it took."""
        polls = 0
        while True:
            answer = await self.graphql(POSTS, self.editor_token)
            polls += 1
            elapsed = time.perf_counter() - since
            if accept(answer):
                return elapsed, polls
            if elapsed > POLL_CAP_SECONDS:
                last = _first_error(answer)
                raise BenchError(f"{what} not within {POLL_CAP_SECONDS:g} s (last answer: {last})")
            await asyncio.sleep(POLL_PAUSE_SECONDS)


def _first_error(answer: dict[str, Any]) -> str:
    errors = answer.get("errors") or []
    if not errors:
        return orjson.dumps(answer).decode()[:200]
    first = errors[0]
    code = (first.get("extensions") or {}).get("code")
    message = str(first.get("message", "")).splitlines()[0] if first.get("message") else ""
    return f"[{code}] {message}" if code else message


def _with_hint(problem: str) -> str:
    if "not permitted to log in" in problem:
        # Another platform on the same server uninstalling its own `blog` turns the
        # server-wide role's login off under this run.
        return (
            f"{problem} (role {role_name(PLUGIN)} is server-wide: did another run on this"
            " server install or uninstall a blog plugin meanwhile? run again)"
        )
    return problem


def answers_posts(answer: dict[str, Any]) -> bool:
    me = (answer.get("data") or {}).get("me") or {}
    return not answer.get("errors") and isinstance(me.get("posts"), list)


def refuses_posts(answer: dict[str, Any]) -> bool:
    errors = answer.get("errors") or []
    return bool(errors) and (errors[0].get("extensions") or {}).get("code") == VALIDATION_FAILED


@contextlib.asynccontextmanager
async def platform(settings: Settings, progress: Progress) -> AsyncIterator[Platform]:
    app = create_dev_app(settings, plugin_options=HostOptions(drain_seconds=DRAIN_SECONDS))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", timeout=60
        ) as client:
            running = Platform(client, app)
            try:
                await running.host.started.wait()
                engine = running.resources.engine
                suffix = secrets.token_hex(3)
                password = f"bench-{secrets.token_urlsafe(18)}"
                for role in ("admin", "editor"):
                    await create_account(
                        engine,
                        email=f"{role}{suffix}@example.com",
                        username=f"bench_{role}{suffix}",
                        role=role,
                        password=password,
                    )
                running.admin_token = await running.login(f"bench_admin{suffix}", password)
                running.editor_token = await running.login(f"bench_editor{suffix}", password)
                progress("platform started, editor and admin signed in")
                yield running
            finally:
                await running.host.supervisor.stop_all()


async def install_plugin(running: Platform, cleanup: Cleanup, progress: Progress) -> None:
    """Trust a fresh key, pack plugins/blog with it, upload and install it."""
    publisher = Ed25519PrivateKey.generate()
    engine = running.resources.engine
    await add_publisher(engine, public_key_hex(publisher), f"bench-{secrets.token_hex(3)}")
    archive = pack_plugin(PLUGIN_DIR, publisher).archive
    uploaded = await running.host.upload(archive)
    progress(f"installing {PLUGIN} {uploaded.version} (dry run, migrations, install hook)")
    cleanup.owns_role = True
    try:
        await running.host.install(uploaded.checksum)
    except PluginInstallFailed as exc:
        if exc.step == "checking for leftovers":  # made by someone else since the check
            cleanup.owns_role = False
            where = display_url(running.resources.settings.database_url)
            raise PluginRoleTakenError(where) from None
        raise BenchError(_with_hint(str(exc))) from exc
    first = await running.graphql(POSTS, running.editor_token)
    if not refuses_posts(first):
        raise BenchError(f"User.posts answered before activation: {_first_error(first)}")


async def _installed_here(running: Platform) -> bool:
    """Whether this run's database holds the plugin (its registry row or its schema; unlike
    its role, both belong to this database alone)."""
    async with running.resources.engine.connect() as conn:
        found = await conn.execute(
            text(
                "SELECT EXISTS (SELECT 1 FROM system.plugin_registry WHERE name = :name)"
                " OR EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = :schema)"
            ),
            {"name": PLUGIN, "schema": role_name(PLUGIN)},
        )
        return bool(found.scalar_one())


async def uninstall_plugin(running: Platform, cleanup: Cleanup, progress: Progress) -> None:
    """Deactivate (when active) and uninstall through the host; straight through the engine
    when the host cannot. Once it is gone the role name is no longer ours: another run may
    take it right away."""
    if not await _installed_here(running):
        # An install that failed undid itself; a role of that name now is someone else's.
        cleanup.owns_role = False
        return
    progress(f"uninstalling {PLUGIN}")
    try:
        await running.host.uninstall(PLUGIN)
    except Exception as exc:
        progress(f"the host could not uninstall {PLUGIN} ({exc}); dropping it directly")
        with contextlib.suppress(PluginNotInstalled):
            await uninstall(running.resources.engine, PLUGIN)
    cleanup.owns_role = False


async def measure_round(running: Platform) -> Round:
    activate = await running.set_plugin("activatePlugin", "ACTIVE")
    answered = time.perf_counter()
    visible, visible_polls = await running.poll_posts(
        answers_posts, answered, "User.posts answered after activatePlugin"
    )
    deactivate = await running.set_plugin("deactivatePlugin", "INACTIVE")
    answered = time.perf_counter()
    gone, gone_polls = await running.poll_posts(
        refuses_posts, answered, "User.posts refused after deactivatePlugin"
    )
    return Round(activate, visible, visible_polls, deactivate, gone, gone_polls)


# -- one run ---------------------------------------------------------------------------------


def server_settings(configured: Settings) -> Settings:
    """The servers to use (from the environment, else embedded) and secrets for this run only."""
    return resolve(
        configured.with_(
            data_dir=EMBEDDED_DIR,
            internal_token_secret=new_internal_token_secret(),
            jwt_private_key=new_jwt_private_key(),
            log_level="WARNING",
        )
    )


async def _role_exists(server_url: str) -> bool:
    admin = await asyncpg.connect(db.plain_url(server_url))
    try:
        found = await admin.fetchval(
            "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1", role_name(PLUGIN)
        )
    finally:
        await admin.close()
    return found is not None


async def _create_database(server_url: str, name: str) -> None:
    admin = await asyncpg.connect(db.plain_url(server_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def _drop(server_url: str, cleanup: Cleanup) -> None:
    """Drop this run's database and, when this run made it and it is still there, the plugin's
    role (a role outlives the database; an uninstall that failed would leave it behind)."""
    admin = await asyncpg.connect(db.plain_url(server_url))
    try:
        if cleanup.database is not None:
            await admin.execute(f'DROP DATABASE IF EXISTS "{cleanup.database}" WITH (FORCE)')
        if cleanup.owns_role:
            await admin.execute(f'DROP ROLE IF EXISTS "{role_name(PLUGIN)}"')
    finally:
        await admin.close()


async def _delete_redis_keys(url: str, prefix: str) -> None:
    client = core_redis.connect(url)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*", count=500)]
        for start in range(0, len(keys), 500):
            await client.delete(*keys[start : start + 500])
    finally:
        await client.aclose()


async def run(configured: Settings, rounds: int, progress: Progress) -> Summary:
    # SIGTERM (`timeout`, a CI runner) cancels the run like Ctrl-C does, so the cleanup runs.
    main_task = asyncio.current_task()
    if main_task is not None:
        with contextlib.suppress(NotImplementedError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main_task.cancel)
    server = server_settings(configured)
    assert server.database_url is not None and server.redis_url is not None
    if await _role_exists(server.database_url):
        raise PluginRoleTakenError(display_url(server.database_url))
    tag = secrets.token_hex(6)
    cleanup = Cleanup()
    data_dir = _short_temp_dir()
    try:
        cleanup.database = f"althaus_bench_{tag}"
        await _create_database(server.database_url, cleanup.database)
        cleanup.redis_prefix = f"althaus:bench_{tag}:"
        settings = server.with_(
            database_url=db.with_database(server.database_url, cleanup.database),
            redis_prefix=cleanup.redis_prefix,
            data_dir=data_dir,
        )
        assert settings.database_url is not None
        progress(f"database {cleanup.database} created, migrating")
        await migrate(settings.database_url)
        measured: list[Round] = []
        async with platform(settings, progress) as running:
            try:
                await install_plugin(running, cleanup, progress)
                for number in range(1, rounds + 1):
                    measured.append(await measure_round(running))
                    progress(
                        f"round {number}/{rounds}: visible after"
                        f" {_ms(measured[-1].visible_seconds)} ms"
                    )
            finally:
                if cleanup.owns_role:
                    await uninstall_plugin(running, cleanup, progress)
        return Summary(tuple(measured))
    finally:
        progress("stopping; dropping the database")
        await _drop(server.database_url, cleanup)
        if cleanup.redis_prefix is not None:
            await _delete_redis_keys(server.redis_url, cleanup.redis_prefix)
        shutil.rmtree(data_dir, ignore_errors=True)


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
        record = {
            "started_at": started.isoformat(timespec="seconds"),
            "machine": machine_facts(),
            "servers": {
                "database": "DATABASE_URL" if configured.database_url else "embedded",
                "redis": "REDIS_URL" if configured.redis_url else "embedded",
            },
            **summary.as_json(),
        }
        print(orjson.dumps(record, option=orjson.OPT_INDENT_2).decode())
    else:
        print(format_table(summary))
    return 0 if summary.within_target else 1


if __name__ == "__main__":
    sys.exit(main())
