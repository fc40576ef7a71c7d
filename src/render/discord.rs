//! Our `Reply` as serenity builders: the single exit towards Discord for every transport.

use serenity::all::{
    ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateAttachment,
    CreateAutocompleteResponse, CreateButton, CreateEmbed, CreateEmbedFooter, CreateInputText,
    CreateInteractionResponse, CreateInteractionResponseFollowup, CreateInteractionResponseMessage,
    CreateMessage, CreateModal, CreateSelectMenu, CreateSelectMenuKind, CreateSelectMenuOption,
    EditInteractionResponse, InputTextStyle,
};

use super::limits;
use super::reply::{self, ActionRow, Component, Embed, Modal, Reply};
use super::response::{Choice, Response};

/// The interaction callback body for a dispatcher response.
pub fn interaction_response(response: &Response) -> CreateInteractionResponse {
    match response {
        Response::Message(reply) => CreateInteractionResponse::Message(message(reply)),
        Response::Update(reply) => CreateInteractionResponse::UpdateMessage(message(reply)),
        Response::Choices(choices) => {
            CreateInteractionResponse::Autocomplete(autocomplete(choices))
        }
        Response::Modal(modal) => CreateInteractionResponse::Modal(form(modal)),
    }
}

fn form(modal: &Modal) -> CreateModal {
    let rows = modal
        .fields
        .iter()
        .map(|field| {
            let style = if field.paragraph {
                InputTextStyle::Paragraph
            } else {
                InputTextStyle::Short
            };
            let mut input = CreateInputText::new(style, &field.label, &field.custom_id)
                .required(field.required)
                .max_length(field.max_length);
            if let Some(value) = &field.value {
                input = input.value(value);
            }
            if let Some(placeholder) = &field.placeholder {
                input = input.placeholder(placeholder);
            }
            CreateActionRow::InputText(input)
        })
        .collect();
    CreateModal::new(&modal.custom_id, &modal.title).components(rows)
}

pub fn message(reply: &Reply) -> CreateInteractionResponseMessage {
    let (embeds, rows) = parts(reply);
    let message = CreateInteractionResponseMessage::new()
        .embeds(embeds)
        .components(rows)
        .ephemeral(reply.ephemeral)
        .add_files(attachments(reply))
        .allowed_mentions(no_mentions());
    match &reply.content {
        Some(content) => message.content(content),
        None => message,
    }
}

/// The same reply as an edit of a deferred response (its visibility was fixed by the deferral).
pub fn edit(reply: &Reply) -> EditInteractionResponse {
    let (embeds, rows) = parts(reply);
    let edit = attachments(reply).into_iter().fold(
        EditInteractionResponse::new()
            .embeds(embeds)
            .components(rows)
            .allowed_mentions(no_mentions()),
        EditInteractionResponse::new_attachment,
    );
    match &reply.content {
        Some(content) => edit.content(content),
        None => edit,
    }
}

/// The same reply as a follow-up message.
pub fn followup(reply: &Reply) -> CreateInteractionResponseFollowup {
    let (embeds, rows) = parts(reply);
    let followup = CreateInteractionResponseFollowup::new()
        .embeds(embeds)
        .components(rows)
        .ephemeral(reply.ephemeral)
        .add_files(attachments(reply))
        .allowed_mentions(no_mentions());
    match &reply.content {
        Some(content) => followup.content(content),
        None => followup,
    }
}

/// A message the bot posts in a channel on its own, as a Create Message body. The scheduler
/// adds the nonce that keeps a retry from posting twice.
pub fn channel_message(reply: &Reply) -> serde_json::Value {
    let (embeds, rows) = parts(reply);
    let mut message = CreateMessage::new()
        .embeds(embeds)
        .components(rows)
        .allowed_mentions(no_mentions());
    if let Some(content) = &reply.content {
        message = message.content(content);
    }
    serde_json::to_value(&message).unwrap_or_default()
}

/// The same, naming `users` (and only them) so that they are notified.
pub fn channel_message_pinging(
    reply: &Reply,
    users: &[serenity::all::UserId],
) -> serde_json::Value {
    let mut message = channel_message(reply);
    message["allowed_mentions"] =
        serde_json::to_value(CreateAllowedMentions::new().users(users.iter().copied()))
            .unwrap_or_default();
    message
}

fn attachments(reply: &Reply) -> Vec<CreateAttachment> {
    reply
        .files
        .iter()
        .map(|f| {
            let file = CreateAttachment::bytes(f.bytes.clone(), f.name.clone());
            match &f.description {
                Some(alt) => {
                    file.description(limits::truncate(alt, limits::ATTACHMENT_DESCRIPTION))
                }
                None => file,
            }
        })
        .collect()
}

/// User text must never ping anyone: every message allows no mentions unless a feature opts in.
fn no_mentions() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
}

fn parts(reply: &Reply) -> (Vec<CreateEmbed>, Vec<CreateActionRow>) {
    (
        reply.embeds.iter().map(embed).collect(),
        reply.rows.iter().map(row).collect(),
    )
}

fn autocomplete(choices: &[Choice]) -> CreateAutocompleteResponse {
    choices.iter().take(limits::AUTOCOMPLETE_CHOICES).fold(
        CreateAutocompleteResponse::new(),
        |response, choice| {
            response.add_string_choice(
                limits::truncate(&choice.name, limits::CHOICE_TEXT),
                limits::truncate(&choice.value, limits::CHOICE_TEXT),
            )
        },
    )
}

fn embed(embed: &Embed) -> CreateEmbed {
    let mut out = CreateEmbed::new();
    if let Some(title) = &embed.title {
        out = out.title(title);
    }
    if let Some(description) = &embed.description {
        out = out.description(description);
    }
    if let Some(footer) = &embed.footer {
        out = out.footer(CreateEmbedFooter::new(footer));
    }
    if let Some(color) = embed.color {
        out = out.colour(color);
    }
    if let Some(file) = &embed.image {
        out = out.attachment(file);
    }
    out.fields(
        embed
            .fields
            .iter()
            .map(|f| (f.name.clone(), f.value.clone(), f.inline)),
    )
}

fn row(row: &ActionRow) -> CreateActionRow {
    let menu = row.0.iter().find_map(|c| match c {
        Component::Select(s) => Some(s),
        Component::Button(_) => None,
    });
    if let Some(select) = menu {
        let options = select
            .options
            .iter()
            .map(|o| {
                let option = CreateSelectMenuOption::new(&o.label, &o.value);
                match &o.description {
                    Some(d) => option.description(d),
                    None => option,
                }
            })
            .collect();
        return CreateActionRow::SelectMenu(
            CreateSelectMenu::new(&select.custom_id, CreateSelectMenuKind::String { options })
                .placeholder(&select.placeholder),
        );
    }
    CreateActionRow::Buttons(
        row.0
            .iter()
            .filter_map(|c| match c {
                Component::Button(b) => Some(
                    CreateButton::new(&b.custom_id)
                        .label(&b.label)
                        .style(match b.style {
                            reply::ButtonStyle::Primary => ButtonStyle::Primary,
                            reply::ButtonStyle::Secondary => ButtonStyle::Secondary,
                            reply::ButtonStyle::Danger => ButtonStyle::Danger,
                        })
                        .disabled(b.disabled),
                ),
                Component::Select(_) => None,
            })
            .collect(),
    )
}
