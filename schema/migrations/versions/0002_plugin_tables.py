"""Plugin engine tables: trusted publisher keys and the migrations each plugin has applied.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_UPGRADE = [
    """
    CREATE TABLE system.plugin_publishers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        public_key text NOT NULL UNIQUE CHECK (public_key ~ '^[0-9a-f]{64}$'),
        fingerprint text NOT NULL UNIQUE,
        added_by uuid NULL,
        added_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    """
    CREATE TABLE system.plugin_migrations (
        plugin_name text NOT NULL,
        filename text NOT NULL,
        checksum text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
        applied_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (plugin_name, filename)
    )
    """,
]

_DOWNGRADE = [
    "DROP TABLE IF EXISTS system.plugin_migrations",
    "DROP TABLE IF EXISTS system.plugin_publishers",
]


def upgrade() -> None:
    for statement in _UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in _DOWNGRADE:
        op.execute(statement)
