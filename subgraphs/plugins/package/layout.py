"""What a plugin's files must hold besides the manifest: its Python package and its migrations."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from subgraphs.plugins.package.errors import LayoutInvalidError

MIGRATIONS_DIR = "migrations"
_MIGRATION_NAME = re.compile(r"^(?P<number>\d{4})_(?P<name>[a-z0-9_]+)\.sql$")
_UP = re.compile(r"^--\s*up\s*$", re.IGNORECASE | re.MULTILINE)
_DOWN = re.compile(r"^--\s*down\s*$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Migration:
    """One numbered SQL migration of a plugin: the SQL to apply (`up`) and to undo (`down`)."""

    filename: str
    number: int
    name: str
    up: str
    down: str
    checksum: str  # sha256 hex of the file's bytes, as recorded in system.plugin_migrations


def parse_migration(filename: str, content: bytes) -> Migration:
    """Split `NNNN_name.sql` into its `-- up` and `-- down` parts."""
    match = _MIGRATION_NAME.match(filename)
    if match is None:
        raise LayoutInvalidError(
            f"{MIGRATIONS_DIR}/{filename}: name migrations NNNN_name.sql (e.g. 0001_create.sql)"
        )
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise LayoutInvalidError(f"{MIGRATIONS_DIR}/{filename}: is not UTF-8 text") from None
    ups, downs = list(_UP.finditer(text)), list(_DOWN.finditer(text))
    if len(ups) != 1 or len(downs) != 1 or ups[0].start() > downs[0].start():
        raise LayoutInvalidError(
            f"{MIGRATIONS_DIR}/{filename}: needs one '-- up' line followed by one '-- down' line"
        )
    prefix = text[: ups[0].start()].splitlines()
    if any(line.strip() and not line.strip().startswith("--") for line in prefix):
        raise LayoutInvalidError(
            f"{MIGRATIONS_DIR}/{filename}: SQL before the '-- up' line belongs to no part"
        )
    up = text[ups[0].end() : downs[0].start()].strip()
    down = text[downs[0].end() :].strip()
    if not up:
        raise LayoutInvalidError(f"{MIGRATIONS_DIR}/{filename}: the '-- up' part is empty")
    return Migration(
        filename=filename,
        number=int(match.group("number")),
        name=match.group("name"),
        up=up,
        down=down,
        checksum=hashlib.sha256(content).hexdigest(),
    )


def parse_migrations(files: Mapping[str, bytes]) -> list[Migration]:
    """A plugin's migrations (from its files by relative path), checked, in the order to apply."""
    migrations: list[Migration] = []
    for path in sorted(files):
        if not path.startswith(f"{MIGRATIONS_DIR}/"):
            continue
        filename = path[len(MIGRATIONS_DIR) + 1 :]
        if "/" in filename:
            raise LayoutInvalidError(f"{path}: migrations may not be in subfolders")
        migrations.append(parse_migration(filename, files[path]))
    numbers = [migration.number for migration in migrations]
    for number in sorted(set(numbers)):
        if numbers.count(number) > 1:
            raise LayoutInvalidError(f"{MIGRATIONS_DIR}/: two migrations are numbered {number:04d}")
    return migrations


def check_layout(name: str, files: Mapping[str, bytes]) -> list[Migration]:
    """The plugin's package `<name>/__init__.py` exists and its migrations parse."""
    if f"{name}/__init__.py" not in files:
        raise LayoutInvalidError(
            f"the Python package {name}/__init__.py is missing (the folder is named for the plugin)"
        )
    return parse_migrations(files)
