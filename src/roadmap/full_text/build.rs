//! Building a roadmap's index from its topics, and reading a piece's text back from a topic.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use bm25::{EmbedderBuilder, Embedding, Scorer, TokenEmbedder};

use super::index::{Field, Piece, SearchIndex};
use super::terms::{letters, Words};
use crate::roadmap::model::{Roadmap, TopicRef};

/// How many times a topic's title counts in its text: a word of the title says more about
/// the topic than the same word in a sentence of why it matters.
const TITLE_WEIGHT: usize = 3;

/// Words longer than this are kept whole but never looked at for typos (a pasted address,
/// say), which bounds a query's work.
pub(crate) const LONGEST_WORD: usize = 40;

/// The roadmap's index, built the first time it is asked for.
pub(crate) fn index_of(roadmap: &Roadmap) -> &SearchIndex {
    roadmap.search_index.get_or_init(|| build(roadmap))
}

/// The key of a stem in the BM25 scorer.
pub(crate) fn key(stem: &str) -> u32 {
    <u32 as TokenEmbedder>::embed(stem)
}

fn build(roadmap: &Roadmap) -> SearchIndex {
    let words = Words::default();
    let topics: Vec<TopicRef<'_>> = roadmap.topics().collect();
    let mut vocabulary = BTreeMap::new();
    let mut pieces = Vec::with_capacity(topics.len());
    for topic in &topics {
        let mut own = Vec::new();
        for (field, item, text) in texts_of(*topic) {
            // Names and items keep their full stops ("Allen B. Downey"); paragraphs are cut.
            let ranges = match field {
                Field::Why | Field::Action => sentences(text),
                _ => std::iter::once(0..text.len()).collect(),
            };
            for range in ranges {
                let mut stems = Vec::new();
                for word in Words::split(&text[range.clone()]) {
                    let stem = key(&words.stem(&word));
                    stems.push(stem);
                    vocabulary.entry(word).or_insert(stem);
                }
                own.push(Piece {
                    field,
                    item,
                    range,
                    stems,
                });
            }
        }
        pieces.push(own);
    }
    // The pieces hold every word BM25 counts, but for the title's extra copies: the average
    // length comes from them rather than from stemming every text once more.
    let words_counted: usize = pieces
        .iter()
        .flatten()
        .map(|p| {
            p.stems.len()
                * if p.field == Field::Title {
                    TITLE_WEIGHT
                } else {
                    1
                }
        })
        .sum();
    let average = words_counted as f32 / topics.len().max(1) as f32;
    let embedder = EmbedderBuilder::<u32, Words>::with_avgdl(average).build();
    let mut scorer = Scorer::new();
    for (place, topic) in topics.iter().enumerate() {
        scorer.upsert(&place, distinct(embedder.embed(&whole_text(topic))));
    }
    let vocabulary: Vec<(String, u32)> = vocabulary.into_iter().collect();
    let mut by_length = vec![Vec::new(); LONGEST_WORD + 1];
    for (place, (word, _)) in vocabulary.iter().enumerate() {
        if let Some(bucket) = by_length.get_mut(word.chars().count()) {
            bucket.push(place);
        }
    }
    SearchIndex {
        words,
        scorer,
        stems: vocabulary.iter().map(|(_, stem)| *stem).collect(),
        letters: vocabulary.iter().map(|(word, _)| letters(word)).collect(),
        vocabulary,
        by_length,
        pieces,
    }
}

/// A token repeated in a text is embedded once per time it occurs, each with the same value;
/// the scorer reads the first, so the rest only slow it down.
fn distinct(embedding: Embedding<u32>) -> Embedding<u32> {
    let mut seen = HashSet::new();
    Embedding(
        embedding
            .0
            .into_iter()
            .filter(|t| seen.insert(t.index))
            .collect(),
    )
}

/// Everything searched in a topic, as one text for BM25.
fn whole_text(topic: &TopicRef<'_>) -> String {
    let mut text = vec![topic.topic.title.as_str(); TITLE_WEIGHT - 1];
    text.extend(texts_of(*topic).map(|(_, _, t)| t));
    text.join("\n")
}

/// Each searched text of a topic with its field and item.
fn texts_of<'a>(topic: TopicRef<'a>) -> impl Iterator<Item = (Field, usize, &'a str)> {
    let t = topic.topic;
    let one = |field, text: &'a String| (field, 0, text.as_str());
    let many = |field, texts: Vec<&'a str>| {
        texts
            .into_iter()
            .enumerate()
            .map(move |(item, text)| (field, item, text))
    };
    [
        one(Field::Title, &t.title),
        one(Field::Id, &t.id),
        one(Field::Why, &t.why),
        one(Field::Action, &t.action),
        one(Field::Section, &topic.section.title),
    ]
    .into_iter()
    .chain(many(
        Field::Alias,
        t.aliases.iter().map(String::as_str).collect(),
    ))
    .chain(many(
        Field::Learn,
        t.learn.iter().map(String::as_str).collect(),
    ))
    .chain(many(
        Field::Resource,
        t.resources.iter().map(|r| r.name.as_str()).collect(),
    ))
}

/// The text of a piece of `topic`; the whole field's if the piece no longer fits it.
pub(crate) fn piece_text<'a>(topic: TopicRef<'a>, piece: &Piece) -> &'a str {
    let t = topic.topic;
    let whole = match piece.field {
        Field::Title => Some(t.title.as_str()),
        Field::Id => Some(t.id.as_str()),
        Field::Why => Some(t.why.as_str()),
        Field::Action => Some(t.action.as_str()),
        Field::Section => Some(topic.section.title.as_str()),
        Field::Alias => t.aliases.get(piece.item).map(String::as_str),
        Field::Learn => t.learn.get(piece.item).map(String::as_str),
        Field::Resource => t.resources.get(piece.item).map(|r| r.name.as_str()),
    }
    .unwrap_or(t.title.as_str());
    whole.get(piece.range.clone()).unwrap_or(whole)
}

/// The sentences of a text, as byte ranges without the space between them: a hit's reason
/// quotes the one that matched rather than a whole paragraph.
fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let ends = matches!(c, '.' | '!' | '?')
            && chars.peek().is_some_and(|(_, next)| next.is_whitespace());
        if ends {
            found.push(start..at + c.len_utf8());
            start = at + c.len_utf8();
            while let Some((next, space)) = chars.peek() {
                if !space.is_whitespace() {
                    break;
                }
                start = next + space.len_utf8();
                chars.next();
            }
        }
    }
    if start < text.len() || found.is_empty() {
        found.push(start..text.len());
    }
    found
}

#[cfg(test)]
mod tests {
    use super::sentences;

    #[test]
    fn sentences_split_after_stops_followed_by_space() {
        let parts = |text: &'static str| -> Vec<&'static str> {
            sentences(text).into_iter().map(|r| &text[r]).collect()
        };
        assert_eq!(
            parts("One. Two? Three!  Four 3.5 five"),
            ["One.", "Two?", "Three!", "Four 3.5 five"]
        );
        assert_eq!(parts(""), [""]);
        assert_eq!(parts("End."), ["End."]);
    }
}
