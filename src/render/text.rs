//! A reply as plain text for the terminal console.

use std::fmt::Write;

use super::reply::{Component, Modal, Reply};
use super::response::{Choice, Response};

pub fn response(response: &Response) -> String {
    match response {
        Response::Message(reply) | Response::Update(reply) => reply_text(reply),
        Response::Choices(choices) => choices_text(choices),
        Response::Modal(modal) => modal_text(modal),
    }
}

fn modal_text(modal: &Modal) -> String {
    let mut out = format!("[form: {}]", modal.title);
    for field in &modal.fields {
        let _ = write!(
            out,
            "\n  {}{}",
            field.label,
            if field.required { " (required)" } else { "" }
        );
        if let Some(value) = &field.value {
            let _ = write!(out, " [{value}]");
        }
    }
    out
}

pub fn reply_text(reply: &Reply) -> String {
    let mut out = String::new();
    if reply.ephemeral {
        out.push_str("(only you can see this)\n");
    }
    if let Some(content) = &reply.content {
        let _ = writeln!(out, "{content}");
    }
    for embed in &reply.embeds {
        if let Some(title) = &embed.title {
            let _ = writeln!(out, "\n== {title} ==");
        }
        if let Some(description) = &embed.description {
            let _ = writeln!(out, "{description}");
        }
        for field in &embed.fields {
            let _ = writeln!(out, "\n-- {} --\n{}", field.name, field.value);
        }
        if let Some(footer) = &embed.footer {
            let _ = writeln!(out, "\n{footer}");
        }
    }
    for file in &reply.files {
        let _ = writeln!(
            out,
            "\n[attached: {} ({} bytes)]",
            file.name,
            file.bytes.len()
        );
        if let Some(alt) = &file.description {
            let _ = writeln!(out, "{alt}");
        }
        if let Ok(text) = std::str::from_utf8(&file.bytes) {
            let _ = writeln!(out, "{text}");
        }
    }
    for row in &reply.rows {
        let parts: Vec<String> = row
            .0
            .iter()
            .map(|c| match c {
                Component::Button(b) if b.disabled => format!("[{}] (disabled)", b.label),
                Component::Button(b) => format!("[{}]", b.label),
                Component::Select(s) => format!("<{}: {} choices>", s.placeholder, s.options.len()),
            })
            .collect();
        let _ = writeln!(out, "\n{}", parts.join(" "));
    }
    out.trim_end().to_string()
}

fn choices_text(choices: &[Choice]) -> String {
    choices
        .iter()
        .map(|c| format!("{}  ->  {}", c.name, c.value))
        .collect::<Vec<_>>()
        .join("\n")
}
