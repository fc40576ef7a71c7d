//! A card's SVG drawn into a PNG by resvg (pure Rust: no system library, no browser), with the
//! member's avatar laid into its circle when there is one.

use resvg::tiny_skia::{FilterQuality, Paint, PathBuilder, Pattern, Pixmap, SpreadMode, Transform};
use resvg::usvg::{self, ImageHrefResolver};

use super::fonts::{fonts, FAMILY};
use super::{Card, Circle};

/// The largest avatar drawn, in pixels on a side; Discord's CDN serves the size asked for, so
/// anything larger is not an avatar we asked for.
const MAX_AVATAR_SIDE: u32 = 1024;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("the card's SVG is invalid: {0}")]
    Svg(String),
    #[error("the card has no size")]
    Empty,
    #[error("encoding the PNG failed: {0}")]
    Png(String),
}

/// The card as PNG bytes: [`pixels`], then [`encode`].
pub fn png(card: &Card, avatar: Option<&[u8]>) -> Result<Vec<u8>, RenderError> {
    encode(&pixels(card, avatar)?)
}

/// The card drawn. An avatar that is not a PNG of a sane size is left out, so the initials
/// drawn beneath it show.
pub fn pixels(card: &Card, avatar: Option<&[u8]>) -> Result<Pixmap, RenderError> {
    let mut pixmap = draw(card)?;
    if let (Some(slot), Some(bytes)) = (card.avatar, avatar) {
        if let Some(image) = decode_avatar(bytes) {
            lay_avatar(&mut pixmap, slot, &image);
        }
    }
    Ok(pixmap)
}

/// The pixels as a PNG. Compressed with the `png` crate's fast setting (fdeflate) rather than
/// tiny-skia's own encoder, which uses the slower balanced one: on a card's flat colours the
/// file is barely larger and encoding takes a fraction of the time (BENCHMARKS.md, "Cards").
pub fn encode(pixmap: &Pixmap) -> Result<Vec<u8>, RenderError> {
    let failed = |e: png::EncodingError| RenderError::Png(e.to_string());
    // PNG holds straight alpha; tiny-skia keeps it premultiplied.
    let mut straight = Vec::with_capacity(pixmap.data().len());
    for pixel in pixmap.pixels() {
        let c = pixel.demultiply();
        straight.extend_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()]);
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(failed)?;
    writer.write_image_data(&straight).map_err(failed)?;
    writer.finish().map_err(failed)?;
    Ok(out)
}

fn draw(card: &Card) -> Result<Pixmap, RenderError> {
    let options = usvg::Options {
        fontdb: fonts().db.clone(),
        font_family: FAMILY.to_string(),
        // Cards are built from our templates and never name an image or a file; refuse any.
        image_href_resolver: ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    };
    let tree =
        usvg::Tree::from_str(&card.svg, &options).map_err(|e| RenderError::Svg(e.to_string()))?;
    let size = tree.size().to_int_size();
    let mut pixmap = Pixmap::new(size.width(), size.height()).ok_or(RenderError::Empty)?;
    resvg::render(&tree, Transform::default(), &mut pixmap.as_mut());
    Ok(pixmap)
}

/// The PNG's width and height from its header, read before anything is allocated for it.
fn png_side(bytes: &[u8]) -> Option<(u32, u32)> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !bytes.starts_with(SIGNATURE) || bytes.get(12..16) != Some(b"IHDR") {
        return None;
    }
    let word = |at: usize| {
        bytes
            .get(at..at + 4)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map(u32::from_be_bytes)
    };
    Some((word(16)?, word(20)?))
}

fn decode_avatar(bytes: &[u8]) -> Option<Pixmap> {
    let (width, height) = png_side(bytes)?;
    if width == 0 || height == 0 || width > MAX_AVATAR_SIDE || height > MAX_AVATAR_SIDE {
        return None;
    }
    Pixmap::decode_png(bytes).ok()
}

fn lay_avatar(pixmap: &mut Pixmap, slot: Circle, image: &Pixmap) {
    let Some(circle) = PathBuilder::from_circle(slot.cx, slot.cy, slot.r) else {
        return;
    };
    let side = slot.r * 2.0;
    let scale = Transform::from_scale(side / image.width() as f32, side / image.height() as f32)
        .post_translate(slot.cx - slot.r, slot.cy - slot.r);
    let paint = Paint {
        shader: Pattern::new(
            image.as_ref(),
            SpreadMode::Pad,
            FilterQuality::Bicubic,
            1.0,
            scale,
        ),
        anti_alias: true,
        ..Paint::default()
    };
    pixmap.fill_path(
        &circle,
        &paint,
        resvg::tiny_skia::FillRule::Winding,
        Transform::identity(),
        None,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_small_png_is_taken_for_an_avatar() {
        let mut small = Pixmap::new(4, 4).unwrap();
        small.fill(resvg::tiny_skia::Color::WHITE);
        let bytes = small.encode_png().unwrap();
        assert_eq!(png_side(&bytes), Some((4, 4)));
        assert!(decode_avatar(&bytes).is_some());
        let huge = Pixmap::new(2048, 1).unwrap().encode_png().unwrap();
        assert!(decode_avatar(&huge).is_none());
        assert!(decode_avatar(b"<html>not an image</html>").is_none());
    }
}
