"""Core schemas and tables: users, tokens, API keys, settings, plugins, supergraph versions, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_ROLES = "('viewer', 'editor', 'admin')"

_UPGRADE = [
    "CREATE SCHEMA IF NOT EXISTS system",
    "CREATE SCHEMA IF NOT EXISTS audit",
    "CREATE SCHEMA IF NOT EXISTS analytics",
    f"""
    CREATE TABLE public.users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL UNIQUE CHECK (email = lower(email)),
        username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9_.-]{{3,32}}$'),
        password_hash text NOT NULL,
        role text NOT NULL DEFAULT 'viewer' CHECK (role IN {_ROLES}),
        is_active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        last_login timestamptz NULL
    )
    """,
    "CREATE INDEX users_role_idx ON public.users (role)",
    """
    CREATE TABLE public.refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
        family_id uuid NOT NULL,
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz NULL,
        revoked_at timestamptz NULL,
        ip text,
        user_agent text
    )
    """,
    "CREATE INDEX refresh_tokens_family_id_idx ON public.refresh_tokens (family_id)",
    "CREATE INDEX refresh_tokens_user_id_idx ON public.refresh_tokens (user_id)",
    f"""
    CREATE TABLE public.api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        prefix text NOT NULL UNIQUE,
        key_hash text NOT NULL UNIQUE,
        role text NOT NULL CHECK (role IN {_ROLES}),
        scopes text[] NOT NULL DEFAULT '{{}}',
        created_by uuid NULL REFERENCES public.users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz NULL,
        expires_at timestamptz NULL,
        revoked_at timestamptz NULL
    )
    """,
    "CREATE INDEX api_keys_created_by_idx ON public.api_keys (created_by)",
    """
    CREATE TABLE system.system_settings (
        key text PRIMARY KEY,
        value jsonb NOT NULL,
        updated_by uuid NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    """
    CREATE TABLE system.plugin_registry (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        version text NOT NULL,
        display_name text NOT NULL,
        description text,
        author text,
        status text NOT NULL CHECK (status IN ('installed', 'active', 'inactive', 'failed')),
        checksum text,
        signature text,
        manifest jsonb NOT NULL DEFAULT '{}',
        error jsonb NULL,
        installed_by uuid NULL,
        installed_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        activated_at timestamptz NULL
    )
    """,
    "CREATE INDEX plugin_registry_status_idx ON system.plugin_registry (status)",
    """
    CREATE TABLE system.supergraph_versions (
        version serial PRIMARY KEY,
        sdl text NOT NULL,
        hash text NOT NULL,
        subgraphs jsonb NOT NULL,
        created_by uuid NULL,
        reason text,
        created_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    """
    CREATE TABLE audit.audit_log (
        id bigserial PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        user_id uuid NULL,
        action text NOT NULL,
        resource_type text NOT NULL,
        resource_id text NULL,
        details jsonb NOT NULL DEFAULT '{}',
        ip text NULL,
        user_agent text NULL,
        request_id text NULL,
        prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
        hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$')
    )
    """,
    "CREATE INDEX audit_log_created_at_idx ON audit.audit_log (created_at)",
    "CREATE INDEX audit_log_user_id_idx ON audit.audit_log (user_id)",
    "CREATE INDEX audit_log_action_idx ON audit.audit_log (action)",
    "CREATE INDEX audit_log_resource_idx ON audit.audit_log (resource_type, resource_id)",
    """
    CREATE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit.audit_log is append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege', HINT = 'audit rows are never changed';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_log_append_only
        BEFORE UPDATE OR DELETE ON audit.audit_log
        FOR EACH ROW EXECUTE FUNCTION audit.refuse_change()
    """,
    """
    CREATE TRIGGER audit_log_no_truncate
        BEFORE TRUNCATE ON audit.audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change()
    """,
]

_DOWNGRADE = [
    "DROP TABLE IF EXISTS audit.audit_log",
    "DROP FUNCTION IF EXISTS audit.refuse_change()",
    "DROP TABLE IF EXISTS system.supergraph_versions",
    "DROP TABLE IF EXISTS system.plugin_registry",
    "DROP TABLE IF EXISTS system.system_settings",
    "DROP TABLE IF EXISTS public.api_keys",
    "DROP TABLE IF EXISTS public.refresh_tokens",
    "DROP TABLE IF EXISTS public.users",
    "DROP SCHEMA IF EXISTS analytics",
    "DROP SCHEMA IF EXISTS audit",
]


def upgrade() -> None:
    for statement in _UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in _DOWNGRADE:
        op.execute(statement)
