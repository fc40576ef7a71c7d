//! The custom ids of `/roadmap`'s buttons and menu: built and parsed by one type, so a button
//! can never carry an id its handler does not understand.

/// Component ids start with the command name, which is how the dispatcher routes clicks.
const PREFIX: &str = "roadmap:";

/// Where a roadmap button leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoadmapId {
    Overview,
    Phase(u8),
    Topic(String),
    /// The topic menu: the picked topic arrives as the menu's value.
    TopicMenu,
    /// A disabled navigation button; Discord still wants each id unique, hence the label.
    Nowhere(String),
}

impl RoadmapId {
    pub fn custom_id(&self) -> String {
        match self {
            Self::Overview => format!("{PREFIX}overview"),
            Self::Phase(number) => format!("{PREFIX}phase:{number}"),
            Self::Topic(id) => format!("{PREFIX}topic:{id}"),
            Self::TopicMenu => format!("{PREFIX}topic"),
            Self::Nowhere(label) => format!("{PREFIX}none:{label}"),
        }
    }

    /// `None` for ids this version never builds (a message from an older version, say).
    pub fn parse(custom_id: &str) -> Option<Self> {
        let rest = custom_id.strip_prefix(PREFIX)?;
        match rest.split_once(':') {
            None if rest == "overview" => Some(Self::Overview),
            None if rest == "topic" => Some(Self::TopicMenu),
            None => None,
            Some(("phase", number)) => number.parse().ok().map(Self::Phase),
            Some(("topic", id)) if !id.is_empty() => Some(Self::Topic(id.to_string())),
            Some(("none", label)) => Some(Self::Nowhere(label.to_string())),
            Some(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RoadmapId;

    #[test]
    fn every_id_parses_back_to_itself() {
        for id in [
            RoadmapId::Overview,
            RoadmapId::Phase(3),
            RoadmapId::Topic("linear-algebra".into()),
            RoadmapId::TopicMenu,
            RoadmapId::Nowhere("Next ▶".into()),
        ] {
            assert_eq!(RoadmapId::parse(&id.custom_id()), Some(id));
        }
    }

    #[test]
    fn ids_keep_their_published_shape() {
        // Buttons on messages already posted carry these strings; changing them breaks those.
        assert_eq!(RoadmapId::Phase(2).custom_id(), "roadmap:phase:2");
        assert_eq!(
            RoadmapId::Topic("sql".into()).custom_id(),
            "roadmap:topic:sql"
        );
        assert_eq!(RoadmapId::TopicMenu.custom_id(), "roadmap:topic");
        assert_eq!(RoadmapId::Overview.custom_id(), "roadmap:overview");
    }

    #[test]
    fn foreign_or_broken_ids_are_refused() {
        for id in [
            "roadmap:phase:two",
            "roadmap:phase:300",
            "roadmap:topic:",
            "roadmap:",
            "roadmap:whatever",
            "progress:phase:1",
            "",
        ] {
            assert_eq!(RoadmapId::parse(id), None, "{id}");
        }
    }
}
