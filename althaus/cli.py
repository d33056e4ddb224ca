"""`althaus`: the command line of the platform.

Each command lives in `althaus/commands/<name>.py` and exposes `command`; commands are imported
only when run, so `althaus --help` stays fast and one broken command cannot break the others.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import click

from core.config import ConfigError

# name -> (module, one-line help shown by `althaus --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "dev": ("althaus.commands.dev", "Run the whole platform in one process on port 4000."),
    "serve": (
        "althaus.commands.serve",
        "Run one service (gateway, users, system, analytics, plugins).",
    ),
    "migrate": ("althaus.commands.migrate", "Apply database migrations (idempotent)."),
    "user": ("althaus.commands.user", "Manage user accounts."),
    "audit": ("althaus.commands.audit", "Inspect the audit log."),
    "compose": ("althaus.commands.compose", "Compose subgraph SDLs into a supergraph SDL."),
    "plan": ("althaus.commands.plan", "Print the query plan for an operation."),
    "gateway": ("althaus.commands.gateway", "Run the gateway over a supergraph SDL file."),
    "plugin": ("althaus.commands.plugin", "Build, sign, install and manage plugins."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name, (module, _) in COMMANDS.items() if _exists(module))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None or not _exists(entry[0]):
            return None
        command = importlib.import_module(entry[0]).command
        if not command.help and not command.short_help:
            command.short_help = entry[1]
        return command  # type: ignore[no-any-return]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _exists(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


@click.group(cls=LazyGroup)
@click.version_option(package_name="althaus")
def cli() -> None:
    """Althaus: a self-hosted platform whose API is one federated GraphQL supergraph."""


def main() -> None:
    try:
        cli(standalone_mode=True)
    except ConfigError as exc:
        click.echo(f"althaus: configuration error: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
