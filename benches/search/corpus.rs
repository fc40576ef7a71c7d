//! What the search benchmark searches: a roadmap of many topics made from the shipped one, and
//! queries such as members type, typos and all.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;
use waypoint::roadmap::{Roadmap, Section};

/// Said after a copied title, so each copy's titles differ.
const VARIANTS: &[&str] = &[
    "in practice",
    "for production",
    "deep dive",
    "at scale",
    "case studies",
    "for beginners",
    "advanced",
    "on a budget",
    "with notebooks",
    "revisited",
    "in the cloud",
    "for research",
    "by example",
    "the hard parts",
    "in teams",
];

/// Made-up words added to each copied topic: a real roadmap of this size has words of its own
/// in every topic, and a larger vocabulary is more for a typo to be checked against.
pub const OWN_WORDS: usize = 12;

/// The shipped roadmap grown to `topics` topics: each phase gets copies of its sections whose
/// titles and ids differ, each topic with a few words of its own.
pub fn roadmap(shipped: &Roadmap, topics: usize, rng: &mut StdRng) -> Roadmap {
    let mut grown = shipped.clone();
    let mut count = grown.topic_count();
    if count == 0 || count >= topics {
        return grown;
    }
    'copies: for copy in 0.. {
        // Past the list, the variants come round again with a number.
        let variant = match copy / VARIANTS.len() {
            0 => VARIANTS[copy].to_string(),
            round => format!("{} {}", VARIANTS[copy % VARIANTS.len()], round + 1),
        };
        for (p, phase) in shipped.phases.iter().enumerate() {
            for section in &phase.sections {
                let mut new = Section {
                    id: format!("{}-{}", section.id, copy + 2),
                    title: format!("{} {variant}", section.title),
                    topics: Vec::new(),
                    ..section.clone()
                };
                for topic in &section.topics {
                    if count == topics {
                        grown.phases[p].sections.push(new);
                        break 'copies;
                    }
                    let mut t = topic.clone();
                    t.id = format!("{}-{}", topic.id, copy + 2);
                    t.title = format!("{} {variant}", topic.title);
                    t.aliases.clear();
                    let own: Vec<String> = (0..OWN_WORDS).map(|_| made_up(rng)).collect();
                    t.learn.push(own.join(" "));
                    new.topics.push(t);
                    count += 1;
                }
                grown.phases[p].sections.push(new);
            }
        }
    }
    grown
}

fn made_up(rng: &mut StdRng) -> String {
    let length = rng.gen_range(4..=10);
    (0..length)
        .map(|_| char::from(b'a' + rng.gen_range(0..26u8)))
        .collect()
}

/// The kinds of query measured, each a row of the table.
pub const KINDS: &[&str] = &[
    "one word",
    "two words, any order",
    "one typo",
    "two words, one typo",
    "a word being typed",
    "three words of a line",
    "unknown words",
    "only common words",
];

/// `per_kind` queries of each kind, drawn from the roadmap's own words, shuffled together.
pub fn queries(roadmap: &Roadmap, per_kind: usize, rng: &mut StdRng) -> Vec<(usize, String)> {
    let lines: Vec<&str> = roadmap
        .topics()
        .flat_map(|t| {
            std::iter::once(t.topic.title.as_str()).chain(t.topic.learn.iter().map(String::as_str))
        })
        .collect();
    let words: Vec<String> = lines
        .iter()
        .flat_map(|l| l.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() >= 4 && w.is_ascii())
        .map(str::to_lowercase)
        .collect();
    let word = |rng: &mut StdRng| words[rng.gen_range(0..words.len())].clone();
    let mut out = Vec::with_capacity(per_kind * KINDS.len());
    for kind in 0..KINDS.len() {
        for _ in 0..per_kind {
            let query = match kind {
                0 => word(rng),
                1 => format!("{} {}", word(rng), word(rng)),
                2 => typo(&word(rng), rng),
                3 => format!("{} {}", typo(&word(rng), rng), word(rng)),
                4 => {
                    let w = word(rng);
                    let cut = rng.gen_range(2..w.len());
                    w[..cut].to_string()
                }
                5 => {
                    let line: Vec<&str> = lines[rng.gen_range(0..lines.len())]
                        .split_whitespace()
                        .collect();
                    let start = rng.gen_range(0..line.len());
                    line[start..(start + 3).min(line.len())].join(" ")
                }
                6 => format!("{}q {}x", made_up(rng), made_up(rng)),
                _ => ["the", "how to", "what is it", "and or the", "?!"][rng.gen_range(0..5)]
                    .to_string(),
            };
            out.push((kind, query));
        }
    }
    out.shuffle(rng);
    out
}

/// `word` with one letter dropped, doubled, changed, or swapped with the next.
fn typo(word: &str, rng: &mut StdRng) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    let at = rng.gen_range(0..chars.len().saturating_sub(1).max(1));
    match rng.gen_range(0..4) {
        0 => {
            chars.remove(at);
        }
        1 => chars.insert(at, chars[at]),
        2 => chars[at] = char::from(b'a' + rng.gen_range(0..26u8)),
        _ if chars.len() > 1 => chars.swap(at, at + 1),
        _ => {}
    }
    chars.into_iter().collect()
}
