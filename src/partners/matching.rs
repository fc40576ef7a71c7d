//! The weekly match: members who joined `/partners` put into pairs (a trio for an odd one out)
//! or trios, so that partners stand near each other on the roadmap, are awake at the same
//! time, and did not meet in the last weeks.
//!
//! One score is minimised: the sum over every two members of a group of [`pair_cost`] (phase
//! distance, time-zone distance past three hours, a repeat). An exact minimum-weight grouping
//! is a perfect matching on a complete graph (blossom, O(n³): minutes at 10,000 members) and
//! NP-hard for trios, so this is a greedy match followed by local improvement:
//!
//! 1. Members are sorted by phase, then by time-zone offset, so neighbours in the order are
//!    good partners. Groups are filled in that order: the first member left takes the best
//!    partners among the next [`WINDOW`] members left.
//! 2. Then, pass after pass, two groups change members whenever that lowers the score (a swap,
//!    or a member of a trio moving to a pair): each group against its [`WINDOW`] neighbouring
//!    groups and [`RANDOM`] groups drawn at random, so a repeat or an odd member far away in
//!    the order can still move. Passes stop when one changes nothing, or after [`MAX_PASSES`].
//! 3. Up to [`RESTARTS_UP_TO`] members, the same improvement runs from [`RESTARTS`] random
//!    groupings too, and the best result wins: with few members a poor corner is likelier.
//!
//! The bound: each change strictly lowers the score, so the result is never worse than the
//! greedy grouping nor than any of the random ones improved, and it is a local optimum for the
//! changes tried unless [`MAX_PASSES`] ran out. A repeat costs more than any four other pairs
//! ([`REPEAT`]), so a change that ends one is always taken. There is no constant-factor
//! guarantee against the true optimum. Time: O(n log n) to sort, O(n · WINDOW) for the greedy
//! step, O(n · (WINDOW + RANDOM) · s²) a pass for groups of size s (times 1 + RESTARTS for
//! small servers);
//! BENCHMARKS.md has 10,000 members.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// Members ahead in the order the greedy step looks at, and groups each group is compared with.
pub const WINDOW: usize = 24;
/// Groups drawn at random that each group is compared with on every pass.
pub const RANDOM: usize = 4;
/// Passes of improvement at most.
pub const MAX_PASSES: usize = 16;
/// Random groupings improved besides the greedy one, for up to [`RESTARTS_UP_TO`] members.
pub const RESTARTS: usize = 3;
pub const RESTARTS_UP_TO: usize = 500;

/// Cost of partners one phase apart; the same phase costs nothing.
pub const ADJACENT_PHASE: i64 = 2;
/// Cost of each further phase between them.
pub const FAR_PHASE: i64 = 6;
/// Time zones this far apart (in minutes) overlap well enough: no cost.
pub const AWAKE_TOGETHER: i32 = 180;
/// Cost of each started half hour apart beyond that.
pub const PER_HALF_HOUR: i64 = 1;
/// Cost of meeting someone again within the last weeks. The costliest other pair (three phases
/// and twelve hours apart) costs 2 + 12 + 18 = 32, and one swap makes at most four new pairs:
/// so any swap that ends a repeat without making one is taken.
pub const REPEAT: i64 = 4 * 32 + 1;

/// A member taking part this week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub user: u64,
    /// The phase they are in.
    pub phase: u8,
    /// Their time zone's offset from UTC this week, in minutes.
    pub utc_offset: i32,
    /// Who they were grouped with in the last weeks.
    pub recent: Vec<u64>,
}

/// How big groups are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupSize {
    /// Pairs, with one trio when the count is odd.
    Pairs,
    /// Trios, with pairs for what is left over.
    Trios,
}

/// What grouping `a` and `b` costs; lower is better.
pub fn pair_cost(a: &Candidate, b: &Candidate) -> i64 {
    let phases = i64::from(a.phase.abs_diff(b.phase));
    let phase = match phases {
        0 => 0,
        n => ADJACENT_PHASE + FAR_PHASE * (n - 1),
    };
    // Around the clock: UTC-11 and UTC+12 are an hour apart.
    let apart = (a.utc_offset - b.utc_offset).rem_euclid(24 * 60);
    let apart = apart.min(24 * 60 - apart);
    let beyond = (apart - AWAKE_TOGETHER).max(0);
    let zone = i64::from((beyond + 29) / 30) * PER_HALF_HOUR;
    let repeat = if a.recent.contains(&b.user) || b.recent.contains(&a.user) {
        REPEAT
    } else {
        0
    };
    phase + zone + repeat
}

/// The score of a grouping (indices into `candidates`): the sum of every pair's cost.
pub fn score(candidates: &[Candidate], groups: &[Vec<usize>]) -> i64 {
    groups.iter().map(|g| group_cost(candidates, g)).sum()
}

fn group_cost(candidates: &[Candidate], group: &[usize]) -> i64 {
    cost_replacing(candidates, group, usize::MAX, 0)
}

/// The cost of `group` with its member at `at` replaced by `with` (none when `at` is out of
/// range), without building the changed group.
fn cost_replacing(candidates: &[Candidate], group: &[usize], at: usize, with: usize) -> i64 {
    let member = |k: usize| if k == at { with } else { group[k] };
    let mut cost = 0;
    for k in 0..group.len() {
        for l in k + 1..group.len() {
            cost += pair_cost(&candidates[member(k)], &candidates[member(l)]);
        }
    }
    cost
}

/// The sizes of the groups `n` members make: everyone is placed when `n` is 2 or more.
pub fn sizes(n: usize, size: GroupSize) -> Vec<usize> {
    match (n, size) {
        (0 | 1, _) => Vec::new(),
        (n, GroupSize::Pairs) if n % 2 == 0 => vec![2; n / 2],
        (n, GroupSize::Pairs) => {
            let mut sizes = vec![2; (n - 3) / 2];
            sizes.push(3);
            sizes
        }
        (n, GroupSize::Trios) => match n % 3 {
            0 => vec![3; n / 3],
            1 if n == 4 => vec![2, 2],
            1 => {
                let mut sizes = vec![3; (n - 4) / 3];
                sizes.extend([2, 2]);
                sizes
            }
            _ => {
                let mut sizes = vec![3; n / 3];
                sizes.push(2);
                sizes
            }
        },
    }
}

/// Groups `candidates`; each group lists indices into it. `seed` fixes the random choices, so
/// a server's match can be computed again and come out the same.
pub fn group(candidates: &[Candidate], size: GroupSize, seed: u64) -> Vec<Vec<usize>> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut best = greedy(candidates, size);
    let mut best_score = improve(candidates, &mut best, &mut rng);
    // Local improvement can stop in a poor corner, most often with few members: start again
    // from random groupings too and keep the best. With many, the greedy start is already
    // close (BENCHMARKS.md) and the restarts would cost most of the time.
    let restarts = if candidates.len() <= RESTARTS_UP_TO {
        RESTARTS
    } else {
        0
    };
    for _ in 0..restarts {
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        order.shuffle(&mut rng);
        let mut groups = cut(&order, &sizes(candidates.len(), size));
        let score = improve(candidates, &mut groups, &mut rng);
        if score < best_score {
            (best, best_score) = (groups, score);
        }
    }
    best
}

/// `order` cut into consecutive groups of `sizes`.
fn cut(order: &[usize], sizes: &[usize]) -> Vec<Vec<usize>> {
    let mut rest = order;
    sizes
        .iter()
        .map(|&n| {
            let (taken, left) = rest.split_at(n.min(rest.len()));
            rest = left;
            taken.to_vec()
        })
        .collect()
}

fn greedy(candidates: &[Candidate], size: GroupSize) -> Vec<Vec<usize>> {
    let mut left: Vec<usize> = (0..candidates.len()).collect();
    left.sort_by_key(|&i| {
        let c = &candidates[i];
        (c.phase, c.utc_offset, c.user)
    });
    let mut groups = Vec::new();
    // Trios first: the pairs left over at the end take whoever remains.
    let mut plan = sizes(candidates.len(), size);
    plan.sort_unstable_by(|a, b| b.cmp(a));
    for wanted in plan {
        let mut members = vec![left.remove(0)];
        while members.len() < wanted {
            let best = left
                .iter()
                .take(WINDOW)
                .enumerate()
                .min_by_key(|(_, &i)| {
                    members
                        .iter()
                        .map(|&m| pair_cost(&candidates[m], &candidates[i]))
                        .sum::<i64>()
                })
                .map(|(at, _)| at);
            match best {
                Some(at) => members.push(left.remove(at)),
                None => break,
            }
        }
        groups.push(members);
    }
    groups
}

/// Improves `groups` in place; returns their score.
fn improve(candidates: &[Candidate], groups: &mut [Vec<usize>], rng: &mut StdRng) -> i64 {
    let count = groups.len();
    let mut costs: Vec<i64> = groups.iter().map(|g| group_cost(candidates, g)).collect();
    if count < 2 {
        return costs.iter().sum();
    }
    for _ in 0..MAX_PASSES {
        let mut improved = false;
        let mut others = Vec::with_capacity(WINDOW + RANDOM);
        for a in 0..count {
            others.clear();
            others.extend((a + 1..count).take(WINDOW));
            others.extend((0..RANDOM).map(|_| rng.gen_range(0..count)));
            others.sort_unstable();
            others.dedup();
            for &b in &others {
                // Costs are never negative: two groups that cost nothing cannot do better.
                if b != a && costs[a] + costs[b] > 0 {
                    improved |= best_swap(candidates, groups, &mut costs, a, b);
                }
            }
        }
        if !improved {
            break;
        }
    }
    costs.iter().sum()
}

/// Makes the one change between groups `a` and `b` that lowers their cost most, if any does:
/// a swap of two members, or, between a trio and a pair, a member of the trio moving to the
/// pair (the sizes stay the plan's). Says whether it changed them.
fn best_swap(
    candidates: &[Candidate],
    groups: &mut [Vec<usize>],
    costs: &mut [i64],
    a: usize,
    b: usize,
) -> bool {
    let moved =
        best_move(candidates, groups, costs, a, b) || best_move(candidates, groups, costs, b, a);
    let before = costs[a] + costs[b];
    let mut best: Option<(usize, usize, i64, i64)> = None;
    for i in 0..groups[a].len() {
        for j in 0..groups[b].len() {
            let ca = cost_replacing(candidates, &groups[a], i, groups[b][j]);
            let cb = cost_replacing(candidates, &groups[b], j, groups[a][i]);
            if ca + cb < best.map_or(before, |(_, _, x, y)| x + y) {
                best = Some((i, j, ca, cb));
            }
        }
    }
    let Some((i, j, ca, cb)) = best else {
        return moved;
    };
    let moved = groups[a][i];
    groups[a][i] = groups[b][j];
    groups[b][j] = moved;
    costs[a] = ca;
    costs[b] = cb;
    true
}

/// Moves the member of the bigger group `from` whose move to `to` lowers their cost most, if
/// `from` is one bigger than `to` and any move does.
fn best_move(
    candidates: &[Candidate],
    groups: &mut [Vec<usize>],
    costs: &mut [i64],
    from: usize,
    to: usize,
) -> bool {
    if groups[from].len() != groups[to].len() + 1 {
        return false;
    }
    let before = costs[from] + costs[to];
    let mut best: Option<(usize, i64, i64)> = None;
    for i in 0..groups[from].len() {
        let mut left = groups[from].clone();
        let member = left.remove(i);
        let mut joined = groups[to].clone();
        joined.push(member);
        let (cf, ct) = (
            group_cost(candidates, &left),
            group_cost(candidates, &joined),
        );
        if cf + ct < best.map_or(before, |(_, x, y)| x + y) {
            best = Some((i, cf, ct));
        }
    }
    let Some((i, cf, ct)) = best else {
        return false;
    };
    let member = groups[from].remove(i);
    groups[to].push(member);
    costs[from] = cf;
    costs[to] = ct;
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn member(user: u64, phase: u8, hours: i32) -> Candidate {
        Candidate {
            user,
            phase,
            utc_offset: hours * 60,
            recent: Vec::new(),
        }
    }

    /// Each index in `groups` once, and the sizes `sizes` plans.
    fn assert_partition(n: usize, size: GroupSize, groups: &[Vec<usize>]) {
        let mut seen: Vec<usize> = groups.iter().flatten().copied().collect();
        seen.sort_unstable();
        let everyone: Vec<usize> = if n >= 2 { (0..n).collect() } else { Vec::new() };
        assert_eq!(
            seen, everyone,
            "nobody twice, everyone placed when possible"
        );
        let mut got: Vec<usize> = groups.iter().map(Vec::len).collect();
        let mut planned = sizes(n, size);
        got.sort_unstable();
        planned.sort_unstable();
        assert_eq!(got, planned);
    }

    #[test]
    fn costs_weigh_phase_zone_and_repeats() {
        let a = member(1, 2, 1);
        assert_eq!(
            pair_cost(&a, &member(2, 2, 4)),
            0,
            "same phase, 3 hours apart"
        );
        assert_eq!(pair_cost(&a, &member(2, 3, 1)), ADJACENT_PHASE);
        assert_eq!(pair_cost(&a, &member(2, 4, 1)), ADJACENT_PHASE + FAR_PHASE);
        // UTC+1 and UTC+4:30 are 3½ hours apart: one started half hour past the three.
        let half = Candidate {
            utc_offset: 270,
            ..member(2, 2, 0)
        };
        assert_eq!(pair_cost(&a, &half), PER_HALF_HOUR);
        assert_eq!(
            pair_cost(&member(1, 1, 0), &half),
            ADJACENT_PHASE + 3 * PER_HALF_HOUR,
            "4½ hours apart and a phase"
        );
        // Around the clock: UTC-11 and UTC+12 are one hour apart.
        assert_eq!(pair_cost(&member(1, 1, -11), &member(2, 1, 12)), 0);
        let met = Candidate {
            recent: vec![1],
            ..member(2, 2, 1)
        };
        assert_eq!(pair_cost(&a, &met), REPEAT);
        assert_eq!(pair_cost(&met, &a), REPEAT, "either side remembers");
    }

    #[test]
    fn sizes_place_everyone_from_two_members_on() {
        assert!(sizes(1, GroupSize::Pairs).is_empty());
        assert_eq!(sizes(2, GroupSize::Trios), [2]);
        assert_eq!(sizes(5, GroupSize::Pairs), [2, 3]);
        assert_eq!(sizes(4, GroupSize::Trios), [2, 2]);
        assert_eq!(sizes(7, GroupSize::Trios), [3, 2, 2]);
        assert_eq!(sizes(8, GroupSize::Trios), [3, 3, 2]);
    }

    #[test]
    fn like_members_are_paired() {
        // Two in phase 1 near UTC, two in phase 4 near UTC+9, listed mixed.
        let members = [
            member(1, 1, 0),
            member(2, 4, 9),
            member(3, 1, 1),
            member(4, 4, 8),
        ];
        let groups = group(&members, GroupSize::Pairs, 7);
        let mut users: Vec<Vec<u64>> = groups
            .iter()
            .map(|g| {
                let mut u: Vec<u64> = g.iter().map(|&i| members[i].user).collect();
                u.sort_unstable();
                u
            })
            .collect();
        users.sort();
        assert_eq!(users, [vec![1, 3], vec![2, 4]]);
        assert_eq!(score(&members, &groups), 0);
    }

    fn candidates() -> impl Strategy<Value = Vec<Candidate>> {
        prop::collection::vec((1u8..=4, -11i32..=14), 0..60).prop_map(|rows| {
            rows.into_iter()
                .enumerate()
                .map(|(i, (phase, hours))| member(i as u64 + 1, phase, hours))
                .collect()
        })
    }

    fn size() -> impl Strategy<Value = GroupSize> {
        prop_oneof![Just(GroupSize::Pairs), Just(GroupSize::Trios)]
    }

    proptest! {
        #[test]
        fn nobody_is_in_two_groups_and_everyone_is_placed(members in candidates(), size in size(), seed: u64) {
            let groups = group(&members, size, seed);
            assert_partition(members.len(), size, &groups);
        }

        #[test]
        fn never_worse_than_a_random_grouping(members in candidates(), size in size(), seed: u64) {
            let groups = group(&members, size, seed);
            let mut order: Vec<usize> = (0..members.len()).collect();
            order.shuffle(&mut StdRng::seed_from_u64(seed ^ 0x5eed));
            let mut random = Vec::new();
            let mut rest = order.as_slice();
            for wanted in sizes(members.len(), size) {
                let (taken, left) = rest.split_at(wanted);
                random.push(taken.to_vec());
                rest = left;
            }
            prop_assert!(score(&members, &groups) <= score(&members, &random));
        }

        /// Last week's groups are remembered. With an even count of four or more, or an odd one
        /// of seven or more, there is always a grouping without a repeat (five cannot: its trio
        /// would need members of three different groups of last week, which had two), and the
        /// match finds one.
        #[test]
        fn no_repeats_when_they_can_be_avoided(mut members in candidates(), seed: u64) {
            let n = members.len();
            prop_assume!(n >= 4 && n != 5);
            let last_week = group(&members, GroupSize::Pairs, seed.wrapping_add(1));
            for g in &last_week {
                for &a in g {
                    let others: Vec<u64> = g.iter().filter(|&&b| b != a).map(|&b| members[b].user).collect();
                    members[a].recent = others;
                }
            }
            let groups = group(&members, GroupSize::Pairs, seed);
            assert_partition(members.len(), GroupSize::Pairs, &groups);
            for g in &groups {
                for (k, &a) in g.iter().enumerate() {
                    for &b in &g[k + 1..] {
                        prop_assert!(
                            !members[a].recent.contains(&members[b].user),
                            "{} and {} meet again", members[a].user, members[b].user
                        );
                    }
                }
            }
        }
    }
}
