//! The fonts every card is drawn with, built into the binary so that a card looks the same on
//! every machine (`assets/fonts/`, with their licence), and what to draw for text they cannot.

use std::collections::HashSet;
use std::sync::{Arc, LazyLock};

use resvg::usvg::fontdb;
use skrifa::MetadataProvider;

/// The family the templates name.
pub const FAMILY: &str = "DejaVu Sans";
/// Drawn for a character no bundled font has (an emoji, a CJK name): visible, never a blank.
pub const PLACEHOLDER: char = '□';

const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

pub struct Fonts {
    pub db: Arc<fontdb::Database>,
    /// Every character some bundled font draws.
    covered: HashSet<char>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let mut db = fontdb::Database::new();
    let mut covered = HashSet::new();
    for data in [REGULAR, BOLD] {
        db.load_font_data(data.to_vec());
        if let Ok(font) = skrifa::FontRef::new(data) {
            covered.extend(
                font.charmap()
                    .mappings()
                    .filter_map(|(code, _)| char::from_u32(code)),
            );
        }
    }
    db.set_sans_serif_family(FAMILY);
    Fonts {
        db: Arc::new(db),
        covered,
    }
});

pub fn fonts() -> &'static Fonts {
    &FONTS
}

impl Fonts {
    pub fn covers(&self, c: char) -> bool {
        self.covered.contains(&c)
    }
}

/// `text` as the cards can draw it, at most `max` characters: joiners, variation selectors,
/// skin tones and controls (parts of an emoji, or invisible) are left out, and each
/// character no bundled font has becomes [`PLACEHOLDER`]. Never empty when `text` has
/// anything visible.
pub fn printable(text: &str, max: usize) -> String {
    let fonts = fonts();
    let drawn: String = text
        .chars()
        .filter(|c| !invisible(*c))
        .map(|c| if fonts.covers(c) { c } else { PLACEHOLDER })
        .collect();
    crate::render::limits::truncate(drawn.trim(), max)
}

/// The name as the card draws it, or "A member" when nothing of it can be drawn.
pub fn shown_name(name: &str) -> String {
    let drawn = printable(name, 26);
    if drawn.is_empty() {
        "A member".to_string()
    } else {
        drawn
    }
}

fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200D}' // zero-width space and joiners
            | '\u{2060}' // word joiner
            | '\u{FE00}'..='\u{FE0F}' // variation selectors
            | '\u{20E3}' // combining keycap
            | '\u{1F3FB}'..='\u{1F3FF}' // skin tones
            | '\u{E0020}'..='\u{E007F}' // tags (subdivision flags)
            | '\u{FEFF}')
}

/// Up to two letters for an avatar that could not be fetched: the first of the first two
/// words, upper-cased.
pub fn initials(name: &str) -> String {
    let letters: String = printable(name, usize::MAX)
        .split_whitespace()
        .filter_map(|word| {
            word.chars()
                .find(|c| c.is_alphanumeric() || *c == PLACEHOLDER)
        })
        .take(2)
        .flat_map(char::to_uppercase)
        .collect();
    if letters.is_empty() {
        PLACEHOLDER.to_string()
    } else {
        letters
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_no_font_has_becomes_a_visible_placeholder() {
        assert_eq!(printable("Ada Lovelace", 40), "Ada Lovelace");
        // Arabic, Hebrew and Cyrillic are in DejaVu Sans.
        assert_eq!(printable("مريم", 40), "مريم");
        assert_eq!(printable("Дмитрий", 40), "Дмитрий");
        // An emoji (with a skin tone and a joiner) and CJK are not.
        assert_eq!(printable("🎉🦀", 40), "□□");
        assert_eq!(printable("李小龙", 40), "□□□");
        assert_eq!(printable("\u{200B}\u{0007}", 40), "");
    }

    #[test]
    fn long_names_are_cut_with_an_ellipsis() {
        let long = "a".repeat(200);
        let cut = printable(&long, 24);
        assert_eq!(cut.chars().count(), 24);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn initials_take_two_words() {
        assert_eq!(initials("ada lovelace byron"), "AL");
        assert_eq!(initials("  grace "), "G");
        assert_eq!(initials("😀"), "□");
        assert_eq!(initials(""), "□");
    }
}
