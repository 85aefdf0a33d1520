//! The two embedded faces, parsed once per process, and the metrics that
//! place text: glyph ids and advance widths straight from the font's tables.

use std::sync::LazyLock;

use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

static REGULAR_DATA: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD_DATA: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

static REGULAR: LazyLock<Face> = LazyLock::new(|| Face::load(REGULAR_DATA));
static BOLD: LazyLock<Face> = LazyLock::new(|| Face::load(BOLD_DATA));

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

impl Weight {
    pub(crate) fn face(self) -> &'static Face {
        match self {
            Weight::Regular => &REGULAR,
            Weight::Bold => &BOLD,
        }
    }
}

/// A font ready for layout: every Basic Multilingual Plane character's glyph
/// and advance (in ems), looked up by index so measuring a line costs one
/// array read per character.
pub(crate) struct Face {
    pub(crate) font: Font,
    /// Indexed by code point; glyph 0 (`.notdef`) where the font has none.
    glyphs: Vec<(u16, f32)>,
}

impl Face {
    fn load(data: &'static [u8]) -> Face {
        let font = Font::new(data.into(), 0).expect("the embedded font parses");
        let reader = FontRef::new(data).expect("the embedded font parses");
        let metrics = reader.glyph_metrics(Size::unscaled(), LocationRef::default());
        let units_per_em = f32::from(
            reader
                .metrics(Size::unscaled(), LocationRef::default())
                .units_per_em,
        );
        let advance =
            |gid: skrifa::GlyphId| metrics.advance_width(gid).unwrap_or(0.0) / units_per_em;
        let notdef = (0u16, advance(skrifa::GlyphId::new(0)));
        let mut glyphs = vec![notdef; 0x1_0000];
        for (code_point, gid) in reader.charmap().mappings() {
            if let (Some(slot), Ok(id)) = (
                glyphs.get_mut(code_point as usize),
                u16::try_from(gid.to_u32()),
            ) {
                *slot = (id, advance(gid));
            }
        }
        Face { font, glyphs }
    }

    fn lookup(&self, ch: char) -> (u16, f32) {
        self.glyphs
            .get(ch as usize)
            .copied()
            .unwrap_or(self.glyphs[0])
    }

    /// Width of `text` at `size` points.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|ch| self.lookup(ch).1).sum::<f32>() * size
    }

    /// One glyph per character, each mapped back to its bytes in `text` so
    /// the PDF's text stays extractable.
    pub(crate) fn glyphs(&self, text: &str) -> Vec<KrillaGlyph> {
        text.char_indices()
            .map(|(start, ch)| {
                let (id, advance) = self.lookup(ch);
                KrillaGlyph::new(
                    GlyphId::new(u32::from(id)),
                    advance,
                    0.0,
                    0.0,
                    0.0,
                    start..start + ch.len_utf8(),
                    None,
                )
            })
            .collect()
    }

    /// Whether the face draws `ch` (rather than `.notdef`).
    #[cfg(test)]
    pub(crate) fn has(&self, ch: char) -> bool {
        self.lookup(ch).0 != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faces_cover_french_text_and_amounts() {
        for weight in [Weight::Regular, Weight::Bold] {
            for ch in "éèêëàâçîïôûùüÿœæÉÈÀÇŒ€«»’—–…•×\u{202f}\u{a0}°".chars()
            {
                assert!(weight.face().has(ch), "{ch:?} missing from {weight:?}");
            }
        }
    }

    #[test]
    fn widths_come_from_the_font() {
        let face = Weight::Regular.face();
        // DejaVu Sans digits are 1303 units of 2048 wide: tabular figures.
        let digit = face.width("0", 1000.0);
        assert!((digit - 636.23).abs() < 0.1, "{digit}");
        assert_eq!(face.width("1234", 10.0), face.width("9876", 10.0));
        assert!(Weight::Bold.face().width("Décompte", 10.0) > face.width("Décompte", 10.0));
    }
}
