-- Roadmaps staff import into their server, every version kept, and which roadmap a server
-- follows. `servers.roadmap_id` (NULL: the deployment's default) names a roadmap the
-- deployment ships or one imported here; `roadmap_version` is then the imported version.

CREATE TABLE server_roadmaps (
    guild_id    BIGINT NOT NULL REFERENCES servers ON DELETE CASCADE,
    roadmap_id  TEXT NOT NULL,
    -- A re-import is a new version; earlier ones stay for the record.
    version     INTEGER NOT NULL CHECK (version > 0),
    title       TEXT NOT NULL,
    -- The file as staff gave it (512 KiB at most), so an export returns their own text.
    source      TEXT NOT NULL CHECK (octet_length(source) <= 524288),
    imported_by BIGINT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (guild_id, roadmap_id, version)
);

ALTER TABLE servers
    ADD COLUMN roadmap_version    INTEGER,
    -- When the server last chose or imported a roadmap: replicas read the changes since
    -- they last looked, so each follows a change within seconds.
    ADD COLUMN roadmap_changed_at TIMESTAMPTZ;
CREATE INDEX servers_roadmap_changed ON servers (roadmap_changed_at)
    WHERE roadmap_changed_at IS NOT NULL;
