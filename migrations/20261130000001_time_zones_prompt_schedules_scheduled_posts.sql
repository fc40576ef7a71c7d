-- Each server's time zone, its weekly prompt schedule, and the table of scheduled posts that
-- every scheduler process claims work from.

ALTER TABLE servers
    -- An IANA zone name (checked against chrono-tz when set); weeks and hours are counted in it.
    ADD COLUMN timezone TEXT NOT NULL DEFAULT 'UTC';

-- A row means prompts are on. Turning them off deletes the row.
CREATE TABLE prompt_schedules (
    guild_id      BIGINT PRIMARY KEY REFERENCES servers ON DELETE CASCADE,
    channel_id    BIGINT NOT NULL,
    -- 0 = Monday … 6 = Sunday, in the server's time zone.
    weekday       SMALLINT NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    minute_of_day SMALLINT NOT NULL CHECK (minute_of_day BETWEEN 0 AND 1439),
    -- Why the last post could not be made (a missing channel or permission). Posting stops
    -- until the settings change, since every further try would fail the same way and count
    -- against Discord's invalid-request limit.
    problem       TEXT,
    problem_at    TIMESTAMPTZ,
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One row per post the bot makes on a schedule. (guild_id, kind, period) is the idempotency
-- key: a retry, a crash or a second scheduler finds the existing row and cannot post twice.
CREATE TABLE scheduled_posts (
    id          BIGSERIAL PRIMARY KEY,
    guild_id    BIGINT NOT NULL REFERENCES servers ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    -- The period the post belongs to, e.g. the ISO week `2026-W48` in the server's zone.
    period      TEXT NOT NULL,
    due_at      TIMESTAMPTZ NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'posted', 'skipped', 'failed')),
    -- The scheduler holding the row, until `lease_until`; an expired lease is free to take.
    claimed_by  TEXT,
    lease_until TIMESTAMPTZ,
    attempts    INTEGER NOT NULL DEFAULT 0,
    -- When a request for this post last went out. Discord drops a repeat with the same nonce
    -- for a few minutes; after that an unconfirmed post is not repeated.
    sent_at     TIMESTAMPTZ,
    channel_id  BIGINT,
    -- What was posted (a prompt id), fixed at the first attempt so a retry posts the same.
    item        TEXT,
    message_id  BIGINT,
    detail      TEXT,
    finished_at TIMESTAMPTZ,
    UNIQUE (guild_id, kind, period)
);
CREATE INDEX scheduled_posts_due ON scheduled_posts (due_at) WHERE status = 'pending';
CREATE INDEX scheduled_posts_history ON scheduled_posts (guild_id, kind, item) WHERE status = 'posted';
