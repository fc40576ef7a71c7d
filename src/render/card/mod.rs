//! Cards: images members share (a member's progress, a leaderboard, a challenge's standing, a
//! member's check-in weeks). Each is an SVG built from a template under `templates/cards/`
//! (askama, which escapes every value put into it) and drawn by `raster`. Nothing here waits
//! or reads: the commands gather the values, the `cards` service draws off the async runtime.

pub mod challenge;
pub mod checkins;
pub mod fonts;
pub mod leaderboard;
pub mod progress;
pub mod raster;
pub mod standings;

/// Colours every card uses, chosen for contrast on the dark background.
pub mod palette {
    pub const BACKGROUND: &str = "#16181d";
    pub const TEXT: &str = "#f2f4f8";
    pub const MUTED: &str = "#a9b1bd";
    /// An empty bar, a missed week.
    pub const TRACK: &str = "#313744";
    /// A bar's filled part (Waypoint's accent, `render::reply::ACCENT`).
    pub const BAR: &str = "#2f80ed";
    /// A bar that reached its end: a complete phase, a reached target, a checked-in week.
    pub const COMPLETE: &str = "#3fb950";
    /// A week a freeze kept.
    pub const FROZEN: &str = "#8fd3ff";
    /// Behind initials, picked by the member's id so a member keeps one colour.
    pub const INITIALS: [&str; 6] = [
        "#8250df", "#bf3989", "#1f6feb", "#1a7f37", "#9a6700", "#cf222e",
    ];
}

/// The palette as every card's template reads it (`p.background`, …).
pub struct Palette {
    pub background: &'static str,
    pub text: &'static str,
    pub muted: &'static str,
    pub track: &'static str,
    pub bar: &'static str,
}

pub const PALETTE: Palette = Palette {
    background: palette::BACKGROUND,
    text: palette::TEXT,
    muted: palette::MUTED,
    track: palette::TRACK,
    bar: palette::BAR,
};

/// A card ready to draw: its SVG, what it shows in words (the attachment's alt text), the file
/// name it goes out under, and where the member's avatar goes, if it has one.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub svg: String,
    pub alt: String,
    pub file_name: &'static str,
    pub avatar: Option<Circle>,
}

/// A circle on the card, in its pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Circle {
    pub cx: f32,
    pub cy: f32,
    pub r: f32,
}

/// The colour behind a member's initials.
pub fn initials_colour(user: u64) -> &'static str {
    palette::INITIALS[(user % palette::INITIALS.len() as u64) as usize]
}

/// How much of `width` a bar of `count` out of `total` fills: exact, never past the end.
pub fn filled(width: f32, count: i64, total: i64) -> f32 {
    if total <= 0 {
        return 0.0;
    }
    width * (count.clamp(0, total) as f32 / total as f32)
}

/// `1234567` as `1,234,567`: numbers on a card are read at a glance.
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("−{out}")
    } else {
        out
    }
}

/// Alt text within Discord's limit for an attachment's description.
pub fn alt_text(text: String) -> String {
    crate::render::limits::truncate(&text, crate::render::limits::ATTACHMENT_DESCRIPTION)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1234567), "1,234,567");
        assert_eq!(grouped(-1500), "−1,500");
    }

    #[test]
    fn bars_fill_exactly_and_stop_at_the_end() {
        assert_eq!(filled(400.0, 5, 10), 200.0);
        assert_eq!(filled(400.0, 15, 10), 400.0);
        assert_eq!(filled(400.0, 3, 0), 0.0);
    }
}
