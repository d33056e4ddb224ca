"""Names the engine derives from a plugin's name, and quoting for SQL it cannot parameterize."""

from __future__ import annotations

import re

from subgraphs.plugins.engine.errors import PluginInputInvalid

PLUGIN_NAME = re.compile(r"^[a-z][a-z0-9_]{2,40}$")
OVER_QUOTA_ROLE = "althaus_plugin_over_quota"
"""NOLOGIN role; a plugin role is a member of it exactly while it is over its storage quota."""


def check_name(name: str) -> str:
    if not isinstance(name, str) or not PLUGIN_NAME.match(name):
        raise PluginInputInvalid(
            f"plugin name {name!r} must match [a-z][a-z0-9_]{{2,40}}"
            " (a lower-case letter, then 2 to 40 lower-case letters, digits or underscores)"
        )
    return name


def role_name(name: str) -> str:
    """The Postgres role of a plugin, also the name of its schema."""
    return f"plugin_{check_name(name)}"


def quote_ident(identifier: str) -> str:
    """A Postgres identifier in double quotes (DDL takes no bind parameters)."""
    if "\x00" in identifier:
        raise ValueError("identifier contains a NUL character")
    return '"' + identifier.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """A Postgres string literal (standard_conforming_strings is on since 9.1)."""
    if "\x00" in value:
        raise ValueError("literal contains a NUL character")
    return "'" + value.replace("'", "''") + "'"
