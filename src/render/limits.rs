//! Discord's message limits, and the one place every outgoing reply is measured and fitted.
//!
//! serenity checks only a few of these, and nothing on the HTTP-endpoint path, so every reply
//! passes through [`fit`] before it leaves. Content is validated with [`violations`] at start-up,
//! so that shipped text never needs cutting; `fit` is the safety net for user-provided text.

use super::reply::{Component, Embed, Modal, Reply};

pub const CONTENT: usize = 2000;
pub const EMBEDS_PER_MESSAGE: usize = 10;
pub const EMBED_TITLE: usize = 256;
pub const EMBED_DESCRIPTION: usize = 4096;
pub const EMBED_FIELDS: usize = 25;
pub const FIELD_NAME: usize = 256;
pub const FIELD_VALUE: usize = 1024;
pub const FOOTER: usize = 2048;
pub const EMBEDS_TOTAL: usize = 6000;
pub const ACTION_ROWS: usize = 5;
pub const BUTTONS_PER_ROW: usize = 5;
pub const BUTTON_LABEL: usize = 80;
pub const CUSTOM_ID: usize = 100;
pub const SELECT_OPTIONS: usize = 25;
pub const SELECT_OPTION_TEXT: usize = 100;
pub const SELECT_PLACEHOLDER: usize = 150;
/// Autocomplete: at most this many choices, each name and value at most `CHOICE_TEXT` long.
pub const AUTOCOMPLETE_CHOICES: usize = 25;
/// Modals: a title, and at most five text fields with a label, a placeholder and a value.
pub const MODAL_TITLE: usize = 45;
pub const MODAL_FIELDS: usize = 5;
pub const INPUT_LABEL: usize = 45;
pub const INPUT_PLACEHOLDER: usize = 100;
pub const INPUT_VALUE: usize = 4000;
pub const CHOICE_TEXT: usize = 100;
/// An attachment's description (its alt text).
pub const ATTACHMENT_DESCRIPTION: usize = 1024;

const ELLIPSIS: char = '…';

/// Discord counts characters, not bytes.
pub fn len(text: &str) -> usize {
    text.chars().count()
}

/// Cuts `text` to at most `max` characters, marking the cut with an ellipsis.
pub fn truncate(text: &str, max: usize) -> String {
    if len(text) <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push(ELLIPSIS);
    cut
}

/// Every way `reply` breaks Discord's limits, described for a person; empty when it fits.
pub fn violations(reply: &Reply) -> Vec<String> {
    let mut found = Vec::new();
    let mut check = |what: String, actual: usize, max: usize| {
        if actual > max {
            found.push(format!(
                "{what} is {actual} characters long, over Discord's {max}"
            ));
        }
    };
    if let Some(content) = &reply.content {
        check("message content".into(), len(content), CONTENT);
    }
    for (i, embed) in reply.embeds.iter().enumerate() {
        let at = format!("embed {}", i + 1);
        if let Some(title) = &embed.title {
            check(format!("{at} title"), len(title), EMBED_TITLE);
        }
        if let Some(description) = &embed.description {
            check(
                format!("{at} description"),
                len(description),
                EMBED_DESCRIPTION,
            );
        }
        if let Some(footer) = &embed.footer {
            check(format!("{at} footer"), len(footer), FOOTER);
        }
        for field in &embed.fields {
            check(
                format!("{at} field name `{}`", field.name),
                len(&field.name),
                FIELD_NAME,
            );
            check(
                format!("{at} field `{}`", field.name),
                len(&field.value),
                FIELD_VALUE,
            );
        }
    }
    let total: usize = reply.embeds.iter().map(embed_total).sum();
    check("all embeds together".into(), total, EMBEDS_TOTAL);
    for component in reply.rows.iter().flat_map(|r| &r.0) {
        match component {
            Component::Button(b) => {
                check(
                    format!("button `{}` label", b.label),
                    len(&b.label),
                    BUTTON_LABEL,
                );
                check(
                    format!("button `{}` id", b.label),
                    len(&b.custom_id),
                    CUSTOM_ID,
                );
            }
            Component::Select(s) => {
                check(
                    format!("menu `{}` id", s.placeholder),
                    len(&s.custom_id),
                    CUSTOM_ID,
                );
                check(
                    "menu placeholder".into(),
                    len(&s.placeholder),
                    SELECT_PLACEHOLDER,
                );
                for option in &s.options {
                    check(
                        format!("menu option `{}`", option.label),
                        len(&option.label),
                        SELECT_OPTION_TEXT,
                    );
                    check(
                        format!("menu value `{}`", option.value),
                        len(&option.value),
                        SELECT_OPTION_TEXT,
                    );
                    if let Some(d) = &option.description {
                        check(
                            format!("menu option `{}` description", option.label),
                            len(d),
                            SELECT_OPTION_TEXT,
                        );
                    }
                }
            }
        }
    }
    let mut count = |what: &str, actual: usize, max: usize| {
        if actual > max {
            found.push(format!("{what}: {actual}, over Discord's {max}"));
        }
    };
    count(
        "embeds in the message",
        reply.embeds.len(),
        EMBEDS_PER_MESSAGE,
    );
    for embed in &reply.embeds {
        count("fields in an embed", embed.fields.len(), EMBED_FIELDS);
    }
    count("component rows", reply.rows.len(), ACTION_ROWS);
    for row in &reply.rows {
        count("buttons in a row", row.0.len(), BUTTONS_PER_ROW);
        for component in &row.0 {
            if let Component::Select(s) = component {
                count("options in a menu", s.options.len(), SELECT_OPTIONS);
                count("components beside a menu", row.0.len(), 1);
            }
        }
    }
    found
}

/// Characters of an embed that count toward the 6000 shared by all embeds of a message.
pub fn embed_total(embed: &Embed) -> usize {
    let opt = |s: &Option<String>| s.as_deref().map_or(0, len);
    opt(&embed.title)
        + opt(&embed.description)
        + opt(&embed.footer)
        + embed
            .fields
            .iter()
            .map(|f| len(&f.name) + len(&f.value))
            .sum::<usize>()
}

/// Returns `reply` cut down until it is within every limit: long text is truncated with an
/// ellipsis, surplus embeds, fields, rows and options are dropped, and when all embeds together
/// are too long, fields are dropped from the end and then the last description is shortened.
pub fn fit(mut reply: Reply) -> Reply {
    // In place: a reply that fits (nearly every one) is not copied.
    let cut_opt = |text: &mut Option<String>, max| {
        if let Some(text) = text {
            cut(text, max);
        }
    };
    cut_opt(&mut reply.content, CONTENT);
    reply.embeds.truncate(EMBEDS_PER_MESSAGE);
    for embed in &mut reply.embeds {
        cut_opt(&mut embed.title, EMBED_TITLE);
        cut_opt(&mut embed.description, EMBED_DESCRIPTION);
        cut_opt(&mut embed.footer, FOOTER);
        embed.fields.truncate(EMBED_FIELDS);
        for field in &mut embed.fields {
            cut(&mut field.name, FIELD_NAME);
            cut(&mut field.value, FIELD_VALUE);
        }
    }
    shrink_embeds_to_total(&mut reply.embeds);
    if let Some(modal) = &mut reply.modal {
        fit_modal(modal);
    }

    reply.rows.truncate(ACTION_ROWS);
    for row in &mut reply.rows {
        let is_menu = row.0.iter().any(|c| matches!(c, Component::Select(_)));
        row.0.truncate(if is_menu { 1 } else { BUTTONS_PER_ROW });
        for component in &mut row.0 {
            match component {
                Component::Button(b) => cut(&mut b.label, BUTTON_LABEL),
                Component::Select(s) => {
                    cut(&mut s.placeholder, SELECT_PLACEHOLDER);
                    s.options.truncate(SELECT_OPTIONS);
                    for option in &mut s.options {
                        cut(&mut option.label, SELECT_OPTION_TEXT);
                        cut_opt(&mut option.description, SELECT_OPTION_TEXT);
                    }
                }
            }
        }
    }
    reply
}

fn fit_modal(modal: &mut Modal) {
    cut(&mut modal.title, MODAL_TITLE);
    modal.fields.truncate(MODAL_FIELDS);
    for field in &mut modal.fields {
        cut(&mut field.label, INPUT_LABEL);
        field.max_length = field.max_length.min(INPUT_VALUE as u16);
        if let Some(placeholder) = &mut field.placeholder {
            cut(placeholder, INPUT_PLACEHOLDER);
        }
        // A pre-filled value longer than the field allows would be refused with the form.
        if let Some(value) = &mut field.value {
            cut(value, usize::from(field.max_length));
        }
    }
}

/// [`truncate`] in place, touching `text` only when it is too long.
fn cut(text: &mut String, max: usize) {
    // Bytes bound characters from above: a short text needs no count at all.
    if text.len() > max && len(text) > max {
        *text = truncate(text, max);
    }
}

fn shrink_embeds_to_total(embeds: &mut Vec<Embed>) {
    loop {
        let total: usize = embeds.iter().map(embed_total).sum();
        if total <= EMBEDS_TOTAL {
            return;
        }
        let excess = total - EMBEDS_TOTAL;
        let Some(last) = embeds.last_mut() else {
            return;
        };
        if last.fields.pop().is_some() {
            continue;
        }
        match &last.description {
            Some(d) if len(d) > excess => {
                last.description = Some(truncate(d, len(d) - excess));
            }
            _ => {
                embeds.pop();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::reply::{ActionRow, Button, Field};

    fn long(n: usize) -> String {
        "é".repeat(n)
    }

    #[test]
    fn truncate_counts_characters_and_marks_the_cut() {
        assert_eq!(truncate("hello", 5), "hello");
        assert_eq!(truncate("hello!", 5), "hell…");
        assert_eq!(len(&truncate(&long(3000), CONTENT)), CONTENT);
    }

    #[test]
    fn a_reply_within_limits_has_no_violations_and_is_unchanged_by_fit() {
        let reply = Reply::embed(Embed::new("Title").description("body").field("a", "b"));
        assert!(violations(&reply).is_empty());
        assert_eq!(fit(reply.clone()), reply);
    }

    #[test]
    fn every_oversized_part_is_reported() {
        let mut embed = Embed::new(long(300))
            .description(long(5000))
            .footer(long(2100));
        embed.fields = (0..30)
            .map(|i| Field {
                name: format!("f{i}"),
                value: long(1100),
                inline: false,
            })
            .collect();
        let reply = Reply {
            content: Some(long(2001)),
            embeds: vec![embed],
            rows: vec![ActionRow(
                (0..6)
                    .map(|i| Component::Button(Button::new(format!("b{i}"), long(81))))
                    .collect(),
            )],
            ephemeral: false,
            personal: false,
            files: Vec::new(),
            modal: None,
        };
        let found = violations(&reply).join("\n");
        for needle in [
            "message content",
            "title",
            "description",
            "footer",
            "field `f29`",
            "all embeds",
            "fields in an embed",
            "buttons in a row",
            "label",
        ] {
            assert!(found.contains(needle), "missing {needle} in:\n{found}");
        }
    }

    #[test]
    fn fit_brings_any_reply_within_limits() {
        let mut embeds = Vec::new();
        for _ in 0..12 {
            let mut embed = Embed::new(long(300)).description(long(5000));
            embed.fields = (0..30)
                .map(|_| Field {
                    name: long(300),
                    value: long(1100),
                    inline: false,
                })
                .collect();
            embeds.push(embed);
        }
        let reply = Reply {
            content: Some(long(2500)),
            embeds,
            rows: (0..7)
                .map(|_| {
                    ActionRow(
                        (0..7)
                            .map(|i| Component::Button(Button::new(format!("b{i}"), long(90))))
                            .collect(),
                    )
                })
                .collect(),
            ephemeral: true,
            personal: false,
            files: Vec::new(),
            modal: None,
        };
        let fitted = fit(reply);
        assert_eq!(violations(&fitted), Vec::<String>::new());
        assert!(!fitted.embeds.is_empty(), "fit keeps as much as fits");
    }
}
