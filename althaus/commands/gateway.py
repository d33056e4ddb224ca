"""`althaus gateway --supergraph FILE`: run the gateway over any Federation 2 supergraph file."""

from __future__ import annotations

from pathlib import Path

import click

from core.config import ConfigError, Settings


@click.command()
@click.option(
    "--supergraph",
    "supergraph_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path),
    help="Supergraph SDL file (from `althaus compose`, rover, or any Federation 2 composer).",
)
@click.option("--host", default=None, help="Interface to bind (default: HOST, else 127.0.0.1).")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=None, help="Port (default: PORT, else 4000)."
)
def command(supergraph_file: Path, host: str | None, port: int | None) -> None:
    """Run the gateway over a supergraph SDL file.

    Subgraph URLs come from the file's `join__graph` definitions; `SUBGRAPH_<NAME>_URL` overrides
    one (NAME is the subgraph name, upper-cased). Serves GraphQL on /graphql (GraphiQL for
    browsers in development or with GRAPHIQL_ENABLED=true), /health and /ready. With REDIS_URL
    set, access tokens of deactivated users are refused at once (the platform's revocations);
    without it, they pass until they expire.
    """
    import uvicorn

    from core.embedded import resolve
    from core.logging import configure_logging
    from core.redis import connect
    from core.security.revocations import RevocationFollower
    from supergraph.gateway import create_gateway
    from supergraph.http.app import create_gateway_app
    from supergraph.model import Supergraph, SupergraphError

    settings = Settings.from_env()
    if settings.is_production:
        if not settings.internal_token_secret:
            raise ConfigError("INTERNAL_TOKEN_SECRET", "is required when ALTHAUS_ENV=production")
    else:
        settings = resolve(settings, database=False, redis=False, keys=True)
    configure_logging("gateway", settings.log_level)

    sdl = supergraph_file.read_text(encoding="utf-8")
    try:
        supergraph = Supergraph.from_sdl(sdl)
    except SupergraphError as exc:
        raise click.ClickException(f"{supergraph_file}: not a usable supergraph: {exc}") from None
    for name, info in sorted(supergraph.subgraphs.items()):
        url = settings.subgraph_urls.get(name.lower(), info.url)
        click.echo(f"  subgraph {name}: {url}", err=True)

    gateway = create_gateway(settings, supergraph_file=str(supergraph_file))
    revocations = None
    on_shutdown = []
    if settings.redis_url:
        redis = connect(settings.redis_url)
        revocations = RevocationFollower(redis, settings)
        on_shutdown.append(redis.aclose)
    app = create_gateway_app(settings, gateway, revocations=revocations, on_shutdown=on_shutdown)
    bind_host = host or settings.host
    bind_port = port or settings.port
    click.echo(f"Gateway on http://{bind_host}:{bind_port}/graphql", err=True)
    uvicorn.run(
        app,
        host=bind_host,
        port=bind_port,
        loop="uvloop",
        http="httptools",
        log_config=None,
        access_log=False,
        proxy_headers=True,
        server_header=False,
    )
