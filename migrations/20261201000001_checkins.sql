-- Weekly check-ins: members' own time zone and reminder choice, the server's check-in
-- settings, one row per member and week, and the last form a member could not send.

ALTER TABLE members
    -- The member's IANA time zone; NULL means the server's. Their weeks are counted in it.
    ADD COLUMN timezone  TEXT,
    -- Whether the member wants to be named in the weekly reminder.
    ADD COLUMN reminders BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE checkin_settings (
    guild_id         BIGINT PRIMARY KEY REFERENCES servers ON DELETE CASCADE,
    channel_id       BIGINT NOT NULL,
    staff_channel_id BIGINT NOT NULL,
    -- 0 = Monday … 6 = Sunday, in the server's time zone.
    reminder_weekday SMALLINT NOT NULL CHECK (reminder_weekday BETWEEN 0 AND 6),
    reminder_minute  SMALLINT NOT NULL CHECK (reminder_minute BETWEEN 0 AND 1439),
    -- Whether a check-in's confirmation is posted for everyone or shown only to the member.
    public           BOOLEAN NOT NULL DEFAULT true,
    -- A streak freeze is earned every this many weeks checked in.
    freeze_every     SMALLINT NOT NULL DEFAULT 4 CHECK (freeze_every BETWEEN 1 AND 52),
    -- Why the last reminder or digest could not be posted; both pause until settings change.
    problem          TEXT,
    problem_at       TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE checkins (
    guild_id      BIGINT NOT NULL,
    user_id       BIGINT NOT NULL,
    -- The ISO week in the member's time zone when they checked in: `2026-W48`.
    week          TEXT NOT NULL,
    did           TEXT NOT NULL CHECK (length(did) BETWEEN 1 AND 1000),
    blockers      TEXT NOT NULL DEFAULT '' CHECK (length(blockers) <= 1000),
    next_goal     TEXT NOT NULL CHECK (length(next_goal) BETWEEN 1 AND 300),
    link          TEXT CHECK (length(link) <= 512),
    met_last_goal TEXT CHECK (met_last_goal IN ('yes', 'partly', 'no')),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (guild_id, user_id, week),
    FOREIGN KEY (guild_id, user_id) REFERENCES members ON DELETE CASCADE
);
CREATE INDEX checkins_by_week ON checkins (guild_id, week);

-- What a member typed in a check-in form that had a mistake, so the form can open again
-- with it. Replaced by the next try, deleted when a check-in is saved.
CREATE TABLE checkin_drafts (
    guild_id  BIGINT NOT NULL,
    user_id   BIGINT NOT NULL,
    did       TEXT NOT NULL,
    blockers  TEXT NOT NULL,
    next_goal TEXT NOT NULL,
    link      TEXT NOT NULL,
    met       TEXT NOT NULL,
    saved_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (guild_id, user_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES members ON DELETE CASCADE
);
