//! The owner's monthly report as a PDF: the letterhead, a title, the month's figures against the
//! month before as a table, what needs attention, and the trends as small line charts — the same
//! fonts, letterhead and pages as the letters. The words come in already written (any language):
//! this module only lays them out.

use printpdf::{
    Line, LinePoint, Op, PaintMode, PdfDocument, Polygon, PolygonRing, Pt, WindingOrder,
};

use crate::layout::faces;
use crate::render::{
    embed, pt, rgb, save, Writer, ACCENT, BODY_SIZE, BOTTOM, MARGIN_X, MM, MUTED, SMALL_SIZE, TEXT,
    TEXT_W,
};
use crate::{LetterError, Letterhead};

/// A line chart: one value (or none) per label, on the axis `min..max`, with the axis' marks.
#[derive(Debug, Clone, Default)]
pub struct ChartData {
    pub title: String,
    pub labels: Vec<String>,
    pub values: Vec<Option<f64>>,
    pub min: f64,
    pub max: f64,
    /// (value, its label) marks on the axis.
    pub marks: Vec<(f64, String)>,
}

/// What the report says, written in the clinic's language by the caller.
#[derive(Debug, Clone, Default)]
pub struct ReportData {
    pub title: String,
    pub subtitle: String,
    /// The table's header: what, this period, the period before.
    pub columns: [String; 3],
    pub rows: Vec<[String; 3]>,
    pub notes_title: String,
    pub notes: Vec<String>,
    pub charts: Vec<ChartData>,
    pub footer: String,
}

const TITLE_SIZE: f32 = 16.0;
const ROW: f32 = BODY_SIZE * 1.55;
const CHART_H: f32 = 38.0 * MM;
const CHART_GAP: f32 = 8.0 * MM;

/// Renders the report (one or two A4 pages).
pub fn render_report(head: &Letterhead, r: &ReportData) -> Result<Vec<u8>, LetterError> {
    let faces = faces().map_err(LetterError::Font)?;
    let mut doc = PdfDocument::new(&format!("{} — {}", head.clinic_name.trim(), r.title));
    let (logo, fonts) = embed(&mut doc, head, faces)?;
    let mut w = Writer::new(faces, &fonts);
    w.letterhead(head, logo.as_ref());
    w.y -= 12.0 * MM;
    for line in faces.bold.wrap(&r.title, TITLE_SIZE, TEXT_W) {
        w.text(&line, MARGIN_X, w.y, true, TITLE_SIZE, ACCENT);
        w.y -= TITLE_SIZE * 1.3;
    }
    w.text(&r.subtitle, MARGIN_X, w.y, false, BODY_SIZE, MUTED);
    w.y -= 10.0 * MM;

    // The figures: label on the left, this period and the one before right-aligned.
    let col_current = MARGIN_X + TEXT_W * 0.72;
    let col_previous = MARGIN_X + TEXT_W;
    let right = |w: &mut Writer, s: &str, x: f32, bold: bool, color| {
        let face = if bold {
            &w.faces.bold
        } else {
            &w.faces.regular
        };
        let width = face.width(s, BODY_SIZE);
        let y = w.y;
        w.text(s, x - width, y, bold, BODY_SIZE, color);
    };
    w.text(&r.columns[0], MARGIN_X, w.y, true, BODY_SIZE, TEXT);
    right(&mut w, &r.columns[1], col_current, true, TEXT);
    right(&mut w, &r.columns[2], col_previous, true, MUTED);
    w.y -= 3.0;
    w.rule(w.y, 0.5);
    w.y -= ROW - 3.0;
    let label_width = TEXT_W * 0.5;
    for row in &r.rows {
        if w.y < BOTTOM + ROW {
            w.new_page(head);
        }
        let label = faces.regular.wrap(&row[0], BODY_SIZE, label_width);
        right(&mut w, &row[1], col_current, true, TEXT);
        right(&mut w, &row[2], col_previous, false, MUTED);
        for (i, line) in label.iter().enumerate() {
            if i > 0 {
                w.y -= BODY_SIZE * 1.25;
            }
            w.text(line, MARGIN_X, w.y, false, BODY_SIZE, TEXT);
        }
        w.y -= ROW;
    }

    if !r.notes.is_empty() {
        w.y -= 4.0 * MM;
        if w.y < BOTTOM + 3.0 * ROW {
            w.new_page(head);
        }
        w.text(&r.notes_title, MARGIN_X, w.y, true, BODY_SIZE, ACCENT);
        w.y -= ROW;
        for note in &r.notes {
            for (i, line) in faces
                .regular
                .wrap(note, BODY_SIZE, TEXT_W - 5.0 * MM)
                .iter()
                .enumerate()
            {
                if w.y < BOTTOM {
                    w.new_page(head);
                }
                if i == 0 {
                    w.text("•", MARGIN_X, w.y, false, BODY_SIZE, TEXT);
                }
                w.text(line, MARGIN_X + 5.0 * MM, w.y, false, BODY_SIZE, TEXT);
                w.y -= BODY_SIZE * 1.35;
            }
        }
    }

    // The charts, two per row.
    w.y -= 6.0 * MM;
    let chart_w = (TEXT_W - CHART_GAP) / 2.0;
    for (i, chart) in r.charts.iter().enumerate() {
        let column = i % 2;
        if column == 0 && w.y - CHART_H - BODY_SIZE * 2.0 < BOTTOM {
            w.new_page(head);
        }
        let x = MARGIN_X + column as f32 * (chart_w + CHART_GAP);
        let top = w.y;
        draw_chart(&mut w, chart, x, top, chart_w);
        if column == 1 || i + 1 == r.charts.len() {
            w.y -= CHART_H + BODY_SIZE * 3.0;
        }
    }

    if w.y < BOTTOM {
        w.new_page(head);
    }
    w.text(
        &r.footer,
        MARGIN_X,
        BOTTOM - 8.0 * MM,
        false,
        SMALL_SIZE,
        MUTED,
    );
    let pages = w.finish();
    Ok(save(doc, pages))
}

fn line(w: &mut Writer, points: &[(f32, f32)], thickness: f32, color: (f32, f32, f32)) {
    w.ops.extend([
        Op::SetOutlineColor { col: rgb(color) },
        Op::SetOutlineThickness { pt: Pt(thickness) },
        Op::DrawLine {
            line: Line {
                points: points
                    .iter()
                    .map(|(x, y)| LinePoint {
                        p: pt(*x, *y),
                        bezier: false,
                    })
                    .collect(),
                is_closed: false,
            },
        },
    ]);
}

/// A small filled square: a month's point on a line chart.
fn dot(w: &mut Writer, x: f32, y: f32, r: f32) {
    w.ops.extend([
        Op::SetFillColor { col: rgb(ACCENT) },
        Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![PolygonRing {
                    points: [
                        (x - r, y - r),
                        (x + r, y - r),
                        (x + r, y + r),
                        (x - r, y + r),
                    ]
                    .iter()
                    .map(|(x, y)| LinePoint {
                        p: pt(*x, *y),
                        bezier: false,
                    })
                    .collect(),
                }],
                mode: PaintMode::Fill,
                winding_order: WindingOrder::NonZero,
            },
        },
    ]);
}

/// A line chart whose title's baseline is at `top`, `width` wide, `CHART_H` tall below it.
fn draw_chart(w: &mut Writer, c: &ChartData, x0: f32, top: f32, width: f32) {
    w.text(&c.title, x0, top, true, BODY_SIZE - 1.5, TEXT);
    let left = x0 + 12.0 * MM;
    let right = x0 + width - 2.0 * MM;
    let plot_top = top - 6.0 * MM;
    let plot_bottom = top - CHART_H + 6.0 * MM;
    let span = (c.max - c.min).max(f64::EPSILON);
    let y_of = |v: f64| plot_bottom + ((v - c.min) / span) as f32 * (plot_top - plot_bottom);
    let n = c.labels.len().max(1);
    let x_of = |i: usize| {
        if n == 1 {
            (left + right) / 2.0
        } else {
            left + i as f32 * (right - left) / (n - 1) as f32
        }
    };
    for (v, label) in &c.marks {
        let y = y_of(*v);
        line(w, &[(left, y), (right, y)], 0.3, MUTED);
        let lw = w.faces.regular.width(label, SMALL_SIZE);
        w.text(
            label,
            left - 2.0 * MM - lw,
            y - 2.5,
            false,
            SMALL_SIZE,
            MUTED,
        );
    }
    // The line breaks where a month has no value.
    let mut run: Vec<(f32, f32)> = Vec::new();
    for (i, v) in c.values.iter().enumerate() {
        match v {
            Some(v) => run.push((x_of(i), y_of(*v))),
            None => {
                if run.len() > 1 {
                    line(w, &run, 1.6, ACCENT);
                }
                run.clear();
            }
        }
    }
    if run.len() > 1 {
        line(w, &run, 1.6, ACCENT);
    }
    for (i, v) in c.values.iter().enumerate() {
        if let Some(v) = v {
            dot(w, x_of(i), y_of(*v), 1.6);
        }
    }
    let every = n.div_ceil(4);
    for (i, label) in c.labels.iter().enumerate() {
        if (n - 1 - i).is_multiple_of(every) {
            let lw = w.faces.regular.width(label, SMALL_SIZE);
            w.text(
                label,
                x_of(i) - lw / 2.0,
                plot_bottom - 5.0 * MM,
                false,
                SMALL_SIZE,
                MUTED,
            );
        }
    }
}
