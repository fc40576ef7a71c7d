-- Two changes that take the leaderboard's bookkeeping and the member lock off the write path.
--
-- 1. Awards no longer update the leaderboard totals themselves. Upserting four totals rows
--    and appending their eight rank changes was about 40% of the PostgreSQL time of a
--    `/progress set`. A ledger row now only queues itself in `points_pending`; a background
--    fold (every two seconds) moves the queue into `points_totals` in batches, where one
--    statement serves thousands of awards. A member's own total adds what is still queued,
--    so a caller always sees their own change; others see it within a fold.
--
-- 2. `members.progress_version` counts the member's progress writes. A topic change reads
--    the member's progress, plans the change in Rust, and writes it in one statement only if
--    the version is still the one it read: the optimistic form of the row lock a transaction
--    held across four round trips before.

--    A member row starts from the clock (microseconds), not from zero, so a member whose data
--    was deleted and who starts again never reuses a version a slow writer may still hold.
ALTER TABLE members ADD COLUMN progress_version BIGINT NOT NULL
    DEFAULT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
--    Every change now updates the member's row, so leave room on its pages: an update that
--    fits beside the old row needs no new index entry (a HOT update).
ALTER TABLE members SET (fillfactor = 80);

CREATE TABLE points_pending (
    -- The ledger row this queues; one entry per row, and the order folds take them in.
    ledger_id  BIGINT PRIMARY KEY,
    guild_id   BIGINT NOT NULL,
    user_id    BIGINT NOT NULL,
    points     INTEGER NOT NULL,
    awarded_at TIMESTAMPTZ NOT NULL,
    phase      SMALLINT,
    FOREIGN KEY (guild_id, user_id) REFERENCES members ON DELETE CASCADE
);
-- A member's own total: their totals row plus what is queued for them.
CREATE INDEX points_pending_member ON points_pending (guild_id, user_id);

CREATE OR REPLACE FUNCTION points_totals_add() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO points_pending (ledger_id, guild_id, user_id, points, awarded_at, phase)
    VALUES (NEW.id, NEW.guild_id, NEW.user_id, NEW.points, NEW.awarded_at, NEW.phase);
    RETURN NULL;
END
$$;

-- 3. The histogram's changes are appended once per statement on `points_totals`, not once per
--    row: a fold writes thousands of totals in one statement, and many of them share a total,
--    so their changes add up to a few rows. (Transition tables allow one event per trigger,
--    hence three triggers on one function.)
DROP TRIGGER points_histogram_after_change ON points_totals;

CREATE FUNCTION points_histogram_track_rows() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO points_histogram_changes (guild_id, scope, points, change)
        SELECT guild_id, scope, points, count(*)::int FROM new_rows
        WHERE NOT hidden AND points > 0
        GROUP BY guild_id, scope, points;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO points_histogram_changes (guild_id, scope, points, change)
        SELECT guild_id, scope, points, SUM(change)::int
        FROM (SELECT guild_id, scope, points, -1 AS change FROM old_rows
              WHERE NOT hidden AND points > 0
              UNION ALL
              SELECT guild_id, scope, points, 1 FROM new_rows
              WHERE NOT hidden AND points > 0) AS moved
        GROUP BY guild_id, scope, points
        HAVING SUM(change) <> 0;
    ELSE
        INSERT INTO points_histogram_changes (guild_id, scope, points, change)
        SELECT guild_id, scope, points, -count(*)::int FROM old_rows
        WHERE NOT hidden AND points > 0
        GROUP BY guild_id, scope, points;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER points_histogram_after_insert AFTER INSERT ON points_totals
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION points_histogram_track_rows();
CREATE TRIGGER points_histogram_after_update AFTER UPDATE ON points_totals
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION points_histogram_track_rows();
CREATE TRIGGER points_histogram_after_delete AFTER DELETE ON points_totals
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION points_histogram_track_rows();
