//! Finding topics from what a member typed: autocomplete and "did you mean" suggestions.

use super::model::{Roadmap, TopicRef};

/// Topics matching partial input, best first, at most `limit`.
///
/// Ranking: id prefix, then a title word prefix, then a substring anywhere, then typo-tolerant
/// similarity. Empty input lists topics in roadmap order, so the menu doubles as a browser.
pub fn complete<'a>(roadmap: &'a Roadmap, input: &str, limit: usize) -> Vec<TopicRef<'a>> {
    let query = normalize(input);
    let mut ranked: Vec<(u8, usize, TopicRef<'a>)> = roadmap
        .topics()
        .enumerate()
        .filter_map(|(order, t)| rank(&query, &t).map(|r| (r, order, t)))
        .collect();
    ranked.sort_by_key(|(rank, order, _)| (*rank, *order));
    if ranked.is_empty() && !query.is_empty() {
        return suggest(roadmap, input, limit);
    }
    ranked.into_iter().take(limit).map(|(_, _, t)| t).collect()
}

fn rank(query: &str, topic: &TopicRef<'_>) -> Option<u8> {
    if query.is_empty() {
        return Some(0);
    }
    let id = topic.topic.id.as_str();
    let title = normalize(&topic.topic.title);
    if id.starts_with(query) {
        Some(0)
    } else if title.starts_with(query) || title.split(' ').any(|w| w.starts_with(query)) {
        Some(1)
    } else if id.contains(query) || title.contains(query) {
        Some(2)
    } else {
        None
    }
}

/// Topics whose id or title looks like `input`, for "did you mean" hints; best first.
pub fn suggest<'a>(roadmap: &'a Roadmap, input: &str, limit: usize) -> Vec<TopicRef<'a>> {
    let query = normalize(input);
    let mut scored: Vec<(f64, TopicRef<'a>)> = roadmap
        .topics()
        .map(|t| (similarity(&query, &t), t))
        .filter(|(score, _)| *score >= 0.75)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(limit).map(|(_, t)| t).collect()
}

fn similarity(query: &str, topic: &TopicRef<'_>) -> f64 {
    let title = normalize(&topic.topic.title);
    let words = title
        .split(' ')
        .chain(topic.topic.id.split('-'))
        .map(|w| strsim::jaro_winkler(query, w));
    words
        .chain([
            strsim::jaro_winkler(query, &topic.topic.id),
            strsim::jaro_winkler(query, &title),
        ])
        .fold(0.0, f64::max)
}

/// Finds a topic by exact id, or by id or title ignoring case and spacing.
pub fn find<'a>(roadmap: &'a Roadmap, input: &str) -> Option<TopicRef<'a>> {
    let query = normalize(input);
    roadmap.topic(input.trim()).or_else(|| {
        roadmap
            .topics()
            .find(|t| t.topic.id == query.replace(' ', "-") || normalize(&t.topic.title) == query)
    })
}

fn normalize(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
