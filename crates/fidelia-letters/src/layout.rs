//! Measuring and wrapping text with the font's own glyph advances.

use printpdf::ParsedFont;
use std::sync::OnceLock;

pub(crate) static REGULAR_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
pub(crate) static BOLD_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Characters below this code point have their advance in a table (Latin, Latin-1, Latin
/// Extended-A/B); the rest are looked up in the font.
const TABLE: usize = 0x250;

/// A parsed font with its advances, for measuring.
pub(crate) struct Face {
    pub(crate) font: ParsedFont,
    upem: f32,
    advances: Vec<u16>,
}

impl Face {
    fn parse(bytes: &[u8]) -> Result<Face, String> {
        let mut warnings = Vec::new();
        let font = ParsedFont::from_bytes(bytes, 0, &mut warnings)
            .ok_or_else(|| format!("ParsedFont::from_bytes failed: {warnings:?}"))?;
        let upem = font.pdf_font_metrics.units_per_em as f32;
        if upem <= 0.0 {
            return Err("units_per_em is 0".into());
        }
        let notdef = font.get_horizontal_advance(0);
        let advances = (0..TABLE as u32)
            .map(|cp| {
                font.lookup_glyph_index(cp)
                    .map(|g| font.get_horizontal_advance(g))
                    .unwrap_or(notdef)
            })
            .collect();
        Ok(Face {
            font,
            upem,
            advances,
        })
    }

    fn advance(&self, c: char) -> u16 {
        let cp = c as usize;
        if cp < TABLE {
            self.advances[cp]
        } else {
            let gid = self.font.lookup_glyph_index(c as u32).unwrap_or(0);
            self.font.get_horizontal_advance(gid)
        }
    }

    /// Width of `s` at `size` points: Σ advance / units_per_em × size (no kerning, as drawn).
    pub(crate) fn width(&self, s: &str, size: f32) -> f32 {
        let units: u32 = s.chars().map(|c| self.advance(c) as u32).sum();
        units as f32 / self.upem * size
    }

    /// Wraps one paragraph (its words separated by spaces or tabs; line breaks are the caller's)
    /// to `max_width` points: greedy, whole words. A single word wider than the whole line (a
    /// long web address, say) is the only thing ever split, at character boundaries, so that
    /// nothing runs off the page.
    pub(crate) fn wrap(&self, text: &str, size: f32, max_width: f32) -> Vec<String> {
        let space = self.width(" ", size);
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut line_w = 0.0f32;
        for word in text.split([' ', '\t']).filter(|w| !w.is_empty()) {
            let w = self.width(word, size);
            if line.is_empty() {
                // fallthrough to placing on the empty line below
            } else if line_w + space + w <= max_width {
                line.push(' ');
                line.push_str(word);
                line_w += space + w;
                continue;
            } else {
                lines.push(std::mem::take(&mut line));
                line_w = 0.0;
            }
            if w <= max_width {
                line.push_str(word);
                line_w = w;
            } else {
                // Only for a word longer than the whole line.
                for c in word.chars() {
                    let cw = self.width(c.encode_utf8(&mut [0; 4]), size);
                    if !line.is_empty() && line_w + cw > max_width {
                        lines.push(std::mem::take(&mut line));
                        line_w = 0.0;
                    }
                    line.push(c);
                    line_w += cw;
                }
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }
}

pub(crate) struct Faces {
    pub(crate) regular: Face,
    pub(crate) bold: Face,
}

/// The two faces, parsed once per process.
pub(crate) fn faces() -> Result<&'static Faces, String> {
    static FACES: OnceLock<Result<Faces, String>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            Ok(Faces {
                regular: Face::parse(REGULAR_TTF)?,
                bold: Face::parse(BOLD_TTF)?,
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "¿Sabía que Ñoño y Pío llevan ocho años con nosotros? ¡Gracias, Begoña Ibáñez Muñoz! \
        Queremos darle las gracias de corazón por confiar en nosotros: «cada revisión, cada vacuna» — \
        y un vale de 10 € para su próxima visita. Anticonstitucionalidad, electroencefalografista, \
        otorrinolaringología y desoxirribonucleico son palabras largas que no se cortan nunca.";

    #[test]
    fn wrapped_lines_fit_the_width_and_keep_every_word_whole() {
        let f = faces().unwrap();
        for (face, size, width) in [
            (&f.regular, 11.0, 453.5),
            (&f.regular, 12.0, 300.0),
            (&f.bold, 11.0, 200.0),
            (&f.regular, 11.0, 150.0),
        ] {
            let lines = face.wrap(TEXT, size, width);
            assert!(lines.len() > 1);
            for line in &lines {
                let w = face.width(line, size);
                assert!(
                    w <= width + 0.01,
                    "line {line:?} is {w} pt wide, more than {width}"
                );
                assert!(!line.starts_with(' ') && !line.ends_with(' '));
            }
            // No word split, none lost, same order.
            let words: Vec<&str> = TEXT.split_whitespace().collect();
            let wrapped: Vec<&str> = lines.iter().flat_map(|l| l.split(' ')).collect();
            assert_eq!(words, wrapped);
            // Greedy: the next line's first word would not have fitted on the previous line.
            for pair in lines.windows(2) {
                let first = pair[1].split(' ').next().unwrap();
                let joined = format!("{} {first}", pair[0]);
                assert!(
                    face.width(&joined, size) > width,
                    "{joined:?} would have fitted"
                );
            }
        }
    }

    #[test]
    fn widths_come_from_the_glyph_advances() {
        let f = faces().unwrap();
        // DejaVu Sans: upem 2048, "M" advance 1767, "i" 569, space 651.
        let m = f.regular.width("M", 1000.0);
        assert!((m - 1767.0 / 2048.0 * 1000.0).abs() < 0.01, "{m}");
        assert!(f.regular.width("iiii", 11.0) < f.regular.width("MMMM", 11.0));
        assert!(f.bold.width("Begoña", 11.0) > f.regular.width("Begoña", 11.0));
        // Characters outside the table (— €) are measured too, not zero.
        assert!(f.regular.width("—", 11.0) > 5.0);
        assert!(f.regular.width("€", 11.0) > 3.0);
        assert_eq!(f.regular.width("", 11.0), 0.0);
    }

    #[test]
    fn a_word_longer_than_the_line_is_the_only_split() {
        let f = faces().unwrap();
        let url = "https://www.clinicaveterinaria.example/fidelizacion/cartas/2026/noviembre";
        let lines = f.regular.wrap(&format!("Vea {url} hoy"), 11.0, 150.0);
        assert!(lines.len() >= 3);
        for l in &lines {
            assert!(f.regular.width(l, 11.0) <= 150.01);
        }
        assert_eq!(lines.concat().replace(' ', ""), format!("Vea{url}hoy"));
    }
}
