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
