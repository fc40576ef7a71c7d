-- Accountability partners (issue 22): a server's weekly match, who joined it, and the groups
-- each week made.

-- Where and when the weekly match runs, in the server's time zone (servers.timezone).
CREATE TABLE partner_settings (
    guild_id      BIGINT PRIMARY KEY REFERENCES servers ON DELETE CASCADE,
    channel_id    BIGINT NOT NULL,
    -- 0 = Monday … 6 = Sunday.
    weekday       SMALLINT NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    minute_of_day SMALLINT NOT NULL CHECK (minute_of_day BETWEEN 0 AND 1439),
    group_size    SMALLINT NOT NULL DEFAULT 2 CHECK (group_size IN (2, 3)),
    -- Why threads could not be made private there, or anything else that stops the match:
    -- shown by `/settings show`.
    problem       TEXT,
    problem_at    TIMESTAMPTZ,
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Members who joined: joining is their consent to be named to their partners, hidden or not.
CREATE TABLE partner_members (
    guild_id  BIGINT NOT NULL,
    user_id   BIGINT NOT NULL,
    -- What they want to work on, shown to their partners.
    note      TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    joined_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (guild_id, user_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
);
