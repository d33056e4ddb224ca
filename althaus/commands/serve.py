"""`althaus serve <service>`: run one service (what each Docker image runs)."""

from __future__ import annotations

import click

from althaus.platform import SERVICES, create_service_app, exit_cleanly_on_sigterm
from core.config import Settings
from core.embedded import resolve
from core.logging import configure_logging
from core.request_logging import RequestLoggingMiddleware


@click.command()
@click.argument("service", type=click.Choice(list(SERVICES)))
@click.option("--host", default=None, help="Interface to bind (default: HOST, else 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port to bind.")
def command(service: str, host: str | None, port: int | None) -> None:
    """Run one service: gateway (4000), users (4001), system (4002), analytics (4003),
    plugins (4004). analytics is not in this build yet: asked for it, the command says so
    and exits 1.

    Reads configuration from the environment (see README, "Configuration"). In development,
    unset DATABASE_URL/REDIS_URL start embedded servers in .data/; production requires them.
    """
    import uvicorn

    settings = resolve(Settings.from_env())
    configure_logging(service, settings.log_level)
    app = RequestLoggingMiddleware(create_service_app(service, settings))
    bind_host = host or settings.host
    bind_port = port or (settings.port if service == "gateway" else SERVICES[service])
    click.echo(f"Serving {service} on http://{bind_host}:{bind_port}", err=True)
    exit_cleanly_on_sigterm()
    uvicorn.run(
        app,
        host=bind_host,
        port=bind_port,
        log_config=None,
        access_log=False,  # RequestLoggingMiddleware logs each request with its ids
        proxy_headers=True,
        server_header=False,
    )
