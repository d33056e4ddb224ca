"""The plugin runtime: each active plugin as its own subgraph in its own sandboxed process, and
one-shot runs of a plugin (SDL, hooks, tasks, updates) in a fresh one."""

from __future__ import annotations

from subgraphs.plugins.runtime.actions import (
    plugin_sdl,
    run_action,
    run_hook,
    run_task,
    run_update,
)
from subgraphs.plugins.runtime.errors import (
    PluginActionFailed,
    PluginNotRunning,
    PluginRuntimeError,
    PluginStartFailed,
)
from subgraphs.plugins.runtime.process import PluginProcess
from subgraphs.plugins.runtime.spec import ProcessSpec
from subgraphs.plugins.runtime.supervisor import RestartPolicy, Supervisor
from subgraphs.plugins.runtime.transport import plugin_url

__all__ = [
    "PluginActionFailed",
    "PluginNotRunning",
    "PluginProcess",
    "PluginRuntimeError",
    "PluginStartFailed",
    "ProcessSpec",
    "RestartPolicy",
    "Supervisor",
    "plugin_sdl",
    "plugin_url",
    "run_action",
    "run_hook",
    "run_task",
    "run_update",
]
