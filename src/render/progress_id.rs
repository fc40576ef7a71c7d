//! The custom ids of progress buttons and of the data-deletion confirmation: built and parsed
//! by one type each, so a button can never carry an id its handler does not understand.

use crate::progress::TopicState;

/// A button that sets the clicker's own state of a topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetStateId {
    pub state: TopicState,
    pub topic: String,
}

const SET: &str = "progress:set:";

impl SetStateId {
    pub fn custom_id(&self) -> String {
        format!("{SET}{}:{}", self.state.as_str(), self.topic)
    }

    pub fn parse(custom_id: &str) -> Option<Self> {
        let (state, topic) = custom_id.strip_prefix(SET)?.split_once(':')?;
        if topic.is_empty() {
            return None;
        }
        Some(Self {
            state: TopicState::parse(state)?,
            topic: topic.to_string(),
        })
    }
}

/// The two answers to "delete all my data in this server?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteId {
    Confirm,
    Cancel,
}

impl DeleteId {
    pub fn custom_id(self) -> &'static str {
        match self {
            Self::Confirm => "privacy:delete:confirm",
            Self::Cancel => "privacy:delete:cancel",
        }
    }

    pub fn parse(custom_id: &str) -> Option<Self> {
        [Self::Confirm, Self::Cancel]
            .into_iter()
            .find(|id| id.custom_id() == custom_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_parses_back_to_itself() {
        for state in TopicState::ALL {
            let id = SetStateId {
                state,
                topic: "linear-algebra".into(),
            };
            assert_eq!(SetStateId::parse(&id.custom_id()), Some(id));
        }
        for id in [DeleteId::Confirm, DeleteId::Cancel] {
            assert_eq!(DeleteId::parse(id.custom_id()), Some(id));
        }
    }

    #[test]
    fn foreign_or_broken_ids_are_refused() {
        for id in [
            "progress:set:finished:sql",
            "progress:set:done:",
            "progress:set:done",
            "roadmap:topic:sql",
        ] {
            assert_eq!(SetStateId::parse(id), None, "{id}");
        }
        assert_eq!(DeleteId::parse("privacy:delete"), None);
    }
}
