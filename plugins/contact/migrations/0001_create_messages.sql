-- The contact form's messages, and the per-IP counters of its rate limit.
-- Senders who were signed in are referenced by user id only (no foreign key across schemas).
-- up
CREATE TABLE messages (
    id bigserial PRIMARY KEY,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    email text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    subject text CHECK (length(subject) BETWEEN 1 AND 200),
    message text NOT NULL CHECK (length(message) BETWEEN 1 AND 5000),
    sender_ip text CHECK (length(sender_ip) <= 100),
    user_agent text CHECK (length(user_agent) <= 500),
    sender_id text,
    read_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX messages_unread_idx ON messages (id DESC) WHERE read_at IS NULL;
-- One row per client IP: the times of its accepted submissions within the last hour. The row
-- is locked while a submission is counted, so concurrent requests cannot overshoot the limit.
CREATE TABLE rate_limits (
    ip text PRIMARY KEY CHECK (length(ip) <= 100),
    hits timestamptz[] NOT NULL DEFAULT '{}',
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rate_limits_updated_idx ON rate_limits (updated_at);
-- down
DROP TABLE rate_limits;
DROP TABLE messages;
