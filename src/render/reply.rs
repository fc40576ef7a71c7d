//! What a command answers with, independent of how it reaches Discord.
//!
//! We keep our own small, inspectable model instead of handing serenity builders around: the
//! builders cannot be read back, and we need to measure every reply against Discord's limits
//! (and print it on the console) before it leaves. `discord.rs` turns it into serenity builders.

/// Brand colour of Waypoint embeds.
pub const ACCENT: u32 = 0x2f_80_ed;
/// Colour of error embeds and messages.
pub const WARNING: u32 = 0xe0_8a_1e;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reply {
    pub content: Option<String>,
    pub embeds: Vec<Embed>,
    pub rows: Vec<ActionRow>,
    /// Only the member who triggered it sees the message.
    pub ephemeral: bool,
    /// It holds the caller's own data (their marks, state, place or line), so only they may
    /// see it: the dispatcher sends such a reply privately.
    pub personal: bool,
    /// Files sent with the message (a data export, say).
    pub files: Vec<File>,
    /// Instead of a message, a form for the member to fill in (only as the first answer to a
    /// command or a click; Discord does not allow one in answer to a form).
    pub modal: Option<Modal>,
}

/// A pop-up form of text fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Modal {
    pub custom_id: String,
    pub title: String,
    pub fields: Vec<TextField>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextField {
    pub custom_id: String,
    pub label: String,
    /// A multi-line box rather than one line.
    pub paragraph: bool,
    pub required: bool,
    pub max_length: u16,
    /// What the field holds when the form opens.
    pub value: Option<String>,
    pub placeholder: Option<String>,
}

impl TextField {
    pub fn new(custom_id: &str, label: impl Into<String>, max_length: u16) -> Self {
        Self {
            custom_id: custom_id.to_string(),
            label: label.into(),
            paragraph: false,
            required: false,
            max_length,
            value: None,
            placeholder: None,
        }
    }

    pub fn paragraph(mut self) -> Self {
        self.paragraph = true;
        self
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn value(mut self, value: Option<String>) -> Self {
        self.value = value.filter(|v| !v.is_empty());
        self
    }

    pub fn placeholder(mut self, text: impl Into<String>) -> Self {
        self.placeholder = Some(text.into());
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub name: String,
    pub bytes: Vec<u8>,
    /// What an image shows, in words, for screen readers (Discord's alt text).
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Embed {
    pub title: Option<String>,
    pub description: Option<String>,
    pub fields: Vec<Field>,
    pub footer: Option<String>,
    pub color: Option<u32>,
    /// The name of a file sent with the message that the embed shows as its image.
    pub image: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub inline: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionRow(pub Vec<Component>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Component {
    Button(Button),
    Select(Select),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub custom_id: String,
    pub label: String,
    pub style: ButtonStyle,
    pub disabled: bool,
}

/// How a button looks, which tells what it does: the main action, anything else, or one that
/// destroys something.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ButtonStyle {
    Primary,
    #[default]
    Secondary,
    Danger,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Select {
    pub custom_id: String,
    pub placeholder: String,
    pub options: Vec<SelectOption>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectOption {
    pub label: String,
    pub value: String,
    pub description: Option<String>,
}

impl Reply {
    /// Opens `modal` instead of answering with a message.
    pub fn form(modal: Modal) -> Self {
        Self {
            modal: Some(modal),
            ..Self::default()
        }
    }

    pub fn text(content: impl Into<String>) -> Self {
        Self {
            content: Some(content.into()),
            ..Self::default()
        }
    }

    pub fn embed(embed: Embed) -> Self {
        Self {
            embeds: vec![embed],
            ..Self::default()
        }
    }

    /// A short notice only the member sees: errors, confirmations.
    pub fn notice(content: impl Into<String>) -> Self {
        Self::text(content).ephemeral()
    }

    pub fn ephemeral(mut self) -> Self {
        self.ephemeral = true;
        self
    }

    /// Marks the reply as holding the caller's own data when `personal` (see
    /// [`Reply::personal`]).
    pub fn personal_if(mut self, personal: bool) -> Self {
        self.personal = personal;
        self
    }

    pub fn with_file(mut self, name: impl Into<String>, bytes: Vec<u8>) -> Self {
        self.files.push(File {
            name: name.into(),
            bytes,
            description: None,
        });
        self
    }

    /// An image file sent with the message, with the words screen readers say for it.
    pub fn with_image(
        mut self,
        name: impl Into<String>,
        bytes: Vec<u8>,
        description: impl Into<String>,
    ) -> Self {
        self.files.push(File {
            name: name.into(),
            bytes,
            description: Some(description.into()),
        });
        self
    }

    pub fn with_row(mut self, row: ActionRow) -> Self {
        if !row.0.is_empty() {
            self.rows.push(row);
        }
        self
    }
}

impl Embed {
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: Some(title.into()),
            color: Some(ACCENT),
            ..Self::default()
        }
    }

    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }

    pub fn field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.fields.push(Field {
            name: name.into(),
            value: value.into(),
            inline: false,
        });
        self
    }

    pub fn footer(mut self, text: impl Into<String>) -> Self {
        self.footer = Some(text.into());
        self
    }

    /// Shows the file named `file_name`, sent with the same message, as the embed's image.
    pub fn image(mut self, file_name: impl Into<String>) -> Self {
        self.image = Some(file_name.into());
        self
    }
}

impl Button {
    pub fn new(custom_id: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            custom_id: custom_id.into(),
            label: label.into(),
            style: ButtonStyle::Secondary,
            disabled: false,
        }
    }

    /// The button a public answer offers instead of the caller's own data ("✓ My place"): its
    /// click answers privately with the clicker's copy.
    pub fn mine(custom_id: impl Into<String>, what: &str) -> Self {
        Self::new(custom_id, format!("✓ My {what}")).primary()
    }

    pub fn primary(mut self) -> Self {
        self.style = ButtonStyle::Primary;
        self
    }

    /// For a button that deletes or undoes something for good.
    pub fn danger(mut self) -> Self {
        self.style = ButtonStyle::Danger;
        self
    }

    pub fn disabled(mut self, disabled: bool) -> Self {
        self.disabled = disabled;
        self
    }
}
