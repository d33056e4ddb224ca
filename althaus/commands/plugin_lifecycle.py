"""`althaus plugin install|activate|deactivate|uninstall|update|list`: the lifecycle from a shell.

Plugins run as processes of the plugin engine (the plugins subgraph, inside `althaus dev` or
`althaus serve plugins`), so these commands ask that engine: they call its
`POST /engine/<action>` with an X-Internal-Token for an operator (admin) and print each step
as the engine reports it. `list` reads the registry from the database and works without it.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from althaus.commands.plugin import command, run_on_database

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from core.config import Settings

USER_AGENT = "althaus-cli"
ENGINE_PATH = "/engine"


def _failed(message: str) -> click.ClickException:
    from althaus.platform import CommandFailedError

    return CommandFailedError(message)


def _settings() -> Settings:
    from core.config import Settings
    from core.embedded import resolve

    return resolve(Settings.from_env(), database=False, redis=False, keys=True)


def engine_candidates(settings: Settings) -> list[str]:
    """Where the plugin engine may listen: SUBGRAPH_PLUGINS_URL's service, else `althaus dev`'s
    mount on PORT, then `althaus serve plugins` on 4004."""
    from core.config import CORE_SUBGRAPHS

    configured = settings.subgraph_urls.get("plugins")
    if configured:
        return [configured.removesuffix("/graphql").rstrip("/")]
    return [
        f"http://127.0.0.1:{settings.port}/subgraphs/plugins",
        f"http://127.0.0.1:{CORE_SUBGRAPHS['plugins']}",
    ]


def find_engine(settings: Settings) -> str:
    import httpx

    tried = engine_candidates(settings)
    for base in tried:
        try:
            answer = httpx.get(f"{base}/health", timeout=3.0)
        except httpx.HTTPError:
            continue
        if answer.status_code == 200 and _health_of(answer.content) == "plugins":
            return base
    raise _failed(
        "the plugin engine is not running (tried "
        + ", ".join(tried)
        + "): start `make dev` (or `althaus serve plugins`), or set SUBGRAPH_PLUGINS_URL"
    )


def _health_of(body: bytes) -> str | None:
    """The subgraph a `/health` answer names; None for anything else on that port."""
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    return answer.get("subgraph") if isinstance(answer, dict) else None


def refusal_line(status: int, body: bytes) -> str:
    """`CODE: why` for an engine's non-200 answer: its own `{code, error}`, or the subgraph
    kit's GraphQL-style `{errors: [...]}` (the token guard's 401), else the HTTP status."""
    code = f"HTTP_{status}"
    message = body.decode("utf-8", "replace").strip()
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    if isinstance(answer, dict) and answer.get("code"):
        code, message = str(answer["code"]), str(answer.get("error") or "")
    elif isinstance(answer, dict) and isinstance(answer.get("errors"), list) and answer["errors"]:
        first = answer["errors"][0] if isinstance(answer["errors"][0], dict) else {}
        code = str((first.get("extensions") or {}).get("code") or code)
        message = str(first.get("message") or "")
    message = " ".join(message.split())[:300] or "no reason given"
    if status == 401:
        # The usual cause: this shell's secret is not the running platform's.
        message += "; set INTERNAL_TOKEN_SECRET to the running platform's"
    return f"{code}: {message}"


def operator_headers(settings: Settings) -> dict[str, str]:
    from core.security import internal_token
    from core.security.principal import Principal, RequestContext
    from core.security.roles import scopes_for_role

    secret = settings.internal_token_secret
    if not secret:
        raise _failed("INTERNAL_TOKEN_SECRET is not set; the engine would refuse the request")
    operator = Principal(role="admin", scopes=scopes_for_role("admin"), kind="operator")
    context = RequestContext(request_id=f"cli-{uuid.uuid4().hex[:12]}", user_agent=USER_AGENT)
    return {
        internal_token.HEADER: internal_token.mint(operator, "plugins", secret, context),
        "X-Request-Id": context.request_id,
        "User-Agent": USER_AGENT,
    }


def call_engine(action: str, *, params: dict[str, str] | None = None, body: bytes = b"") -> Any:
    """POST to the engine and print each step it reports; the final result, or exit 1."""
    import httpx

    settings = _settings()
    base = find_engine(settings)
    headers = operator_headers(settings)
    headers["Content-Type"] = "application/octet-stream"
    final: dict[str, Any] | None = None
    try:
        with (
            httpx.Client(timeout=httpx.Timeout(10.0, read=600.0)) as client,
            client.stream(
                "POST",
                f"{base}{ENGINE_PATH}/{action}",
                params=params,
                content=body,
                headers=headers,
            ) as response,
        ):
            if response.status_code != 200:
                raise _failed(refusal_line(response.status_code, response.read()))
            for line in response.iter_lines():
                if not line.strip():
                    continue
                try:
                    event = json.loads(line)
                except ValueError:
                    event = None
                if not isinstance(event, dict):
                    raise _failed(f"the plugin engine at {base} answered {line[:80]!r}, not NDJSON")
                if "step" in event:
                    click.echo(f"  {event['step']}")
                else:
                    final = event
    except httpx.HTTPError as exc:
        raise _failed(f"lost the plugin engine at {base}: {exc}") from None
    if final is None:
        raise _failed("the plugin engine ended without a result; see its log")
    if not final.get("ok"):
        # One line, whatever the refusal carries (composition errors are in the reason already).
        reason = " ".join(str(final.get("error")).split())
        raise _failed(f"{final.get('code')}: {reason}")
    return final.get("result")


def _read_archive(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _failed(f"{path}: {exc.strerror or exc}") from None


ALLOW_UNSIGNED = click.option(
    "--allow-unsigned",
    is_flag=True,
    help="Accept a package with no signature (only when ALTHAUS_ENV=development).",
)


def _unsigned_params(allow_unsigned: bool) -> dict[str, str]:
    if not allow_unsigned:
        return {}
    from core.config import Settings

    if not Settings.from_env().is_development:
        raise click.UsageError("--allow-unsigned is accepted only when ALTHAUS_ENV=development")
    click.secho(
        "WARNING: unsigned packages are accepted for this command; nobody vouches for them.",
        err=True,
        fg="red",
    )
    return {"allow_unsigned": "true"}


@command.command("install")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@ALLOW_UNSIGNED
def install(archive: Path, allow_unsigned: bool) -> None:
    """Verify and install the plugin in ARCHIVE (not yet serving).

    The plugin is then installed but not serving; `althaus plugin activate NAME` adds it to
    the API. Nothing is written when any check or step fails.
    """
    params = _unsigned_params(allow_unsigned)
    click.echo(f"Installing {archive} ...")
    result = call_engine("install", params=params, body=_read_archive(archive))
    click.echo(f"Installed {result['name']} {result['version']} (status {result['status']}).")
    click.echo(f"Next: althaus plugin activate {result['name']}")


@command.command("activate")
@click.argument("name")
def activate(name: str) -> None:
    """Start plugin NAME and add it to the API."""
    click.echo(f"Activating {name} ...")
    result = call_engine("activate", params={"name": name})
    click.echo(f"Active: {result['name']} {result['version']}.")


@command.command("deactivate")
@click.argument("name")
def deactivate(name: str) -> None:
    """Remove plugin NAME from the API; its data stays."""
    click.echo(f"Deactivating {name} ...")
    result = call_engine("deactivate", params={"name": name})
    click.echo(f"Inactive: {result['name']} {result['version']} (data kept).")


@command.command("uninstall")
@click.argument("name")
@click.option("--keep-data", is_flag=True, help="Keep the plugin's schema and tables.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def uninstall_command(name: str, keep_data: bool, yes: bool) -> None:
    """Uninstall plugin NAME and drop its data (unless --keep-data)."""
    if not keep_data and not yes:
        click.confirm(f"Drop plugin {name}'s schema and every row in it?", abort=True, err=True)
    click.echo(f"Uninstalling {name} ...")
    params = {"name": name, "keep_data": "true" if keep_data else "false"}
    call_engine("uninstall", params=params)
    kept = " (data kept)" if keep_data else ""
    click.echo(f"Uninstalled {name}{kept}.")


@command.command("update")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@ALLOW_UNSIGNED
def update(archive: Path, allow_unsigned: bool) -> None:
    """Update an installed plugin to the package in ARCHIVE.

    Its new migrations and update hook run in one transaction: a failure leaves the schema,
    the registry and the running version as they were.
    """
    params = _unsigned_params(allow_unsigned)
    click.echo(f"Updating from {archive} ...")
    result = call_engine("update", params=params, body=_read_archive(archive))
    click.echo(f"Updated {result['name']} to {result['version']} (status {result['status']}).")


@command.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_command(as_json: bool) -> None:
    """List installed plugins, their versions and status."""
    rows = run_on_database(_plugins)
    if as_json:
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    if not rows:
        click.echo("No plugins installed.")
        return
    name_width = max(4, *(len(r["name"]) for r in rows))
    click.echo(f"{'NAME'.ljust(name_width)}  {'VERSION':<10}  {'STATUS':<9}  DETAIL")
    for row in rows:
        detail = (row.get("error") or {}).get("message") or row["display_name"]
        click.echo(
            f"{row['name'].ljust(name_width)}  {row['version']:<10}  {row['status']:<9}  {detail}"
        )


async def _plugins(engine: AsyncEngine) -> list[dict[str, Any]]:
    from subgraphs.plugins.lifecycle import registry

    async with engine.connect() as conn:
        found = await registry.all_plugins(conn)
    return [
        {
            "name": r.name,
            "version": r.version,
            "status": r.status,
            "display_name": r.display_name,
            "error": dict(r.error) if r.error else None,
            "activated_at": r.activated_at,
        }
        for r in found
    ]
