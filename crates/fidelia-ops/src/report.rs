//! The owner's monthly report: the month's dashboard against the month before, what needs
//! attention, and the last twelve months' trends, as a PDF on the clinic's letterhead
//! (fidelia-letters), in the clinic's language. The window and the CLI write the same file.

use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, NaiveDate, TimeZone};
use fidelia_core::format;
use fidelia_core::i18n::t;
use fidelia_core::kpi::{Period, Ratio};
use fidelia_core::{ClinicTime, Lang};
use fidelia_letters::{render_report, ChartData, ReportData};
use fidelia_store::kpi;
use fidelia_store::tables::settings;
use fidelia_store::{Result, StoreError};

use crate::dashboard::{Figures, MonthPoint};
use crate::letters::letterhead;
use crate::Clinic;

fn percent(r: &Ratio, lang: Lang) -> String {
    match r.percent() {
        Some(p) => format!("{} ({}/{})", pct(p, lang), r.num, r.den),
        None => "—".into(),
    }
}

fn pct(p: f64, lang: Lang) -> String {
    match lang {
        Lang::Es => format!("{} %", p.round()),
        Lang::En => format!("{}%", p.round()),
    }
}

fn decimal(x: Option<f64>, lang: Lang) -> String {
    match x {
        None => "—".into(),
        Some(x) => {
            let s = format!("{x:.1}");
            if lang == Lang::Es {
                s.replace('.', ",")
            } else {
                s
            }
        }
    }
}

/// "noviembre de 2026" / "November 2026".
fn month_name(day: NaiveDate, lang: Lang) -> String {
    let long = format::date_long(day, lang);
    // date_long writes "1 de noviembre de 2026" / "1 November 2026": drop the day.
    long.split_once(' ')
        .map(|(_, rest)| rest.trim_start_matches("de ").to_string())
        .unwrap_or(long)
}

fn chart(
    title: String,
    trend: &[MonthPoint],
    lang: Lang,
    pick: impl Fn(&MonthPoint) -> Option<f64>,
    min: f64,
    max: f64,
    marks: Vec<(f64, String)>,
) -> ChartData {
    ChartData {
        title,
        labels: trend
            .iter()
            .map(|m| {
                format!(
                    "{} {}",
                    t(lang, &format!("month_short.{}", m.month.month())),
                    m.month.format("%y")
                )
            })
            .collect(),
        values: trend.iter().map(pick).collect(),
        min,
        max,
        marks,
    }
}

impl Clinic {
    /// The monthly report of the month `month` (its first day) as PDF bytes.
    pub fn monthly_report<Tz: TimeZone>(
        &self,
        month: NaiveDate,
        at: &ClinicTime<Tz>,
    ) -> Result<Vec<u8>> {
        let period = Period::month_of(month);
        let now = self.dashboard(period, at)?;
        let year = self.dashboard(Period::months_to(period.to, 12), at)?;
        let (s, revenue, revenue_before) = self.store.read(|db| {
            let s = settings::read(db)?;
            let sum = |p: Period| {
                kpi::revenue(
                    db,
                    at.day_start(p.from),
                    at.day_start(p.to + Duration::days(1)),
                )
            };
            Ok::<_, StoreError>((s.clone(), sum(period)?, sum(period.previous())?))
        })?;
        let lang = s.language;
        let (c, p) = (&now.current, &now.previous);
        let money = |cents: i64| format::money(cents, lang);
        let nps = |f: &Figures| {
            f.nps
                .score
                .map(|n| n.to_string())
                .unwrap_or_else(|| "—".into())
        };
        let row = |k: &str, a: String, b: String| [t(lang, k), a, b];
        let rows = vec![
            row("report.revenue", money(revenue), money(revenue_before)),
            row(
                "dashboard.follow_up",
                percent(&c.follow_up, lang),
                percent(&p.follow_up, lang),
            ),
            row(
                "dashboard.response",
                percent(&c.response, lang),
                percent(&p.response, lang),
            ),
            row("dashboard.nps", nps(c), nps(p)),
            row(
                "dashboard.satisfaction",
                decimal(c.satisfaction.overall(), lang),
                decimal(p.satisfaction.overall(), lang),
            ),
            row(
                "dashboard.retention",
                percent(&c.retention, lang),
                percent(&p.retention, lang),
            ),
            row(
                "dashboard.compliance",
                percent(&c.compliance, lang),
                percent(&p.compliance, lang),
            ),
            row(
                "report.winback_called",
                c.winback_called.to_string(),
                p.winback_called.to_string(),
            ),
            row(
                "report.recovered",
                c.recovered.to_string(),
                p.recovered.to_string(),
            ),
            row("report.lapsed", now.lapsed.to_string(), "—".into()),
        ];
        let mut notes: Vec<String> = now
            .weaknesses
            .iter()
            .map(|w| {
                t(lang, "winback.weakness_line")
                    .replace("{reason}", &w.reason)
                    .replace("{n}", &w.count.to_string())
            })
            .collect();
        notes.extend(year.low_questions.iter().map(|q| {
            t(lang, "dashboard.low_question")
                .replace("{question}", &t(lang, &format!("survey.q.{}", q.question)))
                .replace(
                    "{moment}",
                    &t(
                        lang,
                        &format!(
                            "survey.moment.{}",
                            serde_json::to_value(q.moment)
                                .ok()
                                .and_then(|v| v.as_str().map(str::to_owned))
                                .unwrap_or_default()
                        ),
                    ),
                )
        }));
        if c.nps.detractors > 0 {
            notes.push(t(lang, "report.detractors").replace("{n}", &c.nps.detractors.to_string()));
        }
        let pct_marks = vec![
            (0.0, pct(0.0, lang)),
            (50.0, pct(50.0, lang)),
            (100.0, pct(100.0, lang)),
        ];
        let data = ReportData {
            title: t(lang, "report.title").replace("{month}", &month_name(period.from, lang)),
            subtitle: t(lang, "report.subtitle")
                .replace("{month}", &month_name(period.previous().from, lang)),
            columns: [
                String::new(),
                month_name(period.from, lang),
                month_name(period.previous().from, lang),
            ],
            rows,
            notes_title: t(lang, "report.attention"),
            notes,
            charts: vec![
                chart(
                    t(lang, "dashboard.nps"),
                    &year.trend,
                    lang,
                    |m| m.nps.map(f64::from),
                    -100.0,
                    100.0,
                    vec![
                        (-100.0, "-100".into()),
                        (0.0, "0".into()),
                        (100.0, "100".into()),
                    ],
                ),
                chart(
                    t(lang, "dashboard.satisfaction"),
                    &year.trend,
                    lang,
                    |m| m.satisfaction,
                    1.0,
                    5.0,
                    vec![
                        (1.0, decimal(Some(1.0), lang)),
                        (3.0, decimal(Some(3.0), lang)),
                        (5.0, decimal(Some(5.0), lang)),
                    ],
                ),
                chart(
                    t(lang, "dashboard.follow_up"),
                    &year.trend,
                    lang,
                    |m| m.follow_up,
                    0.0,
                    100.0,
                    pct_marks.clone(),
                ),
                chart(
                    t(lang, "dashboard.response"),
                    &year.trend,
                    lang,
                    |m| m.response,
                    0.0,
                    100.0,
                    pct_marks,
                ),
            ],
            footer: t(lang, "report.footer").replace("{date}", &format::date_short(at.today())),
        };
        render_report(&letterhead(&s), &data).map_err(|e| StoreError::Refused(e.to_string()))
    }

    /// Writes the monthly report of `month` as `informe-YYYY-MM.pdf` in `dir`; returns its path.
    pub fn write_monthly_report<Tz: TimeZone>(
        &self,
        month: NaiveDate,
        dir: &Path,
        at: &ClinicTime<Tz>,
    ) -> Result<PathBuf> {
        let pdf = self.monthly_report(month, at)?;
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!("informe-{}.pdf", month.format("%Y-%m")));
        std::fs::write(&path, pdf)?;
        Ok(path)
    }
}
