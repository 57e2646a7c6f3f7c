//! A plain document on the clinic's letterhead: a title, a line under it, and sections of
//! lines (a heading each), continued over as many pages as needed. What a client is given when
//! they ask what the clinic holds about them. The words come in already written.

use printpdf::PdfDocument;

use crate::layout::faces;
use crate::render::{
    embed, save, Writer, ACCENT, BODY_SIZE, BOTTOM, MARGIN_X, MM, MUTED, SMALL_SIZE, TEXT, TEXT_W,
};
use crate::{LetterError, Letterhead};

/// One section: its heading and its lines (each wrapped to the page).
#[derive(Debug, Clone, Default)]
pub struct Section {
    pub heading: String,
    pub lines: Vec<String>,
}

const TITLE_SIZE: f32 = 15.0;
const HEADING_SIZE: f32 = 12.0;
const LINE: f32 = BODY_SIZE * 1.35;

/// The document as PDF bytes.
pub fn render_document(
    head: &Letterhead,
    title: &str,
    subtitle: &str,
    sections: &[Section],
) -> Result<Vec<u8>, LetterError> {
    let faces = faces().map_err(LetterError::Font)?;
    let mut doc = PdfDocument::new(title);
    let (logo, fonts) = embed(&mut doc, head, faces)?;
    let mut w = Writer::new(faces, &fonts);
    w.letterhead(head, logo.as_ref());
    w.y -= 12.0 * MM;
    for line in faces.bold.wrap(title, TITLE_SIZE, TEXT_W) {
        w.text(&line, MARGIN_X, w.y, true, TITLE_SIZE, ACCENT);
        w.y -= TITLE_SIZE * 1.3;
    }
    for line in faces.regular.wrap(subtitle, SMALL_SIZE, TEXT_W) {
        w.text(&line, MARGIN_X, w.y, false, SMALL_SIZE, MUTED);
        w.y -= SMALL_SIZE * 1.5;
    }
    for s in sections {
        // A heading never ends a page alone: it needs itself and a line below it.
        if w.y - HEADING_SIZE * 2.0 - LINE < BOTTOM {
            w.new_page(head);
        }
        w.y -= HEADING_SIZE;
        w.text(&s.heading, MARGIN_X, w.y, true, HEADING_SIZE, ACCENT);
        w.y -= HEADING_SIZE * 0.6;
        w.rule(w.y, 0.4);
        w.y -= LINE;
        for text in &s.lines {
            for line in faces.regular.wrap(text, BODY_SIZE, TEXT_W) {
                if w.y < BOTTOM {
                    w.new_page(head);
                }
                w.text(&line, MARGIN_X, w.y, false, BODY_SIZE, TEXT);
                w.y -= LINE;
            }
        }
    }
    Ok(save(doc, w.finish()))
}
