-- Servers (Discord guilds) and their members. Discord ids are u64 snowflakes stored in BIGINT
-- with a bit-preserving cast (see src/db/ids.rs), so ids above 2^63 come back unchanged.

CREATE TABLE servers (
    guild_id    BIGINT PRIMARY KEY,
    -- The roadmap this server follows; NULL means the deployment's default.
    roadmap_id  TEXT,
    joined_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE members (
    guild_id      BIGINT NOT NULL REFERENCES servers (guild_id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL,
    first_seen_at TIMESTAMPTZ NOT NULL,
    last_seen_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
