"""Errors of the plugin runtime, each with a stable code."""

from __future__ import annotations


class PluginRuntimeError(Exception):
    """Base of the runtime's errors."""

    code = "PLUGIN_RUNTIME_ERROR"


class PluginStartFailed(PluginRuntimeError):
    """The plugin's process exited or did not answer in time while starting."""

    code = "PLUGIN_START_FAILED"

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"plugin {name!r} did not start: {reason}")
        self.name = name
        self.reason = reason


class PluginNotRunning(PluginRuntimeError):
    """An operation needs the plugin's process, which is not running."""

    code = "PLUGIN_NOT_RUNNING"


class PluginActionFailed(PluginRuntimeError):
    """A one-shot action (SDL, hook, task, update) of a plugin failed, timed out or crashed.

    `reason` is one line for logs and the audit; `plugin_code` is the `code` of the exception
    the plugin raised, when it gave one; `timed_out` is true when the run was killed for
    passing its wall-clock timeout or its CPU time. `code` is PLUGIN_ACTION_FAILED, or the
    runner's own code (PLUGIN_MIGRATION_FAILED, PLUGIN_IMPORT_FAILED, PLUGIN_ACTION_TIMED_OUT,
    ...) when the failure was not the plugin's exception.
    """

    code = "PLUGIN_ACTION_FAILED"

    def __init__(
        self,
        name: str,
        action: str,
        reason: str,
        *,
        code: str | None = None,
        plugin_code: str | None = None,
        timed_out: bool = False,
    ) -> None:
        super().__init__(f"plugin {name!r}: {action} failed: {reason}")
        self.name = name
        self.action = action
        self.reason = reason
        self.plugin_code = plugin_code
        self.timed_out = timed_out
        if code is not None:
            self.code = code
