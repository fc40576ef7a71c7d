-- Leaderboard totals, kept by the database itself: every ledger row adds its points to the
-- member's total for all time, for its week and month in the server's time zone, and for its
-- phase. A leaderboard then reads one short index range instead of summing the ledger.

-- The phase a ledger row counts toward (topic and phase awards); NULL for the rest.
ALTER TABLE points_ledger ADD COLUMN phase SMALLINT;

CREATE TABLE points_totals (
    guild_id BIGINT NOT NULL,
    -- `all`, `week:2026-W48`, `month:2026-11` or `phase:2`.
    scope    TEXT NOT NULL,
    user_id  BIGINT NOT NULL,
    points   BIGINT NOT NULL,
    -- A copy of members.hidden, so ranking skips hidden members without a join.
    hidden   BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (guild_id, scope, user_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES members ON DELETE CASCADE
);
-- Ranking: the top of a scope, and how many rank above a given total.
CREATE INDEX points_totals_rank ON points_totals (guild_id, scope, points DESC) WHERE NOT hidden;

-- The scopes a ledger row counts in, with its time taken in the server's zone.
CREATE FUNCTION points_scopes(awarded_at TIMESTAMPTZ, zone TEXT, phase SMALLINT)
RETURNS TEXT[] LANGUAGE sql STABLE AS $$
    SELECT ARRAY['all',
                 'week:' || to_char(awarded_at AT TIME ZONE zone, 'IYYY-"W"IW'),
                 'month:' || to_char(awarded_at AT TIME ZONE zone, 'YYYY-MM')]
           || CASE WHEN phase IS NULL THEN ARRAY[]::TEXT[] ELSE ARRAY['phase:' || phase] END
$$;

CREATE FUNCTION points_totals_add() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO points_totals (guild_id, scope, user_id, points, hidden)
    SELECT NEW.guild_id, scope, NEW.user_id, NEW.points, m.hidden
    FROM members m
    CROSS JOIN servers s
    CROSS JOIN unnest(points_scopes(NEW.awarded_at, s.timezone, NEW.phase)) AS scope
    WHERE m.guild_id = NEW.guild_id AND m.user_id = NEW.user_id AND s.guild_id = NEW.guild_id
    ON CONFLICT (guild_id, scope, user_id)
        DO UPDATE SET points = points_totals.points + EXCLUDED.points;
    RETURN NULL;
END
$$;

CREATE TRIGGER points_totals_after_insert AFTER INSERT ON points_ledger
    FOR EACH ROW EXECUTE FUNCTION points_totals_add();

-- Totals for what the ledger already holds.
INSERT INTO points_totals (guild_id, scope, user_id, points, hidden)
SELECT l.guild_id, scope, l.user_id, SUM(l.points), bool_or(m.hidden)
FROM points_ledger l
JOIN members m USING (guild_id, user_id)
JOIN servers s USING (guild_id)
CROSS JOIN unnest(points_scopes(l.awarded_at, s.timezone, l.phase)) AS scope
GROUP BY l.guild_id, scope, l.user_id;
