-- The floor of `/progress set`: the two statements the command runs for one request, as the
-- code has them (src/db/progress.rs, `Asked::read` and `Asked::write`), run by pgbench on the
-- bench's database at the bench's concurrency. `benches/serve/floor.rs` gives the constants
-- (`-D`); `tests/it/floor.rs` fails if these statements drift from the code's.
--
-- Parameters are the code's `$n`, named `:r<n>` (read) and `:w<n>` (write); the version the
-- write checks is the one the read returned (`\aset`). pgbench cannot send a NULL parameter,
-- so the NULLs this change sends (no proof link, no celebration) are written in place, marked
-- `/*$n*/`.
--
-- Every request of the bench writes a ledger row (its passes alternate marking a topic done
-- and undoing it), which queues itself for the leaderboard's fold, and the server under test
-- folds while pgbench runs. So every request here marks a topic done for a random member
-- under an award key of its own: the plan's key with a random number after it. pgbench has
-- no string arithmetic, so a statement that reads no table makes that key (`\gset`), one
-- small round trip more than the command makes. The command's undos also find the award
-- they take back (one index probe); these requests only award.
\set w2 random(:first_member, :last_member)
\set r2 :w2
\set n random(1, 2000000000)
    SELECT format('{%s:%s}', :award_key::text, :n::bigint) AS w15 \gset
SELECT m.progress_version AS version,
                      COALESCE(s.count_skipped, false) AS count_skipped,
                      t.topic_id, t.state, t.done_count, t.proof_url,
                      p.complete AS phase_complete, p.completions AS phase_completions
               FROM (SELECT 1) AS one
               LEFT JOIN servers s ON s.guild_id = :r1
               LEFT JOIN members m ON m.guild_id = :r1 AND m.user_id = :r2
               LEFT JOIN phase_status p ON p.guild_id = :r1 AND p.user_id = :r2 AND p.phase = :r3
               LEFT JOIN topic_progress t ON t.guild_id = :r1 AND t.user_id = :r2 \aset
WITH server AS (
                 INSERT INTO servers (guild_id) SELECT :w1 WHERE :version::bigint IS NULL
                 ON CONFLICT (guild_id) DO NOTHING
               ),
               member AS (
                 INSERT INTO members AS m (guild_id, user_id, first_seen_at, last_seen_at)
                 VALUES (:w1, :w2, :w7, :w7)
                 ON CONFLICT (guild_id, user_id) DO UPDATE
                   SET progress_version = m.progress_version + 1
                   WHERE m.progress_version = :version
                 -- xmax is 0 on a row this statement inserted: right only for a member the
                 -- read did not find either (else their data was deleted meanwhile).
                 RETURNING (m.xmax = 0) = (:version::bigint IS NULL) AS ok
               ),
               go AS (SELECT 1 FROM member WHERE ok),
               topic AS (
                 INSERT INTO topic_progress AS t
                   (guild_id, user_id, topic_id, state, proof_url, done_count, started_at, completed_at, updated_at)
                 SELECT :w1, :w2, :w3, :w4::text, NULL /*$5*/::text, :w6::int,
                        CASE WHEN :w4 IN ('learning', 'done') THEN :w7::timestamptz END,
                        CASE WHEN :w4 = 'done' THEN :w7::timestamptz END,
                        :w7::timestamptz
                 FROM go
                 ON CONFLICT (guild_id, user_id, topic_id) DO UPDATE SET
                   state = EXCLUDED.state,
                   proof_url = EXCLUDED.proof_url,
                   done_count = EXCLUDED.done_count,
                   started_at = COALESCE(t.started_at, EXCLUDED.started_at),
                   completed_at = CASE WHEN EXCLUDED.state = 'done' AND t.state = 'done' THEN t.completed_at
                                       ELSE EXCLUDED.completed_at END,
                   updated_at = EXCLUDED.updated_at
               ),
               phase AS (
                 INSERT INTO phase_status (guild_id, user_id, phase, complete, completions, changed_at)
                 SELECT :w1, :w2, :w8::smallint, :w9::bool, :w10::int, :w7::timestamptz FROM go WHERE :w11::bool
                 ON CONFLICT (guild_id, user_id, phase) DO UPDATE SET
                   complete = EXCLUDED.complete,
                   completions = EXCLUDED.completions,
                   changed_at = EXCLUDED.changed_at
               ),
               celebration AS (
                 INSERT INTO scheduled_posts (guild_id, kind, period, due_at)
                 SELECT :w1, :w18, NULL /*$19*/, :w7 FROM go WHERE NULL /*$19*/::text IS NOT NULL
                 ON CONFLICT (guild_id, kind, period) DO NOTHING
               ),
               awarded AS (
                 INSERT INTO points_ledger (guild_id, user_id, kind, reference, points, award_key, awarded_at, phase)
                 SELECT :w1, :w2, a.kind, a.reference,
                        COALESCE(a.points, -(SELECT l.points
                                             FROM unnest(string_to_array(a.reverses, E'
')) AS k (award_key),
                                             LATERAL (SELECT o.points, o.id FROM points_ledger o
                                                      WHERE o.guild_id = :w1 AND o.user_id = :w2
                                                        AND o.award_key = k.award_key
                                                      LIMIT 1) AS l
                                             ORDER BY l.id DESC LIMIT 1), 0),
                        a.award_key, :w7, :w8::smallint
                 FROM go, UNNEST(:w12::text[], :w13::text[], :w14::int[], :w15::text[], :w16::text[])
                      AS a (kind, reference, points, award_key, reverses)
                 ON CONFLICT (guild_id, user_id, award_key) DO NOTHING
                 RETURNING kind, points
               )
               SELECT EXISTS (SELECT 1 FROM go) AS "written!",
                      COALESCE(SUM(points) FILTER (WHERE kind LIKE 'topic%'), 0)::int AS "topic!",
                      COALESCE(SUM(points) FILTER (WHERE kind LIKE 'phase%'), 0)::int AS "phase!"
               FROM awarded;
