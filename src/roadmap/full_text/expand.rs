//! What a word of a query may mean in a roadmap: the word itself, the words it begins (the
//! member is still typing, or wrote "tensor" for "TensorFlow"), or the words a typo or two
//! away ("pytorh" for "pytorch"), each with how much a match on it counts.

use std::collections::HashMap;

use super::build::{key, LONGEST_WORD};
use super::index::SearchIndex;
use super::terms::letters;

/// A stem the word may stand for, and how much a match on it counts (1 for the word itself).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Meaning {
    pub stem: u32,
    pub weight: f32,
}

/// A prefix shorter than this begins too many words to mean any of them.
const SHORTEST_PREFIX: usize = 2;
/// The words a prefix of 2, 3, 4 or more letters may stand for, shortest first: a short one
/// begins many words, each shared by many topics, and every one costs a pass over them.
const MOST_PREFIXES: [usize; 3] = [4, 6, 8];
/// Shorter words have too many neighbours one typo away.
const SHORTEST_TYPO: usize = 4;
/// From this length a word may hold two typos.
const TWO_TYPOS_FROM: usize = 8;
/// The words a typo may stand for, closest first.
const MOST_TYPOS: usize = 6;

/// What `word` may mean. `last` says it ends the query, where the member may still be typing:
/// only there, or when the word is found nowhere, does it stand for the words it begins.
pub(crate) fn meanings(index: &SearchIndex, word: &str, last: bool) -> Vec<Meaning> {
    let mut found: HashMap<u32, f32> = HashMap::new();
    let mut add = |stem: u32, weight: f32| {
        let best = found.entry(stem).or_insert(weight);
        *best = best.max(weight);
    };
    let exact = key(&index.words.stem(word));
    let known = index.stems.contains(&exact);
    if known {
        add(exact, 1.0);
    }
    let length = word.chars().count();
    let prefixes = if last || !known {
        prefixed(index, word, length)
    } else {
        Vec::new()
    };
    for (other, stem) in prefixes {
        // Counts more the more of the word was typed: "tensor" means "tensorflow" more than
        // "te" does.
        let typed = length as f32 / other.chars().count().max(1) as f32;
        add(stem, 0.4 + 0.4 * typed);
    }
    if !known {
        for (distance, stem) in typos(index, word, length) {
            add(stem, if distance == 1 { 0.8 } else { 0.6 });
        }
    }
    let mut meanings: Vec<Meaning> = found
        .into_iter()
        .map(|(stem, weight)| Meaning { stem, weight })
        .collect();
    meanings.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.stem.cmp(&b.stem)));
    meanings
}

/// Longer words of the vocabulary that begin with `word`, shortest first.
fn prefixed<'a>(index: &'a SearchIndex, word: &str, length: usize) -> Vec<(&'a str, u32)> {
    if length < SHORTEST_PREFIX {
        return Vec::new();
    }
    let words = &index.vocabulary;
    let start = words.partition_point(|(w, _)| w.as_str() < word);
    let mut found: Vec<(&str, u32)> = words[start..]
        .iter()
        .take_while(|(w, _)| w.starts_with(word))
        .filter(|(w, _)| w.len() > word.len())
        .map(|(w, stem)| (w.as_str(), *stem))
        .collect();
    found.sort_by_key(|(w, _)| (w.len(), *w));
    found.truncate(MOST_PREFIXES[(length - SHORTEST_PREFIX).min(MOST_PREFIXES.len() - 1)]);
    found
}

/// Words of the vocabulary within one typo of `word` (two for long words): a letter missing,
/// added, changed, or two swapped. Closest first.
fn typos(index: &SearchIndex, word: &str, length: usize) -> Vec<(usize, u32)> {
    if !(SHORTEST_TYPO..=LONGEST_WORD).contains(&length) {
        return Vec::new();
    }
    let most = if length >= TWO_TYPOS_FROM { 2 } else { 1 };
    let lengths = length.saturating_sub(most)..=(length + most).min(LONGEST_WORD);
    let letters = letters(word);
    let mut found: Vec<(usize, &str, u32)> = lengths
        .flat_map(|l| index.by_length.get(l).into_iter().flatten())
        .filter(|place| {
            // Each typo takes at most one letter away and brings at most one in, so a word
            // with more letters of its own is further away than `most`: skipped unmeasured.
            index.letters.get(**place).is_some_and(|&other| {
                (letters & !other).count_ones() as usize <= most
                    && (other & !letters).count_ones() as usize <= most
            })
        })
        .filter_map(|&place| {
            let (other, stem) = index.vocabulary.get(place)?;
            let distance = strsim::osa_distance(word, other);
            (distance <= most).then_some((distance, other.as_str(), *stem))
        })
        .collect();
    found.sort_unstable();
    found.truncate(MOST_TYPOS);
    found.into_iter().map(|(d, _, stem)| (d, stem)).collect()
}
