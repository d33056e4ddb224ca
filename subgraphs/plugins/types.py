"""GraphQL types of the plugins subgraph: plugins, their health, task runs, supergraph versions."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet
from strawberry.scalars import JSON


@strawberry.enum
class PluginStatus(Enum):
    INSTALLED = "installed"
    ACTIVE = "active"
    INACTIVE = "inactive"
    FAILED = "failed"


@strawberry.type
class PluginProblem:
    """One coded error, e.g. a composition error the plugin's schema caused."""

    code: str
    message: str


@strawberry.type
class PluginError:
    """Why a plugin is `FAILED`: a code, a message, and coded details (composition errors)."""

    code: str
    message: str
    details: list[PluginProblem]


@strawberry.type
class PluginHealth:
    running: bool
    state: str
    pid: int | None
    restarts: int
    last_exit: str | None
    protections: JSON


@strawberry.type
class PluginTask:
    name: str
    cron: str
    function: str


@strawberry.type
class PluginTaskRun:
    id: strawberry.ID
    plugin: str
    task: str
    scheduled_for: datetime
    started_at: datetime
    finished_at: datetime | None
    status: str
    duration_ms: int | None
    error: str | None


@strawberry.type
class UploadedPlugin:
    """An archive that passed every check and is kept: install or update from its checksum."""

    checksum: str
    name: str
    version: str
    display_name: str
    signed_by: str | None
    installed_version: str | None


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class User:
    """A user, resolved by the users subgraph through federation."""

    id: strawberry.ID


@strawberry.type
class SupergraphSubgraph:
    name: str
    url: str


@strawberry.type
class SupergraphVersion:
    version: int
    hash: str
    subgraphs: list[SupergraphSubgraph]
    created_by: User | None
    reason: str | None
    created_at: datetime | None
