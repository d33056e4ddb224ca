"""Errors of the plugin lifecycle, each with a stable code and a message an admin can act on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from subgraphs.plugins.engine.errors import PluginEngineError


def reason_of(exc: BaseException) -> str:
    """The first line of what went wrong, for a log line or a plugin's recorded error."""
    message = getattr(exc, "reason", None) or getattr(exc, "message", None) or str(exc)
    text_ = str(message).strip()
    return text_.splitlines()[0] if text_ else type(exc).__name__


class PluginLifecycleError(PluginEngineError):
    code = "PLUGIN_LIFECYCLE_ERROR"


class PluginStateInvalid(PluginLifecycleError):
    """The plugin is not in a state that allows the change (e.g. activating an active one)."""

    code = "PLUGIN_STATE_INVALID"


class ArchiveNotFound(PluginLifecycleError):
    code = "PLUGIN_ARCHIVE_NOT_FOUND"

    def __init__(self, checksum: str) -> None:
        super().__init__(
            f"no uploaded plugin archive has checksum {checksum!r}; upload it first"
            " (uploadPlugin, or `althaus plugin install FILE`)"
        )


class PluginActivationFailed(PluginLifecycleError):
    """The process did not start, its hook failed, or the supergraph did not compose."""

    code = "PLUGIN_ACTIVATION_FAILED"

    def __init__(self, name: str, reason: str, errors: Sequence[dict[str, Any]] = ()) -> None:
        super().__init__(f"plugin {name!r} was not activated: {reason}")
        self.errors = list(errors)


class PluginCompositionFailed(PluginLifecycleError):
    """A dry run of the supergraph with the plugin's schema does not compose."""

    code = "PLUGIN_COMPOSITION_FAILED"

    def __init__(self, name: str, errors: Sequence[dict[str, Any]]) -> None:
        listed = "; ".join(f"[{e['code']}] {e['message']}" for e in errors) or "no reason given"
        super().__init__(f"plugin {name!r} does not compose with the supergraph: {listed}")
        self.errors = list(errors)


class PluginUpdateFailed(PluginLifecycleError):
    code = "PLUGIN_UPDATE_FAILED"

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(
            f"plugin {name!r} was not updated (its schema, registry row and running version are"
            f" as they were): {reason}"
        )


class PluginSettingsInvalid(PluginLifecycleError):
    code = "PLUGIN_SETTINGS_INVALID"

    def __init__(self, name: str, problems: Sequence[str]) -> None:
        super().__init__(f"settings of plugin {name!r} refused: " + "; ".join(problems))
        self.problems = list(problems)
