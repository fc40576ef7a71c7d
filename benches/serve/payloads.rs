//! Interaction bodies as Discord sends them, Discord's request signature, and the fixed world
//! every part of the bench shares: the ids, the seeded challenge, the shipped topics.
//!
//! serenity rejects an interaction that lacks any field Discord always sends, so the envelope
//! mirrors a real one field for field (the same shape the integration tests use).

use std::sync::OnceLock;

use ed25519_dalek::{Signer, SigningKey};
use serde_json::{json, Value};

pub const APPLICATION_ID: u64 = 900_000_000_000_000_001;
pub const GUILD_ID: u64 = 333_333_333_333_333_333;
pub const CHANNEL_ID: u64 = 444_444_444_444_444_444;
/// The first of the bench's members; snowflake-sized, far from anything real.
pub const FIRST_MEMBER: u64 = 600_000_000_000_000_000;
/// The challenge the seed starts and `/challenge status` asks about.
pub const CHALLENGE: &str = "Bench sprint";
/// The bench server's community pages are at `/c/<this>`.
pub const WEB_SLUG: &str = "be4c4be4c4be4c4be4c4be4c4be4c4be";
const COMMAND_ID: &str = "700000000000000001";
/// VIEW_CHANNEL | SEND_MESSAGES | USE_APPLICATION_COMMANDS: an ordinary member.
const MEMBER_PERMISSIONS: &str = "2147486720";

/// Who sends request i: its own interaction id, one member out of many, in one server out of
/// a few.
#[derive(Debug, Clone, Copy)]
pub struct Sender {
    pub interaction: u64,
    pub member: u64,
    pub guild: u64,
    /// How many times every member has sent a request of this run before this one.
    pub pass: u64,
}

/// The token of interaction `id`, which its deferred reply's edit names.
pub fn token(id: u64) -> String {
    format!("token-{id}")
}

pub fn ping(who: Sender) -> Value {
    json!({
        "id": who.interaction.to_string(),
        "application_id": APPLICATION_ID.to_string(),
        "type": 1,
        "token": token(who.interaction),
        "version": 1
    })
}

/// A slash command (interaction type 2) with top-level options as Discord encodes them,
/// e.g. `{"name": "phase", "type": 4, "value": 2}`.
pub fn command(who: Sender, name: &str, options: Value) -> Value {
    let data = json!({ "id": COMMAND_ID, "name": name, "type": 1, "options": options });
    envelope(who, 2, data)
}

/// An autocomplete request (interaction type 4) for a string option of the sub-command `sub`
/// being typed.
pub fn autocomplete(who: Sender, name: &str, sub: &str, option: &str, partial: &str) -> Value {
    let data = json!({
        "id": COMMAND_ID, "name": name, "type": 1,
        "options": [{ "name": sub, "type": 1, "options": [
            { "name": option, "type": 3, "value": partial, "focused": true }
        ]}]
    });
    envelope(who, 4, data)
}

/// A submitted form (interaction type 5): each field as (custom id, value), one per row.
pub fn modal_submit(who: Sender, custom_id: &str, fields: &[(&str, &str)]) -> Value {
    let rows: Vec<Value> = fields
        .iter()
        .map(|(field, value)| {
            json!({ "type": 1, "components": [{ "type": 4, "custom_id": field, "value": value }] })
        })
        .collect();
    envelope(
        who,
        5,
        json!({ "custom_id": custom_id, "components": rows }),
    )
}

fn envelope(who: Sender, kind: u8, data: Value) -> Value {
    json!({
        "id": who.interaction.to_string(),
        "application_id": APPLICATION_ID.to_string(),
        "type": kind,
        "data": data,
        "guild_id": who.guild.to_string(),
        "channel_id": CHANNEL_ID.to_string(),
        "member": {
            "user": {
                "id": who.member.to_string(),
                "username": format!("learner{}", who.member),
                "discriminator": "0",
                // A name of their own, so each member's card is their own (and drawn).
                "global_name": format!("Learner {}", who.member % 100_000),
                "avatar": null,
                "public_flags": 0
            },
            "roles": [],
            "joined_at": "2026-01-01T00:00:00.000000+00:00",
            "deaf": false,
            "mute": false,
            "flags": 0,
            "pending": false,
            "permissions": MEMBER_PERMISSIONS
        },
        "token": token(who.interaction),
        "version": 1,
        "app_permissions": "2147483647",
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": { "0": who.guild.to_string() },
        "context": 0,
        "attachment_size_limit": 10485760
    })
}

/// The application's key pair, made up for this run; the server gets the public half.
pub struct Key(SigningKey);

impl Key {
    pub fn generate() -> Self {
        Self(SigningKey::from_bytes(&rand::random::<[u8; 32]>()))
    }

    /// What goes in DISCORD_PUBLIC_KEY.
    pub fn public_hex(&self) -> String {
        hex::encode(self.0.verifying_key().to_bytes())
    }

    /// The `X-Signature-Ed25519` value: Discord signs `timestamp ‖ body`.
    pub fn sign(&self, timestamp: &str, body: &[u8]) -> String {
        let message = [timestamp.as_bytes(), body].concat();
        hex::encode(self.0.sign(&message).to_bytes())
    }
}

/// What the `/checkin` form says in every bench submission.
pub const CHECKIN_DID: &str = "Worked through the attention chapter and its exercises";
pub const CHECKIN_GOAL: &str = "Build a small retrieval demo";

/// The shipped content, loaded once.
pub fn library() -> &'static waypoint::roadmap::Library {
    static LIBRARY: OnceLock<waypoint::roadmap::Library> = OnceLock::new();
    LIBRARY.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("roadmap");
        waypoint::content::load(&dir).expect("the shipped roadmap loads")
    })
}

/// The shipped roadmap's topic ids, loaded once.
pub fn topic_ids() -> &'static [String] {
    static TOPICS: OnceLock<Vec<String>> = OnceLock::new();
    TOPICS.get_or_init(|| {
        library()
            .roadmaps
            .iter()
            .flat_map(|r| r.topics().map(|t| t.topic.id.clone()))
            .collect()
    })
}
