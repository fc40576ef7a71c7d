-- Server-wide study challenges and who joined them. Progress is not stored: it is counted
-- from topic progress, check-ins and phase completions inside the window whenever it is asked
-- for, so it follows members' activity by itself and can never drift from it.

CREATE TABLE challenges (
    id             BIGSERIAL PRIMARY KEY,
    guild_id       BIGINT NOT NULL REFERENCES servers ON DELETE CASCADE,
    name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    goal           TEXT NOT NULL CHECK (goal IN ('topics', 'checkins', 'phase')),
    target         INTEGER NOT NULL CHECK (target > 0),
    -- Topics of this phase only, or this phase to finish; NULL for any.
    phase          SMALLINT,
    -- The first and last day as staff gave them, and the instants the window opens and
    -- closes: midnight in the server's time zone when the challenge was created.
    start_date     DATE NOT NULL,
    end_date       DATE NOT NULL,
    starts_at      TIMESTAMPTZ NOT NULL,
    ends_at        TIMESTAMPTZ NOT NULL,
    zone           TEXT NOT NULL,
    channel_id     BIGINT NOT NULL,
    -- Given to every finisher when the challenge ends.
    role_id        BIGINT,
    -- Awarded to every finisher when the challenge ends.
    points         INTEGER NOT NULL CHECK (points >= 0),
    status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'ended', 'cancelled')),
    created_by     BIGINT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    -- When staff ended it before its last day (ends_at is then moved to this instant).
    ended_early_at TIMESTAMPTZ,
    CHECK (end_date >= start_date),
    CHECK (ends_at > starts_at)
);
-- Names are what members type, so two open challenges of a server may not share one.
CREATE UNIQUE INDEX challenges_open_name ON challenges (guild_id, lower(name)) WHERE status = 'open';
CREATE INDEX challenges_by_server ON challenges (guild_id, created_at DESC);

CREATE TABLE challenge_members (
    challenge_id BIGINT NOT NULL REFERENCES challenges ON DELETE CASCADE,
    guild_id     BIGINT NOT NULL,
    user_id      BIGINT NOT NULL,
    joined_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (challenge_id, user_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES members ON DELETE CASCADE
);
CREATE INDEX challenge_members_by_member ON challenge_members (guild_id, user_id);

-- Counting a window's activity per member reads these ranges.
CREATE INDEX topic_progress_completed ON topic_progress (guild_id, user_id, completed_at)
    WHERE state = 'done';
CREATE INDEX phase_status_completed ON phase_status (guild_id, user_id, changed_at)
    WHERE complete;
