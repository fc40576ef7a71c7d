-- The floor of the `/checkin` submission: the two statements the command runs for a request
-- (src/db/checkins/submissions.rs: the member's check-ins as they stand, with the server's
-- settings and the member's zone; then the save), run by pgbench on the bench's database at
-- the bench's concurrency. `benches/serve/floor.rs` gives the constants (`-D`);
-- `tests/it/floor.rs` fails if these statements drift from the code's.
--
-- The statements take arrays, one entry per request: the command sends the submissions that
-- arrive together in one statement, pgbench sends one per statement. So this is the
-- database's rate for the command's statements one request at a time, which the command may
-- exceed.
--
-- Parameters are the code's `$n`, named `:s<n>` and `:c<n>` by statement. pgbench has no
-- string arithmetic, so the member's arrays are made by a statement that reads no table
-- (`\gset`): one small round trip more than the command makes. As in the bench, a member's
-- first check-in of the week inserts it with its award, and later ones edit it.
\set member random(:first_member, :last_member)
    SELECT format('{%s}', :member::bigint) AS s2, format('{%s}', :member::bigint) AS c2 \gset
    SELECT i.n AS item, i.guild_id,
                      c.channel_id, c.staff_channel_id, c.reminder_weekday, c.reminder_minute,
                      c.public, c.freeze_every, s.timezone AS server_zone, c.problem, c.problem_at,
                      COALESCE(m.timezone, s.timezone, 'UTC') AS zone,
                      m.hidden,
                      ARRAY(SELECT k.week FROM checkins k
                            WHERE k.guild_id = i.guild_id AND k.user_id = i.user_id
                            ORDER BY k.week) AS weeks
               FROM unnest(:s1::bigint[], :s2::bigint[]) WITH ORDINALITY AS i (guild_id, user_id, n)
               LEFT JOIN servers s ON s.guild_id = i.guild_id
               LEFT JOIN checkin_settings c ON c.guild_id = i.guild_id
               LEFT JOIN members m ON m.guild_id = i.guild_id AND m.user_id = i.user_id
               ORDER BY i.n;
    WITH i AS (
                 SELECT * FROM unnest(:c1::bigint[], :c2::bigint[], :c3::text[], :c4::text[],
                                      :c5::text[], :c6::text[], :c7::text[], :c8::text[],
                                      :c9::timestamptz[], :c10::text[], :c11::text[], :c12::int[],
                                      :c13::text[])
                 WITH ORDINALITY AS i (guild_id, user_id, week, did, blockers, next_goal, link,
                                       met_last_goal, at, kind, reference, points, award_key, n)
               ),
               server AS (
                 INSERT INTO servers (guild_id) SELECT DISTINCT guild_id FROM i
                 ON CONFLICT (guild_id) DO NOTHING
               ),
               member AS (
                 INSERT INTO members (guild_id, user_id, first_seen_at, last_seen_at)
                 SELECT guild_id, user_id, at, at FROM i ORDER BY guild_id, user_id
                 ON CONFLICT (guild_id, user_id)
                 DO UPDATE SET last_seen_at = GREATEST(members.last_seen_at, EXCLUDED.last_seen_at)
                 RETURNING guild_id, user_id, hidden
               ),
               checkin AS (
                 INSERT INTO checkins (guild_id, user_id, week, did, blockers, next_goal, link,
                                       met_last_goal, created_at, updated_at)
                 SELECT guild_id, user_id, week, did, blockers, next_goal, link, met_last_goal, at, at
                 FROM i ORDER BY guild_id, user_id
                 ON CONFLICT (guild_id, user_id, week) DO UPDATE
                     SET did = EXCLUDED.did, blockers = EXCLUDED.blockers,
                         next_goal = EXCLUDED.next_goal, link = EXCLUDED.link,
                         met_last_goal = EXCLUDED.met_last_goal, updated_at = EXCLUDED.updated_at
                 RETURNING guild_id, user_id, (xmax = 0) AS created
               ),
               award AS (
                 INSERT INTO points_ledger (guild_id, user_id, kind, reference, points, award_key, awarded_at)
                 SELECT guild_id, user_id, kind, reference, points, award_key, at
                 FROM i ORDER BY guild_id, user_id
                 ON CONFLICT (guild_id, user_id, roadmap_id, award_key) DO NOTHING
               ),
               draft AS (
                 DELETE FROM checkin_drafts d USING i
                 WHERE d.guild_id = i.guild_id AND d.user_id = i.user_id
               )
               SELECT i.n AS "item!", c.created AS "created!", m.hidden AS "hidden!"
               FROM i
               JOIN checkin c ON c.guild_id = i.guild_id AND c.user_id = i.user_id
               JOIN member m ON m.guild_id = i.guild_id AND m.user_id = i.user_id
               ORDER BY i.n;
