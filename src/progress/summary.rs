//! One member's progress over one roadmap, read from stored rows.

use std::collections::HashMap;

use super::TopicState;
use crate::roadmap::{Phase, Roadmap, TopicRef};

/// States by the topic's current id. Rows stored under an old id (an alias) count for the
/// renamed topic; rows of topics no longer in the content are kept in the database but ignored
/// here, so they count nowhere.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberProgress {
    states: HashMap<String, TopicState>,
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
        let mut resolved: Vec<(bool, String, TopicState)> = rows
            .into_iter()
            .filter_map(|(stored, state)| {
                let found = roadmap.topic(stored)?;
                Some((found.topic.id == stored, found.topic.id.clone(), state))
            })
            .collect();
        // Rows under an old id first, so that a row under the current id overrides them.
        resolved.sort_by_key(|(exact, _, _)| *exact);
        let states = resolved.into_iter().map(|(_, id, s)| (id, s)).collect();
        Self { states }
    }

    pub fn state(&self, topic_id: &str) -> TopicState {
        self.states.get(topic_id).copied().unwrap_or_default()
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
            match self.state(&topic.id) {
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
            .filter(|t| self.state(&t.topic.id) == TopicState::Learning)
            .collect()
    }

    /// The first not-started topic of the earliest phase not yet complete.
    pub fn next_suggestion<'r>(
        &self,
        roadmap: &'r Roadmap,
        count_skipped: bool,
    ) -> Option<TopicRef<'r>> {
        let phase = roadmap
            .phases
            .iter()
            .find(|p| !self.phase(p, count_skipped).complete)?;
        roadmap
            .topics()
            .filter(|t| t.phase.number == phase.number)
            .find(|t| self.state(&t.topic.id) == TopicState::NotStarted)
    }

    pub fn count(&self, state: TopicState) -> usize {
        self.states.values().filter(|s| **s == state).count()
    }
}
