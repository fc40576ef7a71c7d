-- How many visible members hold each total, per scope: a member's rank is one plus the
-- members above their total, which this answers by summing a few hundred rows instead of
-- counting up to every member of the server. Kept by a trigger on `points_totals`, so it
-- follows every change there (awards, hiding, deletions, recounts).

CREATE TABLE points_histogram (
    guild_id BIGINT NOT NULL,
    scope    TEXT NOT NULL,
    points   BIGINT NOT NULL,
    members  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, scope, points)
);

CREATE FUNCTION points_histogram_track() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
    was BIGINT := CASE WHEN TG_OP <> 'INSERT' AND NOT OLD.hidden AND OLD.points > 0
                       THEN OLD.points END;
    now_ BIGINT := CASE WHEN TG_OP <> 'DELETE' AND NOT NEW.hidden AND NEW.points > 0
                        THEN NEW.points END;
    g BIGINT := COALESCE(NEW.guild_id, OLD.guild_id);
    s TEXT := COALESCE(NEW.scope, OLD.scope);
BEGIN
    IF was IS NOT DISTINCT FROM now_ THEN
        RETURN NULL;
    END IF;
    -- Rows are touched lowest total first, so two members passing each other cannot
    -- deadlock on the same pair of rows.
    IF was IS NOT NULL AND (now_ IS NULL OR was < now_) THEN
        UPDATE points_histogram SET members = members - 1
        WHERE guild_id = g AND scope = s AND points = was;
        was := NULL;
    END IF;
    IF now_ IS NOT NULL THEN
        INSERT INTO points_histogram (guild_id, scope, points, members) VALUES (g, s, now_, 1)
        ON CONFLICT (guild_id, scope, points)
            DO UPDATE SET members = points_histogram.members + 1;
    END IF;
    IF was IS NOT NULL THEN
        UPDATE points_histogram SET members = members - 1
        WHERE guild_id = g AND scope = s AND points = was;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER points_histogram_after_change AFTER INSERT OR UPDATE OR DELETE ON points_totals
    FOR EACH ROW EXECUTE FUNCTION points_histogram_track();

INSERT INTO points_histogram (guild_id, scope, points, members)
SELECT guild_id, scope, points, count(*)
FROM points_totals
WHERE NOT hidden AND points > 0
GROUP BY guild_id, scope, points;
