"""`althaus plugin`: make, sign, check and trust plugin packages (the lifecycle: plugin_lifecycle).

Each subcommand is small: the work lives in `subgraphs.plugins.package`. Exit codes: 0 done,
1 refused or failed (one line saying why, with the refusal's code), 2 usage or configuration.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from core.version import PLATFORM_VERSION
from subgraphs.plugins.package import (
    PluginPackageError,
    VerifiedPlugin,
    pack_plugin,
    verify_archive,
)
from subgraphs.plugins.package.keys import (
    Publisher,
    read_private_key,
    read_public_key,
    write_key_pair,
)
from subgraphs.plugins.package.scaffold import scaffold

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from core.config import Settings
    from subgraphs.plugins.package.trust import TrustedPublisher

# The database stack (SQLAlchemy, the platform wiring) is imported only by the commands that
# use it, so `new`, `keygen` and `pack` start quickly.

T = TypeVar("T")


@contextlib.contextmanager
def refusals() -> Iterator[None]:
    """A refused package or key becomes one line and exit code 1 (`CODE: why`)."""
    try:
        yield
    except PluginPackageError as exc:
        raise _failed(f"{exc.code}: {exc}") from None
    except OSError as exc:  # a folder that cannot be written, a disk that is full
        where = f"{exc.filename}: " if exc.filename else ""
        raise _failed(f"{where}{exc.strerror or exc}") from None


def _failed(message: str) -> click.ClickException:
    from althaus.platform import CommandFailedError

    return CommandFailedError(message)


def command_settings() -> Settings:
    """Settings for plugin commands: the database only (embedded in development)."""
    from core.config import Settings
    from core.embedded import resolve

    return resolve(Settings.from_env(), redis=False, keys=False)


def run_on_database(work: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    """Run `work` with a one-connection engine on the configured database; its connection
    and schema problems become one line (exit 1), as in every database command."""
    from althaus.platform import run_database_task

    url = command_settings().database_url
    assert url is not None
    return run_database_task(_with_engine(url, work), url)


@click.group()
def command() -> None:
    """Build, sign, install and manage plugins."""


@command.command("new")
@click.argument("name")
@click.option(
    "--dir",
    "parent",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder to create the plugin folder in.",
)
def new(name: str, parent: Path) -> None:
    """Scaffold a working plugin in DIR/NAME.

    It holds plugin.yaml, one migration, the Python package (a Query field and hook stubs)
    and a test; it validates and packs as generated.
    """
    with refusals():
        root = scaffold(name, parent)
    click.echo(f"Created {root}/ (plugin.yaml, migrations/, {name}/, tests/).")
    click.echo(f"Next: althaus plugin pack {root} --key publisher.key")


@command.command("keygen")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("publisher.key"),
    show_default=True,
    help="Private key file (PEM, mode 0600); the public key goes beside it as .pub.",
)
@click.option("--force", is_flag=True, help="Overwrite existing key files.")
def keygen(out: Path, force: bool) -> None:
    """Make an Ed25519 publisher key pair for signing plugin packages."""
    with refusals():
        public_path, _ = write_key_pair(out, overwrite=force)
    click.echo(f"Wrote {out} (private: keep it secret) and {public_path} (public: share it).")


@command.command("pack")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Publisher private key to sign with (from `althaus plugin keygen`).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Archive to write  [default: NAME-VERSION.althaus].",
)
@click.option("--unsigned", is_flag=True, help="Pack without signing (development only).")
def pack(directory: Path, key: Path | None, out: Path | None, unsigned: bool) -> None:
    """Validate the plugin in DIRECTORY and write one signed .althaus archive."""
    if (key is None) == (not unsigned):
        raise click.UsageError("give --key FILE to sign the package, or --unsigned")
    with refusals():
        private_key = read_private_key(key) if key is not None else None
        packed = pack_plugin(directory, private_key)
    target = out or Path(packed.default_filename)
    partial = target.with_name(f".{target.name}.partial")
    with refusals():
        partial.write_bytes(packed.archive)
        os.replace(partial, target)
    signer = f"signed by {packed.publisher[:16]}" if packed.publisher else "UNSIGNED"
    click.echo(
        f"Packed {packed.manifest.name} {packed.manifest.version} -> {target}"
        f" ({len(packed.files)} files, {signer}, sha256 {packed.checksum})"
    )


@command.command("verify")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--allow-unsigned",
    is_flag=True,
    help="Accept a package with no signature (only when ALTHAUS_ENV=development).",
)
@click.option(
    "--trusted-key",
    "trusted_key_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Trust only this .pub file (repeatable) instead of the database's trust store.",
)
def verify(archive: Path, allow_unsigned: bool, trusted_key_files: tuple[Path, ...]) -> None:
    """Check ARCHIVE as an install would, writing nothing.

    Size, member paths and types, checksums, a signature by a trusted key, the manifest and
    the platform range; the first failure is printed as `CODE: reason` with exit code 1.
    """
    from core.config import Settings

    if allow_unsigned and not Settings.from_env().is_development:
        raise click.UsageError("--allow-unsigned is accepted only when ALTHAUS_ENV=development")
    if trusted_key_files:
        with refusals():
            trusted = [Publisher(read_public_key(path), path.stem) for path in trusted_key_files]
    else:
        trusted = run_on_database(_keys)
    with refusals():
        verified = verify_archive(archive, trusted, allow_unsigned=allow_unsigned)
    if verified.signature is None:
        click.secho("WARNING: this package is UNSIGNED; nobody vouches for it.", err=True, fg="red")
    click.echo(describe(verified))


def describe(verified: VerifiedPlugin) -> str:
    """What `verify` prints about a package that passed."""
    manifest = verified.manifest
    if verified.publisher is not None:
        signer = f"{verified.publisher.name} ({verified.publisher.fingerprint[:16]})"
    else:
        signer = "nobody (unsigned)"
    return "\n".join(
        [
            f"OK {manifest.name} {manifest.version}: {manifest.display_name}, by {manifest.author}",
            f"  signed by     {signer}",
            f"  sha256        {verified.checksum}",
            f"  platform      {manifest.platform} (this platform is {PLATFORM_VERSION})",
            f"  capabilities  {', '.join(manifest.capabilities) or 'none'}",
            f"  files         {len(verified.files)}, migrations {len(verified.migrations)}",
        ]
    )


@command.group("trust")
def trust() -> None:
    """Manage the publisher keys whose packages this platform accepts."""


@trust.command("add")
@click.argument("public_key", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", help="A name for the publisher  [default: the file's name].")
def trust_add(public_key: Path, name: str | None) -> None:
    """Trust the publisher key in PUBLIC_KEY (a .pub file from `althaus plugin keygen`)."""
    with refusals():
        key = read_public_key(public_key)
    from subgraphs.plugins.package.trust import add_publisher

    label = name or public_key.stem
    with refusals():
        added = run_on_database(lambda engine: add_publisher(engine, key, label))
    click.echo(f"Trusted {added.name} (fingerprint {added.fingerprint[:16]}).")


@trust.command("list")
def trust_list() -> None:
    """List the trusted publisher keys (the bundled plugins' key is always trusted)."""
    publishers = run_on_database(_list)
    for publisher in publishers:
        added = "built in" if publisher.bundled else f"added {publisher.added_at:%Y-%m-%d %H:%M}"
        click.echo(f"{publisher.fingerprint[:16]}  {publisher.name}  ({added})")


@trust.command("remove")
@click.argument("fingerprint_or_name")
def trust_remove(fingerprint_or_name: str) -> None:
    """Stop trusting a publisher, by fingerprint (8+ leading characters) or name."""
    from subgraphs.plugins.package.trust import remove_publisher

    with refusals():
        removed = run_on_database(lambda engine: remove_publisher(engine, fingerprint_or_name))
    click.echo(f"No longer trusting {removed.name} (fingerprint {removed.fingerprint[:16]}).")


@command.command("doctor")
def doctor() -> None:
    """Show which plugin process protections are in force on this machine."""
    from subgraphs.plugins.runtime.protections import report

    protections = report()
    width = max(len(protection.name) for protection in protections)
    for protection in protections:
        state = "yes" if protection.in_force else "no "
        click.echo(f"{protection.name.ljust(width)}  {state}  {protection.detail}")


async def _with_engine(url: str, work: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    """Run `work` with a one-connection engine, disposed afterwards (one command, one use)."""
    from core.db import create_engine

    engine = create_engine(url, pool_size=1, max_overflow=0)
    try:
        return await work(engine)
    finally:
        await engine.dispose()


async def _list(engine: AsyncEngine) -> list[TrustedPublisher]:
    from subgraphs.plugins.package.trust import list_publishers

    async with engine.connect() as connection:
        return await list_publishers(connection)


async def _keys(engine: AsyncEngine) -> list[Publisher]:
    from subgraphs.plugins.package.trust import trusted_keys

    async with engine.connect() as connection:
        return await trusted_keys(connection)


# The lifecycle commands (install, activate, ...) live in their own module and join the group.
from althaus.commands import plugin_lifecycle  # noqa: E402, F401
