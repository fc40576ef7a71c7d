-- Member progress on topics, the points ledger, phase completion and phase roles, and members'
-- choice to hide from others. Every row carries guild_id; member rows cascade from `members`
-- so that deleting a member's data in a server cannot leave pieces behind.

ALTER TABLE servers
    -- Whether skipped topics count toward completing a phase.
    ADD COLUMN count_skipped   BOOLEAN NOT NULL DEFAULT false,
    -- The last reason a phase role could not be given or taken, for /settings show.
    ADD COLUMN role_problem    TEXT,
    ADD COLUMN role_problem_at TIMESTAMPTZ;

ALTER TABLE members
    -- A hidden member appears on no leaderboard and in nobody else's /progress show.
    ADD COLUMN hidden BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE topic_progress (
    guild_id     BIGINT NOT NULL,
    user_id      BIGINT NOT NULL,
    -- The topic's id when the row was written; content may rename it (see `aliases`).
    topic_id     TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('not-started', 'learning', 'done', 'skipped')),
    proof_url    TEXT CHECK (length(proof_url) <= 512),
    -- How many times the topic was completed: each completion's award has its own key.
    done_count   INTEGER NOT NULL DEFAULT 0,
    started_at   TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    updated_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (guild_id, user_id, topic_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES members ON DELETE CASCADE
);

CREATE TABLE phase_status (
    guild_id    BIGINT NOT NULL,
    user_id     BIGINT NOT NULL,
    phase       SMALLINT NOT NULL,
    complete    BOOLEAN NOT NULL,
    -- How many times the phase was completed: each completion's bonus has its own key.
    completions INTEGER NOT NULL DEFAULT 0,
    changed_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (guild_id, user_id, phase),
    FOREIGN KEY (guild_id, user_id) REFERENCES members ON DELETE CASCADE
);

-- Append-only: a reversal is a negative row, never an update. `award_key` is unique per
-- member, so a repeated or concurrent request cannot award twice.
CREATE TABLE points_ledger (
    id         BIGSERIAL PRIMARY KEY,
    guild_id   BIGINT NOT NULL,
    user_id    BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    reference  TEXT NOT NULL,
    points     INTEGER NOT NULL,
    award_key  TEXT NOT NULL,
    awarded_at TIMESTAMPTZ NOT NULL,
    UNIQUE (guild_id, user_id, award_key),
    FOREIGN KEY (guild_id, user_id) REFERENCES members ON DELETE CASCADE
);
CREATE INDEX points_ledger_by_time ON points_ledger (guild_id, awarded_at);

CREATE TABLE phase_roles (
    guild_id BIGINT NOT NULL REFERENCES servers ON DELETE CASCADE,
    phase    SMALLINT NOT NULL,
    role_id  BIGINT NOT NULL,
    PRIMARY KEY (guild_id, phase)
);
