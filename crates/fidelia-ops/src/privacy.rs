//! A client's rights over their data (issue 13): a copy of everything held about them, and
//! their erasure; and the audit log of who did what, which records both.
//!
//! Erasure keeps the clinic's totals right: the client's row, their pets and visits stay with
//! their dates, kinds, amounts and scores, and everything that names or describes them goes
//! (see [`fidelia_store::privacy::erase_client`]); then the database file is rewritten so that
//! nothing erased survives in it. Backups made before still hold it until rotation deletes
//! them (12 months at most).

use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use fidelia_core::i18n::t;
use fidelia_core::*;
use fidelia_letters::Section;
use fidelia_store::tables::audit;
pub use fidelia_store::tables::audit::AuditEntry;
use fidelia_store::tables::clients;
use fidelia_store::{privacy, Db, Result, StoreError};

use crate::Clinic;

/// Records a line of the audit log, by the staff member using this PC.
pub(crate) fn log_action(
    db: &Db,
    action: &str,
    record: Option<(&str, i64)>,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    audit::insert(db, now, crate::pc::user(), action, record, detail)
}

impl Clinic {
    /// Everything held about one client, as JSON (`{ "client": id, "exportedAt", "tables":
    /// { "clients": [...], "pets": [...], … } }`); the export is logged.
    pub fn client_dossier(
        &self,
        client: ClientId,
        now: DateTime<Utc>,
    ) -> Result<serde_json::Value> {
        self.store.write(|db| {
            clients::get(db, client)?;
            let tables = privacy::dossier(db, client)?;
            log_action(db, "export_client", Some(("client", client.0)), "", now)?;
            Ok(serde_json::json!({
                "client": client.0,
                "exportedAt": fidelia_store::ts(now),
                "tables": tables,
            }))
        })
    }

    /// Writes [`Clinic::client_dossier`] as `cliente-<id>-<date>.json` in `dir`.
    pub fn write_client_dossier(
        &self,
        client: ClientId,
        dir: &Path,
        now: DateTime<Utc>,
    ) -> Result<PathBuf> {
        let doc = self.client_dossier(client, now)?;
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!(
            "cliente-{}-{}.json",
            client.0,
            now.format("%Y-%m-%d")
        ));
        std::fs::write(&path, serde_json::to_vec_pretty(&doc)?)?;
        Ok(path)
    }

    /// Writes what the clinic holds about a client into `dir`: the whole dossier as JSON
    /// ([`Clinic::client_dossier`]) and a readable PDF on the clinic's letterhead (their
    /// details, consents, pets, visits, appointments, calls, messages and surveys, in the
    /// clinic's language). Returns both files.
    pub fn write_client_data<Tz: TimeZone>(
        &self,
        client: ClientId,
        dir: &Path,
        at: &ClinicTime<Tz>,
    ) -> Result<Vec<PathBuf>> {
        let json = self.write_client_dossier(client, dir, at.now)?;
        let s = self.settings()?;
        let page = self.client_page(client)?;
        let sections = readable(
            &s,
            &page,
            &self.consent_history(client)?,
            &self.calls_of_client(client, at.now)?,
            &self.client_messages(client)?,
            &self.client_surveys(client)?,
            &at.tz,
        );
        let lang = s.language;
        let c = &page.client;
        let title = t(lang, "privacy.pdf_title").replace("{name}", &c.full_name());
        let subtitle =
            t(lang, "privacy.pdf_subtitle").replace("{date}", &format::date_short(at.today()));
        let pdf = fidelia_letters::render_document(
            &crate::letters::letterhead(&s),
            &title,
            &subtitle,
            &sections,
        )
        .map_err(|e| StoreError::Refused(e.to_string()))?;
        let path = json.with_extension("pdf");
        std::fs::write(&path, pdf)?;
        Ok(vec![json, path])
    }

    /// Erases a client at their request (see the module's notes), logs it (the client's id,
    /// nothing of theirs), and rewrites the database file. Asked again for a client already
    /// erased, it only rewrites the file (a rewrite that could not finish is finished).
    pub fn erase_client(&self, client: ClientId, now: DateTime<Utc>) -> Result<()> {
        let lang = self.language();
        let erased = self.store.write(|db| -> Result<bool> {
            let c = clients::get(db, client)?;
            if c.erased_at.is_some() {
                return Ok(false);
            }
            privacy::erase_client(
                db,
                client,
                &t(lang, "privacy.erased_client"),
                &t(lang, "privacy.erased_pet"),
                now,
            )?;
            log_action(db, "erase_client", Some(("client", client.0)), "", now)?;
            Ok(true)
        })?;
        if !erased {
            log::info!("erasure of client {}: only the file rewritten", client.0);
        }
        self.store.compact()
    }

    /// The newest `limit` lines of the audit log.
    pub fn audit_log(&self, limit: i64) -> Result<Vec<AuditEntry>> {
        self.store.read(|db| audit::latest(db, limit))
    }
}

/// The dossier in words, a section per kind of record (empty ones left out).
#[allow(clippy::too_many_arguments)]
fn readable<Tz: TimeZone>(
    s: &fidelia_core::settings::Settings,
    page: &ClientPage,
    consents: &[fidelia_store::tables::consents::ConsentChange],
    calls: &[fidelia_core::calls::Call],
    messages: &[fidelia_store::tables::messages::Message],
    surveys: &[fidelia_store::tables::surveys::Survey],
    tz: &Tz,
) -> Vec<Section> {
    let lang = s.language;
    let w = |group: &str, word: &str| t(lang, &format!("{group}.{word}"));
    let when = |t: DateTime<Utc>| {
        t.with_timezone(tz)
            .naive_local()
            .format("%d/%m/%Y %H:%M")
            .to_string()
    };
    let day = |d: chrono::NaiveDate| format::date_short(d);
    let yes = |b: bool| t(lang, if b { "common.yes" } else { "common.no" });
    let c = &page.client.data;
    let pet_name = |id: PetId| {
        page.pets
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.data.name.clone())
            .unwrap_or_default()
    };
    let field = |key: &str, value: &str| {
        let value = if value.trim().is_empty() {
            "—"
        } else {
            value
        };
        format!("{}: {value}", t(lang, key))
    };
    let mut out = vec![Section {
        heading: t(lang, "client.details"),
        lines: [
            field(
                "client.phones",
                &[c.phone1.as_str(), c.phone2.as_str()]
                    .iter()
                    .filter(|p| !p.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            field("client.email", &c.email),
            field("client.address", &c.address),
            field(
                "client.preferred_channel",
                &w("channel", c.preferred_channel.as_str()),
            ),
            field("client.consent_care", &yes(c.consent_care)),
            field("client.consent_commercial", &yes(c.consent_commercial)),
            field("client.notes", &c.notes),
            field(
                "client.since",
                &day(page.client.created_at.with_timezone(tz).date_naive()),
            ),
        ]
        .into_iter()
        .collect(),
    }];
    let mut section = |key: &str, lines: Vec<String>| {
        if !lines.is_empty() {
            out.push(Section {
                heading: t(lang, key),
                lines,
            });
        }
    };
    section(
        "privacy.pdf_consents",
        consents
            .iter()
            .map(|x| {
                format!(
                    "{} · {} {} · {}",
                    when(x.at),
                    w("consent", &x.consent),
                    yes(x.given),
                    w("consent_how", x.how.as_str())
                )
            })
            .collect(),
    );
    section(
        "privacy.pdf_pets",
        page.pets
            .iter()
            .map(|p| {
                let d = &p.data;
                let mut l = format!("{} · {}", d.name, w("species", d.species.as_str()));
                if !d.breed.is_empty() {
                    l.push_str(&format!(" · {}", d.breed));
                }
                if let Some(b) = d.birth_date {
                    l.push_str(&format!(" · {}", day(b)));
                }
                match (d.deceased, d.deceased_on) {
                    (_, Some(x)) => l.push_str(&format!(" · † {}", day(x))),
                    (true, None) => l.push_str(" · †"),
                    (false, None) => {}
                }
                l
            })
            .collect(),
    );
    section(
        "privacy.pdf_visits",
        page.visits
            .iter()
            .map(|v| {
                let d = &v.data;
                let mut l = format!(
                    "{} · {} · {} · {}",
                    when(d.at),
                    pet_name(d.pet_id),
                    w("visit_kind", d.kind.as_str()),
                    d.reason
                );
                if let Some(a) = d.amount_cents {
                    l.push_str(&format!(" · {}", format::money(a, lang)));
                }
                l
            })
            .collect(),
    );
    section(
        "privacy.pdf_appointments",
        page.appointments
            .iter()
            .map(|a| {
                let d = &a.data;
                format!(
                    "{} · {} · {} · {}",
                    when(d.starts_at),
                    pet_name(d.pet_id),
                    d.reason,
                    w("appointment_status", d.status.as_str())
                )
            })
            .collect(),
    );
    section(
        "privacy.pdf_calls",
        calls
            .iter()
            .map(|k| {
                format!(
                    "{} · {} · {} · {}",
                    when(k.due_at),
                    k.pet_name,
                    w("call_kind", k.kind.as_str()),
                    w("call_status", k.status.as_str())
                )
            })
            .collect(),
    );
    section(
        "privacy.pdf_messages",
        messages
            .iter()
            .map(|m| {
                format!(
                    "{} · {} · {} — {}",
                    day(m.send_on),
                    w("message_kind", &m.kind),
                    w("message_status", &m.status),
                    m.body.replace('\n', " ")
                )
            })
            .collect(),
    );
    section(
        "privacy.pdf_surveys",
        surveys
            .iter()
            .filter(|x| x.answered_at.is_some())
            .map(|x| {
                let scores: Vec<String> = x
                    .answers
                    .scores
                    .iter()
                    .map(|s| s.map(|v| v.to_string()).unwrap_or_else(|| "—".into()))
                    .collect();
                format!(
                    "{} · {} · {} · {}/10 {}",
                    when(x.answered_at.unwrap_or(x.visit_at)),
                    x.pet_name,
                    scores.join(" "),
                    x.answers
                        .recommend
                        .map(|r| r.to_string())
                        .unwrap_or_else(|| "—".into()),
                    x.answers.comment
                )
            })
            .collect(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use fidelia_core::kpi::Period;
    use fidelia_core::surveys::{Answers, SurveyForm};

    /// "Forget me": after the erasure and the file's rewrite, the client's name, pet, phone,
    /// e-mail and what was written about them are nowhere in the database file's bytes, while
    /// the dashboard's figures are what they were; the erasure is in the audit log, by id.
    #[test]
    fn an_erased_client_is_nowhere_in_the_file_and_the_figures_stay() {
        let dir = crate::test_util::temp_folder("erase");
        let db = dir.join("clinic.sqlite3");
        let s = Clinic::open(&db).unwrap();
        s.load_demo(5, fidelia_core::demo::DemoSize::DEMO, &at())
            .unwrap();
        let c = s
            .save_client(
                &ClientForm {
                    first_name: "Remedios".into(),
                    surnames: "Quintana-Zurbarán".into(),
                    phone1: "699 123 456".into(),
                    email: "remedios.qz@correo.example".into(),
                    address: "Calle del Olmo Torcido, 7".into(),
                    notes: "Prefiere que la llamen por la tarde".into(),
                    preferred_channel: "whatsapp".into(),
                    consent_care: true,
                    ..Default::default()
                },
                now(),
            )
            .unwrap();
        let p = pet(&s, c.id, "Zarzaparrilla");
        let v = s
            .save_visit(
                &VisitForm {
                    pet_id: Some(p.id),
                    date: "24/11/2026".into(),
                    time: "10:00".into(),
                    kind: "cirugia".into(),
                    severity: "grave".into(),
                    reason: "Zarzaparrilla se tragó un calcetín".into(),
                    amount: "120,00".into(),
                    ..Default::default()
                },
                &at(),
            )
            .unwrap();
        let code = s.survey_for_visit(v.id, now()).unwrap().code;
        s.record_survey(
            &SurveyForm {
                code,
                answers: Answers {
                    scores: vec![Some(5); 5],
                    recommend: Some(10),
                    comment: "Gracias por salvar a Zarzaparrilla".into(),
                },
                via: "telefono".into(),
                staff_id: None,
            },
            &at(),
        )
        .unwrap();
        let figures = |s: &Clinic| {
            let d = s
                .dashboard(Period::months_to(at().today(), 12), &at())
                .unwrap();
            serde_json::to_value((&d.current, &d.previous, &d.trend)).unwrap()
        };
        let before = figures(&s);
        let dossier = s.client_dossier(c.id, now()).unwrap().to_string();
        assert!(dossier.contains("Quintana-Zurbarán") && dossier.contains("Zarzaparrilla"));

        s.erase_client(c.id, now()).unwrap();
        assert_eq!(figures(&s), before, "the clinic's figures are unchanged");
        s.erase_client(c.id, now()).unwrap(); // again: only the file rewritten
        let erasures = s.audit_log(50).unwrap();
        assert_eq!(
            erasures
                .iter()
                .filter(|e| e.action == "erase_client")
                .count(),
            1,
            "erased once"
        );
        let mut bytes = std::fs::read(&db).unwrap();
        if let Ok(wal) = std::fs::read(format!("{}-wal", db.display())) {
            bytes.extend(wal);
        }
        let found = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
        for gone in [
            "Quintana-Zurbar",
            "quintana",
            "Zarzaparrilla",
            "zarzaparrilla",
            "699123456",
            "699 123 456",
            "remedios.qz",
            "Olmo Torcido",
            "por la tarde",
            "calcet",
        ] {
            assert!(!found(gone), "{gone:?} is still in the database file");
        }
        let after = s.client_dossier(c.id, now()).unwrap().to_string();
        assert!(after.contains("Cliente borrado") && !after.contains("Remedios"));
        let log = s.audit_log(10).unwrap();
        let erased = log.iter().find(|e| e.action == "erase_client").unwrap();
        assert_eq!(
            (erased.record.as_deref(), erased.record_id),
            (Some("client"), Some(c.id.0))
        );
        assert!(log.iter().all(|e| !e.detail.contains("Remedios")));
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
