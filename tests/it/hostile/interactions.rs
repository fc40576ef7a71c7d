//! Interactions as JSON for the endpoint: faithful ones built from the dispatcher
//! properties' generators, and hostile ones with any types, names, nesting and values.

use std::sync::Arc;

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use serde_json::{json, Value};
use waypoint::commands::{Action, CommandCall, OptionKind, Registry, Value as CallValue};

use super::forms::FIELDS;
use super::strategies::{call, custom_id, leaves, snowflake, STAFF};
use super::text::{text, Vocabulary};
use crate::support::fake_discord::payloads::{self, APPLICATION_ID, CHANNEL_ID, GUILD_ID};
use crate::support::{GUILD, USER};

/// Names a client could send: the registry's commands, sub-commands and options, or any text.
fn names(registry: &Registry) -> Vec<String> {
    fn walk(options: &[waypoint::commands::OptionSpec], out: &mut Vec<String>) {
        for option in options {
            out.push(option.name.to_string());
            if let OptionKind::SubCommand(inner) | OptionKind::Group(inner) = &option.kind {
                walk(inner, out);
            }
        }
    }
    let mut out: Vec<String> = registry.iter().map(|s| s.name.to_string()).collect();
    for spec in registry.iter() {
        walk(&spec.options, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

fn name(names: &[String], words: &Arc<Vocabulary>) -> BoxedStrategy<String> {
    prop_oneof![4 => select(names.to_vec()), 1 => words.text()].boxed()
}

/// Any JSON scalar a client could put where a value goes, and a few that are not scalars.
fn scalar(words: &Arc<Vocabulary>) -> BoxedStrategy<Value> {
    prop_oneof![
        3 => words.text().prop_map(Value::from),
        2 => any::<i64>().prop_map(Value::from),
        1 => select(vec![i64::MAX, i64::MIN, 0, -1, 1]).prop_map(Value::from),
        1 => Just(json!(u64::MAX)),
        1 => any::<f64>().prop_map(Value::from),
        1 => select(vec![1e308, -1e308, 0.5, -0.0, 9_007_199_254_740_993.0]).prop_map(Value::from),
        1 => snowflake().prop_map(|id| Value::from(id.to_string())),
        1 => any::<bool>().prop_map(Value::from),
        1 => select(vec![
            Value::Null,
            json!([]),
            json!({}),
            json!("99999999999999999999999"),
            json!([1, 2]),
            json!({ "value": 1 }),
        ]),
    ]
    .boxed()
}

/// A value fitting a Discord option type most of the time.
fn value_of(kind: i64, words: &Arc<Vocabulary>) -> BoxedStrategy<Value> {
    let typed = match kind {
        3 => words.text().prop_map(Value::from).boxed(),
        4 => prop_oneof![0i64..6, any::<i64>()]
            .prop_map(Value::from)
            .boxed(),
        5 => any::<bool>().prop_map(Value::from).boxed(),
        6..=9 | 11 => snowflake()
            .prop_map(|id| Value::from(id.to_string()))
            .boxed(),
        10 => any::<f64>().prop_map(Value::from).boxed(),
        _ => scalar(words),
    };
    prop_oneof![3 => typed, 1 => scalar(words)].boxed()
}

/// An option with a value, of a Discord option type (3 to 11) or any other number.
fn value_option(names: &[String], words: &Arc<Vocabulary>) -> BoxedStrategy<Value> {
    let words = words.clone();
    let kind = prop_oneof![8 => 3i64..=11, 1 => any::<i64>()];
    (
        name(names, &words),
        kind,
        option::weighted(0.1, any::<bool>()),
    )
        .prop_flat_map(move |(name, kind, focused)| {
            value_of(kind, &words).prop_map(move |value| {
                let mut option = json!({ "name": name, "type": kind, "value": value });
                if let Some(focused) = focused {
                    option["focused"] = json!(focused);
                }
                option
            })
        })
        .boxed()
}

/// The options of a command: plain values, a sub-command holding some, or a group holding a
/// sub-command (nesting as Discord does it, and sometimes as it never would).
fn options(names: &[String], words: &Arc<Vocabulary>) -> BoxedStrategy<Value> {
    let plain = || vec(value_option(names, words), 0..5);
    let sub = {
        let plain = plain();
        (
            name(names, words),
            prop_oneof![4 => Just(1i64), 1 => Just(2i64)],
            plain,
        )
            .prop_map(
                |(name, kind, options)| json!({ "name": name, "type": kind, "options": options }),
            )
    };
    let group = (name(names, words), vec(sub.clone(), 0..3))
        .prop_map(|(name, options)| json!({ "name": name, "type": 2, "options": options }));
    prop_oneof![
        3 => plain().prop_map(Value::from),
        3 => vec(sub, 1..3).prop_map(Value::from),
        1 => vec(group, 1..2).prop_map(Value::from),
        1 => scalar(words),
    ]
    .boxed()
}

/// What Discord adds about the channels named in options; its type decides whether a channel
/// option accepts the channel.
fn resolved() -> BoxedStrategy<Value> {
    (snowflake(), any::<u8>())
        .prop_map(|(id, kind)| {
            json!({ "channels": { id.to_string(): {
                "id": id.to_string(), "name": "general", "type": kind, "permissions": "0"
            } } })
        })
        .boxed()
}

fn command_data(names: &[String], words: &Arc<Vocabulary>) -> BoxedStrategy<Value> {
    (
        name(names, words),
        prop_oneof![6 => Just(1i64), 1 => any::<i64>()],
        options(names, words),
        option::weighted(0.3, resolved()),
    )
        .prop_map(|(name, kind, options, resolved)| {
            let mut data = json!({
                "id": "700000000000000001", "name": name, "type": kind, "options": options
            });
            if let Some(resolved) = resolved {
                data["resolved"] = resolved;
            }
            data
        })
        .boxed()
}

fn component_data(registry: &Registry, words: &Arc<Vocabulary>) -> BoxedStrategy<Value> {
    (
        custom_id(registry, words),
        prop_oneof![3 => Just(2i64), 3 => Just(3i64), 1 => any::<i64>()],
        option::of(vec(scalar(words), 0..4)),
    )
        .prop_map(|(custom_id, kind, values)| {
            let mut data = json!({ "custom_id": custom_id, "component_type": kind });
            if let Some(values) = values {
                data["values"] = json!(values);
            }
            data
        })
        .boxed()
}

fn modal_data(words: &Arc<Vocabulary>) -> BoxedStrategy<Value> {
    let field_id = prop_oneof![3 => select(FIELDS.to_vec()).prop_map(str::to_string), 1 => text()];
    let input = (
        prop_oneof![5 => Just(4i64), 1 => any::<i64>()],
        field_id,
        prop_oneof![4 => words.text().prop_map(Value::from), 1 => scalar(words)],
    )
        .prop_map(|(kind, id, value)| json!({ "type": kind, "custom_id": id, "value": value }));
    let row = vec(input, 0..3).prop_map(|inputs| json!({ "type": 1, "components": inputs }));
    let custom_id = prop_oneof![4 => Just("checkin:submit".to_string()), 1 => words.text()];
    (custom_id, vec(row, 0..7))
        .prop_map(|(custom_id, rows)| json!({ "custom_id": custom_id, "components": rows }))
        .boxed()
}

/// The interaction around `data`: in a server as a member (with any permissions) or in a
/// direct message, with some top-level field sometimes missing or wrong.
fn envelope(kind: Value, data: Value, words: &Arc<Vocabulary>) -> BoxedStrategy<Value> {
    let permissions = prop_oneof![
        3 => Just(payloads::MEMBER_PERMISSIONS.to_string()),
        3 => Just(payloads::STAFF_PERMISSIONS.to_string()),
        1 => Just("8".to_string()),
        1 => any::<u64>().prop_map(|p| p.to_string()),
        1 => words.text(),
    ];
    let guild = prop_oneof![
        3 => Just(Some(GUILD)),
        1 => Just(Some(GUILD_ID)),
        1 => snowflake().prop_map(Some),
        1 => Just(None),
    ];
    let user = prop_oneof![3 => Just(USER), 2 => Just(STAFF), 1 => snowflake()];
    let spoil = option::weighted(
        0.1,
        (
            select(vec![
                "id",
                "type",
                "data",
                "token",
                "member",
                "guild_id",
                "channel_id",
                "version",
            ]),
            scalar(words),
        ),
    );
    let remove = option::weighted(0.05, select(vec!["data", "member", "channel_id", "token"]));
    (snowflake(), guild, user, permissions, any::<bool>(), spoil, remove)
        .prop_map(move |(id, guild, user, permissions, ephemeral, spoil, remove)| {
            let who = json!({
                "id": user.to_string(), "username": "learner", "discriminator": "0",
                "global_name": "Learner", "avatar": null, "public_flags": 0
            });
            let mut interaction = json!({
                "id": id.to_string(),
                "application_id": APPLICATION_ID.to_string(),
                "type": kind,
                "data": data,
                "channel_id": CHANNEL_ID.to_string(),
                "token": format!("token-{id}"),
                "version": 1,
                "app_permissions": "2147483647",
                "locale": "en-US",
                "entitlements": [],
                "attachment_size_limit": 10485760
            });
            match guild {
                Some(guild) => {
                    interaction["guild_id"] = json!(guild.to_string());
                    interaction["guild_locale"] = json!("en-US");
                    interaction["context"] = json!(0);
                    interaction["member"] = json!({
                        "user": who, "roles": [], "joined_at": "2026-01-01T00:00:00.000000+00:00",
                        "deaf": false, "mute": false, "flags": 0, "pending": false,
                        "permissions": permissions
                    });
                }
                None => {
                    interaction["user"] = who;
                    interaction["context"] = json!(1);
                }
            }
            if interaction["type"] == 3 {
                let flags = if ephemeral { 64 } else { 0 };
                let mut message = payloads::bot_message(&json!({ "flags": flags }));
                message["type"] = json!(20);
                interaction["message"] = message;
            }
            if let Some((key, value)) = spoil {
                interaction[key] = value;
            }
            if let Some(key) = remove {
                interaction.as_object_mut().map(|o| o.remove(key));
            }
            interaction
        })
        .boxed()
}

/// Interactions of every type (1 ping … 5 form), with data of the matching shape most of the
/// time, and sometimes of another shape or an unknown type.
pub fn interaction(registry: &Registry, words: &Arc<Vocabulary>) -> BoxedStrategy<Value> {
    let names = names(registry);
    let data = |kind: i64| -> BoxedStrategy<Value> {
        match kind {
            2 | 4 => command_data(&names, words),
            3 => component_data(registry, words),
            5 => modal_data(words),
            _ => prop_oneof![
                command_data(&names, words),
                component_data(registry, words),
                modal_data(words),
                scalar(words),
            ]
            .boxed(),
        }
    };
    let shaped = (1i64..=5).prop_flat_map({
        let words = words.clone();
        let strategies: Vec<BoxedStrategy<Value>> = (0..=5).map(data).collect();
        move |kind| {
            let words = words.clone();
            strategies[kind as usize]
                .clone()
                .prop_flat_map(move |data| envelope(json!(kind), data, &words))
        }
    });
    let odd = (
        prop_oneof![any::<i64>().prop_map(Value::from), scalar(words)],
        data(0),
    )
        .prop_flat_map({
            let words = words.clone();
            move |(kind, data)| envelope(kind, data, &words)
        });
    prop_oneof![12 => shaped, 1 => odd].boxed()
}

/// An option value as Discord sends it: (option type, JSON value); a channel's type goes to
/// `resolved`, as Discord reports it, and so does an attachment.
fn discord_value(value: &CallValue, resolved: &mut Resolved) -> (u8, Value) {
    match value {
        CallValue::String(s) => (3, json!(s)),
        CallValue::Integer(i) => (4, json!(i)),
        CallValue::Boolean(b) => (5, json!(b)),
        CallValue::User(id) => (6, json!(id.to_string())),
        CallValue::Channel(id, kind) => {
            if let Some(kind) = kind {
                resolved.channels.insert(
                    id.to_string(),
                    json!({
                        "id": id.to_string(), "name": "general", "type": u8::from(*kind),
                        "permissions": "0"
                    }),
                );
            }
            (7, json!(id.to_string()))
        }
        CallValue::Role(id) => (8, json!(id.to_string())),
        CallValue::Number(n) => (10, json!(n)),
        CallValue::File(file) => {
            let id = "900000000000000001";
            resolved.attachments.insert(
                id.to_string(),
                json!({
                    "id": id, "filename": file.filename, "size": file.size.min(u64::from(u32::MAX)),
                    "url": file.url, "proxy_url": file.url
                }),
            );
            (11, json!(id))
        }
    }
}

/// A command call as Discord sends it: options nested under the sub-command path, and with
/// `focus` the option being typed (autocomplete) marked.
fn command_json(call: &CommandCall, focus: Option<Index>) -> Value {
    let mut resolved = Resolved::default();
    let focused = focus.map(|i| i.index(call.options.len().max(1)));
    let mut options: Vec<Value> = call
        .options
        .iter()
        .enumerate()
        .map(|(i, (name, value))| {
            let (kind, value) = discord_value(value, &mut resolved);
            let mut option = json!({ "name": name, "type": kind, "value": value });
            if focused == Some(i) {
                option["type"] = json!(3);
                option["value"] = json!(value.as_str().map_or(value.to_string(), str::to_string));
                option["focused"] = json!(true);
            }
            option
        })
        .collect();
    for (depth, step) in call.path.iter().enumerate().rev() {
        let kind = if depth + 1 == call.path.len() { 1 } else { 2 };
        options = vec![json!({ "name": step, "type": kind, "options": options })];
    }
    json!({
        "id": "700000000000000001", "name": call.name, "type": 1, "options": options,
        "resolved": { "channels": resolved.channels, "attachments": resolved.attachments }
    })
}

/// What an interaction's `resolved` holds for its options.
#[derive(Default)]
struct Resolved {
    channels: serde_json::Map<String, Value>,
    attachments: serde_json::Map<String, Value>,
}

/// Well-formed interactions made from the dispatcher properties' own generators: commands,
/// autocomplete, clicks and forms as Discord would deliver them, values and all.
pub fn faithful(registry: &Registry, words: &Arc<Vocabulary>) -> BoxedStrategy<Value> {
    let leaves = Arc::new(leaves(registry));
    let command = call(&leaves, words).prop_map(|call| (2, command_json(&call, None)));
    let typing = (call(&leaves, words), any::<Index>())
        .prop_map(|(call, focus)| (4, command_json(&call, Some(focus))));
    let click = (custom_id(registry, words), vec(words.text(), 0..3)).prop_map(|(id, values)| {
        let kind = if values.is_empty() { 2 } else { 3 };
        (
            3,
            json!({ "custom_id": id, "component_type": kind, "values": values }),
        )
    });
    let form = super::forms::submission(registry, words).prop_map(|action| {
        let Action::ModalSubmit { custom_id, fields } = action else {
            unreachable!("submission makes form submissions");
        };
        let rows: Vec<Value> = fields
            .iter()
            .map(|(id, value)| {
                json!({ "type": 1, "components": [{ "type": 4, "custom_id": id, "value": value }] })
            })
            .collect();
        (5, json!({ "custom_id": custom_id, "components": rows }))
    });
    let words = words.clone();
    prop_oneof![3 => command, 1 => typing, 2 => click, 2 => form]
        .prop_flat_map(move |(kind, data)| envelope(json!(kind), data, &words))
        .boxed()
}

/// Bytes of an interaction, damaged: bytes flipped, inserted, removed or cut off.
pub fn damaged(registry: &Registry, words: &Arc<Vocabulary>) -> BoxedStrategy<Vec<u8>> {
    let edit = (any::<Index>(), any::<u8>(), 0u8..4);
    let whole = prop_oneof![interaction(registry, words), faithful(registry, words)];
    (whole, vec(edit, 1..4))
        .prop_map(|(interaction, edits)| {
            let mut bytes = serde_json::to_vec(&interaction).expect("JSON serializes");
            for (at, byte, op) in edits {
                let i = at.index(bytes.len().max(1)).min(bytes.len());
                match op {
                    0 if i < bytes.len() => bytes[i] = byte,
                    1 => bytes.insert(i, byte),
                    2 if i < bytes.len() => {
                        bytes.remove(i);
                    }
                    _ => bytes.truncate(i),
                }
            }
            bytes
        })
        .boxed()
}
