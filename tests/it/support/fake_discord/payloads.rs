//! Interaction payloads as Discord sends them (gateway INTERACTION_CREATE data, or the body of
//! an HTTP interaction).

use serde_json::{json, Value};

pub const APPLICATION_ID: u64 = 900_000_000_000_000_001;
pub const GUILD_ID: u64 = 333_333_333_333_333_333;
pub const CHANNEL_ID: u64 = 444_444_444_444_444_444;
pub const USER_ID: u64 = 555_555_555_555_555_555;
/// VIEW_CHANNEL | SEND_MESSAGES | USE_APPLICATION_COMMANDS
pub const MEMBER_PERMISSIONS: &str = "2147486720";
/// The member's permissions plus MANAGE_GUILD.
pub const STAFF_PERMISSIONS: &str = "2147486752";

fn user(id: u64) -> Value {
    json!({
        "id": id.to_string(),
        "username": "learner",
        "discriminator": "0",
        "global_name": "Learner",
        "avatar": null,
        "public_flags": 0
    })
}

fn member(permissions: &str) -> Value {
    json!({
        "user": user(USER_ID),
        "roles": [],
        "joined_at": "2026-01-01T00:00:00.000000+00:00",
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "permissions": permissions
    })
}

pub fn envelope(id: u64, kind: u8, data: Value, permissions: &str) -> Value {
    json!({
        "id": id.to_string(),
        "application_id": APPLICATION_ID.to_string(),
        "type": kind,
        "data": data,
        "guild_id": GUILD_ID.to_string(),
        "channel_id": CHANNEL_ID.to_string(),
        "member": member(permissions),
        "token": format!("token-{id}"),
        "version": 1,
        "app_permissions": "2147483647",
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": { "0": GUILD_ID.to_string() },
        "context": 0,
        "attachment_size_limit": 10485760
    })
}

pub fn ping(id: u64) -> Value {
    json!({
        "id": id.to_string(),
        "application_id": APPLICATION_ID.to_string(),
        "type": 1,
        "token": format!("token-{id}"),
        "version": 1
    })
}

/// A slash command with top-level options given as (name, Discord option type, value).
pub fn command(id: u64, name: &str, options: &[(&str, u8, Value)]) -> Value {
    command_as(id, name, options, MEMBER_PERMISSIONS)
}

pub fn command_as(id: u64, name: &str, options: &[(&str, u8, Value)], permissions: &str) -> Value {
    let options: Vec<Value> = options
        .iter()
        .map(|(n, t, v)| json!({ "name": n, "type": t, "value": v }))
        .collect();
    let data = json!({ "id": "700000000000000001", "name": name, "type": 1, "options": options });
    envelope(id, 2, data, permissions)
}

/// `/name sub` with no further options.
pub fn subcommand(id: u64, name: &str, sub: &str, permissions: &str) -> Value {
    let data = json!({
        "id": "700000000000000002", "name": name, "type": 1,
        "options": [{ "name": sub, "type": 1, "options": [] }]
    });
    envelope(id, 2, data, permissions)
}

/// `/name group sub` with no further options.
pub fn grouped(id: u64, name: &str, group: &str, sub: &str, permissions: &str) -> Value {
    let data = json!({
        "id": "700000000000000003", "name": name, "type": 1,
        "options": [{ "name": group, "type": 2, "options": [
            { "name": sub, "type": 1, "options": [] }
        ] }]
    });
    envelope(id, 2, data, permissions)
}

/// `/name sub option:value…` with options as (name, Discord option type, value), and the
/// `resolved` data Discord adds for users, channels and roles named in them.
pub fn subcommand_with(
    id: u64,
    name: &str,
    sub: &str,
    options: &[(&str, u8, Value)],
    resolved: Value,
    permissions: &str,
) -> Value {
    let options: Vec<Value> = options
        .iter()
        .map(|(n, t, v)| json!({ "name": n, "type": t, "value": v }))
        .collect();
    let data = json!({
        "id": "700000000000000002", "name": name, "type": 1,
        "options": [{ "name": sub, "type": 1, "options": options }],
        "resolved": resolved
    });
    envelope(id, 2, data, permissions)
}

/// `/roadmap phase number:N`, the browsing command many tests send.
pub fn roadmap_phase(id: u64, number: u8) -> Value {
    subcommand_with(
        id,
        "roadmap",
        "phase",
        &[("number", 4, json!(number))],
        json!({}),
        MEMBER_PERMISSIONS,
    )
}

/// A submitted form (modal): each field as (custom id, value), one per row as Discord sends them.
pub fn modal_submit(id: u64, custom_id: &str, fields: &[(&str, &str)]) -> Value {
    let rows: Vec<Value> = fields
        .iter()
        .map(|(field, value)| {
            json!({ "type": 1, "components": [{ "type": 4, "custom_id": field, "value": value }] })
        })
        .collect();
    let data = json!({ "custom_id": custom_id, "components": rows });
    envelope(id, 5, data, MEMBER_PERMISSIONS)
}

/// The member typing into `option` of `/name sub`.
pub fn autocomplete_in(id: u64, name: &str, sub: &str, option: &str, partial: &str) -> Value {
    let data = json!({
        "id": "700000000000000002", "name": name, "type": 1,
        "options": [{ "name": sub, "type": 1, "options": [
            { "name": option, "type": 3, "value": partial, "focused": true }
        ] }]
    });
    envelope(id, 4, data, MEMBER_PERMISSIONS)
}

/// A click on a button (`values` empty) or a pick in a string menu, on one of the bot's
/// messages; `ephemeral` says whether that message was only visible to the member.
pub fn component(id: u64, custom_id: &str, values: &[&str], ephemeral: bool) -> Value {
    let data = if values.is_empty() {
        json!({ "custom_id": custom_id, "component_type": 2 })
    } else {
        json!({ "custom_id": custom_id, "component_type": 3, "values": values })
    };
    let mut interaction = envelope(id, 3, data, MEMBER_PERMISSIONS);
    let mut message = bot_message(&json!({ "flags": if ephemeral { 64 } else { 0 } }));
    message["type"] = json!(20); // the reply to a slash command
    interaction["message"] = message;
    interaction
}

/// A message of the bot's as Discord returns it, carrying what was sent in `sent`.
pub fn bot_message(sent: &Value) -> Value {
    let field = |name: &str, default: Value| sent.get(name).cloned().unwrap_or(default);
    json!({
        "id": "800000000000000001",
        "channel_id": CHANNEL_ID.to_string(),
        "author": {
            "id": APPLICATION_ID.to_string(), "username": "Waypoint", "discriminator": "0",
            "avatar": null, "bot": true, "public_flags": 0
        },
        "content": field("content", json!("")),
        "timestamp": "2026-11-27T12:00:00.000000+00:00",
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": field("embeds", json!([])),
        "components": field("components", json!([])),
        "pinned": false,
        "type": 0,
        "flags": field("flags", json!(0))
    })
}
