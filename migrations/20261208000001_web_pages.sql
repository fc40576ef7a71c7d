-- A server's community page on the web, off unless staff turn it on (`/settings web on`).
-- The slug is the only way to a server's pages (no id appears in a URL): random, at least
-- 128 bits; rotating it replaces it, and NULL means the pages are off.
ALTER TABLE servers ADD COLUMN web_slug TEXT UNIQUE
    CHECK (web_slug IS NULL OR length(web_slug) >= 22);

-- The name (and avatar hash) a member last showed in the server, for the pages' leaderboards.
-- Kept only while the server's pages are on and only for members who are not hidden: turning
-- the pages off, `/privacy hide` and `/privacy delete` remove it.
CREATE TABLE member_names (
    guild_id     BIGINT NOT NULL,
    user_id      BIGINT NOT NULL,
    display_name TEXT NOT NULL CHECK (length(display_name) <= 100),
    avatar       TEXT CHECK (length(avatar) <= 64),
    seen_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (guild_id, user_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
);
