"""Plugin lifecycle tables: uploaded archives and scheduled task runs.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_UPGRADE = [
    # Every verified archive an admin uploaded, kept so that any engine replica can unpack the
    # exact package a plugin was installed from (the registry's `checksum` points here).
    """
    CREATE TABLE system.plugin_archives (
        checksum text PRIMARY KEY CHECK (checksum ~ '^[0-9a-f]{64}$'),
        name text NOT NULL,
        version text NOT NULL,
        signature text NULL,
        archive bytea NOT NULL,
        size integer NOT NULL CHECK (size >= 0),
        uploaded_by uuid NULL,
        uploaded_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    "CREATE INDEX plugin_archives_name_idx ON system.plugin_archives (name, uploaded_at DESC)",
    # One row per (plugin, task, due time): the unique key is what makes a run happen once
    # across every engine replica.
    """
    CREATE TABLE system.plugin_task_runs (
        id bigserial PRIMARY KEY,
        plugin_name text NOT NULL,
        task_name text NOT NULL,
        scheduled_for timestamptz NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz NULL,
        status text NOT NULL DEFAULT 'running'
            CHECK (status IN ('running', 'succeeded', 'failed', 'timed_out')),
        duration_ms integer NULL,
        error text NULL,
        replica text NULL,
        UNIQUE (plugin_name, task_name, scheduled_for)
    )
    """,
    """
    CREATE INDEX plugin_task_runs_recent_idx
        ON system.plugin_task_runs (plugin_name, task_name, scheduled_for DESC)
    """,
]

_DOWNGRADE = [
    "DROP TABLE IF EXISTS system.plugin_task_runs",
    "DROP TABLE IF EXISTS system.plugin_archives",
]


def upgrade() -> None:
    for statement in _UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in _DOWNGRADE:
        op.execute(statement)
