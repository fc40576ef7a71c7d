//! What a change of one topic's state means, decided without a database: the topic's new row,
//! the ledger awards and reversals (their keys), and the phase's completion. Storage reads the
//! member's rows, asks `plan`, and applies the plan in one transaction.
//!
//! Award keys are unique per member: `topic:<id>:<n>` for the n-th completion of a topic,
//! `phase:<n>:<k>` for the k-th completion of a phase, and `…-undo:…` for the reversal of one.
//! A reversal's amount is the award it reverses, read back from the ledger, so an undo takes
//! back exactly what was given even if the amounts change later.

use super::{MemberProgress, TopicState, PHASE_POINTS, TOPIC_POINTS};
use crate::roadmap::{Roadmap, TopicRef};

/// One stored topic row of the member, as storage read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicRow {
    pub topic_id: String,
    pub state: TopicState,
    /// How many times the topic was completed (each completion has its own award).
    pub done_count: i32,
    pub proof_url: Option<String>,
}

/// The member's rows before the change, and the change's phase as recorded.
#[derive(Debug, Clone, Default)]
pub struct Current {
    pub rows: Vec<TopicRow>,
    pub phase_complete: bool,
    pub phase_completions: i32,
}

/// What the member asks for.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub topic: TopicRef<'a>,
    pub state: TopicState,
    /// A new proof link (only with `Done`); `None` keeps the one stored.
    pub proof: Option<&'a str>,
}

/// The server's rules that a change is judged by.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rules {
    /// Skipped topics count toward completing a phase.
    pub count_skipped: bool,
}

/// How many points a ledger row carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Amount {
    Points(i32),
    /// The negation of the latest award under one of these keys (a topic may have been
    /// awarded under an old id).
    Reverses(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Award {
    /// `topic_done`, `topic_undone`, `phase_complete` or `phase_undone`.
    pub kind: &'static str,
    /// The topic id or the phase number.
    pub reference: String,
    pub amount: Amount,
    pub key: String,
}

/// The phase's record after the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhaseRecord {
    pub number: u8,
    pub complete: bool,
    pub completions: i32,
}

/// A change to write.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub previous: TopicState,
    /// The row is stored under this old id (an alias): rename it to the topic's id first.
    pub rename_from: Option<String>,
    pub topic_id: String,
    pub state: TopicState,
    pub proof: Option<String>,
    pub done_count: i32,
    pub awards: Vec<Award>,
    /// The phase became complete (`Some(true)`) or stopped being so (`Some(false)`), and its
    /// record to store; `None` when its completion did not change.
    pub phase: Option<PhaseRecord>,
    /// The member's progress after the change.
    pub progress: MemberProgress,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// The topic already has this state (and proof): nothing to write.
    Unchanged {
        progress: MemberProgress,
    },
    Change(Box<Change>),
}

/// Decides what setting `request` means for a member whose rows are `current`.
pub fn plan(roadmap: &Roadmap, current: &Current, request: Request<'_>, rules: Rules) -> Plan {
    let topic = request.topic.topic;
    let id = topic.id.as_str();
    let mut rows = current.rows.clone();
    // The row for this topic: under its current id, else under an old one (then renamed).
    let existing = rows.iter().position(|r| r.topic_id == id).or_else(|| {
        rows.iter()
            .position(|r| topic.aliases.contains(&r.topic_id))
    });
    let (previous, done_count, previous_proof) = existing
        .map_or((TopicState::NotStarted, 0, None), |i| {
            (rows[i].state, rows[i].done_count, rows[i].proof_url.clone())
        });
    let state = request.state;
    let proof = if state == TopicState::Done {
        request.proof.map(str::to_string).or(previous_proof.clone())
    } else {
        None
    };
    if previous == state && proof == previous_proof {
        return Plan::Unchanged {
            progress: progress_of(roadmap, &rows),
        };
    }
    let rename_from = existing
        .filter(|i| rows[*i].topic_id != id)
        .map(|i| std::mem::replace(&mut rows[i].topic_id, id.to_string()));

    let entering_done = state == TopicState::Done && previous != TopicState::Done;
    let leaving_done = previous == TopicState::Done && state != TopicState::Done;
    let new_done_count = done_count + i32::from(entering_done);
    let mut awards = Vec::new();
    if entering_done {
        awards.push(Award {
            kind: "topic_done",
            reference: id.to_string(),
            amount: Amount::Points(TOPIC_POINTS),
            key: format!("topic:{id}:{new_done_count}"),
        });
    }
    if leaving_done {
        // The completion being undone may have been awarded under an old id of the topic.
        let originals = std::iter::once(id)
            .chain(topic.aliases.iter().map(String::as_str))
            .map(|old| format!("topic:{old}:{done_count}"))
            .collect();
        awards.push(Award {
            kind: "topic_undone",
            reference: id.to_string(),
            amount: Amount::Reverses(originals),
            key: format!("topic-undo:{id}:{done_count}"),
        });
    }

    // Phase completion, judged on the progress as it will be after this change.
    match existing {
        Some(i) => rows[i].state = state,
        None => rows.push(TopicRow {
            topic_id: id.to_string(),
            state,
            done_count: new_done_count,
            proof_url: None,
        }),
    }
    let progress = progress_of(roadmap, &rows);
    let number = request.topic.phase.number;
    let now_complete = progress
        .phase(request.topic.phase, rules.count_skipped)
        .complete;
    let was_complete = current.phase_complete;
    let mut completions = current.phase_completions;
    if now_complete && !was_complete {
        completions += 1;
        awards.push(Award {
            kind: "phase_complete",
            reference: number.to_string(),
            amount: Amount::Points(PHASE_POINTS),
            key: format!("phase:{number}:{completions}"),
        });
    } else if was_complete && !now_complete {
        awards.push(Award {
            kind: "phase_undone",
            reference: number.to_string(),
            amount: Amount::Reverses(vec![format!("phase:{number}:{completions}")]),
            key: format!("phase-undo:{number}:{completions}"),
        });
    }
    Plan::Change(Box::new(Change {
        previous,
        rename_from,
        topic_id: id.to_string(),
        state,
        proof,
        done_count: new_done_count,
        awards,
        phase: (now_complete != was_complete).then_some(PhaseRecord {
            number,
            complete: now_complete,
            completions,
        }),
        progress,
    }))
}

fn progress_of(roadmap: &Roadmap, rows: &[TopicRow]) -> MemberProgress {
    MemberProgress::from_rows(roadmap, rows.iter().map(|r| (r.topic_id.as_str(), r.state)))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;
    use crate::progress::summary::tests::roadmap;

    /// A member's rows and ledger kept in memory, applying plans as storage does.
    #[derive(Default)]
    struct Member {
        current: HashMap<u8, (bool, i32)>,
        rows: Vec<TopicRow>,
        /// (key, points) in order; a key is written once.
        ledger: Vec<(String, i32)>,
    }

    impl Member {
        fn set(&mut self, roadmap: &Roadmap, topic: &str, state: TopicState, rules: Rules) {
            let topic = roadmap.topic(topic).expect("a topic");
            let (phase_complete, phase_completions) = self
                .current
                .get(&topic.phase.number)
                .copied()
                .unwrap_or_default();
            let current = Current {
                rows: self.rows.clone(),
                phase_complete,
                phase_completions,
            };
            let request = Request {
                topic,
                state,
                proof: None,
            };
            let Plan::Change(change) = plan(roadmap, &current, request, rules) else {
                return;
            };
            if let Some(old) = &change.rename_from {
                let row = self.rows.iter_mut().find(|r| &r.topic_id == old).unwrap();
                row.topic_id = change.topic_id.clone();
            }
            match self.rows.iter_mut().find(|r| r.topic_id == change.topic_id) {
                Some(row) => {
                    row.state = change.state;
                    row.done_count = change.done_count;
                    row.proof_url = change.proof.clone();
                }
                None => self.rows.push(TopicRow {
                    topic_id: change.topic_id.clone(),
                    state: change.state,
                    done_count: change.done_count,
                    proof_url: change.proof.clone(),
                }),
            }
            if let Some(phase) = change.phase {
                self.current
                    .insert(phase.number, (phase.complete, phase.completions));
            }
            for award in &change.awards {
                if self.ledger.iter().any(|(k, _)| k == &award.key) {
                    continue;
                }
                let points = match &award.amount {
                    Amount::Points(p) => *p,
                    Amount::Reverses(keys) => -self
                        .ledger
                        .iter()
                        .rev()
                        .find(|(k, _)| keys.contains(k))
                        .map_or(0, |(_, p)| *p),
                };
                self.ledger.push((award.key.clone(), points));
            }
        }
    }

    /// Mostly `Done`, so phases are completed and undone often within a sequence.
    fn state() -> impl Strategy<Value = TopicState> {
        prop_oneof![
            4 => Just(TopicState::Done),
            1 => Just(TopicState::Skipped),
            1 => Just(TopicState::Learning),
            1 => Just(TopicState::NotStarted),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// For any sequence of changes, the ledger sums to what the final states are worth:
        /// each done topic once, each complete phase once.
        #[test]
        fn the_ledger_always_equals_the_points_of_the_final_states(
            changes in prop::collection::vec((0usize..1000, state()), 0..80),
            count_skipped in any::<bool>(),
        ) {
            let roadmap = roadmap();
            // Phase 4 (the smallest) and the first topics of phase 1, named also by their old
            // ids: few enough topics that sequences complete and undo phases.
            let names: Vec<String> = roadmap
                .topics()
                .filter(|t| t.phase.number == 4)
                .map(|t| t.topic.id.clone())
                .chain(["old-first".to_string(), "old-second".to_string()])
                .collect();
            let rules = Rules { count_skipped };
            let mut member = Member::default();
            for (pick, state) in changes {
                let topic = &names[pick % names.len()];
                member.set(&roadmap, topic, state, rules);
            }
            let progress = progress_of(&roadmap, &member.rows);
            let done = progress.count(TopicState::Done) as i32;
            let phases = roadmap
                .phases
                .iter()
                .filter(|p| member.current.get(&p.number).is_some_and(|(c, _)| *c))
                .count() as i32;
            let sum: i32 = member.ledger.iter().map(|(_, p)| p).sum();
            prop_assert_eq!(sum, done * TOPIC_POINTS + phases * PHASE_POINTS);
            // And the recorded completions are the rule applied to the final states.
            for phase in &roadmap.phases {
                let recorded = member.current.get(&phase.number).is_some_and(|(c, _)| *c);
                let touched = member.rows.iter().any(|r| {
                    roadmap.topic(&r.topic_id).is_some_and(|t| t.phase.number == phase.number)
                });
                if touched {
                    prop_assert_eq!(recorded, progress.phase(phase, count_skipped).complete);
                }
            }
        }
    }

    #[test]
    fn undoing_takes_back_exactly_the_award_and_a_repeat_changes_nothing() {
        let roadmap = roadmap();
        let rules = Rules::default();
        let mut member = Member::default();
        let first = roadmap.phases[0].sections[0].topics[0].id.clone();
        member.set(&roadmap, &first, TopicState::Done, rules);
        member.set(&roadmap, &first, TopicState::Done, rules);
        member.set(&roadmap, &first, TopicState::Skipped, rules);
        member.set(&roadmap, &first, TopicState::Done, rules);
        let keys: Vec<&str> = member.ledger.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                format!("topic:{first}:1"),
                format!("topic-undo:{first}:1"),
                format!("topic:{first}:2")
            ]
        );
        assert_eq!(member.ledger.iter().map(|(_, p)| p).sum::<i32>(), 10);
    }
}
