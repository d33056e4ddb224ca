"""`althaus compose`: fetch subgraph SDLs and print (or write) the Federation 2 supergraph SDL."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from althaus.platform import available_subgraphs
from core.config import ConfigError, Settings
from core.embedded import resolve
from core.security.internal_token import headers_for
from core.security.principal import Principal
from supergraph.compose import SubgraphDefinition, compose
from supergraph.sdl_fetch import SdlFetchError, fetch_all


@click.command(name="compose")
@click.option(
    "--subgraph",
    "subgraphs",
    multiple=True,
    metavar="NAME=URL|FILE",
    help="A subgraph to compose: NAME=http://host/graphql, or NAME=path/to/schema.graphql. "
    "Repeatable. "
    "Default: the core subgraphs of this build (users, system, ...) at their configured URLs, "
    "signed with INTERNAL_TOKEN_SECRET (in development, the secret kept in .data/).",
)
@click.option(
    "--url",
    "urls",
    multiple=True,
    metavar="NAME=URL",
    help="The URL the gateway calls for a subgraph given as a file (default: its configured "
    "SUBGRAPH_<NAME>_URL or core port). Repeatable.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write here (default stdout).",
)
@click.option(
    "--timeout", default=10.0, show_default=True, help="Seconds to wait for each subgraph's SDL."
)
def command(
    subgraphs: tuple[str, ...], urls: tuple[str, ...], out: Path | None, timeout: float
) -> None:
    """Compose subgraph SDLs into a Federation 2 supergraph SDL (join spec).

    Exits 0 on success, 1 when composition fails (coded errors on stderr), 2 on bad arguments or an
    unreachable subgraph.
    """
    settings = Settings.from_env()
    if not subgraphs and settings.internal_token_secret is None and not settings.is_production:
        # The core subgraphs of `make dev` only answer requests signed with the development
        # secret kept in .data/.
        settings = resolve(settings, database=False, redis=False, keys=True)
    targets = _targets(subgraphs, settings)
    remote = {
        name: where for name, where in targets.items() if where.startswith(("http://", "https://"))
    }
    definitions: list[SubgraphDefinition] = []
    sdls: dict[str, str] = {}
    for name, where in targets.items():
        if name not in remote:
            path = Path(where)
            if not path.is_file():
                raise click.UsageError(
                    f"subgraph {name}: {where} is neither an http(s) URL nor a readable file"
                )
            sdls[name] = path.read_text(encoding="utf-8")
    if remote:
        click.echo(f"fetching SDL from {len(remote)} subgraph(s)...", err=True)
        headers = {}
        if settings.internal_token_secret:
            headers = {
                n: headers_for(Principal.guest(), n, settings.internal_token_secret) for n in remote
            }
        try:
            sdls.update(asyncio.run(fetch_all(remote, headers, timeout)))
        except SdlFetchError as exc:
            click.echo(f"althaus compose: [{exc.code}] {exc}", err=True)
            sys.exit(2)
    routing = _pairs(urls, "--url")
    for name, where in targets.items():
        url = where if name in remote else _file_url(name, routing, settings)
        definitions.append(SubgraphDefinition(name=name, url=url, sdl=sdls[name]))
    result = compose(definitions)
    for hint in result.hints:
        click.echo(f"hint: {hint}", err=True)
    if result.supergraph_sdl is None:
        for error in result.errors:
            click.echo(f"error: {error}", err=True)
        click.echo(
            f"althaus compose: composition failed with {len(result.errors)} error(s)", err=True
        )
        sys.exit(1)
    text = result.supergraph_sdl + "\n"
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out} ({len(definitions)} subgraphs)", err=True)


def _targets(subgraphs: tuple[str, ...], settings: Settings) -> dict[str, str]:
    if not subgraphs:
        return {name: settings.subgraph_url(name) for name in available_subgraphs()}
    return _pairs(subgraphs, "--subgraph")


def _pairs(items: tuple[str, ...], option: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            expected = "NAME=URL or NAME=FILE" if option == "--subgraph" else "NAME=URL"
            raise click.UsageError(f"{option} {item!r}: expected {expected}")
        if name in pairs:
            raise click.UsageError(f"{option} {name} given twice")
        pairs[name] = value
    return pairs


def _file_url(name: str, routing: dict[str, str], settings: Settings) -> str:
    """Where the gateway will call a subgraph whose SDL came from a file."""
    if name in routing:
        return routing[name]
    try:
        return settings.subgraph_url(name)
    except ConfigError:
        click.echo(
            f"warning: no URL for subgraph {name} (use --url {name}=URL or SUBGRAPH_"
            f"{name.upper()}_URL); writing a placeholder",
            err=True,
        )
        return f"http://{name}.invalid/graphql"
