//! The PDF: letterhead, date, greeting, wrapped body, closing and signature on A4 pages.

use crate::layout::{faces, Face, Faces};
use crate::{LetterData, LetterError, Letterhead};
use base64::Engine as _;
use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions,
    Point, Pt, RawImage, Rgb, TextItem, XObjectId, XObjectTransform,
};

// Geometry, in points (1 mm = 72 / 25.4 pt). A4, origin bottom-left.
pub(crate) const MM: f32 = 72.0 / 25.4;
pub(crate) const PAGE_W: f32 = 210.0 * MM;
pub(crate) const PAGE_H: f32 = 297.0 * MM;
pub(crate) const MARGIN_X: f32 = 25.0 * MM;
pub(crate) const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN_X;
/// No body baseline below this.
pub(crate) const BOTTOM: f32 = 25.0 * MM;
/// The letterhead's top edge (logo top; the clinic name's cap height).
const HEAD_TOP: f32 = PAGE_H - 18.0 * MM;
const LOGO_MAX_W: f32 = 34.0 * MM;
const LOGO_MAX_H: f32 = 20.0 * MM;
/// First body baseline on a continuation page (under the small running header).
const CONT_TOP: f32 = PAGE_H - 32.0 * MM;

const NAME_SIZE: f32 = 16.0;
const CONTACT_SIZE: f32 = 9.0;
pub(crate) const BODY_SIZE: f32 = 11.5;
const LEADING: f32 = BODY_SIZE * 1.42;
const PARAGRAPH_GAP: f32 = BODY_SIZE * 0.85;
pub(crate) const SMALL_SIZE: f32 = 8.5;
/// Room left for the handwritten signature between the closing and the name.
const SIGNATURE_ROOM: f32 = 20.0 * MM;

pub(crate) const TEXT: (f32, f32, f32) = (0.16, 0.17, 0.18); // #292b2e, dark grey
pub(crate) const MUTED: (f32, f32, f32) = (0.36, 0.38, 0.40); // #5c6166, secondary text
pub(crate) const ACCENT: (f32, f32, f32) = (
    0x0d as f32 / 255.0,
    0x6b as f32 / 255.0,
    0x62 as f32 / 255.0,
); // #0d6b62

/// One letter, one PDF. A long letter continues on the following pages.
pub fn render_letter(head: &Letterhead, letter: &LetterData) -> Result<Vec<u8>, LetterError> {
    render_batch(head, std::slice::from_ref(letter))
}

/// Many letters in one PDF, each starting on a new page; the fonts and the logo are embedded once.
pub fn render_batch(head: &Letterhead, letters: &[LetterData]) -> Result<Vec<u8>, LetterError> {
    if letters.is_empty() {
        return Err(LetterError::NoLetters);
    }
    let faces = faces().map_err(LetterError::Font)?;
    let title = match letters {
        [one] => format!("{} — {}", head.clinic_name.trim(), one.client_name.trim()),
        _ => head.clinic_name.trim().to_string(),
    };
    let mut doc = PdfDocument::new(&title);
    let (logo, fonts) = embed(&mut doc, head, faces)?;
    let mut pages = Vec::new();
    for letter in letters {
        let mut w = Writer::new(faces, &fonts);
        w.letter(head, logo.as_ref(), letter);
        pages.extend(w.finish());
    }
    Ok(save(doc, pages))
}

/// The letterhead's logo and the two faces, embedded once in `doc`.
pub(crate) fn embed(
    doc: &mut PdfDocument,
    head: &Letterhead,
    faces: &Faces,
) -> Result<(Option<Logo>, Fonts), LetterError> {
    let logo = match decode_logo(&head.logo_data_url)? {
        Some(img) => {
            let (w, h) = (img.width as f32, img.height as f32);
            let id = doc.add_image(&img);
            Some(Logo {
                id,
                w_px: w,
                h_px: h,
            })
        }
        None => None,
    };
    let fonts = Fonts {
        regular: doc.add_font(&faces.regular.font),
        bold: doc.add_font(&faces.bold.font),
    };
    Ok((logo, fonts))
}

/// The document with its pages, as PDF bytes.
pub(crate) fn save(mut doc: PdfDocument, pages: Vec<PdfPage>) -> Vec<u8> {
    let mut warnings = Vec::new();
    doc.with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut warnings)
}

pub(crate) struct Fonts {
    pub(crate) regular: FontId,
    pub(crate) bold: FontId,
}

pub(crate) struct Logo {
    id: XObjectId,
    w_px: f32,
    h_px: f32,
}

/// The largest logo decoded, in pixels (4,000 × 4,000): a small PNG of one colour can
/// unpack to gigabytes, so the size is read from the header first.
pub const LOGO_MAX_PIXELS: u64 = 16_000_000;

/// A logo's width and height in pixels, read from its header without decoding it; refused
/// over [`LOGO_MAX_PIXELS`]. `""` → none.
pub fn logo_size(data_url: &str) -> Result<Option<(u32, u32)>, LetterError> {
    let Some(bytes) = logo_bytes(data_url)? else {
        return Ok(None);
    };
    let size = imagesize::blob_size(&bytes).map_err(|e| LetterError::Logo(e.to_string()))?;
    let (w, h) = (size.width as u64, size.height as u64);
    if w == 0 || h == 0 {
        return Err(LetterError::Logo("empty image".into()));
    }
    if w * h > LOGO_MAX_PIXELS {
        return Err(LetterError::Logo(format!(
            "{w} × {h} pixels, more than the 16 million allowed"
        )));
    }
    Ok(Some((w as u32, h as u32)))
}

/// `data:image/png;base64,…` (or jpeg) → image; `""` → none.
pub(crate) fn decode_logo(data_url: &str) -> Result<Option<RawImage>, LetterError> {
    if logo_size(data_url)?.is_none() {
        return Ok(None);
    }
    let Some(bytes) = logo_bytes(data_url)? else {
        return Ok(None);
    };
    let mut warnings = Vec::new();
    let img = RawImage::decode_from_bytes(&bytes, &mut warnings).map_err(LetterError::Logo)?;
    if img.width == 0 || img.height == 0 {
        return Err(LetterError::Logo("empty image".into()));
    }
    Ok(Some(img))
}

/// The image bytes of a `data:` URL (PNG or JPEG, base64); `""` → none.
fn logo_bytes(data_url: &str) -> Result<Option<Vec<u8>>, LetterError> {
    let url = data_url.trim();
    if url.is_empty() {
        return Ok(None);
    }
    let (meta, data) = url
        .strip_prefix("data:")
        .and_then(|rest| rest.split_once(','))
        .ok_or_else(|| LetterError::Logo("not a data: URL".into()))?;
    let mime = meta.split(';').next().unwrap_or("").to_ascii_lowercase();
    if !matches!(mime.as_str(), "image/png" | "image/jpeg" | "image/jpg") {
        return Err(LetterError::Logo(format!(
            "unsupported image type {mime:?} (PNG or JPEG)"
        )));
    }
    if !meta.split(';').any(|p| p.eq_ignore_ascii_case("base64")) {
        return Err(LetterError::Logo("the data URL is not base64".into()));
    }
    let clean: String = data.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(clean.as_bytes())
        .map_err(|e| LetterError::Logo(format!("base64: {e}")))?;
    Ok(Some(bytes))
}

pub(crate) fn rgb((r, g, b): (f32, f32, f32)) -> Color {
    Color::Rgb(Rgb::new(r, g, b, None))
}

pub(crate) fn pt(x: f32, y: f32) -> Point {
    Point { x: Pt(x), y: Pt(y) }
}

/// Lays out one letter (or a report) into pages.
pub(crate) struct Writer<'a> {
    pub(crate) faces: &'a Faces,
    pub(crate) fonts: &'a Fonts,
    /// Finished pages' operations.
    pub(crate) pages: Vec<Vec<Op>>,
    /// The current page's operations.
    pub(crate) ops: Vec<Op>,
    /// The next baseline on the current page.
    pub(crate) y: f32,
}

impl<'a> Writer<'a> {
    /// An empty document's writer; `letterhead` starts its first page.
    pub(crate) fn new(faces: &'a Faces, fonts: &'a Fonts) -> Self {
        Writer {
            faces,
            fonts,
            pages: Vec::new(),
            ops: Vec::new(),
            y: 0.0,
        }
    }

    pub(crate) fn text(
        &mut self,
        s: &str,
        x: f32,
        y: f32,
        bold: bool,
        size: f32,
        color: (f32, f32, f32),
    ) {
        let font = if bold {
            &self.fonts.bold
        } else {
            &self.fonts.regular
        };
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(font.clone()),
                size: Pt(size),
            },
            Op::SetFillColor { col: rgb(color) },
            Op::SetTextCursor { pos: pt(x, y) },
            Op::ShowText {
                items: vec![TextItem::Text(s.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    fn face(&self, bold: bool) -> &Face {
        if bold {
            &self.faces.bold
        } else {
            &self.faces.regular
        }
    }

    fn letter(&mut self, head: &Letterhead, logo: Option<&Logo>, letter: &LetterData) {
        self.letterhead(head, logo);

        // Date, right-aligned.
        self.y -= 14.0 * MM;
        let date = letter.date_line();
        let x = MARGIN_X + TEXT_W - self.faces.regular.width(&date, BODY_SIZE);
        self.text(&date, x, self.y, false, BODY_SIZE, TEXT);

        // Greeting.
        self.y -= 16.0 * MM;
        for line in self
            .faces
            .regular
            .wrap(&letter.greeting_line(), BODY_SIZE, TEXT_W)
        {
            self.body_line(&line, head);
        }
        self.y -= PARAGRAPH_GAP;

        // Body: paragraphs separated by blank lines; a single line break is kept.
        let body = letter.body.replace("\r\n", "\n").replace('\r', "\n");
        let paragraphs: Vec<Vec<&str>> = body
            .split("\n\n")
            .map(|p| p.split('\n').map(str::trim).collect::<Vec<_>>())
            .map(|lines| {
                // Blank lines inside a run of several ("\n\n\n") are just more separation.
                let mut v: Vec<&str> = lines;
                while v.first().is_some_and(|l| l.is_empty()) {
                    v.remove(0);
                }
                while v.last().is_some_and(|l| l.is_empty()) {
                    v.pop();
                }
                v
            })
            .filter(|p| !p.is_empty())
            .collect();
        for para in &paragraphs {
            // Each hard line wrapped; an empty one stays as an empty line.
            let lines: Vec<String> = para
                .iter()
                .flat_map(|hard| {
                    let w = self.faces.regular.wrap(hard, BODY_SIZE, TEXT_W);
                    if w.is_empty() {
                        vec![String::new()]
                    } else {
                        w
                    }
                })
                .collect();
            // No lonely line at either side of a page break: at least two lines of a
            // paragraph stay together at the foot of a page and at the head of the next.
            let total = lines.len();
            let fit = self.lines_that_fit();
            let break_after = if fit >= total {
                None
            } else if fit < 2 || total < 4 && fit < total {
                Some(0)
            } else if total - fit < 2 {
                Some(total - 2)
            } else {
                Some(fit)
            };
            for (i, line) in lines.iter().enumerate() {
                if break_after == Some(i) {
                    self.new_page(head);
                }
                self.body_line(line, head);
            }
            self.y -= PARAGRAPH_GAP;
        }

        // Closing and signature, kept together on one page.
        let sig_name = letter.signature_name.trim();
        let sig_role = letter.signature_role.trim();
        // The lowest baseline of the block: the role under the name, the name SIGNATURE_ROOM
        // under the closing.
        let depth = SIGNATURE_ROOM + if sig_role.is_empty() { 0.0 } else { LEADING };
        if self.y < BOTTOM || self.y - depth < BOTTOM {
            self.new_page(head);
        }
        self.body_line(letter.closing_line(), head);
        self.y -= SIGNATURE_ROOM - LEADING;
        if !sig_name.is_empty() {
            self.text(sig_name, MARGIN_X, self.y, true, BODY_SIZE, TEXT);
            self.y -= LEADING;
        }
        if !sig_role.is_empty() {
            let face = self.face(false);
            let role = face.wrap(sig_role, 10.0, TEXT_W).join(" ");
            self.text(&role, MARGIN_X, self.y, false, 10.0, MUTED);
            self.y -= LEADING;
        }
    }

    /// How many more body lines fit on this page.
    fn lines_that_fit(&self) -> usize {
        if self.y < BOTTOM {
            0
        } else {
            ((self.y - BOTTOM) / LEADING).floor() as usize + 1
        }
    }

    /// One line of body text at the current baseline, breaking the page first if needed.
    fn body_line(&mut self, line: &str, head: &Letterhead) {
        if self.y < BOTTOM {
            self.new_page(head);
        }
        if !line.is_empty() {
            self.text(line, MARGIN_X, self.y, false, BODY_SIZE, TEXT);
        }
        self.y -= LEADING;
    }

    pub(crate) fn letterhead(&mut self, head: &Letterhead, logo: Option<&Logo>) {
        let mut x = MARGIN_X;
        let mut bottom = HEAD_TOP;
        if let Some(logo) = logo {
            // Fit the logo in its box, keeping its proportions.
            let scale = (LOGO_MAX_W / logo.w_px).min(LOGO_MAX_H / logo.h_px);
            let (w, h) = (logo.w_px * scale, logo.h_px * scale);
            // printpdf draws 1 px = 1/dpi inch: choose the dpi that gives this size.
            let dpi = 72.0 / scale;
            self.ops.push(Op::UseXobject {
                id: logo.id.clone(),
                transform: XObjectTransform {
                    translate_x: Some(Pt(MARGIN_X)),
                    translate_y: Some(Pt(HEAD_TOP - h)),
                    dpi: Some(dpi),
                    ..Default::default()
                },
            });
            x += w + 6.0 * MM;
            bottom = HEAD_TOP - h;
        }
        let width = MARGIN_X + TEXT_W - x;
        // Clinic name, bold, accent colour; its cap height at the top edge.
        let mut y = HEAD_TOP - NAME_SIZE * 0.73;
        for line in self
            .faces
            .bold
            .wrap(head.clinic_name.trim(), NAME_SIZE, width)
        {
            self.text(&line, x, y, true, NAME_SIZE, ACCENT);
            y -= NAME_SIZE * 1.2;
        }
        // Address, then phone · email, smaller and muted.
        y -= 2.0;
        let phone = head.phone.trim();
        let phone = if phone.is_empty() {
            String::new()
        } else {
            // "Tel." reads right in both languages.
            format!("Tel. {phone}")
        };
        let contact: Vec<&str> = [phone.as_str(), head.email.trim()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        let contact = contact.join("  ·  ");
        for text in [head.address.trim(), contact.as_str()] {
            for line in self.faces.regular.wrap(text, CONTACT_SIZE, width) {
                self.text(&line, x, y, false, CONTACT_SIZE, MUTED);
                y -= CONTACT_SIZE * 1.45;
            }
        }
        bottom = bottom.min(y + CONTACT_SIZE * 1.45 - 3.0);
        // A thin rule across the text width.
        let rule_y = bottom - 5.0 * MM;
        self.rule(rule_y, 0.7);
        self.y = rule_y;
    }

    pub(crate) fn rule(&mut self, y: f32, thickness: f32) {
        self.ops.extend([
            Op::SetOutlineColor { col: rgb(ACCENT) },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint {
                            p: pt(MARGIN_X, y),
                            bezier: false,
                        },
                        LinePoint {
                            p: pt(MARGIN_X + TEXT_W, y),
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            },
        ]);
    }

    /// Ends the current page; the next one gets the clinic's name as a small running header.
    pub(crate) fn new_page(&mut self, head: &Letterhead) {
        self.pages.push(std::mem::take(&mut self.ops));
        let name = head.clinic_name.trim();
        let y = PAGE_H - 18.0 * MM;
        if !name.is_empty() {
            let line = self
                .faces
                .regular
                .wrap(name, SMALL_SIZE, TEXT_W)
                .into_iter()
                .next()
                .unwrap_or_default();
            self.text(&line, MARGIN_X, y, false, SMALL_SIZE, MUTED);
        }
        self.y = CONT_TOP;
    }

    /// The letter's pages; "— n —" at the foot of every page when there is more than one.
    pub(crate) fn finish(mut self) -> Vec<PdfPage> {
        self.pages.push(std::mem::take(&mut self.ops));
        let total = self.pages.len();
        let mut out = Vec::with_capacity(total);
        let pages = std::mem::take(&mut self.pages);
        for (i, mut ops) in pages.into_iter().enumerate() {
            if total > 1 {
                let label = format!("— {} —", i + 1);
                let x = (PAGE_W - self.faces.regular.width(&label, SMALL_SIZE)) / 2.0;
                std::mem::swap(&mut self.ops, &mut ops);
                self.text(&label, x, 12.0 * MM, false, SMALL_SIZE, MUTED);
                std::mem::swap(&mut self.ops, &mut ops);
            }
            out.push(PdfPage::new(Mm(210.0), Mm(297.0), ops));
        }
        out
    }
}
