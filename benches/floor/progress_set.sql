-- The floor of `/progress set`: the two statements the command runs for a request, as the
-- code has them (src/db/progress/read.rs and write.rs), run by pgbench on the bench's
-- database at the bench's concurrency. `benches/serve/floor.rs` gives the constants (`-D`);
-- `tests/it/floor.rs` fails if these statements drift from the code's.
--
-- The statements take arrays, one entry per request: the command sends the requests that
-- arrive together in one statement, pgbench sends one request per statement (it cannot
-- carry one statement's rows into the next for several members). So this is the database's
-- rate for the command's statements one request at a time, which the command may exceed.
--
-- Parameters are the code's `$n`, named `:r<n>` (read) and `:w<n>` (write). pgbench has no
-- string arithmetic, so the arrays that change per request (the member, the version the
-- read returned, a new award key) are made by statements that read no table (`\gset`): two
-- small round trips more than the command makes.
--
-- Every request of the bench writes a ledger row (its passes alternate marking a topic done
-- and undoing it), which queues itself for the leaderboard's fold, and the server under test
-- folds while pgbench runs. So every request here marks a topic done for a random member
-- under an award key of its own: the plan's key with a random number after it. The
-- command's undos also find the award they take back (one index probe); these requests only
-- award.
\set member random(:first_member, :last_member)
\set n random(1, 2000000000)
    SELECT format('{%s}', :member::bigint) AS r2, format('{%s}', :member::bigint) AS w2, format('{%s:%s}', :award_key::text, :n::bigint) AS w19 \gset
    SELECT i.n AS item, m.progress_version AS version,
                      COALESCE(s.count_skipped, false) AS count_skipped,
                      t.topic_id, t.state, t.done_count, t.proof_url,
                      p.complete AS phase_complete, p.completions AS phase_completions
               FROM unnest(:r1::bigint[], :r2::bigint[], :r3::smallint[], :r4::text[])
                    WITH ORDINALITY AS i (guild_id, user_id, phase, roadmap_id, n)
               LEFT JOIN servers s ON s.guild_id = i.guild_id
               LEFT JOIN members m ON m.guild_id = i.guild_id AND m.user_id = i.user_id
               LEFT JOIN phase_status p
                      ON p.guild_id = i.guild_id AND p.user_id = i.user_id
                     AND p.roadmap_id = i.roadmap_id AND p.phase = i.phase
               LEFT JOIN topic_progress t ON t.guild_id = i.guild_id AND t.user_id = i.user_id
                     AND t.roadmap_id = i.roadmap_id \aset
    SELECT format('{%s}', :version::bigint) AS w3 \gset
    WITH i AS (
                 SELECT * FROM unnest(:w1::bigint[], :w2::bigint[], :w3::bigint[], :w4::text[],
                                      :w5::text[], :w6::text[], :w7::int[], :w8::smallint[],
                                      :w9::bool[], :w10::int[], :w11::bool[], :w12::text[],
                                      :w13::timestamptz[], :w21::text[])
                 WITH ORDINALITY AS i (guild_id, user_id, version, topic_id, state, proof_url,
                                       done_count, phase, phase_complete, completions,
                                       phase_changed, celebration, at, roadmap_id, n)
               ),
               server AS (
                 INSERT INTO servers (guild_id)
                 SELECT DISTINCT guild_id FROM i WHERE version IS NULL
                 ON CONFLICT (guild_id) DO NOTHING
               ),
               locked AS (
                 SELECT m.guild_id, m.user_id FROM members m
                 JOIN i ON i.guild_id = m.guild_id AND i.user_id = m.user_id
                 WHERE m.progress_version = i.version
                 ORDER BY m.guild_id, m.user_id
                 FOR NO KEY UPDATE OF m
               ),
               bumped AS (
                 UPDATE members m SET progress_version = m.progress_version + 1
                 FROM locked l WHERE m.guild_id = l.guild_id AND m.user_id = l.user_id
                 RETURNING m.guild_id, m.user_id
               ),
               -- A member the read did not find either; if they appeared meanwhile, the change
               -- is planned again from their rows.
               joined AS (
                 INSERT INTO members (guild_id, user_id, first_seen_at, last_seen_at)
                 SELECT guild_id, user_id, at, at FROM i WHERE version IS NULL
                 ORDER BY guild_id, user_id
                 ON CONFLICT (guild_id, user_id) DO NOTHING
                 RETURNING guild_id, user_id
               ),
               go AS (
                 SELECT i.* FROM i
                 JOIN (SELECT guild_id, user_id FROM bumped
                       UNION ALL SELECT guild_id, user_id FROM joined) w
                   ON w.guild_id = i.guild_id AND w.user_id = i.user_id
               ),
               topic AS (
                 INSERT INTO topic_progress AS t
                   (guild_id, user_id, roadmap_id, topic_id, state, proof_url, done_count, started_at, completed_at, updated_at)
                 SELECT guild_id, user_id, roadmap_id, topic_id, state, proof_url, done_count,
                        CASE WHEN state IN ('learning', 'done') THEN at END,
                        CASE WHEN state = 'done' THEN at END,
                        at
                 FROM go ORDER BY guild_id, user_id
                 ON CONFLICT (guild_id, user_id, roadmap_id, topic_id) DO UPDATE SET
                   state = EXCLUDED.state,
                   proof_url = EXCLUDED.proof_url,
                   done_count = EXCLUDED.done_count,
                   started_at = COALESCE(t.started_at, EXCLUDED.started_at),
                   completed_at = CASE WHEN EXCLUDED.state = 'done' AND t.state = 'done' THEN t.completed_at
                                       ELSE EXCLUDED.completed_at END,
                   updated_at = EXCLUDED.updated_at
               ),
               phase AS (
                 INSERT INTO phase_status (guild_id, user_id, roadmap_id, phase, complete, completions, changed_at)
                 SELECT guild_id, user_id, roadmap_id, phase, phase_complete, completions, at
                 FROM go WHERE phase_changed ORDER BY guild_id, user_id
                 ON CONFLICT (guild_id, user_id, roadmap_id, phase) DO UPDATE SET
                   complete = EXCLUDED.complete,
                   completions = EXCLUDED.completions,
                   changed_at = EXCLUDED.changed_at
               ),
               celebration AS (
                 INSERT INTO scheduled_posts (guild_id, kind, period, due_at)
                 SELECT guild_id, :w14, celebration, at FROM go WHERE celebration IS NOT NULL
                 ON CONFLICT (guild_id, kind, period) DO NOTHING
               ),
               awarded AS (
                 INSERT INTO points_ledger (guild_id, user_id, kind, reference, points, award_key, awarded_at, phase, roadmap_id)
                 SELECT g.guild_id, g.user_id, a.kind, a.reference,
                        COALESCE(a.points, -(SELECT l.points
                                             FROM unnest(string_to_array(a.reverses, E'
')) AS k (award_key),
                                             LATERAL (SELECT o.points, o.id FROM points_ledger o
                                                      WHERE o.guild_id = g.guild_id AND o.user_id = g.user_id
                                                        AND o.roadmap_id = g.roadmap_id
                                                        AND o.award_key = k.award_key
                                                      LIMIT 1) AS l
                                             ORDER BY l.id DESC LIMIT 1), 0),
                        a.award_key, g.at, g.phase, g.roadmap_id
                 FROM unnest(:w15::int[], :w16::text[], :w17::text[], :w18::int[], :w19::text[], :w20::text[])
                      AS a (item, kind, reference, points, award_key, reverses)
                 JOIN go g ON g.n = a.item
                 ON CONFLICT (guild_id, user_id, roadmap_id, award_key) DO NOTHING
                 RETURNING guild_id, user_id, kind, points
               )
               SELECT i.n AS "item!", bool_or(g.n IS NOT NULL) AS "written!",
                      COALESCE(SUM(a.points) FILTER (WHERE a.kind LIKE 'topic%'), 0)::int AS "topic!",
                      COALESCE(SUM(a.points) FILTER (WHERE a.kind LIKE 'phase%'), 0)::int AS "phase!"
               FROM i
               LEFT JOIN go g ON g.n = i.n
               LEFT JOIN awarded a ON a.guild_id = i.guild_id AND a.user_id = i.user_id
               GROUP BY i.n
               ORDER BY i.n;
