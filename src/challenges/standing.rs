//! Ranking a challenge: more progress ranks higher; among equal progress, whoever reached the
//! target first ranks higher; otherwise equal progress shares a rank ("1, 2, 2, 4"). Hidden
//! members are counted but never ranked or named.

use crate::ids::UserId;
use chrono::{DateTime, Utc};

/// One participant's progress inside the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub user: UserId,
    pub hidden: bool,
    pub count: i64,
    /// When the target was reached, if it was.
    pub reached_at: Option<DateTime<Utc>>,
}

/// A visible participant's place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked {
    pub rank: i64,
    pub progress: Progress,
}

/// What orders a standing: more progress first, then the earlier time the target was reached
/// (not reached sorts after every time). Equal keys share a rank.
type Key = (std::cmp::Reverse<i64>, bool, Option<DateTime<Utc>>);

fn key(p: &Progress) -> Key {
    (
        std::cmp::Reverse(p.count),
        p.reached_at.is_none(),
        p.reached_at,
    )
}

/// The ranked visible participants, best first, and how many hidden ones there are.
pub fn rank(mut entries: Vec<Progress>) -> (Vec<Ranked>, usize) {
    let hidden = entries.iter().filter(|p| p.hidden).count();
    entries.retain(|p| !p.hidden);
    entries.sort_by(|a, b| key(a).cmp(&key(b)).then(a.user.cmp(&b.user)));
    let mut ranked: Vec<Ranked> = Vec::with_capacity(entries.len());
    for (i, progress) in entries.into_iter().enumerate() {
        let rank = match ranked.last() {
            Some(previous) if key(&previous.progress) == key(&progress) => previous.rank,
            _ => i as i64 + 1,
        };
        ranked.push(Ranked { rank, progress });
    }
    (ranked, hidden)
}

/// Where `own` ranks among `ranked`, which may hold an older copy of it: one more than the
/// visible participants ahead of it. `None` when `own` is hidden.
pub fn place(ranked: &[Ranked], own: &Progress) -> Option<i64> {
    if own.hidden {
        return None;
    }
    let mine = key(own);
    let ahead = ranked
        .iter()
        .filter(|r| r.progress.user != own.user && key(&r.progress) < mine)
        .count();
    Some(ahead as i64 + 1)
}

/// The winners: the best finishers, at most `n`, in order.
pub fn winners(ranked: &[Ranked], n: usize) -> Vec<&Ranked> {
    ranked
        .iter()
        .filter(|r| r.progress.reached_at.is_some())
        .take(n)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: u32) -> Option<DateTime<Utc>> {
        Some(DateTime::from_timestamp(1_800_000_000 + i64::from(minute) * 60, 0).unwrap())
    }

    fn p(user: u64, count: i64, reached_at: Option<DateTime<Utc>>) -> Progress {
        Progress {
            user: UserId::new(user),
            hidden: false,
            count,
            reached_at,
        }
    }

    #[test]
    fn equal_progress_goes_to_who_reached_the_target_first_and_the_rest_share_ranks() {
        let (ranked, hidden) = rank(vec![
            p(1, 1, None),
            p(2, 3, at(9)),
            p(3, 3, at(5)),
            p(4, 1, None),
            p(5, 4, at(20)),
            p(6, 0, None),
            Progress {
                hidden: true,
                ..p(7, 9, at(1))
            },
        ]);
        let order: Vec<(i64, u64)> = ranked
            .iter()
            .map(|r| (r.rank, r.progress.user.get()))
            .collect();
        assert_eq!(order, [(1, 5), (2, 3), (3, 2), (4, 1), (4, 4), (6, 6)]);
        assert_eq!(hidden, 1);
        let won: Vec<u64> = winners(&ranked, 2)
            .iter()
            .map(|r| r.progress.user.get())
            .collect();
        assert_eq!(won, [5, 3]);
    }

    #[test]
    fn a_fresher_copy_of_ones_own_progress_is_placed_among_the_others() {
        let (ranked, _) = rank(vec![p(1, 3, at(1)), p(2, 1, None), p(3, 1, None)]);
        // Member 2 has since reached the target, after member 1.
        assert_eq!(place(&ranked, &p(2, 3, at(4))), Some(2));
        // Member 3 now equals member 2's old progress: they share its rank.
        assert_eq!(place(&ranked, &p(3, 1, None)), Some(2));
        let hidden = Progress {
            hidden: true,
            ..p(4, 9, at(0))
        };
        assert_eq!(place(&ranked, &hidden), None);
    }

    #[test]
    fn finishers_at_the_same_moment_share_a_rank() {
        let (ranked, _) = rank(vec![p(1, 2, at(3)), p(2, 2, at(3))]);
        assert_eq!(ranked[0].rank, 1);
        assert_eq!(ranked[1].rank, 1);
    }
}
