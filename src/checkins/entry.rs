//! A week's check-in: what a member sends (a draft, as typed) and the rules it must meet to
//! be one. A submission that breaks one is kept as a draft so the form can open again with it.
//! The form itself is a view (`render::checkin_form`).

/// The ids of the form's fields.
pub const DID: &str = "did";
pub const BLOCKERS: &str = "blockers";
pub const GOAL: &str = "goal";
pub const LINK: &str = "link";
pub const MET: &str = "met";

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
            let length = value.chars().count();
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
