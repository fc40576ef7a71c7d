-- The floor of the `/checkin` submission: the two statements the command runs for one
-- request (src/db/checkins/: the member's check-ins as they stand, with the server's settings
-- and the member's zone; then the save), run by pgbench on the bench's database at the
-- bench's concurrency. `benches/serve/floor.rs` gives the constants (`-D`);
-- `tests/it/floor.rs` fails if these statements drift from the code's.
--
-- Parameters are the code's `$n`, named `:s<n>` and `:c<n>` by statement.
-- pgbench cannot send a NULL or an empty parameter, so those the bench's form sends (the
-- empty "blockers", no link, no answer about last week's goal) are written in place, marked
-- `/*$n*/`. As in the bench, a member's first check-in of the week inserts it with its
-- award, and later ones edit it.
\set c2 random(:first_member, :last_member)
\set s2 :c2
    SELECT c.channel_id, c.staff_channel_id, c.reminder_weekday, c.reminder_minute,
                  c.public, c.freeze_every, s.timezone AS server_zone, c.problem, c.problem_at,
                  COALESCE(m.timezone, s.timezone, 'UTC') AS zone,
                  m.hidden,
                  ARRAY(SELECT k.week FROM checkins k
                        WHERE k.guild_id = :s1 AND k.user_id = :s2 ORDER BY k.week) AS weeks
           FROM (SELECT 1) AS one
           LEFT JOIN servers s ON s.guild_id = :s1
           LEFT JOIN checkin_settings c ON c.guild_id = :s1
           LEFT JOIN members m ON m.guild_id = :s1 AND m.user_id = :s2;
    WITH server AS (
             INSERT INTO servers (guild_id) VALUES (:c1) ON CONFLICT (guild_id) DO NOTHING
           ),
           member AS (
             INSERT INTO members (guild_id, user_id, first_seen_at, last_seen_at)
             VALUES (:c1, :c2, :c9, :c9)
             ON CONFLICT (guild_id, user_id)
             DO UPDATE SET last_seen_at = GREATEST(members.last_seen_at, EXCLUDED.last_seen_at)
             RETURNING hidden
           ),
           checkin AS (
             INSERT INTO checkins (guild_id, user_id, week, did, blockers, next_goal, link,
                                   met_last_goal, created_at, updated_at)
             VALUES (:c1, :c2, :c3, :c4, '' /*$5*/, :c6, NULL /*$7*/, NULL /*$8*/, :c9, :c9)
             ON CONFLICT (guild_id, user_id, week) DO UPDATE
                 SET did = EXCLUDED.did, blockers = EXCLUDED.blockers,
                     next_goal = EXCLUDED.next_goal, link = EXCLUDED.link,
                     met_last_goal = EXCLUDED.met_last_goal, updated_at = EXCLUDED.updated_at
             RETURNING (xmax = 0) AS created
           ),
           award AS (
             INSERT INTO points_ledger (guild_id, user_id, kind, reference, points, award_key, awarded_at)
             VALUES (:c1, :c2, :c10, :c11, :c12, :c13, :c9)
             ON CONFLICT (guild_id, user_id, award_key) DO NOTHING
           ),
           draft AS (
             DELETE FROM checkin_drafts WHERE guild_id = :c1 AND user_id = :c2
           )
           SELECT (SELECT created FROM checkin) AS "created!",
                  (SELECT hidden FROM member) AS "hidden!";
