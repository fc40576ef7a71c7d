//! The custom ids of challenge buttons: built and parsed by one type. A button carries only a
//! challenge's id, never a server: the challenge is looked up in the clicker's own server.

const PREFIX: &str = "challenge:";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengeId {
    /// The standing with the clicker's own line, privately.
    Mine(i64),
    /// Join the challenge.
    Join(i64),
}

impl ChallengeId {
    pub fn custom_id(self) -> String {
        match self {
            Self::Mine(id) => format!("{PREFIX}mine:{id}"),
            Self::Join(id) => format!("{PREFIX}join:{id}"),
        }
    }

    /// `None` for ids this version never builds.
    pub fn parse(custom_id: &str) -> Option<Self> {
        let (what, id) = custom_id.strip_prefix(PREFIX)?.split_once(':')?;
        let id = id.parse().ok()?;
        match what {
            "mine" => Some(Self::Mine(id)),
            "join" => Some(Self::Join(id)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ChallengeId;

    #[test]
    fn ids_round_trip_and_refuse_anything_else() {
        for id in [ChallengeId::Mine(7), ChallengeId::Join(i64::MAX)] {
            assert_eq!(ChallengeId::parse(&id.custom_id()), Some(id));
        }
        for bad in [
            "challenge:mine",
            "challenge:join:x",
            "challenge:leave:1",
            "x:join:1",
        ] {
            assert_eq!(ChallengeId::parse(bad), None, "{bad}");
        }
    }
}
