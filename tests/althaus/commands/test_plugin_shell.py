"""`althaus plugin ...` typed in a shell against a running `althaus dev`: keygen, trust, pack,
install, activate, query through the gateway, deactivate, list, uninstall; and the refusals.

`althaus dev` runs as a real process on a free loopback port, with the run's database, Redis
prefix and secrets (so the commands and the server agree); every command is the installed
`althaus` script run in a scratch folder. This module sorts before tests/plugins/, whose session
fixtures install a plugin named `blog` too (role names are server-wide): it waits while
another database on the server uses role plugin_blog, uninstalls any leftover `blog` of this
run first and leaves none behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text

from core.config import Settings
from core.resources import Resources
from subgraphs.plugins.engine import PluginNotInstalled, uninstall
from subgraphs.plugins.package import pack_plugin
from subgraphs.plugins.package.keys import public_key_hex
from subgraphs.plugins.package.trust import add_publisher

REPO = Path(__file__).resolve().parents[3]
BLOG = REPO / "plugins" / "blog"
PASSWORD = "correct horse battery staple"
ME_POSTS = "{ me { username posts { title } } }"
START_SECONDS = 120.0  # a cold `althaus dev`: migrations checked, subgraphs composed
COMMAND_SECONDS = 180.0
SWAP_SECONDS = 15.0  # the gateway follows a new supergraph version asynchronously
ROLE_WAIT_SECONDS = 240.0


def _althaus_command() -> list[str]:
    """The `althaus` script of this environment (what a shell runs), else its module."""
    script = Path(sys.executable).with_name("althaus")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "althaus.cli"]


ALTHAUS = _althaus_command()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _short_temp_dir() -> Path:
    # Plugin sockets live under ALTHAUS_DATA_DIR, and a Unix socket path has 108 bytes at most.
    return Path(tempfile.mkdtemp(prefix="alt-", dir="/tmp")).resolve()


def _environment(settings: Settings, data_dir: Path, port: int) -> dict[str, str]:
    """What both `althaus dev` and the commands see: the run's servers and secrets."""
    assert settings.database_url and settings.redis_url
    assert settings.internal_token_secret and settings.jwt_private_key
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALTHAUS_", "SUBGRAPH_"))}
    env.update(
        ALTHAUS_ENV="test",
        ALTHAUS_DATA_DIR=str(data_dir),
        DATABASE_URL=settings.database_url,
        REDIS_URL=settings.redis_url,
        REDIS_KEY_PREFIX=settings.redis_prefix,
        INTERNAL_TOKEN_SECRET=settings.internal_token_secret,
        JWT_PRIVATE_KEY=settings.jwt_private_key,
        HOST="127.0.0.1",
        PORT=str(port),
        LOG_LEVEL="WARNING",
    )
    return env


async def run_althaus(
    args: tuple[str, ...], *, env: dict[str, str], cwd: Path, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    process = await asyncio.create_subprocess_exec(
        *ALTHAUS,
        *args,
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(stdin.encode()), COMMAND_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError(
            f"`althaus {' '.join(args)}` ran longer than {COMMAND_SECONDS} s"
        ) from None
    assert process.returncode is not None
    return subprocess.CompletedProcess(list(args), process.returncode, out.decode(), err.decode())


Shell = Callable[..., Awaitable[subprocess.CompletedProcess[str]]]


class Dev:
    """A running `althaus dev` and a shell (a scratch folder, the same environment) beside it."""

    def __init__(self, base_url: str, env: dict[str, str], log: Path) -> None:
        self.base_url = base_url
        self.env = env
        self.log = log

    def shell(self, cwd: Path) -> Shell:
        async def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
            return await run_althaus(args, env=self.env, cwd=cwd, stdin=stdin)

        return run

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    async def graphql(self, query: str, token: str | None = None, **variables: Any) -> Any:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        async with httpx.AsyncClient(base_url=self.base_url, timeout=30) as client:
            response = await client.post(
                "/graphql", json={"query": query, "variables": variables}, headers=headers
            )
        return response.json()

    async def login(self, login: str) -> str:
        answer = await self.graphql(
            "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
            i={"login": login, "password": PASSWORD},
        )
        assert "errors" not in answer, answer
        return str(answer["data"]["login"]["accessToken"])


async def _forget_blog(resources: Resources) -> None:
    with contextlib.suppress(PluginNotInstalled):
        await uninstall(resources.engine, "blog")


async def _databases_using_blog_role(resources: Resources) -> list[str]:
    """Other databases of this server with objects owned by role plugin_blog."""
    async with resources.engine.connect() as conn:
        found = await conn.execute(
            text(
                "SELECT DISTINCT d.datname FROM pg_shdepend s"
                " JOIN pg_database d ON d.oid = s.dbid"
                " JOIN pg_roles r ON r.oid = s.refobjid AND r.rolname = 'plugin_blog'"
                " WHERE d.datname <> current_database()"
            )
        )
        return list(found.scalars().all())


async def _wait_for_blog_role(resources: Resources) -> None:
    """The role is server-wide: when another run on this server (a benchmark, a second test
    run) has `blog` installed in its own database, wait for it rather than fail half-way."""
    deadline = asyncio.get_running_loop().time() + ROLE_WAIT_SECONDS
    while others := await _databases_using_blog_role(resources):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(
                f"role plugin_blog is still used by database(s) {', '.join(others)} on this"
                f" server after {ROLE_WAIT_SECONDS} s: another run has plugin blog installed"
            )
        await asyncio.sleep(1.0)


async def _wait_ready(process: asyncio.subprocess.Process, base_url: str, log: Path) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + START_SECONDS
    async with httpx.AsyncClient(base_url=base_url, timeout=5) as client:
        while True:
            if process.returncode is not None:
                raise AssertionError(
                    f"althaus dev exited ({process.returncode}):\n{log.read_text()[-4000:]}"
                )
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get("/ready")).status_code == 200:
                    return
            if loop.time() > deadline:
                raise AssertionError(
                    f"althaus dev not ready in {START_SECONDS} s:\n{log.read_text()[-4000:]}"
                )
            await asyncio.sleep(0.2)


async def _stop(process: asyncio.subprocess.Process) -> None:
    """SIGTERM (it stops the plugin processes on its way out), then SIGKILL."""
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), 30)
    except TimeoutError:
        process.kill()
        await process.wait()


def _kill_plugin_processes_under(data_dir: Path) -> None:
    """Plugin processes run in sessions of their own: if `althaus dev` had to be killed, its
    plugins (found by their socket under our data dir) would outlive it."""
    ours = f"ALTHAUS_PLUGIN_SOCKET={data_dir}/".encode()
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            environ = (proc / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(entry.startswith(ours) for entry in environ):
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(proc.name), signal.SIGKILL)


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def dev(settings: Settings, resources: Resources) -> AsyncIterator[Dev]:
    await _wait_for_blog_role(resources)
    await _forget_blog(resources)
    data_dir = _short_temp_dir()
    port = _free_port()
    env = _environment(settings, data_dir, port)
    base_url = f"http://127.0.0.1:{port}"
    log_path = data_dir / "dev.log"
    try:
        with log_path.open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                *ALTHAUS,
                "dev",
                cwd=data_dir,
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            await _wait_ready(process, base_url, log_path)
            yield Dev(base_url, env, log_path)
        finally:
            await _stop(process)
            _kill_plugin_processes_under(data_dir)
    finally:
        await _forget_blog(resources)
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest_asyncio.fixture(loop_scope="session")
async def workdir() -> AsyncIterator[Path]:
    """The shell's current folder: empty, short, removed afterwards."""
    folder = _short_temp_dir()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The refusal of a failed command: exit code 1 and exactly one line on stderr."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def _listed(result: subprocess.CompletedProcess[str]) -> dict[str, list[str]]:
    """`althaus plugin list`'s table: name -> its columns."""
    assert result.returncode == 0, result.stderr
    rows = [line.split(maxsplit=3) for line in result.stdout.splitlines()]
    return {row[0]: row for row in rows if row and row[0] != "NAME" and len(row) == 4}


async def _until(check: Callable[[], Awaitable[Any]], seconds: float = SWAP_SECONDS) -> Any:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        result = await check()
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(0.1)


async def test_blog_from_keygen_to_uninstall_as_typed_in_a_shell(
    dev: Dev, resources: Resources, workdir: Path
) -> None:
    althaus = dev.shell(workdir)

    keygen = await althaus("plugin", "keygen", "--out", "publisher.key")
    assert keygen.returncode == 0, keygen.stderr
    assert (workdir / "publisher.key").is_file() and (workdir / "publisher.pub").is_file()
    trusted = await althaus("plugin", "trust", "add", "publisher.pub")
    assert trusted.returncode == 0, trusted.stderr
    assert trusted.stdout.startswith("Trusted publisher (fingerprint ")
    packed = await althaus(
        "plugin", "pack", str(BLOG), "--key", "publisher.key", "--out", "blog.althaus"
    )
    assert packed.returncode == 0, packed.stderr
    assert packed.stdout.startswith("Packed blog 1.0.0 -> blog.althaus (")

    installed = await althaus("plugin", "install", "blog.althaus")
    assert installed.returncode == 0, (installed.stderr, dev.log_tail())
    lines = installed.stdout.splitlines()
    assert lines[0] == "Installing blog.althaus ..."
    for step in (
        "  verified blog 1.0.0 signed by publisher",
        "  composing the supergraph with the plugin's schema (dry run)",
        "  creating schema",
        "  applying 0001_create_posts.sql",
        "  running the install hook",
        "  installed",
    ):
        assert step in lines, installed.stdout
    assert lines[-2:] == [
        "Installed blog 1.0.0 (status installed).",
        "Next: althaus plugin activate blog",
    ]

    activated = await althaus("plugin", "activate", "blog")
    assert activated.returncode == 0, (activated.stderr, dev.log_tail())
    lines = activated.stdout.splitlines()
    assert lines[0] == "Activating blog ..."
    assert "  starting the plugin's process" in lines
    assert lines[-2].startswith("  active: supergraph version ")
    assert lines[-1] == "Active: blog 1.0.0."

    editor = f"ed{secrets.token_hex(4)}"
    created = await althaus(
        "user", "create", "--email", f"{editor}@example.com", "--username", editor,
        "--role", "editor", "--password-stdin", stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    token = await dev.login(editor)

    async def answered() -> Any:
        answer = await dev.graphql(ME_POSTS, token)
        return answer if "errors" not in answer else None

    answer = await _until(answered)
    assert answer == {"data": {"me": {"username": editor, "posts": []}}}, answer

    post = await dev.graphql(
        'mutation { createPost(input: {title: "Kept", body: "across deactivation"}) { title } }',
        token,
    )
    assert post == {"data": {"createPost": {"title": "Kept"}}}

    deactivated = await althaus("plugin", "deactivate", "blog")
    assert deactivated.returncode == 0, (deactivated.stderr, dev.log_tail())
    lines = deactivated.stdout.splitlines()
    assert lines[0] == "Deactivating blog ..."
    assert "  stopping the plugin's process" in lines
    assert lines[-1] == "Inactive: blog 1.0.0 (data kept)."

    async def refused() -> Any:
        answer = await dev.graphql(ME_POSTS, token)
        return answer if answer.get("errors") else None

    gone = await _until(refused)
    assert gone is not None and "data" not in gone, gone
    assert [e["extensions"]["code"] for e in gone["errors"]] == ["GRAPHQL_VALIDATION_FAILED"]
    assert (await dev.graphql("{ me { username } }", token)) == {
        "data": {"me": {"username": editor}}
    }
    listed = _listed(await althaus("plugin", "list"))
    assert listed["blog"] == ["blog", "1.0.0", "inactive", "Blog"]
    async with resources.engine.connect() as conn:
        kept = await conn.execute(text("SELECT title FROM plugin_blog.posts"))
        assert kept.scalars().all() == ["Kept"]

    removed = await althaus("plugin", "uninstall", "blog", "--yes")
    assert removed.returncode == 0, (removed.stderr, dev.log_tail())
    lines = removed.stdout.splitlines()
    assert lines[0] == "Uninstalling blog ..."
    assert "  dropping the schema and the role" in lines
    assert lines[-1] == "Uninstalled blog."
    assert "blog" not in _listed(await althaus("plugin", "list"))
    async with resources.engine.connect() as conn:
        schema = await conn.execute(text("SELECT to_regnamespace('plugin_blog')"))
        assert schema.scalar_one() is None


async def test_activating_a_plugin_that_is_not_installed_is_one_line_and_exit_1(
    dev: Dev, workdir: Path
) -> None:
    result = await dev.shell(workdir)("plugin", "activate", "nosuchplugin")
    assert _one_line(result).startswith("althaus: PLUGIN_NOT_INSTALLED: ")


@pytest_asyncio.fixture(loop_scope="session")
async def signed_blog(resources: Resources) -> bytes:
    """plugins/blog packed and signed by a key this run trusts."""
    key = Ed25519PrivateKey.generate()
    await add_publisher(resources.engine, public_key_hex(key), f"shell-{secrets.token_hex(3)}")
    return pack_plugin(BLOG, key).archive


# Which check catches a byte flipped in the compressed stream depends on where it lands (the
# signature, hence the bytes after it, differs with every key).
TAMPERED = ("PLUGIN_ARCHIVE_INVALID", "PLUGIN_CHECKSUM_MISMATCH", "PLUGIN_SIGNATURE_INVALID")


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]


async def test_a_tampered_archive_is_refused_and_installs_nothing(
    dev: Dev, workdir: Path, signed_blog: bytes
) -> None:
    althaus = dev.shell(workdir)
    before = await althaus("plugin", "list")
    assert before.returncode == 0, before.stderr

    # A byte flipped in the file as shipped, and one flipped inside a packed file (a valid
    # gzip again, as a careful attacker would leave it): neither gets past the checks.
    tar = gzip.decompress(signed_blog)
    inside = gzip.compress(_flip(tar, tar.index(b"display_name: Blog") + 14), mtime=0)
    for name, data, codes in (
        ("flipped.althaus", _flip(signed_blog, len(signed_blog) // 2), TAMPERED),
        ("inside.althaus", inside, ("PLUGIN_CHECKSUM_MISMATCH",)),
    ):
        (workdir / name).write_bytes(data)
        result = await althaus("plugin", "install", name)
        code = _one_line(result).removeprefix("althaus: ").split(":")[0]
        assert code in codes, (name, result.stderr)
        after = await althaus("plugin", "list")
        assert after.stdout == before.stdout


async def test_without_a_running_engine_activate_says_it_is_not_running(
    settings: Settings, workdir: Path
) -> None:
    closed = _free_port()
    env = _environment(settings, workdir, closed)
    result = await run_althaus(("plugin", "activate", "blog"), env=env, cwd=workdir)
    line = _one_line(result)
    assert line.startswith("althaus: the plugin engine is not running (tried "), line
    assert f"http://127.0.0.1:{closed}/subgraphs/plugins" in line


async def test_a_command_signed_with_another_secret_is_refused_in_one_line(
    dev: Dev, workdir: Path
) -> None:
    env = {**dev.env, "INTERNAL_TOKEN_SECRET": secrets.token_hex(32)}
    result = await run_althaus(("plugin", "activate", "blog"), env=env, cwd=workdir)
    line = _one_line(result)
    assert line.startswith("althaus: UNAUTHENTICATED_SUBGRAPH_REQUEST: "), line
    assert "INTERNAL_TOKEN_SECRET" in line


CALLBACK_PLUGIN = """
from __future__ import annotations

import json

import strawberry
from strawberry.types import Info


@strawberry.type
class Query:
    @strawberry.field
    async def {name}callback(self, info: Info) -> str:
        document = '{{ __typename plugin(name: "blog") {{ name }} }}'
        answer = await info.context.gateway().query(document)
        return json.dumps(answer, sort_keys=True)
"""


async def test_a_plugin_calls_the_api_back_with_its_own_scoped_key(
    dev: Dev, resources: Resources, workdir: Path
) -> None:
    """The key in the plugin's process reaches the gateway as a viewer with the plugin's
    capabilities: `__typename` answers, an admin-only field is refused."""
    name = f"fxcall{uuid.uuid4().hex[:6]}"
    althaus = dev.shell(workdir)
    assert (await althaus("plugin", "keygen", "--out", "cb.key")).returncode == 0
    assert (await althaus("plugin", "trust", "add", "cb.pub")).returncode == 0
    assert (await althaus("plugin", "new", name)).returncode == 0
    (workdir / name / name / "__init__.py").write_text(CALLBACK_PLUGIN.format(name=name))
    packed = await althaus("plugin", "pack", name, "--key", "cb.key", "--out", "cb.althaus")
    assert packed.returncode == 0, packed.stderr
    try:
        installed = await althaus("plugin", "install", "cb.althaus")
        assert installed.returncode == 0, installed.stderr
        activated = await althaus("plugin", "activate", name)
        assert activated.returncode == 0, activated.stderr

        async def called_back() -> Any:
            answer = await dev.graphql(f"{{ {name}callback }}")
            return answer if "errors" not in answer else None

        answer = await _until(called_back)
        assert answer is not None, await dev.graphql(f"{{ {name}callback }}")
        seen = json.loads(answer["data"][f"{name}callback"])
        assert seen["data"] == {"__typename": "Query", "plugin": None}
        assert seen["errors"][0]["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE"
        async with resources.engine.connect() as conn:
            keys = await conn.execute(
                text(
                    "SELECT role, scopes, revoked_at IS NULL FROM public.api_keys"
                    " WHERE name = :n ORDER BY created_at"
                ),
                {"n": f"plugin:{name}"},
            )
            assert [tuple(row) for row in keys] == [("viewer", [f"plugin:{name}"], True)]
        deactivated = await althaus("plugin", "deactivate", name)
        assert deactivated.returncode == 0, deactivated.stderr
        async with resources.engine.connect() as conn:
            live = await conn.execute(
                text("SELECT count(*) FROM public.api_keys WHERE name = :n AND revoked_at IS NULL"),
                {"n": f"plugin:{name}"},
            )
            assert live.scalar_one() == 0  # revoked with the process
    finally:
        await althaus("plugin", "uninstall", name, "--yes")
