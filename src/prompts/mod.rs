//! Which prompt a server gets this week: one from the phase most of its active members are
//! in, never repeating one until that phase's pool has been used up.

use std::collections::HashMap;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;

use crate::roadmap::{Prompt, Roadmap};

/// The phase with the most members in it; ties go to the earlier phase, and a server with no
/// active members starts at phase 1.
pub fn busiest_phase(members_by_phase: &[(u8, i64)]) -> u8 {
    members_by_phase
        .iter()
        .filter(|(_, members)| *members > 0)
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map_or(1, |(phase, _)| *phase)
}

/// Picks from the phase's pool among the prompts posted least often in this server, so none
/// repeats before every one has been used. The pick is random but fixed by server and period,
/// so `/prompt preview` shows what the scheduled post will be. `guild` is the server's id.
pub fn choose<'a>(
    roadmap: &'a Roadmap,
    phase: u8,
    posted: &[(String, i64)],
    guild: u64,
    period: &str,
) -> Option<&'a Prompt> {
    let times: HashMap<&str, i64> = posted.iter().map(|(id, n)| (id.as_str(), *n)).collect();
    let pool: Vec<&Prompt> = roadmap.prompt_pool(phase).collect();
    let fewest = pool
        .iter()
        .map(|p| times.get(p.id.as_str()).copied().unwrap_or(0))
        .min()?;
    let candidates: Vec<&Prompt> = pool
        .into_iter()
        .filter(|p| times.get(p.id.as_str()).copied().unwrap_or(0) == fewest)
        .collect();
    let mut rng = StdRng::seed_from_u64(crate::weekly::period_seed(guild, period));
    candidates.choose(&mut rng).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_busiest_phase_wins_and_ties_go_to_the_earlier_one() {
        assert_eq!(busiest_phase(&[]), 1);
        assert_eq!(busiest_phase(&[(1, 3), (2, 5), (3, 1)]), 2);
        assert_eq!(busiest_phase(&[(3, 4), (2, 4)]), 2);
    }
}
