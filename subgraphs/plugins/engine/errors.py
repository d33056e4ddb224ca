"""Errors of the plugin engine, each with a stable code and a message an operator can act on."""

from __future__ import annotations


class PluginEngineError(Exception):
    """Base of every error the plugin engine raises."""

    code = "PLUGIN_ENGINE_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PluginInputInvalid(PluginEngineError):
    """The plugin handed to the engine is malformed (name, limits, migration files)."""

    code = "PLUGIN_INPUT_INVALID"


class PluginAlreadyInstalled(PluginEngineError):
    code = "PLUGIN_ALREADY_INSTALLED"

    def __init__(self, name: str) -> None:
        super().__init__(
            f"plugin {name!r} is already installed; uninstall it first or update it instead"
        )
        self.name = name


class PluginNotInstalled(PluginEngineError):
    code = "PLUGIN_NOT_INSTALLED"

    def __init__(self, name: str) -> None:
        super().__init__(f"plugin {name!r} is not installed (no registry row, role or schema)")
        self.name = name


class PluginInstallFailed(PluginEngineError):
    """One install step failed; everything the install had done was undone."""

    code = "PLUGIN_INSTALL_FAILED"

    def __init__(self, name: str, step: str, reason: str, *, filename: str | None = None) -> None:
        super().__init__(f"installing plugin {name!r} failed while {step}: {reason}")
        self.name = name
        self.step = step
        self.reason = reason
        self.filename = filename


class PluginUninstallFailed(PluginEngineError):
    """Uninstalling failed; its transaction rolled back, so schema and rows are as they were
    (the role may be left NOLOGIN)."""

    code = "PLUGIN_UNINSTALL_FAILED"

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"uninstalling plugin {name!r} failed: {reason}")
        self.name = name
        self.reason = reason


class PluginDatabaseError(PluginEngineError):
    """A watchdog or login change could not finish (for example a lock wait timed out); the
    next run retries it."""

    code = "PLUGIN_DATABASE_ERROR"

    def __init__(self, name: str, action: str, reason: str) -> None:
        super().__init__(f"{action} for plugin {name!r} failed: {reason}")
        self.name = name
        self.action = action
        self.reason = reason


class PluginUndoFailed(PluginEngineError):
    """Undoing a failed install failed too: the named objects need an operator's attention."""

    code = "PLUGIN_UNDO_FAILED"
