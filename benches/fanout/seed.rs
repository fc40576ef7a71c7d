//! What a crash run posts: one due post of a kind per seeded server, each to the channel
//! `CHANNEL_BASE + n`, so the fake can count posts per server. A partner group's post is its
//! thread, opened in that channel, and the intro posted in the thread.

use clap::ValueEnum;

/// A kind of scheduled post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    Prompt,
    Reminder,
    Digest,
    ChallengeStart,
    ChallengeMid,
    ChallengeEnd,
    /// A partner group's thread: opened, its two members added, the intro posted in it.
    PartnerThread,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Prompt,
        Kind::Reminder,
        Kind::Digest,
        Kind::ChallengeStart,
        Kind::ChallengeMid,
        Kind::ChallengeEnd,
        Kind::PartnerThread,
    ];

    /// The `scheduled_posts.kind` it is stored as.
    pub fn stored(self) -> &'static str {
        match self {
            Kind::Prompt => "prompt",
            Kind::Reminder => "checkin-reminder",
            Kind::Digest => "checkin-digest",
            Kind::ChallengeStart => "challenge-start",
            Kind::ChallengeMid => "challenge-mid",
            Kind::ChallengeEnd => "challenge-end",
            Kind::PartnerThread => "partner-thread",
        }
    }

    /// Statements (binding $1 = first guild id, $2 = first channel id, $3 = servers) that set
    /// up each server for this kind and add its due post.
    pub fn statements(self) -> Vec<String> {
        let servers = "generate_series(0, $3 - 1) AS n";
        let due = "now() - interval '1 minute'";
        let this_week = "to_char(now(), 'IYYY-\"W\"IW')";
        let checkins = format!(
            "INSERT INTO checkin_settings (guild_id, channel_id, staff_channel_id, reminder_weekday, reminder_minute)
             SELECT $1 + n, $2 + n, $2 + n, extract(isodow FROM now())::int - 1, 0 FROM {servers}"
        );
        match self {
            Kind::Prompt => vec![
                format!(
                    "INSERT INTO prompt_schedules (guild_id, channel_id, weekday, minute_of_day)
                     SELECT $1 + n, $2 + n, extract(isodow FROM now())::int - 1, 0 FROM {servers}"
                ),
                format!(
                    "INSERT INTO scheduled_posts (guild_id, kind, period, due_at)
                     SELECT $1 + n, 'prompt', {this_week}, {due} FROM {servers}"
                ),
            ],
            Kind::Reminder => vec![
                checkins,
                // One member per server who asked to be reminded and has not checked in.
                format!(
                    "INSERT INTO members (guild_id, user_id, first_seen_at, last_seen_at, reminders)
                     SELECT $1 + n, 900000000000000001, now(), now(), true FROM {servers}"
                ),
                format!(
                    "INSERT INTO scheduled_posts (guild_id, kind, period, due_at)
                     SELECT $1 + n, 'checkin-reminder', {this_week}, {due} FROM {servers}"
                ),
            ],
            Kind::Digest => vec![
                checkins,
                format!(
                    "INSERT INTO scheduled_posts (guild_id, kind, period, due_at)
                     SELECT $1 + n, 'checkin-digest',
                            to_char(now() - interval '7 days', 'IYYY-\"W\"IW'), {due} FROM {servers}"
                ),
            ],
            Kind::PartnerThread => vec![
                format!(
                    "INSERT INTO partner_settings (guild_id, channel_id, weekday, minute_of_day)
                     SELECT $1 + n, $2 + n, extract(isodow FROM now())::int - 1, 0 FROM {servers}"
                ),
                // Two members per server, who joined and were matched into group 1.
                format!(
                    "INSERT INTO members (guild_id, user_id, first_seen_at, last_seen_at)
                     SELECT $1 + n, u, now(), now()
                     FROM {servers}, (VALUES (900000000000000001), (900000000000000002)) AS m(u)"
                ),
                "INSERT INTO partner_members (guild_id, user_id, joined_at)
                 SELECT guild_id, user_id, now() FROM members"
                    .to_string(),
                format!(
                    "INSERT INTO partner_groups (guild_id, week, number, made_at)
                     SELECT $1 + n, {this_week}, 1, now() FROM {servers}"
                ),
                "INSERT INTO partner_group_members (group_id, guild_id, user_id)
                 SELECT g.id, m.guild_id, m.user_id FROM partner_groups g JOIN members m USING (guild_id)"
                    .to_string(),
                format!(
                    "INSERT INTO scheduled_posts (guild_id, kind, period, due_at)
                     SELECT guild_id, 'partner-thread', week || '/1', {due} FROM partner_groups"
                ),
            ],
            Kind::ChallengeStart | Kind::ChallengeMid | Kind::ChallengeEnd => {
                // A week-long challenge that opened yesterday; for the end, one that just closed.
                let ends = if self == Kind::ChallengeEnd {
                    "now() - interval '1 minute'"
                } else {
                    "now() + interval '6 days'"
                };
                vec![
                    format!(
                        "INSERT INTO challenges (guild_id, name, goal, target, start_date, end_date,
                                                 starts_at, ends_at, zone, channel_id, points,
                                                 created_by, created_at, roadmap_id)
                         SELECT $1 + n, 'Crash sprint', 'topics', 3, current_date - 1, current_date + 6,
                                now() - interval '1 day', {ends}, 'UTC', $2 + n, 25, 1,
                                now() - interval '2 days', 'ai-engineer'
                         FROM {servers}"
                    ),
                    format!(
                        "INSERT INTO scheduled_posts (guild_id, kind, period, due_at)
                         SELECT guild_id, '{}', id::text, {due} FROM challenges",
                        self.stored()
                    ),
                ]
            }
        }
    }
}
