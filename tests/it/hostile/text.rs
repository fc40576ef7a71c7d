//! Hostile text: control characters, bidi overrides, emoji sequences, numbers that do not
//! fit, up to 6,000 characters; and the words Waypoint understands, alone or spoiled, so that
//! some input gets past the first check.

use std::collections::HashMap;
use std::sync::Arc;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use waypoint::commands::{OptionKind, Registry};
use waypoint::roadmap::Library;

use super::strategies::leaves;

/// Text that breaks naive code: control characters, bidi overrides, combining marks, emoji
/// sequences, quotes, mentions, numbers that do not fit, and nothing at all.
const NASTY: &[&str] = &[
    "",
    " ",
    "\t\r\n",
    "\0",
    "a\0b",
    "\u{7f}\u{1b}[31m",
    "\u{202e}evil",
    "\u{feff}",
    "\u{200b}",
    "e\u{301}\u{301}\u{301}",
    "👩\u{200d}👩\u{200d}👧\u{200d}👦",
    "🏳️\u{200d}🌈",
    "𝕳𝖊𝖑𝖑𝖔",
    "Ⱥ",
    "ß",
    "İ",
    "\"",
    "'",
    "\\",
    "`",
    "```",
    "||spoiler||",
    "**",
    "@everyone",
    "@here",
    "<@1>",
    "<@!18446744073709551615>",
    "<@&1>",
    "<#1>",
    "<t:99999999999999:R>",
    "0",
    "-0",
    "-1",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "1e308",
    "1e309",
    "NaN",
    "inf",
    "0x10",
    "１２",
    "٣",
    "%s%s%n",
    "{}",
    "$(reboot)",
    "'; DROP TABLE members; --",
    "\u{fffd}",
    "\u{10ffff}",
];

/// A single character repeated or a short sequence: long text cheap to shrink.
const UNITS: &[&str] = &[
    "a",
    "é",
    "e\u{301}",
    "👩\u{200d}👧",
    "\0",
    " ",
    "\n",
    "𝕳",
    "<@1>",
];

/// Any characters at all, control characters and unassigned code points included.
fn chars(len: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    vec(any::<char>(), len).prop_map(String::from_iter)
}

/// Long text, up to and just past Discord's 6,000 characters per message.
fn long() -> BoxedStrategy<String> {
    let count = prop_oneof![Just(6000usize), Just(2001usize), 100usize..6100];
    prop_oneof![
        (select(UNITS), count).prop_map(|(unit, n)| {
            let per = unit.chars().count();
            unit.repeat(n.div_ceil(per))
        }),
        chars(1000..6001),
    ]
    .boxed()
}

/// Arbitrary text, with a bias towards what breaks things.
pub fn text() -> BoxedStrategy<String> {
    prop_oneof![
        4 => chars(0..40),
        3 => select(NASTY).prop_map(str::to_string),
        1 => chars(40..400),
        1 => long(),
        1 => (select(NASTY), chars(0..10), select(NASTY))
            .prop_map(|(a, b, c)| format!("{a}{b}{c}")),
    ]
    .boxed()
}

/// Words Waypoint understands, from its content and its options, in general and for the
/// options that need a particular kind (dates, times, zones, topics, challenge names):
/// reaching past the first check needs some of them.
pub struct Vocabulary {
    words: Vec<String>,
    hints: HashMap<&'static str, Vec<String>>,
}

/// Good values for options by name; the seeded server has a challenge called "Sprint".
const HINTS: &[(&[&str], &[&str])] = &[
    (
        &["start", "end"],
        &[
            "2026-11-27",
            "2026-11-28",
            "2026-12-01",
            "2026-12-20",
            "2027-01-31",
            "2026-11-26",
            "2027-11-30",
        ],
    ),
    (
        &["time", "reminder-time"],
        &["18:00", "09:30", "00:00", "23:59", "12:00"],
    ),
    (
        &["timezone", "zone"],
        &[
            "UTC",
            "Europe/Berlin",
            "America/New_York",
            "Asia/Kolkata",
            "Pacific/Chatham",
            "America/Santiago",
        ],
    ),
    (
        &["query"],
        &[
            "pytorh tensor",
            "gradient",
            "the how",
            "docker kubernetes cloud",
            "python",
        ],
    ),
    (
        &["name", "challenge"],
        &[
            "Sprint",
            "sprint",
            "Marathon",
            "December sprint",
            "Week one",
        ],
    ),
    (
        &["proof"],
        &[
            "https://github.com/you/project",
            "https://example.com/notebook",
        ],
    ),
];

impl Vocabulary {
    pub fn new(library: &Library, registry: &Registry) -> Arc<Self> {
        let mut words: Vec<String> = [
            "UTC",
            "Europe/Berlin",
            "europe/berlin",
            "America/Santiago",
            "Asia/Kathmandu",
            "Pacific/Kiritimati",
            "Etc/GMT+12",
            "2026-11-27",
            "2026-11-26",
            "2026-12-31",
            "2027-01-01",
            "2026-02-29",
            "2026-13-01",
            "9999-12-31",
            "0001-01-01",
            "+10000-01-01",
            "18:00",
            "00:00",
            "23:59",
            "24:00",
            "18:60",
            "7:5",
            "Monday",
            "friday",
            "SUNDAY",
            "done",
            "learning",
            "skipped",
            "not-started",
            "topics",
            "checkins",
            "phase",
            "week",
            "month",
            "all",
            "on",
            "off",
            "yes",
            "partly",
            "no",
            "Sprint",
            "sprint",
            "December sprint",
            "https://github.com/you/project",
            "http://x",
            "https://",
            "javascript:alert(1)",
            "ftp://example.com",
            "<@222222222222222222>",
            "<#343434343434343434>",
            "#343434343434343434",
            "<@&1>",
        ]
        .map(str::to_string)
        .to_vec();
        let mut topics = Vec::new();
        for roadmap in &library.roadmaps {
            for found in roadmap.topics() {
                topics.push(found.topic.id.clone());
                words.push(found.topic.title.clone());
            }
            for phase in &roadmap.phases {
                words.push(phase.number.to_string());
            }
        }
        words.extend(topics.iter().cloned());
        for leaf in leaves(registry) {
            for option in &leaf.options {
                if let OptionKind::String { choices, .. } = &option.kind {
                    words.extend(choices.iter().map(|c| c.to_string()));
                }
            }
        }
        words.sort();
        words.dedup();
        let mut hints: HashMap<&'static str, Vec<String>> = HashMap::new();
        for (names, values) in HINTS {
            for name in *names {
                hints.insert(name, values.iter().map(|v| v.to_string()).collect());
            }
        }
        hints.insert("topic", topics);
        Arc::new(Self { words, hints })
    }

    /// A word Waypoint knows.
    pub fn word(self: &Arc<Self>) -> BoxedStrategy<String> {
        select(self.words.clone()).boxed()
    }

    /// A good value for the option `name`, or a word Waypoint knows when it has no hints.
    pub fn good(self: &Arc<Self>, name: &str) -> BoxedStrategy<String> {
        match self.hints.get(name) {
            Some(hints) => select(hints.clone()).boxed(),
            None => self.word(),
        }
    }

    /// Mostly words Waypoint knows, alone, padded or spoiled; sometimes anything at all.
    pub fn text(self: &Arc<Self>) -> BoxedStrategy<String> {
        let word = || self.word();
        prop_oneof![
            3 => word(),
            3 => text(),
            1 => (word(), text()).prop_map(|(w, t)| format!("{w}{t}")),
            1 => (text(), word()).prop_map(|(t, w)| format!("{t}{w}")),
            1 => (word(), select(&["  ", "\t", "\n", "\"", "\0", "\u{200b}"][..]))
                .prop_map(|(w, pad)| format!("{pad}{w}{pad}")),
            1 => word().prop_map(|w| w.to_uppercase()),
        ]
        .boxed()
    }

    /// Text for the option `name`: its good values, spoiled versions of them, or anything.
    pub fn text_for(self: &Arc<Self>, name: &str) -> BoxedStrategy<String> {
        let good = || self.good(name);
        prop_oneof![
            3 => good(),
            3 => self.text(),
            1 => (good(), text()).prop_map(|(w, t)| format!("{w}{t}")),
            1 => good().prop_map(|w| format!("  {w}\n")),
        ]
        .boxed()
    }
}
