//! The cards as drawn from fixed values: compared with golden images (within a tolerance, so a
//! renderer's rounding does not fail them; `scripts/bless-cards` draws them again, nobody edits
//! them by hand), and drawn for hostile names, which must neither break the SVG nor come out
//! blank.

use std::path::PathBuf;

use waypoint::render::card::{progress, raster};

use crate::card_samples::{cards, progress_view};
use crate::cards::{decode, drawn_in, hex, near, rgb};

/// Set to draw the golden images again instead of comparing with them.
const BLESS: &str = "WAYPOINT_BLESS_CARDS";
/// A pixel counts as different past this in any channel, and a card may differ in this share
/// of its pixels (text edges, where renderers round differently).
const CHANNEL_TOLERANCE: u8 = 24;
const PIXELS_TOLERANCE: f64 = 0.005;

fn golden(name: &str) -> PathBuf {
    crate::support::repo_path(&format!("tests/golden/cards/{name}.png"))
}

#[test]
fn every_card_matches_its_golden_image() {
    let bless = std::env::var_os(BLESS).is_some();
    for (name, card) in cards() {
        let png = raster::png(&card, None).expect("the card draws");
        assert!(png.len() <= 200 * 1024, "{name}: {} bytes", png.len());
        if bless {
            std::fs::write(golden(name), &png).unwrap();
            continue;
        }
        let expected = std::fs::read(golden(name))
            .unwrap_or_else(|_| panic!("no golden image for {name}: run scripts/bless-cards"));
        let (got, want) = (decode(&png), decode(&expected));
        assert_eq!(
            (got.width(), got.height()),
            (want.width(), want.height()),
            "{name}: the size changed"
        );
        let differing = got
            .pixels()
            .iter()
            .zip(want.pixels())
            .filter(|(a, b)| {
                let (a, b) = (a.demultiply(), b.demultiply());
                [
                    a.red().abs_diff(b.red()),
                    a.green().abs_diff(b.green()),
                    a.blue().abs_diff(b.blue()),
                    a.alpha().abs_diff(b.alpha()),
                ]
                .into_iter()
                .any(|d| d > CHANNEL_TOLERANCE)
            })
            .count();
        let share = differing as f64 / got.pixels().len() as f64;
        if share > PIXELS_TOLERANCE {
            let seen = std::env::temp_dir().join(format!("waypoint-card-{name}.png"));
            std::fs::write(&seen, &png).unwrap();
            panic!(
                "{name}: {:.2}% of pixels differ from the golden image; this run's is at {}. If \
                 the change is meant, run scripts/bless-cards and review the diff.",
                share * 100.0,
                seen.display()
            );
        }
    }
}

#[test]
fn hostile_names_neither_break_the_svg_nor_come_out_blank() {
    let long = "W".repeat(200);
    for name in [
        "<script>alert(1)</script>",
        "Tom & \"Jerry\" <b>",
        "مريم الحسيني",
        "שלום עולם",
        long.as_str(),
        "😀🎉👩🏽‍💻",
        "\u{202E}evil\u{202C}",
    ] {
        let card = progress::card(&progress_view(name));
        assert!(!card.svg.contains("<script"), "{name}: {}", card.svg);
        assert!(!card.svg.contains("<b>"), "{name}");
        let png = raster::png(&card, None).unwrap_or_else(|e| panic!("{name}: {e}"));
        let image = decode(&png);
        assert_eq!(
            (image.width(), image.height()),
            (progress::WIDTH, progress::HEIGHT)
        );
        assert!(
            drawn_in(&image, (190, 980), (45, 85)),
            "{name}: the name is blank"
        );
        // The initials' circle is drawn whatever the name.
        assert!(near(
            rgb(&image, 100.0, 50.0),
            hex(waypoint::render::card::initials_colour(42))
        ));
    }
    // The escaped name is in the SVG as text, and an emoji-only name shows placeholders.
    let card = progress::card(&progress_view("<script>"));
    assert!(card.svg.contains("&#60;script&#62;"), "{}", card.svg);
    let card = progress::card(&progress_view("🎉🦀"));
    assert!(card.svg.contains("□□"), "{}", card.svg);
    // 200 characters are cut to what fits, with an ellipsis.
    let card = progress::card(&progress_view(&long));
    assert!(card.svg.contains(&format!("{}…", "W".repeat(25))));
    assert!(!card.svg.contains(&"W".repeat(27)));
}
