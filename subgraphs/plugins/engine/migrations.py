"""A plugin's SQL migration files: `NNNN_name.sql`, each with an `-- up` and a `-- down` part."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from subgraphs.plugins.engine.errors import PluginInputInvalid

FILENAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_MARKER = re.compile(r"^[ \t]*--[ \t]*(up|down)[ \t]*$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Migration:
    filename: str
    up: str
    down: str
    checksum: str
    """sha256 hex of the whole file text (UTF-8), as recorded in `system.plugin_migrations`."""

    @property
    def number(self) -> int:
        match = FILENAME.match(self.filename)
        assert match is not None
        return int(match.group(1))


def parse_migration(filename: str, text: str) -> Migration:
    """Split one migration file into its up and down SQL.

    The file holds a line `-- up`, the SQL that applies it, a line `-- down`, the SQL that
    reverts it, in that order; before `-- up` only blank lines and comments may stand.
    """
    if not FILENAME.match(filename):
        raise PluginInputInvalid(
            f"migration file {filename!r} must be named NNNN_name.sql"
            " (four digits, an underscore, lower-case letters, digits or underscores)"
        )
    markers = list(_MARKER.finditer(text))
    kinds = [m.group(1).lower() for m in markers]
    if kinds != ["up", "down"]:
        raise PluginInputInvalid(
            f"migration {filename}: needs exactly one '-- up' line followed by one '-- down'"
            f" line, found {kinds or 'neither'}"
        )
    head = text[: markers[0].start()]
    if any(line.strip() and not line.strip().startswith("--") for line in head.splitlines()):
        raise PluginInputInvalid(f"migration {filename}: SQL before the '-- up' line")
    up = text[markers[0].end() : markers[1].start()].strip()
    down = text[markers[1].end() :].strip()
    if not up:
        raise PluginInputInvalid(f"migration {filename}: the '-- up' part is empty")
    checksum = hashlib.sha256(text.encode()).hexdigest()
    return Migration(filename=filename, up=up, down=down, checksum=checksum)


def parse_migrations(files: Iterable[tuple[str, str]]) -> tuple[Migration, ...]:
    """Parse (filename, text) pairs given in order; numbers must be unique and increasing."""
    parsed = tuple(parse_migration(filename, text) for filename, text in files)
    for before, after in itertools.pairwise(parsed):
        if after.number <= before.number:
            raise PluginInputInvalid(
                f"migrations must be in increasing order with unique numbers:"
                f" {after.filename} comes after {before.filename}"
            )
    return parsed
