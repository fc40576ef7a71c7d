-- Many members share a total, so updating the histogram's rows inside every award made
-- concurrent awards queue behind each other on those few rows. An award now appends its
-- change to the histogram instead (appends share no row); a background task folds the changes
-- into `points_histogram` every few seconds, and a rank reads both.

CREATE TABLE points_histogram_changes (
    id       BIGSERIAL PRIMARY KEY,
    guild_id BIGINT NOT NULL,
    scope    TEXT NOT NULL,
    points   BIGINT NOT NULL,
    change   INTEGER NOT NULL
);
CREATE INDEX points_histogram_changes_rank ON points_histogram_changes (guild_id, scope, points);

CREATE OR REPLACE FUNCTION points_histogram_track() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
    was BIGINT := CASE WHEN TG_OP <> 'INSERT' AND NOT OLD.hidden AND OLD.points > 0
                       THEN OLD.points END;
    now_ BIGINT := CASE WHEN TG_OP <> 'DELETE' AND NOT NEW.hidden AND NEW.points > 0
                        THEN NEW.points END;
BEGIN
    IF was IS DISTINCT FROM now_ THEN
        INSERT INTO points_histogram_changes (guild_id, scope, points, change)
        SELECT COALESCE(NEW.guild_id, OLD.guild_id), COALESCE(NEW.scope, OLD.scope), p, c
        FROM (VALUES (was, -1), (now_, 1)) AS v (p, c)
        WHERE p IS NOT NULL;
    END IF;
    RETURN NULL;
END
$$;
