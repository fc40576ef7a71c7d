//! A server's progress over one roadmap as counts per topic (the community page's heatmap):
//! how many members are learning each topic and how many finished it.

use super::TopicState;
use crate::roadmap::Roadmap;

/// Members learning and done, for one topic.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub learning: i64,
    pub done: i64,
}

/// Counts by topic position (`Topic::position`) from `(topic id, state, members)` rows; rows of
/// topics the roadmap no longer has count nowhere.
pub fn by_topic(roadmap: &Roadmap, rows: &[(String, TopicState, i64)]) -> Vec<Tally> {
    let mut tallies = vec![Tally::default(); roadmap.topic_count()];
    for (id, state, members) in rows {
        let Some(found) = roadmap.topic(id) else {
            continue;
        };
        let Some(tally) = tallies.get_mut(found.topic.position) else {
            continue;
        };
        match state {
            TopicState::Learning => tally.learning += members,
            TopicState::Done => tally.done += members,
            TopicState::Skipped | TopicState::NotStarted => {}
        }
    }
    tallies
}

/// The old ids of renamed topics and their current ids, for counting stored rows.
pub fn renames(roadmap: &Roadmap) -> Vec<(String, String)> {
    roadmap
        .topics()
        .flat_map(|t| {
            t.topic
                .aliases
                .iter()
                .map(move |old| (old.clone(), t.topic.id.clone()))
        })
        .collect()
}

/// How strongly a cell is shaded, 0 (nobody) to 4 (the most of any topic).
pub fn level(count: i64, most: i64) -> u8 {
    if count <= 0 || most <= 0 {
        return 0;
    }
    (1 + (count * 3) / most).min(4) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_grow_with_the_count_and_only_nobody_is_zero() {
        assert_eq!(level(0, 10), 0);
        assert_eq!(level(1, 10), 1);
        assert_eq!(level(5, 10), 2);
        assert_eq!(level(10, 10), 4);
        assert_eq!(level(3, 0), 0);
    }
}
