//! What a roadmap's search index holds. It is built the first time the roadmap is searched
//! and kept in the roadmap itself (`Roadmap::search_index`), so each roadmap value, however it
//! was loaded or replaced, carries its own and no query builds one.

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

use super::terms::Words;

/// Where in a topic a word was found, in the order a hit's reason prefers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Title,
    Id,
    Alias,
    Learn,
    Why,
    Action,
    Resource,
    Section,
}

/// One piece of a topic's text (its title, an item to learn, a sentence of why it matters)
/// with the keys of its stems: what a hit shows as the reason it matched.
pub(crate) struct Piece {
    pub field: Field,
    /// Which alias, item to learn or resource; 0 for fields of one text.
    pub item: usize,
    /// The sentence within that text, in bytes.
    pub range: Range<usize>,
    pub stems: Vec<u32>,
}

pub(crate) struct SearchIndex {
    pub words: Words,
    /// BM25 over each topic's whole text; topics are named by their place in reading order.
    pub scorer: bm25::Scorer<usize, u32>,
    /// Every distinct word of the roadmap with its stem's key, sorted: the words a prefix
    /// begins are one range of it.
    pub vocabulary: Vec<(String, u32)>,
    /// The characters of each word of `vocabulary` (`terms::letters`), which rule most words
    /// out as a typo's before any distance is measured.
    pub letters: Vec<u64>,
    /// Places in `vocabulary` of the words of each length in characters, where typos are
    /// looked for.
    pub by_length: Vec<Vec<usize>>,
    /// The stem keys found anywhere in the roadmap.
    pub stems: HashSet<u32>,
    /// Each topic's pieces, in reading order.
    pub pieces: Vec<Vec<Piece>>,
}

/// A roadmap's index, built on first use. A clone starts empty: the copy may be edited, and
/// an index of the original would then point at the wrong topics.
#[derive(Default)]
pub(crate) struct IndexCell(OnceLock<SearchIndex>);

impl IndexCell {
    pub fn get_or_init(&self, build: impl FnOnce() -> SearchIndex) -> &SearchIndex {
        self.0.get_or_init(build)
    }
}

impl Clone for IndexCell {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl fmt::Debug for IndexCell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.0.get().is_some() {
            "built"
        } else {
            "not built"
        };
        write!(f, "IndexCell({state})")
    }
}
