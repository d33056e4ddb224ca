-- The blog's posts; authors are core users, referenced by id only (no foreign key across schemas).
-- up
CREATE TABLE posts (
    id bigserial PRIMARY KEY,
    title text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 100),
    body text NOT NULL DEFAULT '',
    status text NOT NULL DEFAULT 'DRAFT' CHECK (status IN ('DRAFT', 'SCHEDULED', 'PUBLISHED')),
    publish_at timestamptz,
    author_id text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (status = 'DRAFT' OR publish_at IS NOT NULL)
);
CREATE INDEX posts_author_idx ON posts (author_id, id DESC);
CREATE INDEX posts_due_idx ON posts (publish_at) WHERE status = 'SCHEDULED';
-- down
DROP TABLE posts;
