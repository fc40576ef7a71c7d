//! The check-in form: its fields, what it holds when it opens, and the rules a submission must
//! meet. A submission that breaks one is kept as a draft so the form can open again with it.

use crate::render::{limits, Modal, TextField};

/// Custom ids: the form, and the button that opens it again after a mistake.
pub const FORM_ID: &str = "checkin:submit";
pub const RETRY_ID: &str = "checkin:retry";

const DID: &str = "did";
const BLOCKERS: &str = "blockers";
const GOAL: &str = "goal";
const LINK: &str = "link";
const MET: &str = "met";

pub const DID_MAX: usize = 1000;
pub const BLOCKERS_MAX: usize = 1000;
pub const GOAL_MAX: usize = 300;
pub const LINK_MAX: usize = 512;

/// Whether the member met last week's goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Met {
    Yes,
    Partly,
    No,
}

impl Met {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Yes => "yes",
            Self::Partly => "partly",
            Self::No => "no",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "yes" | "y" => Some(Self::Yes),
            "partly" | "partially" | "some" => Some(Self::Partly),
            "no" | "n" => Some(Self::No),
            _ => None,
        }
    }
}

/// What was typed, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    pub did: String,
    pub blockers: String,
    pub goal: String,
    pub link: String,
    pub met: String,
}

/// A check-in that follows the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckIn {
    pub did: String,
    pub blockers: String,
    pub goal: String,
    pub link: Option<String>,
    pub met: Option<Met>,
}

impl Draft {
    pub fn from_fields(field: impl Fn(&str) -> String) -> Self {
        Self {
            did: field(DID),
            blockers: field(BLOCKERS),
            goal: field(GOAL),
            link: field(LINK),
            met: field(MET),
        }
    }

    /// The check-in, or every rule it breaks, each saying what to do instead.
    pub fn check(&self) -> Result<CheckIn, Vec<String>> {
        let mut problems = Vec::new();
        let mut text = |value: &str, name: &str, max: usize, required: bool| {
            let length = limits::len(value);
            if required && value.is_empty() {
                problems.push(format!("**{name}** is empty: write a sentence or two."));
            } else if length > max {
                problems.push(format!(
                    "**{name}** is {length} characters; keep it to {max}."
                ));
            }
        };
        text(&self.did, "What you did", DID_MAX, true);
        text(&self.blockers, "What blocks you", BLOCKERS_MAX, false);
        text(&self.goal, "Next week's goal", GOAL_MAX, true);
        text(&self.link, "Link", LINK_MAX, false);
        let link = (!self.link.is_empty()).then(|| self.link.clone());
        if let Some(link) = &link {
            let web = url::Url::parse(link)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
            if !web {
                problems.push(
                    "**Link** must be a web address starting with https:// (or http://), like \
                     https://github.com/you/project."
                        .into(),
                );
            }
        }
        let met = if self.met.is_empty() {
            None
        } else {
            let parsed = Met::parse(&self.met);
            if parsed.is_none() {
                problems.push("**Met last week's goal?** takes yes, partly or no.".into());
            }
            parsed
        };
        if problems.is_empty() {
            Ok(CheckIn {
                did: self.did.clone(),
                blockers: self.blockers.clone(),
                goal: self.goal.clone(),
                link,
                met,
            })
        } else {
            Err(problems)
        }
    }
}

/// The form, holding `prefill`. With `last_goal`, it asks whether that goal was met and shows
/// it (a form can show text only in a field's label and placeholder).
pub fn form(prefill: &Draft, last_goal: Option<&str>, editing: bool) -> Modal {
    let mut fields = vec![
        TextField::new(DID, "What did you do this week?", DID_MAX as u16)
            .paragraph()
            .required()
            .value(Some(prefill.did.clone())),
        TextField::new(BLOCKERS, "What blocks you? (optional)", BLOCKERS_MAX as u16)
            .paragraph()
            .value(Some(prefill.blockers.clone())),
        TextField::new(GOAL, "Your goal for next week", GOAL_MAX as u16)
            .paragraph()
            .required()
            .value(Some(prefill.goal.clone())),
        TextField::new(LINK, "A link to show it (optional)", LINK_MAX as u16)
            .value(Some(prefill.link.clone()))
            .placeholder("https://github.com/you/project"),
    ];
    if let Some(goal) = last_goal {
        fields.push(
            TextField::new(MET, "Met last week's goal? yes, partly or no", 10)
                .value(Some(prefill.met.clone()))
                .placeholder(limits::truncate(
                    &format!("It was: {goal}"),
                    limits::INPUT_PLACEHOLDER,
                )),
        );
    }
    Modal {
        custom_id: FORM_ID.into(),
        title: if editing {
            "Edit this week's check-in".into()
        } else {
            "Weekly check-in".into()
        },
        fields,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> Draft {
        Draft {
            did: "Finished the PyTorch tutorial".into(),
            goal: "Train a CNN on CIFAR-10".into(),
            ..Draft::default()
        }
    }

    #[test]
    fn a_complete_draft_is_a_check_in() {
        let mut ok = draft();
        ok.link = "https://github.com/me/cnn".into();
        ok.met = "Partly".into();
        let check_in = ok.check().unwrap();
        assert_eq!(check_in.met, Some(Met::Partly));
        assert_eq!(check_in.link.as_deref(), Some("https://github.com/me/cnn"));
    }

    #[test]
    fn every_broken_rule_is_reported() {
        let bad = Draft {
            did: String::new(),
            goal: "x".repeat(GOAL_MAX + 1),
            link: "javascript:alert(1)".into(),
            met: "maybe".into(),
            ..Draft::default()
        };
        let problems = bad.check().unwrap_err().join("\n");
        assert!(problems.contains("What you did** is empty"), "{problems}");
        assert!(problems.contains("keep it to 300"), "{problems}");
        assert!(problems.contains("https://"), "{problems}");
        assert!(problems.contains("yes, partly or no"), "{problems}");
        let ftp = Draft {
            link: "ftp://example.com/file".into(),
            ..draft()
        };
        assert!(ftp.check().is_err());
    }
}
