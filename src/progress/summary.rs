//! One member's progress over one roadmap, read from stored rows.

use super::TopicState;
use crate::roadmap::{Phase, Roadmap, Topic, TopicRef};

/// States by the topic's position in the roadmap (`Topic::position`): one byte per topic, so
/// a member costs the cache the same whatever their progress. Positions refer to the roadmap
/// the rows were read with, which `fits` tells.
///
/// Rows stored under an old id (an alias) count for the renamed topic; rows of topics no
/// longer in the content are kept in the database but ignored here, so they count nowhere.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberProgress {
    states: Box<[TopicState]>,
    /// The stamp of the roadmap the states are placed by (`Roadmap::stamp`); 0 when there
    /// are none, which fits every roadmap.
    roadmap: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhaseSummary {
    pub number: u8,
    pub done: usize,
    pub skipped: usize,
    pub total: usize,
    /// Whether the phase counts as complete under the server's rule for skipped topics.
    pub complete: bool,
}

impl MemberProgress {
    /// From `(stored topic id, state)` rows.
    pub fn from_rows<'a>(
        roadmap: &Roadmap,
        rows: impl IntoIterator<Item = (&'a str, TopicState)>,
    ) -> Self {
        let count = roadmap.topic_count();
        let mut states = vec![TopicState::default(); count].into_boxed_slice();
        // A row under the current id wins over rows under old ids, whatever their order.
        let mut exact = vec![false; count];
        for (stored, state) in rows {
            let Some(found) = roadmap.topic(stored) else {
                continue;
            };
            let at = found.topic.position;
            let is_exact = found.topic.id == stored;
            if is_exact || !exact[at] {
                states[at] = state;
                exact[at] |= is_exact;
            }
        }
        Self {
            states,
            roadmap: roadmap.stamp,
        }
    }

    /// Whether these states are placed by `roadmap`: a server that switched roadmaps (or
    /// imported a new version) needs its members' progress read again.
    pub fn fits(&self, roadmap: &Roadmap) -> bool {
        self.roadmap == 0 || self.roadmap == roadmap.stamp
    }

    pub fn state(&self, topic: &Topic) -> TopicState {
        self.states.get(topic.position).copied().unwrap_or_default()
    }

    pub fn phase(&self, phase: &Phase, count_skipped: bool) -> PhaseSummary {
        let mut summary = PhaseSummary {
            number: phase.number,
            done: 0,
            skipped: 0,
            total: 0,
            complete: false,
        };
        for topic in phase.topics() {
            summary.total += 1;
            match self.state(topic) {
                TopicState::Done => summary.done += 1,
                TopicState::Skipped => summary.skipped += 1,
                TopicState::Learning | TopicState::NotStarted => {}
            }
        }
        let finished = summary.done + if count_skipped { summary.skipped } else { 0 };
        summary.complete = summary.total > 0 && finished == summary.total;
        summary
    }

    /// Topics the member is learning now, in roadmap order.
    pub fn learning<'r>(&self, roadmap: &'r Roadmap) -> Vec<TopicRef<'r>> {
        roadmap
            .topics()
            .filter(|t| self.state(t.topic) == TopicState::Learning)
            .collect()
    }

    /// The next open topic: in the earliest phase that has one, its first not-started topic,
    /// else (when skipped topics do not count toward the phase) its first skipped one. Topics
    /// being learned are already under way, so they are not suggested. `None` only when no
    /// phase has an open topic left.
    pub fn next_suggestion<'r>(
        &self,
        roadmap: &'r Roadmap,
        count_skipped: bool,
    ) -> Option<TopicRef<'r>> {
        let topics: Vec<TopicRef<'r>> = roadmap.topics().collect();
        topics
            .chunk_by(|a, b| a.phase.number == b.phase.number)
            .find_map(|phase| {
                let first = |state| phase.iter().find(|t| self.state(t.topic) == state);
                first(TopicState::NotStarted)
                    .or_else(|| {
                        (!count_skipped)
                            .then(|| first(TopicState::Skipped))
                            .flatten()
                    })
                    .copied()
            })
    }

    pub fn count(&self, state: TopicState) -> usize {
        self.states.iter().filter(|s| **s == state).count()
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::path::Path;

    use super::*;

    /// The shipped roadmap, with an old id added to its first two topics.
    pub(crate) fn roadmap() -> Roadmap {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("roadmap");
        let library = crate::content::load(&dir).expect("the shipped content loads");
        let mut roadmap = library.roadmaps[0].clone();
        let topics = &mut roadmap.phases[0].sections[0].topics;
        topics[0].aliases.push("old-first".into());
        topics[1].aliases.push("old-second".into());
        roadmap
    }

    #[test]
    fn a_row_under_the_current_id_wins_over_an_old_id_in_either_order() {
        let roadmap = roadmap();
        let first = roadmap.phases[0].sections[0].topics[0].clone();
        let second = roadmap.phases[0].sections[0].topics[1].clone();
        for rows in [
            vec![
                ("old-first", TopicState::Skipped),
                (first.id.as_str(), TopicState::Done),
            ],
            vec![
                (first.id.as_str(), TopicState::Done),
                ("old-first", TopicState::Skipped),
            ],
        ] {
            let progress = MemberProgress::from_rows(&roadmap, rows);
            assert_eq!(progress.state(&first), TopicState::Done);
            assert_eq!(progress.state(&second), TopicState::NotStarted);
        }
        let progress = MemberProgress::from_rows(&roadmap, [("old-second", TopicState::Learning)]);
        assert_eq!(progress.state(&second), TopicState::Learning);
    }

    #[test]
    fn rows_of_removed_topics_count_nowhere() {
        let roadmap = roadmap();
        let last = roadmap.topics().last().expect("topics").topic.clone();
        let progress = MemberProgress::from_rows(
            &roadmap,
            [
                ("no-such-topic", TopicState::Done),
                (last.id.as_str(), TopicState::Done),
            ],
        );
        assert_eq!(progress.count(TopicState::Done), 1);
        assert_eq!(progress.state(&last), TopicState::Done);
        assert_eq!(
            progress.count(TopicState::NotStarted),
            roadmap.topic_count() - 1
        );
    }

    /// Review item 4: all of phase 1 done but one skipped topic (skipped not counting) was
    /// told "every phase is complete".
    #[test]
    fn a_skipped_topic_is_suggested_while_the_phase_needs_it() {
        let roadmap = roadmap();
        let phase = &roadmap.phases[0];
        let skipped = phase.topics().last().expect("topics").clone();
        let rows: Vec<(&str, TopicState)> = phase
            .topics()
            .map(|t| {
                let state = if t.id == skipped.id {
                    TopicState::Skipped
                } else {
                    TopicState::Done
                };
                (t.id.as_str(), state)
            })
            .collect();
        let progress = MemberProgress::from_rows(&roadmap, rows);
        let next = progress.next_suggestion(&roadmap, false).expect("a topic");
        assert_eq!(next.topic.id, skipped.id);
        // When skipped topics count, phase 1 is finished: the suggestion moves on.
        let next = progress.next_suggestion(&roadmap, true).expect("a topic");
        assert_eq!(next.phase.number, 2);
        // Topics under way are not suggested, and with nothing open there is nothing to say.
        let all_learning = MemberProgress::from_rows(
            &roadmap,
            roadmap
                .topics()
                .map(|t| (t.topic.id.as_str(), TopicState::Learning))
                .collect::<Vec<_>>(),
        );
        assert!(all_learning.next_suggestion(&roadmap, false).is_none());
    }

    #[test]
    fn positions_follow_reading_order() {
        let roadmap = roadmap();
        let positions: Vec<usize> = roadmap.topics().map(|t| t.topic.position).collect();
        assert_eq!(positions, (0..roadmap.topic_count()).collect::<Vec<_>>());
    }
}
