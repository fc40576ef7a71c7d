//! Generators of hostile input: text, numbers, ids, option values, command calls, clicks and
//! whole invocations. Most of what they make is nonsense; enough of it is close to real input
//! (real topic ids, zone names, dates, custom ids) to get past the first check and reach the
//! code behind it.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use serenity::all::{ChannelId, ChannelType, GuildId, Permissions, RoleId, UserId};
use waypoint::commands::{
    Action, CommandCall, FileRef, Invocation, OptionKind, OptionSpec, Registry, Value,
};

use super::text::{text, Vocabulary};
use crate::support::{member_permissions, GUILD, USER};
use waypoint::profiles::Profile;

/// A second server, where nothing is set up.
pub const OTHER_GUILD: u64 = 121_212_121_212_121_212;
/// A member with Manage Server in `GUILD`.
pub const STAFF: u64 = 232_323_232_323_232_323;
pub const CHANNEL: u64 = 343_434_343_434_343_434;

/// One command as a member can call it: the command, the sub-command path to it, and the
/// options it takes there.
#[derive(Debug, Clone)]
pub struct Leaf {
    pub name: String,
    pub path: Vec<String>,
    pub options: Vec<OptionSpec>,
}

/// Every callable command of the registry, sub-commands and groups followed to the end.
pub fn leaves(registry: &Registry) -> Vec<Leaf> {
    fn walk(name: &str, path: Vec<String>, options: &[OptionSpec], out: &mut Vec<Leaf>) {
        let subs: Vec<_> = options
            .iter()
            .filter_map(|o| match &o.kind {
                OptionKind::SubCommand(inner) | OptionKind::Group(inner) => Some((o.name, inner)),
                _ => None,
            })
            .collect();
        if subs.is_empty() {
            out.push(Leaf {
                name: name.to_string(),
                path: path.clone(),
                options: options.to_vec(),
            });
        }
        for (sub, inner) in subs {
            let mut deeper = path.clone();
            deeper.push(sub.to_string());
            walk(name, deeper, inner, out);
        }
    }
    let mut out = Vec::new();
    for spec in registry.iter() {
        walk(spec.name, Vec::new(), &spec.options, &mut out);
    }
    out
}

/// Snowflakes: the smallest, the largest, those around 2^63 (stored as a signed BIGINT), the
/// test's own, and any.
pub fn snowflake() -> BoxedStrategy<u64> {
    prop_oneof![
        1 => Just(1u64),
        1 => Just(u64::MAX),
        1 => Just(1u64 << 63),
        1 => Just(i64::MAX as u64),
        2 => select(vec![GUILD, USER, STAFF, CHANNEL, OTHER_GUILD]),
        4 => 1..=u64::MAX,
    ]
    .boxed()
}

/// Integers around an option's bounds and at the ends of i64.
fn integer(min: i64, max: i64) -> BoxedStrategy<i64> {
    prop_oneof![
        2 => min..=max,
        1 => select(vec![min, max, min - 1, max + 1, 0, -1, i64::MIN, i64::MAX, i64::MIN + 1]),
        1 => any::<i64>(),
    ]
    .boxed()
}

fn channel_type() -> BoxedStrategy<Option<ChannelType>> {
    option::of(prop_oneof![
        2 => Just(ChannelType::Text),
        1 => Just(ChannelType::News),
        1 => any::<u8>().prop_map(ChannelType::from),
    ])
    .boxed()
}

/// A value of any type at all, as a confused or malicious client may send for any option.
pub fn any_value(words: &Arc<Vocabulary>) -> BoxedStrategy<Value> {
    prop_oneof![
        integer(0, 0).prop_map(Value::Integer),
        any::<f64>().prop_map(Value::Number),
        words.text().prop_map(Value::String),
        any::<bool>().prop_map(Value::Boolean),
        snowflake().prop_map(|id| Value::User(UserId::new(id))),
        (snowflake(), channel_type()).prop_map(|(id, t)| Value::Channel(ChannelId::new(id), t)),
        snowflake().prop_map(|id| Value::Role(RoleId::new(id))),
        file(),
    ]
    .boxed()
}

/// A file as Discord resolves one, of any size, from a host that is not Discord's CDN (so
/// no test reaches the internet; files from the CDN are the fake Discord's, in
/// `roadmap_import`).
fn file() -> BoxedStrategy<Value> {
    (any::<u32>(), "[a-z0-9.]{1,12}")
        .prop_map(|(size, name)| {
            Value::File(FileRef {
                url: format!("https://files.invalid/{name}"),
                filename: name,
                size: u64::from(size),
            })
        })
        .boxed()
}

/// A value for `option`: mostly of its declared type, sometimes of any other.
pub fn value_for(option: &OptionSpec, words: &Arc<Vocabulary>) -> BoxedStrategy<Value> {
    let name = option.name;
    let typed = match &option.kind {
        OptionKind::Integer { min, max } => integer(i64::from(*min), i64::from(*max))
            .prop_map(Value::Integer)
            .boxed(),
        OptionKind::String { choices, .. } if !choices.is_empty() => prop_oneof![
            2 => select(choices.to_vec()).prop_map(|c| Value::String(c.to_string())),
            1 => words.text_for(name).prop_map(Value::String),
        ]
        .boxed(),
        OptionKind::String { .. } => words.text_for(name).prop_map(Value::String).boxed(),
        OptionKind::Boolean => any::<bool>().prop_map(Value::Boolean).boxed(),
        OptionKind::User => snowflake()
            .prop_map(|id| Value::User(UserId::new(id)))
            .boxed(),
        OptionKind::Channel(_) => (snowflake(), channel_type())
            .prop_map(|(id, t)| Value::Channel(ChannelId::new(id), t))
            .boxed(),
        OptionKind::Role => snowflake()
            .prop_map(|id| Value::Role(RoleId::new(id)))
            .boxed(),
        OptionKind::File => file(),
        OptionKind::SubCommand(_) | OptionKind::Group(_) => any_value(words),
    };
    prop_oneof![14 => typed, 1 => any_value(words)].boxed()
}

/// A value for `option` that a well-behaved client would send: of its type, within its
/// bounds, one of its choices, or a good value for its name.
pub fn sane_value_for(option: &OptionSpec, words: &Arc<Vocabulary>) -> BoxedStrategy<Value> {
    match &option.kind {
        OptionKind::Integer { min, max } => (i64::from(*min)..=i64::from(*max))
            .prop_map(Value::Integer)
            .boxed(),
        OptionKind::String { choices, .. } if !choices.is_empty() => select(choices.to_vec())
            .prop_map(|c| Value::String(c.to_string()))
            .boxed(),
        OptionKind::String { .. } => words.good(option.name).prop_map(Value::String).boxed(),
        OptionKind::Boolean => any::<bool>().prop_map(Value::Boolean).boxed(),
        OptionKind::User => select(vec![USER, STAFF, 1, u64::MAX])
            .prop_map(|id| Value::User(UserId::new(id)))
            .boxed(),
        OptionKind::Channel(_) => select(vec![CHANNEL, 1, u64::MAX])
            .prop_map(|id| Value::Channel(ChannelId::new(id), Some(ChannelType::Text)))
            .boxed(),
        OptionKind::Role => snowflake()
            .prop_map(|id| Value::Role(RoleId::new(id)))
            .boxed(),
        OptionKind::File => file(),
        OptionKind::SubCommand(_) | OptionKind::Group(_) => any_value(words),
    }
}

/// A command call: a real command with any subset of its options. A third of the calls are
/// well-formed (every required option, sane values), so the handlers behind the checks run;
/// the rest have values of any kind, sometimes of the wrong type, an unknown option, or a
/// wrong path or name.
pub fn call(leaves: &Arc<Vec<Leaf>>, words: &Arc<Vocabulary>) -> BoxedStrategy<CommandCall> {
    let (leaves, words) = (leaves.clone(), words.clone());
    (
        0..leaves.len(),
        prop_oneof![1 => Just(true), 2 => Just(false)],
    )
        .prop_flat_map(move |(i, sane)| {
            let leaf = leaves[i].clone();
            let values: Vec<BoxedStrategy<Option<(String, Value)>>> = leaf
                .options
                .iter()
                .map(|o| {
                    let name = o.name.to_string();
                    let value = if sane {
                        sane_value_for(o, &words)
                    } else {
                        value_for(o, &words)
                    };
                    let value = if sane && o.required {
                        value.prop_map(Some).boxed()
                    } else {
                        option::weighted(0.6, value).boxed()
                    };
                    value
                        .prop_map(move |v| v.map(|v| (name.clone(), v)))
                        .boxed()
                })
                .collect();
            if sane {
                return (
                    Just(leaf.name.clone()).boxed(),
                    Just(leaf.path.clone()).boxed(),
                    values,
                    Just(Vec::new()).boxed(),
                    any::<bool>(),
                );
            }
            let name = prop_oneof![19 => Just(leaf.name.clone()), 1 => text()];
            let path = prop_oneof![
                18 => Just(leaf.path.clone()),
                1 => Just(Vec::new()),
                1 => vec(words.text(), 1..3),
            ];
            let extra = vec((words.text(), any_value(&words)), 0..2);
            (
                name.boxed(),
                path.boxed(),
                values,
                prop_oneof![9 => Just(Vec::new()), 1 => extra].boxed(),
                any::<bool>(),
            )
        })
        .prop_map(|(name, path, values, extra, reverse)| {
            let mut options: Vec<(String, Value)> = values.into_iter().flatten().collect();
            options.extend(extra);
            if reverse {
                options.reverse();
            }
            CommandCall {
                name,
                path,
                options,
            }
        })
        .boxed()
}

/// Custom ids of buttons and menus: the ones Waypoint builds, the same shapes with numbers
/// and names that do not fit, and anything at all.
pub fn custom_id(registry: &Registry, words: &Arc<Vocabulary>) -> BoxedStrategy<String> {
    let commands: Vec<String> = registry.iter().map(|s| s.name.to_string()).collect();
    // Page numbers and ids: any, and the ends of the types they are parsed into.
    let number = || {
        prop_oneof![
            1 => any::<u32>().prop_map(|n| n.to_string()),
            2 => select(vec![
                u32::MAX as i64,
                u32::MAX as i64 - 1,
                u32::MAX as i64 + 1,
                u8::MAX as i64,
                i64::MAX,
                -1,
                0,
                1,
            ])
            .prop_map(|n| n.to_string()),
            1 => any::<i64>().prop_map(|n| n.to_string()),
            1 => text(),
        ]
    };
    let board = prop_oneof![
        2 => select(vec!["week", "month", "all"]).prop_map(str::to_string),
        1 => number().prop_map(|n| format!("phase-{n}")),
        1 => number().prop_map(|n| format!("challenge-{n}")),
        1 => text(),
    ];
    prop_oneof![
        2 => select(vec![
            "roadmap:overview",
            "roadmap:topic",
            "roadmap:phase:1",
            "roadmap:topic:python",
            "roadmap:none:Next ▶",
            "progress:set:done:python",
            "progress:set:learning:sql",
            "privacy:delete:cancel",
            "leaderboard:all:0",
            "leaderboard:week:1",
            "leaderboard:month:0",
            "leaderboard:phase-1:0",
            "leaderboard:challenge-1:0",
            "checkin:retry",
            "checkin:submit",
        ])
        .prop_map(str::to_string),
        2 => (board, number()).prop_map(|(b, p)| format!("leaderboard:{b}:{p}")),
        1 => number().prop_map(|n| format!("roadmap:phase:{n}")),
        1 => words.text().prop_map(|t| format!("roadmap:topic:{t}")),
        1 => words.text().prop_map(|t| format!("roadmap:none:{t}")),
        1 => (select(vec!["done", "learning", "skipped", "not-started", "x"]), words.text())
            .prop_map(|(s, t)| format!("progress:set:{s}:{t}")),
        2 => (select(commands), text()).prop_map(|(c, t)| format!("{c}:{t}")),
        1 => text(),
    ]
    .boxed()
}

/// Values picked in a menu: none, a few, or more than a menu can hold.
pub fn picked(words: &Arc<Vocabulary>) -> BoxedStrategy<Vec<String>> {
    prop_oneof![
        4 => vec(words.text(), 0..3),
        1 => vec(words.text(), 20..30),
    ]
    .boxed()
}

/// When an invocation happens: the tests' usual instant, ones where weeks, years or clocks
/// turn, or any time this century.
fn instant() -> BoxedStrategy<DateTime<Utc>> {
    let at = |s: &str| s.parse::<DateTime<Utc>>().expect("an RFC 3339 time");
    prop_oneof![
        6 => Just(at("2026-11-27T12:00:00Z")),
        1 => select(vec![
            at("2026-12-31T23:59:59Z"),
            at("2027-01-01T00:00:00Z"),
            at("2026-03-29T01:30:00Z"),
            at("2026-10-25T00:59:59Z"),
            at("2026-12-28T00:00:00Z"),
        ]),
        1 => (946_684_800i64..4_102_444_800)
            .prop_map(|s| Utc.timestamp_opt(s, 0).single().expect("a valid instant")),
    ]
    .boxed()
}

/// Who acts, and where: a member or staff of the set-up server, anyone with any permissions
/// in another server, or someone outside any server.
fn who() -> BoxedStrategy<(Option<u64>, u64, Permissions)> {
    let staff = member_permissions() | Permissions::MANAGE_GUILD;
    prop_oneof![
        6 => Just((Some(GUILD), USER, member_permissions())),
        4 => Just((Some(GUILD), STAFF, staff)),
        2 => (snowflake(), any::<u64>()).prop_map(|(user, bits)| {
            (Some(OTHER_GUILD), user, Permissions::from_bits_truncate(bits))
        }),
        1 => Just((None, USER, Permissions::empty())),
    ]
    .boxed()
}

/// An invocation of `action` by someone, somewhere, at some time, showing under any name
/// (which a card draws) or none. No avatar: the tests fetch nothing from outside.
pub fn invocation(action: BoxedStrategy<Action>) -> BoxedStrategy<Invocation> {
    (who(), instant(), action, option::of(text()))
        .prop_map(
            |((guild, user, permissions), now, action, name)| Invocation {
                guild_id: guild.map(GuildId::new),
                channel_id: Some(ChannelId::new(CHANNEL)),
                user_id: UserId::new(user),
                permissions,
                now,
                action,
                profiles: name
                    .map(|name| {
                        (
                            UserId::new(user),
                            Profile {
                                name,
                                avatar: None,
                                avatar_hash: None,
                            },
                        )
                    })
                    .into_iter()
                    .collect(),
            },
        )
        .boxed()
}
