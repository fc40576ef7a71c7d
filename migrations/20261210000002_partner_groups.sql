-- Each week's partner groups: made once per server and week (the match runs exactly once per
-- server and week, like the prompts), each with the thread it gets once it exists.
CREATE TABLE partner_groups (
    id        BIGSERIAL PRIMARY KEY,
    guild_id  BIGINT NOT NULL REFERENCES servers ON DELETE CASCADE,
    -- The server's week, like 2026-W49.
    week      TEXT NOT NULL,
    -- 1, 2, … within the week: a group's stable name, whatever its members.
    number    INTEGER NOT NULL CHECK (number > 0),
    -- A topic the members share, for the intro (a topic id of the server's roadmap).
    topic_id  TEXT,
    thread_id BIGINT,
    made_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (guild_id, week, number)
);

CREATE TABLE partner_group_members (
    group_id BIGINT NOT NULL REFERENCES partner_groups ON DELETE CASCADE,
    guild_id BIGINT NOT NULL,
    user_id  BIGINT NOT NULL,
    -- Their answer to "did you meet?" at the end of the week; NULL until they answer.
    met      BOOLEAN,
    PRIMARY KEY (group_id, user_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
);
CREATE INDEX partner_group_members_by_member ON partner_group_members (guild_id, user_id);
