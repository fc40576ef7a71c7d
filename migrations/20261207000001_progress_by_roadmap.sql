-- Each server chooses its roadmap, so progress, phase records, roadmap points and challenges
-- say which roadmap they belong to. Switching roadmaps then leaves the old roadmap's rows in
-- place, and they count again if the server switches back.
--
-- Rows written before this migration belong to `ai-engineer`: until now every server
-- followed the deployment's one roadmap, and the only roadmap Waypoint shipped was that one.

ALTER TABLE topic_progress ADD COLUMN roadmap_id TEXT NOT NULL DEFAULT 'ai-engineer';
ALTER TABLE topic_progress ALTER COLUMN roadmap_id DROP DEFAULT;
ALTER TABLE topic_progress DROP CONSTRAINT topic_progress_pkey,
    ADD PRIMARY KEY (guild_id, user_id, roadmap_id, topic_id);

ALTER TABLE phase_status ADD COLUMN roadmap_id TEXT NOT NULL DEFAULT 'ai-engineer';
ALTER TABLE phase_status ALTER COLUMN roadmap_id DROP DEFAULT;
ALTER TABLE phase_status DROP CONSTRAINT phase_status_pkey,
    ADD PRIMARY KEY (guild_id, user_id, roadmap_id, phase);

-- The roadmap a topic or phase award belongs to; '' for awards of no roadmap (check-ins,
-- challenges), so the award key stays unique per member and roadmap.
ALTER TABLE points_ledger ADD COLUMN roadmap_id TEXT NOT NULL DEFAULT '';
UPDATE points_ledger SET roadmap_id = 'ai-engineer' WHERE phase IS NOT NULL;
ALTER TABLE points_ledger DROP CONSTRAINT points_ledger_guild_id_user_id_award_key_key,
    ADD CONSTRAINT points_ledger_award_once UNIQUE (guild_id, user_id, roadmap_id, award_key);

ALTER TABLE points_pending ADD COLUMN roadmap_id TEXT NOT NULL DEFAULT '';
UPDATE points_pending SET roadmap_id = 'ai-engineer' WHERE phase IS NOT NULL;

CREATE OR REPLACE FUNCTION points_totals_add() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO points_pending (ledger_id, guild_id, user_id, points, awarded_at, phase, roadmap_id)
    VALUES (NEW.id, NEW.guild_id, NEW.user_id, NEW.points, NEW.awarded_at, NEW.phase, NEW.roadmap_id);
    RETURN NULL;
END
$$;

-- A phase board is the roadmap's: `phase:ai-engineer:2`.
CREATE FUNCTION points_scopes(awarded_at TIMESTAMPTZ, zone TEXT, phase SMALLINT, roadmap TEXT)
RETURNS TEXT[] LANGUAGE sql STABLE AS $$
    SELECT ARRAY['all',
                 'week:' || to_char(awarded_at AT TIME ZONE zone, 'IYYY-"W"IW'),
                 'month:' || to_char(awarded_at AT TIME ZONE zone, 'YYYY-MM')]
           || CASE WHEN phase IS NULL THEN ARRAY[]::TEXT[]
                   ELSE ARRAY['phase:' || roadmap || ':' || phase] END
$$;
DROP FUNCTION points_scopes(TIMESTAMPTZ, TEXT, SMALLINT);

-- The totals' triggers queue the histogram's counts under the new names; what they queue
-- and hold under the old ones goes.
UPDATE points_totals SET scope = 'phase:ai-engineer:' || substr(scope, 7)
WHERE scope LIKE 'phase:%';
DELETE FROM points_histogram_changes WHERE scope LIKE 'phase:%' AND scope NOT LIKE 'phase:%:%';
DELETE FROM points_histogram WHERE scope LIKE 'phase:%' AND scope NOT LIKE 'phase:%:%';

-- A challenge counts topics and phases of the roadmap it was created on, whatever the server
-- follows later.
ALTER TABLE challenges ADD COLUMN roadmap_id TEXT NOT NULL DEFAULT 'ai-engineer';
ALTER TABLE challenges ALTER COLUMN roadmap_id DROP DEFAULT;
