//! Discord's documented message limits, checked on the JSON body independently of the bot's
//! own limit helper, so a bug there cannot hide here.

use serde_json::Value;

fn chars(v: &Value) -> usize {
    v.as_str().map_or(0, |s| s.chars().count())
}

/// Every limit the interaction-response body breaks; empty when it is acceptable.
pub fn violations(body: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let mut over = |what: &str, actual: usize, max: usize| {
        if actual > max {
            found.push(format!("{what}: {actual} > {max}"));
        }
    };
    let data = &body["data"];
    over("content", chars(&data["content"]), 2000);
    let embeds = data["embeds"].as_array().cloned().unwrap_or_default();
    over("embeds", embeds.len(), 10);
    let mut total = 0;
    for embed in &embeds {
        over("title", chars(&embed["title"]), 256);
        over("description", chars(&embed["description"]), 4096);
        over("footer", chars(&embed["footer"]["text"]), 2048);
        over("author", chars(&embed["author"]["name"]), 256);
        let fields = embed["fields"].as_array().cloned().unwrap_or_default();
        over("fields", fields.len(), 25);
        total += chars(&embed["title"])
            + chars(&embed["description"])
            + chars(&embed["footer"]["text"])
            + chars(&embed["author"]["name"]);
        for field in &fields {
            over("field name", chars(&field["name"]), 256);
            over("field value", chars(&field["value"]), 1024);
            over(
                "empty field name or value",
                usize::from(chars(&field["name"]) == 0 || chars(&field["value"]) == 0),
                0,
            );
            total += chars(&field["name"]) + chars(&field["value"]);
        }
    }
    over("all embeds", total, 6000);
    let rows = data["components"].as_array().cloned().unwrap_or_default();
    over("action rows", rows.len(), 5);
    for row in &rows {
        let parts = row["components"].as_array().cloned().unwrap_or_default();
        over("components in a row", parts.len(), 5);
        for part in &parts {
            over("custom_id", chars(&part["custom_id"]), 100);
            over("button label", chars(&part["label"]), 80);
            over("placeholder", chars(&part["placeholder"]), 150);
            if part["type"] == 3 {
                over("select beside others", parts.len(), 1);
                let options = part["options"].as_array().cloned().unwrap_or_default();
                over("select options", options.len(), 25);
                for option in &options {
                    over("option label", chars(&option["label"]), 100);
                    over("option value", chars(&option["value"]), 100);
                    over("option description", chars(&option["description"]), 100);
                }
            }
        }
    }
    let choices = data["choices"].as_array().cloned().unwrap_or_default();
    over("autocomplete choices", choices.len(), 25);
    for choice in &choices {
        over("choice name", chars(&choice["name"]), 100);
        over("choice value", chars(&choice["value"]), 100);
    }
    found
}
