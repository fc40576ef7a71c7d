//! The four states of a topic for one member.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TopicState {
    #[default]
    NotStarted,
    Learning,
    Done,
    Skipped,
}

impl TopicState {
    pub const ALL: [Self; 4] = [Self::Learning, Self::Done, Self::Skipped, Self::NotStarted];

    /// As stored in the database and typed in commands.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not-started",
            Self::Learning => "learning",
            Self::Done => "done",
            Self::Skipped => "skipped",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::NotStarted => "Not started",
            Self::Learning => "Learning",
            Self::Done => "Done",
            Self::Skipped => "Skipped",
        }
    }

    /// A one-character mark for lists of topics.
    pub fn mark(self) -> &'static str {
        match self {
            Self::NotStarted => "▫️",
            Self::Learning => "📖",
            Self::Done => "✅",
            Self::Skipped => "⏭️",
        }
    }
}

impl fmt::Display for TopicState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::TopicState;

    #[test]
    fn states_round_trip_and_accept_loose_spelling() {
        for state in TopicState::ALL {
            assert_eq!(TopicState::parse(state.as_str()), Some(state));
        }
        assert_eq!(
            TopicState::parse(" Not Started "),
            Some(TopicState::NotStarted)
        );
        assert_eq!(
            TopicState::parse("not_started"),
            Some(TopicState::NotStarted)
        );
        assert_eq!(TopicState::parse("finished"), None);
    }
}
