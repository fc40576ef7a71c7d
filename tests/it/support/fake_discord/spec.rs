//! Checks request bodies against Discord's official OpenAPI spec (tests/fixtures).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{json, Value};

pub struct DiscordSpec {
    doc: Value,
    validators: Mutex<HashMap<(String, String), Arc<jsonschema::Validator>>>,
}

pub fn spec() -> &'static DiscordSpec {
    static SPEC: OnceLock<DiscordSpec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = crate::support::repo_path("tests/fixtures/discord-openapi.json");
        let text = std::fs::read_to_string(&path).expect("read the Discord OpenAPI spec");
        DiscordSpec {
            doc: serde_json::from_str(&text).expect("parse the Discord OpenAPI spec"),
            validators: Mutex::new(HashMap::new()),
        }
    })
}

impl DiscordSpec {
    /// The spec's path template for a concrete API path (without the `/api/v10` prefix).
    pub fn template(&self, path: &str) -> Option<String> {
        let actual: Vec<&str> = path.trim_matches('/').split('/').collect();
        let paths = self.doc["paths"].as_object()?;
        paths
            .keys()
            .filter(|template| {
                let parts: Vec<&str> = template.trim_matches('/').split('/').collect();
                parts.len() == actual.len()
                    && parts
                        .iter()
                        .zip(&actual)
                        .all(|(t, a)| t.starts_with('{') || t == a)
            })
            // Prefer the template with the most literal segments (`@original` over `{message_id}`).
            .max_by_key(|template| template.split('/').filter(|p| !p.starts_with('{')).count())
            .cloned()
    }

    /// Validates a request body; the error lists every mismatch.
    pub fn check(&self, method: &str, path: &str, body: &Value) -> Result<(), String> {
        let template = self
            .template(path)
            .ok_or_else(|| format!("{method} {path}: no such path in Discord's API"))?;
        let method = method.to_lowercase();
        let operation = &self.doc["paths"][&template][&method];
        if operation.is_null() {
            return Err(format!(
                "{method} {template}: Discord has no such operation"
            ));
        }
        let schema = &operation["requestBody"]["content"]["application/json"]["schema"];
        if schema.is_null() {
            return if body.is_null() {
                Ok(())
            } else {
                Err(format!("{method} {template} takes no JSON body"))
            };
        }
        let validator = self.validator(&method, &template, schema)?;
        let body = normalize(body);
        let errors: Vec<String> = validator
            .iter_errors(&body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{method} {template}: body does not match Discord's spec:\n{}",
                errors.join("\n")
            ))
        }
    }

    fn validator(
        &self,
        method: &str,
        template: &str,
        schema: &Value,
    ) -> Result<Arc<jsonschema::Validator>, String> {
        let key = (method.to_string(), template.to_string());
        let mut cache = self.validators.lock().unwrap();
        if let Some(validator) = cache.get(&key) {
            return Ok(validator.clone());
        }
        // The operation's schema refers into `#/components`, so give it the spec's components.
        let mut root = json!({ "components": self.doc["components"].clone() });
        for (k, v) in schema.as_object().cloned().unwrap_or_default() {
            root[k] = v;
        }
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&root)
            .map_err(|e| format!("cannot compile the schema of {method} {template}: {e}"))?;
        let validator = Arc::new(validator);
        cache.insert(key, validator.clone());
        Ok(validator)
    }
}

/// Two places where Discord's API reference and its OpenAPI preview disagree, read the way
/// the reference (and serenity) writes them before validation. Nothing else is relaxed.
/// - Permission bit sets are strings ("32") in the reference; the preview types
///   `default_member_permissions` as an integer.
/// - New files in a multipart message are listed in `attachments` with a placeholder id that
///   the reference shows as a number (`"id": 0`, matching `files[0]`) and an optional
///   description; the preview wants a snowflake string and no null.
fn normalize(body: &Value) -> Value {
    let mut body = body.clone();
    let message = match body.get_mut("data") {
        Some(data) if data.is_object() => data,
        _ => &mut body,
    };
    if let Some(Value::Array(attachments)) = message.get_mut("attachments") {
        for attachment in attachments.iter_mut().filter_map(Value::as_object_mut) {
            if let Some(id) = attachment.get("id").and_then(Value::as_u64) {
                attachment.insert("id".into(), json!(id.to_string()));
            }
            if attachment.get("description").is_some_and(Value::is_null) {
                attachment.remove("description");
            }
        }
    }
    let mut fix = |command: &mut Value| {
        if let Some(bits) = command
            .get("default_member_permissions")
            .and_then(Value::as_str)
        {
            if let Ok(bits) = bits.parse::<u64>() {
                command["default_member_permissions"] = json!(bits);
            }
        }
    };
    match &mut body {
        Value::Array(commands) => commands.iter_mut().for_each(&mut fix),
        command @ Value::Object(_) => fix(command),
        _ => {}
    }
    body
}
