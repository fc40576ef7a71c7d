//! Data some scenarios need before they can run: check-ins turned on in the bench server, with
//! eight weeks of every member's check-ins before this one, and a running challenge that
//! every bench member joined, with three topics each done inside its window (with their
//! awards in the ledger), so `/challenge status` ranks a crowd.

use std::time::Duration;

use crate::payloads::{topic_ids, CHANNEL_ID, FIRST_MEMBER, GUILD_ID, WEB_SLUG};

/// The roadmap the bench serves (the shipped one), whose topics it seeds.
const SHIPPED_ROADMAP: &str = "ai-engineer";

/// Topics each participant has done inside the window.
const DONE_EACH: i64 = 3;

/// Seeds `servers` bench servers for `members` members each.
pub async fn seed(database_url: &str, members: u64, servers: u64) -> anyhow::Result<()> {
    // Seeding 100,000 members takes minutes: no statement is cut short.
    let pool = waypoint::db::connect(database_url, Duration::from_secs(900)).await?;
    let topics: Vec<String> = topic_ids().to_vec();
    for n in 0..servers {
        seed_server(&pool, (GUILD_ID + n) as i64, members, &topics).await?;
    }
    // A database in service has statistics; a bulk load has none until autovacuum comes by.
    sqlx::query("ANALYZE").execute(&pool).await?;
    pool.close().await;
    Ok(())
}

async fn seed_server(
    pool: &sqlx::PgPool,
    guild: i64,
    members: u64,
    topics: &[String],
) -> anyhow::Result<()> {
    // The roadmap the bench serves; a database of a release before per-server roadmaps (a
    // `--compare` build) has no roadmap columns, and takes rows without them.
    let keyed: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM information_schema.columns
                        WHERE table_name = 'topic_progress' AND column_name = 'roadmap_id')",
    )
    .fetch_one(pool)
    .await?;
    let (roadmap_column, roadmap_value) = if keyed {
        (", roadmap_id", format!(", '{SHIPPED_ROADMAP}'"))
    } else {
        ("", String::new())
    };
    let topics_done = format!(
        "INSERT INTO topic_progress (guild_id, user_id, topic_id, state, done_count, started_at,
                                     completed_at, updated_at{roadmap_column})
         SELECT $1, $3 + n, ($5::text[])[1 + (n + k) % array_length($5::text[], 1)], 'done', 1,
                now() - interval '2 days', now() - interval '2 days' + (n % 40 + k) * interval '1 hour',
                now(){roadmap_value}
         FROM generate_series(0, $4 - 1) AS n, generate_series(0, $6 - 1) AS k
         ON CONFLICT DO NOTHING"
    );
    let awards = format!(
        "INSERT INTO points_ledger (guild_id, user_id, kind, reference, points, award_key,
                                    awarded_at{roadmap_column})
         SELECT guild_id, user_id, 'topic_done', topic_id, $7, 'topic:' || topic_id || ':1',
                completed_at{roadmap_column}
         FROM topic_progress WHERE guild_id = $1"
    );
    let challenge = format!(
        "INSERT INTO challenges (guild_id, name, goal, target, start_date, end_date, starts_at,
                                 ends_at, zone, channel_id, points, created_by,
                                 created_at{roadmap_column})
         -- The name is payloads::CHALLENGE.
         VALUES ($1, 'Bench sprint', 'topics', 5, current_date - 3, current_date + 30,
                 now() - interval '3 days', now() + interval '30 days', 'UTC', $2, 25, 1,
                 now() - interval '4 days'{roadmap_value})"
    );
    // Community pages on, with a name stored for every member (a build from before the
    // pages has neither).
    let pages: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_name = 'member_names')",
    )
    .fetch_one(pool)
    .await?;
    let mut tx = pool.begin().await?;
    let statements = [
        "INSERT INTO servers (guild_id) VALUES ($1) ON CONFLICT DO NOTHING",
        "INSERT INTO checkin_settings (guild_id, channel_id, staff_channel_id, reminder_weekday, reminder_minute)
         VALUES ($1, $2, $2, 4, 1080) ON CONFLICT DO NOTHING",
        "INSERT INTO members (guild_id, user_id, first_seen_at, last_seen_at)
         SELECT $1, $3 + n, now(), now() FROM generate_series(0, $4 - 1) AS n
         ON CONFLICT DO NOTHING",
        challenge.as_str(),
        "INSERT INTO challenge_members (challenge_id, guild_id, user_id, joined_at)
         SELECT c.id, $1, $3 + n, now() - interval '2 days'
         FROM challenges c, generate_series(0, $4 - 1) AS n WHERE c.guild_id = $1",

        // Done a few hours apart, so reaching the target happens at distinct times.
        topics_done.as_str(),
        // Each done topic's award, as `progress::plan` keys it, so undoing one takes back
        // what the ledger holds and the database's statistics see a ledger of its real size.
        awards.as_str(),
        // A community in service has a history: its tables are not empty when the server
        // first plans the statements that read them.
        "INSERT INTO checkins (guild_id, user_id, week, did, next_goal, created_at, updated_at)
         SELECT $1, $3 + n, to_char(now() - k * interval '1 week', 'IYYY-\"W\"IW'),
                'Worked through the week''s topic', 'Keep going',
                now() - k * interval '1 week', now() - k * interval '1 week'
         FROM generate_series(0, $4 - 1) AS n, generate_series(1, 8) AS k
         ON CONFLICT DO NOTHING",
    ];
    let names = "INSERT INTO member_names (guild_id, user_id, display_name, seen_at)
         SELECT $1, $3 + n, 'Bench member ' || n, now() FROM generate_series(0, $4 - 1) AS n
         ON CONFLICT DO NOTHING";
    let statements = statements
        .into_iter()
        .chain(pages.then_some(names))
        .collect::<Vec<_>>();
    // Members join one at a time in service, each bumping the challenge's count by a trigger;
    // in one transaction those bumps would pile up versions of the one row (time grows with
    // the square of the members): the count is set once at the end instead.
    sqlx::query("ALTER TABLE challenge_members DISABLE TRIGGER count_challenge_members")
        .execute(&mut *tx)
        .await?;
    for statement in statements {
        sqlx::query(statement)
            .bind(guild)
            .bind(CHANNEL_ID as i64)
            .bind(FIRST_MEMBER as i64)
            .bind(members as i64)
            .bind(topics)
            .bind(DONE_EACH)
            .bind(waypoint::progress::TOPIC_POINTS)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("ALTER TABLE challenge_members ENABLE TRIGGER count_challenge_members")
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE challenges c SET member_count =
           (SELECT count(*) FROM challenge_members m WHERE m.challenge_id = c.id)
         WHERE c.guild_id = $1",
    )
    .bind(guild)
    .execute(&mut *tx)
    .await?;
    // Slugs are unique: the first bench server has the pages.
    if pages && guild == GUILD_ID as i64 {
        sqlx::query("UPDATE servers SET web_slug = $2 WHERE guild_id = $1")
            .bind(guild)
            .bind(WEB_SLUG)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
