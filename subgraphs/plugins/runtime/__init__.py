"""The plugin runtime: each active plugin as its own subgraph in its own sandboxed process."""

from __future__ import annotations

from subgraphs.plugins.runtime.errors import PluginNotRunning, PluginRuntimeError, PluginStartFailed
from subgraphs.plugins.runtime.process import PluginProcess
from subgraphs.plugins.runtime.spec import ProcessSpec
from subgraphs.plugins.runtime.supervisor import RestartPolicy, Supervisor
from subgraphs.plugins.runtime.transport import plugin_url

__all__ = [
    "PluginNotRunning",
    "PluginProcess",
    "PluginRuntimeError",
    "PluginStartFailed",
    "ProcessSpec",
    "RestartPolicy",
    "Supervisor",
    "plugin_url",
]
