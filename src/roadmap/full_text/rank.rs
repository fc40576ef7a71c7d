//! `/roadmap search`: the topics a query matches, best first, each with the piece of its text
//! that matched. BM25 (the `bm25` crate) scores each meaning of each word; a topic's score is
//! the sum over the query's words of its best meaning, scaled by the share of the words it
//! matches, so a topic that matches all of "pytorh tensor" outranks one that matches
//! "tensor" often.

use std::collections::HashMap;

use bm25::{Embedding, TokenEmbedding};

use super::build::{index_of, piece_text};
use super::expand::{meanings, Meaning};
use super::index::{Field, SearchIndex};
use super::terms::Words;
use crate::roadmap::model::{Roadmap, TopicRef};

/// Words of a query past this many are ignored: they would only slow the search down.
const MOST_QUERY_WORDS: usize = 8;
/// Characters of a query read; Discord sends at most 100.
const LONGEST_QUERY: usize = 200;

/// A topic a query matched.
#[derive(Debug, Clone, Copy)]
pub struct Hit<'a> {
    pub topic: TopicRef<'a>,
    /// Why it matched: the piece of its text that holds the most of the query's words.
    pub reason: Reason<'a>,
    pub score: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reason<'a> {
    pub field: Field,
    pub text: &'a str,
}

/// Why a query found nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Nothing to search for: empty, punctuation, or only words like "the" and "how".
    NoWords,
    /// No topic holds any of its words, even allowing for typos.
    NoMatch,
}

/// Builds the roadmap's index now, if no search has yet: for a caller that would rather pay
/// for it at load time than in the first member's search.
pub fn prepare(roadmap: &Roadmap) {
    index_of(roadmap);
}

/// The topics of `roadmap` that match `query`, best first, at most `limit` of them.
pub fn search<'a>(
    roadmap: &'a Roadmap,
    query: &str,
    limit: usize,
) -> Result<Vec<Hit<'a>>, Refusal> {
    let words = query_words(query);
    if words.is_empty() {
        return Err(Refusal::NoWords);
    }
    let index = index_of(roadmap);
    let meant: Vec<Vec<Meaning>> = words
        .iter()
        .enumerate()
        .map(|(at, w)| meanings(index, w, at + 1 == words.len()))
        .collect();
    let mut total: HashMap<usize, (f32, usize)> = HashMap::new();
    for word in &meant {
        for (topic, score) in best_per_topic(index, word) {
            let entry = total.entry(topic).or_default();
            entry.0 += score;
            entry.1 += 1;
        }
    }
    let mut ranked: Vec<(usize, f32)> = total
        .into_iter()
        .map(|(topic, (score, matched))| (topic, score * matched as f32 / words.len() as f32))
        .collect();
    if ranked.is_empty() {
        return Err(Refusal::NoMatch);
    }
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let topics: Vec<TopicRef<'a>> = roadmap.topics().collect();
    Ok(ranked
        .into_iter()
        .filter_map(|(place, score)| {
            let topic = *topics.get(place)?;
            Some(Hit {
                topic,
                reason: reason(index, place, topic, &meant),
                score,
            })
        })
        .take(limit)
        .collect())
}

/// The distinct words of a query worth searching for, in order, at most
/// [`MOST_QUERY_WORDS`].
fn query_words(query: &str) -> Vec<String> {
    let query: String = query.chars().take(LONGEST_QUERY).collect();
    let mut words: Vec<String> = Vec::new();
    for word in Words::split(&query) {
        if !words.contains(&word) {
            words.push(word);
        }
        if words.len() == MOST_QUERY_WORDS {
            break;
        }
    }
    words
}

/// Each topic's score for one word of the query: its best meaning's BM25 score, weighed.
fn best_per_topic(index: &SearchIndex, meanings: &[Meaning]) -> HashMap<usize, f32> {
    let mut best: HashMap<usize, f32> = HashMap::new();
    for meaning in meanings {
        let query = Embedding(vec![TokenEmbedding {
            index: meaning.stem,
            value: 1.0,
        }]);
        for found in index.scorer.matches(&query) {
            let score = found.score * meaning.weight;
            let entry = best.entry(found.id).or_insert(score);
            *entry = entry.max(score);
        }
    }
    best
}

/// The piece of the topic holding the most of the query's words. On a tie, anything but the
/// title or the id (which say what a result's title says), then the field earliest in
/// [`Field`]'s order.
fn reason<'a>(
    index: &SearchIndex,
    place: usize,
    topic: TopicRef<'a>,
    meant: &[Vec<Meaning>],
) -> Reason<'a> {
    let title = Reason {
        field: Field::Title,
        text: topic.topic.title.as_str(),
    };
    let Some(pieces) = index.pieces.get(place) else {
        return title;
    };
    pieces
        .iter()
        .map(|piece| {
            let held = meant
                .iter()
                .filter(|word| word.iter().any(|m| piece.stems.contains(&m.stem)))
                .count();
            (held, piece)
        })
        .filter(|(held, _)| *held > 0)
        .min_by_key(|(held, piece)| {
            (
                std::cmp::Reverse(*held),
                matches!(piece.field, Field::Title | Field::Id),
                piece.field,
            )
        })
        .map_or(title, |(_, piece)| Reason {
            field: piece.field,
            text: piece_text(topic, piece),
        })
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::OnceLock;

    use proptest::prelude::*;

    use super::*;
    use crate::roadmap::load_library;

    fn shipped() -> &'static Roadmap {
        static SHIPPED: OnceLock<Roadmap> = OnceLock::new();
        SHIPPED.get_or_init(|| {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("roadmap");
            let library = load_library(&dir).expect("the shipped roadmap loads");
            library.roadmaps[0].clone()
        })
    }

    fn ids(query: &str) -> Vec<&'static str> {
        search(shipped(), query, 10)
            .unwrap_or_default()
            .iter()
            .map(|hit| hit.topic.topic.id.as_str())
            .collect()
    }

    #[test]
    fn typos_and_word_order_still_find_the_topic() {
        assert_eq!(ids("pytorh tensor").first(), Some(&"pytorch"));
        assert_eq!(ids("tensor pytorh").first(), Some(&"pytorch"));
        assert_eq!(ids("kubernets").first(), Some(&"kubernetes"));
        assert_eq!(ids("Gradient").first(), Some(&"calculus"));
    }

    #[test]
    fn a_word_being_typed_finds_the_words_it_begins() {
        assert_eq!(ids("kubern").first(), Some(&"kubernetes"));
        assert!(ids("tensor").contains(&"tensorflow"), "{:?}", ids("tensor"));
    }

    #[test]
    fn the_reason_quotes_the_piece_that_matched() {
        let hits = search(shipped(), "pytorh tensor", 3).expect("hits");
        assert_eq!(hits[0].reason.field, Field::Learn);
        assert!(hits[0].reason.text.starts_with("Tensors"), "{:?}", hits[0]);

        let hits = search(shipped(), "strang", 3).expect("hits");
        assert_eq!(hits[0].topic.topic.id, "linear-algebra");
        assert_eq!(hits[0].reason.field, Field::Resource);

        // A sentence, not the whole paragraph.
        let hits = search(shipped(), "gradient descent relatives", 1).expect("hits");
        assert_eq!(hits[0].reason.field, Field::Why);
        assert!(
            hits[0]
                .reason
                .text
                .starts_with("Gradient descent and its relatives"),
            "{:?}",
            hits[0].reason
        );
    }

    #[test]
    fn old_ids_are_searched() {
        let mut roadmap = shipped().clone();
        roadmap.phases[0].sections[1].topics[1]
            .aliases
            .push("maths-of-change".into());
        let hits = search(&roadmap, "change maths", 1).expect("hits");
        assert_eq!(hits[0].topic.topic.id, "calculus");
        assert_eq!(hits[0].reason.field, Field::Alias);
    }

    #[test]
    fn nothing_to_search_for_and_nothing_found_are_told_apart() {
        for query in ["", "   ", "?!", "how do i the", "\u{0}"] {
            assert_eq!(
                search(shipped(), query, 5).err(),
                Some(Refusal::NoWords),
                "{query:?}"
            );
        }
        assert_eq!(
            search(shipped(), "qqqqzzzz xylophone", 5).err(),
            Some(Refusal::NoMatch)
        );
    }

    #[test]
    fn the_index_is_built_once_per_roadmap_and_not_shared_with_a_copy() {
        let roadmap = shipped().clone();
        assert!(format!("{:?}", roadmap.search_index).contains("not built"));
        let first = index_of(&roadmap) as *const SearchIndex;
        let _ = search(&roadmap, "docker", 5);
        assert!(std::ptr::eq(first, index_of(&roadmap)));
        let copy = roadmap.clone();
        assert!(format!("{:?}", copy.search_index).contains("not built"));
    }

    #[test]
    fn every_title_finds_its_topic_first() {
        for topic in shipped().topics() {
            let found = ids(&topic.topic.title);
            assert_eq!(found.first(), Some(&topic.topic.id.as_str()), "{found:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_query_gives_at_most_limit_existing_topics_best_first(
            query in "\\PC{0,120}|[a-z ]{0,40}",
            limit in 0usize..30,
        ) {
            let roadmap = shipped();
            if let Ok(hits) = search(roadmap, &query, limit) {
                prop_assert!(hits.len() <= limit);
                for pair in hits.windows(2) {
                    prop_assert!(pair[0].score >= pair[1].score);
                }
                for hit in &hits {
                    let found = roadmap.topic(&hit.topic.topic.id);
                    prop_assert!(found.is_some_and(|t| std::ptr::eq(t.topic, hit.topic.topic)));
                    prop_assert!(hit.score.is_finite() && hit.score > 0.0);
                    prop_assert!(!hit.reason.text.is_empty());
                }
            }
        }
    }
}
