"""The plugin engine's database side: install, uninstall and hold a plugin to its limits.

Install creates role and schema `plugin_<name>`, runs the plugin's migrations as that role and
registers it; uninstall removes it; the watchdog functions hold it to its statement time and
storage quota. See docs/plugin-engine.md.
"""

from __future__ import annotations

from subgraphs.plugins.engine.audit import Actor
from subgraphs.plugins.engine.credentials import role_password, role_url
from subgraphs.plugins.engine.errors import (
    PluginAlreadyInstalled,
    PluginDatabaseError,
    PluginEngineError,
    PluginInputInvalid,
    PluginInstallFailed,
    PluginNotInstalled,
    PluginUndoFailed,
    PluginUninstallFailed,
)
from subgraphs.plugins.engine.identifiers import role_name
from subgraphs.plugins.engine.install import InstallResult, install
from subgraphs.plugins.engine.login import restore_role, set_login
from subgraphs.plugins.engine.migrations import Migration, parse_migration, parse_migrations
from subgraphs.plugins.engine.plugin import Limits, Plugin
from subgraphs.plugins.engine.quota import enforce_quota, storage_used, writes_blocked
from subgraphs.plugins.engine.uninstall import UninstallResult, uninstall
from subgraphs.plugins.engine.watchdog import enforce_limits

__all__ = [
    "Actor",
    "InstallResult",
    "Limits",
    "Migration",
    "Plugin",
    "PluginAlreadyInstalled",
    "PluginDatabaseError",
    "PluginEngineError",
    "PluginInputInvalid",
    "PluginInstallFailed",
    "PluginNotInstalled",
    "PluginUndoFailed",
    "PluginUninstallFailed",
    "UninstallResult",
    "enforce_limits",
    "enforce_quota",
    "install",
    "parse_migration",
    "parse_migrations",
    "restore_role",
    "role_name",
    "role_password",
    "role_url",
    "set_login",
    "storage_used",
    "uninstall",
    "writes_blocked",
]
