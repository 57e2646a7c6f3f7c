//! Satisfaction surveys (Flow 2): each morning the surveys for recent visits go into the day's
//! messages (with the clinic's survey link and the visit's code); answers are recorded in the
//! app (by phone, under a minute) or imported from the online form's CSV export; a poor answer
//! raises an alert on Home for the owner and puts a call to the client in the owner's agenda,
//! with a script that apologises and listens.
//!
//! The rules are the domain's ([`fidelia_core::surveys`]): due at the first opening at least a
//! day after the visit (the weekend and closed days respected), dropped past the window, one
//! per client every 30 days, none after a death, none to a client who objected to messages.

use chrono::{DateTime, Duration, TimeZone, Utc};
use fidelia_core::calls::CallKind;
use fidelia_core::i18n::t;
use fidelia_core::import::ImportError;
use fidelia_core::settings::Settings;
use fidelia_core::surveys::{code_for, read_answers, Answers, SurveyForm, QUESTIONS};
use fidelia_core::*;
use fidelia_store::tables::surveys;
pub use fidelia_store::tables::surveys::Survey;
use fidelia_store::tables::{clients, messages, pets, settings, staff};
use fidelia_store::{Db, Result, StoreError};
use serde::Serialize;

use crate::calls::{add_call, CallRequest};
use crate::messages::{fill_message, note_unfilled, wants_messages};
use crate::Clinic;

const SURVEY: &str = "encuesta";

/// What importing a file of answers did, row by row.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AnswersReport {
    pub recorded: u64,
    /// Already answered (importing the same file again changes nothing).
    pub unchanged: u64,
    /// Of those recorded, how many were poor (an alert and a call each).
    pub poor: u64,
    pub rejected: Vec<fidelia_core::import::RejectedRow>,
}

/// Who a poor answer goes to: the first active staff member in management, else nobody (the
/// call then shows in everyone's agenda).
fn owner(db: &Db) -> Result<Option<StaffId>> {
    Ok(staff::all(db)?
        .into_iter()
        .find(|s| s.data.active && s.data.role == Role::Management)
        .map(|s| s.id))
}

/// "general 2/5, recomendaría 4/10": what was poor, for the call's reason.
fn poor_summary(a: &Answers, lang: Lang) -> String {
    let mut parts: Vec<String> = QUESTIONS
        .iter()
        .zip(&a.scores)
        .filter_map(|((q, _), s)| s.filter(|s| *s <= 2).map(|s| (q, s)))
        .map(|(q, s)| format!("{} {s}/5", t(lang, &format!("survey.q.{q}")).to_lowercase()))
        .collect();
    if let Some(r) = a.recommend.filter(|r| *r <= 6) {
        parts.push(format!("{} {r}/10", t(lang, "survey.recommend_short")));
    }
    parts.join(", ")
}

/// Records the answers of a survey (by id) and, if poor, raises the alert and the call.
fn record<Tz: TimeZone>(
    db: &Db,
    s: &Settings,
    survey: &Survey,
    a: &Answers,
    via: &str,
    by: Option<StaffId>,
    at: &ClinicTime<Tz>,
) -> Result<Survey> {
    let poor = a.is_poor();
    surveys::answer(db, survey.id, a, via, by, poor, at.now)?;
    let deceased = pets::get(db, survey.pet_id)?.data.deceased;
    if poor && !deceased {
        let lang = s.language;
        let mut summary = poor_summary(a, lang);
        let comment = a.comment.trim();
        if !comment.is_empty() {
            let short: String = comment.chars().take(200).collect();
            let more = if short.len() < comment.len() {
                "…"
            } else {
                ""
            };
            summary.push_str(&format!(" — «{short}{more}»"));
        }
        let reason = t(lang, "call.reason_survey").replace("{resumen}", &summary);
        let key = format!("{SURVEY}:{}", survey.id);
        let request = CallRequest {
            kind: CallKind::Survey,
            pet: survey.pet_id,
            staff: owner(db)?,
            wanted: at.now,
            reason: &reason,
            script: &t(lang, "call.script_survey"),
            item_key: Some(&key),
        };
        add_call(db, s, &request, at)?;
    }
    surveys::get(db, survey.id)
}

impl Clinic {
    /// Prepares today's survey messages for recent visits; returns how many were prepared.
    pub fn prepare_survey_messages<Tz: TimeZone>(&self, at: &ClinicTime<Tz>) -> Result<usize> {
        let today = at.today();
        let end_of_today = at.day_start(today + Duration::days(1));
        self.store.write(|db| {
            let s = settings::read(db)?;
            let r = &s.surveys;
            let hours = s.hours();
            let from = at.now - Duration::hours(r.max_hours as i64);
            let to = at.now - Duration::hours(r.min_hours as i64) + Duration::days(1);
            // Today's to ask, with their clients, pets and last surveys read at once.
            let mut due = Vec::new();
            for v in surveys::visits_without(db, from, to)? {
                match r.due_at(v.at, at.now, &hours, &at.tz) {
                    Some(day) if day < end_of_today => due.push(v),
                    _ => {} // past the window, or its day has not come
                }
            }
            let ids: Vec<ClientId> = due.iter().map(|v| v.client).collect();
            let people = clients::get_many(db, &ids)?;
            let animals = pets::get_many(db, &due.iter().map(|v| v.pet).collect::<Vec<_>>())?;
            let mut last_asked = surveys::last_of_clients(db, &ids)?;
            let mut prepared = 0;
            for v in due {
                let (visit, visit_at) = (v.visit, v.at);
                let client = people.get(&v.client).ok_or(StoreError::NotFound)?;
                let last = last_asked.get(&client.id).copied();
                if !wants_messages(client) || !r.allowed(last, at.now) {
                    continue;
                }
                let code = code_for(visit.0);
                surveys::insert(db, visit, client.id, &code, at.now)?;
                last_asked.insert(client.id, at.now);
                let pet = animals.get(&v.pet).ok_or(StoreError::NotFound)?;
                let filled = fill_message(
                    &s,
                    SURVEY,
                    client,
                    &[
                        ("mascota", &pet.data.name),
                        (
                            "fecha",
                            &format::date_short(visit_at.with_timezone(&at.tz).date_naive()),
                        ),
                        ("enlace", &s.survey_link),
                        ("codigo", &code),
                    ],
                );
                let id = messages::insert(db, client.id, SURVEY, today, &filled.text, at.now)?;
                note_unfilled(db, id, &s, &filled)?;
                let key = format!("{SURVEY}:{}", visit.0);
                messages::add_item(db, &key, id, Some(pet.id), today)?;
                prepared += 1;
            }
            Ok(prepared)
        })
    }

    /// A visit's survey, created (with its code) if it has none yet: to ask it by phone.
    pub fn survey_for_visit(&self, visit: VisitId, now: DateTime<Utc>) -> Result<Survey> {
        self.store.write(|db| {
            let v = fidelia_store::tables::visits::get(db, visit)?;
            let pet = pets::get(db, v.data.pet_id)?;
            let id = surveys::insert(db, visit, pet.data.client_id, &code_for(visit.0), now)?;
            surveys::get(db, id)
        })
    }

    /// Records a survey answered in the app. A poor answer raises the owner's alert and call.
    pub fn record_survey<Tz: TimeZone>(
        &self,
        form: &SurveyForm,
        at: &ClinicTime<Tz>,
    ) -> Result<Survey> {
        let (code, answers) = form.validate()?;
        self.store.write(|db| {
            let s = settings::read(db)?;
            let Some(survey) = surveys::by_code(db, &code)? else {
                return Err(Invalid::single("code", "err.survey_unknown_code").into());
            };
            if survey.answered_at.is_some() {
                return Err(Invalid::single("code", "err.survey_answered").into());
            }
            record(db, &s, &survey, answers, &form.via, form.staff_id, at)
        })
    }

    /// Imports the online form's CSV export: each row is matched to its survey by the code;
    /// a survey already answered is left as it is (importing the same file again changes
    /// nothing); a row that cannot be used is reported with its line and why. One transaction.
    pub fn import_survey_answers<Tz: TimeZone>(
        &self,
        bytes: &[u8],
        at: &ClinicTime<Tz>,
    ) -> std::result::Result<AnswersReport, SurveyImportError> {
        let rows = read_answers(bytes)?;
        Ok(self.store.write(|db| {
            let s = settings::read(db)?;
            let lang = s.language;
            let mut report = AnswersReport::default();
            for row in rows {
                let reject =
                    |column: String, value: String, key: &str| fidelia_core::import::RejectedRow {
                        line: row.line,
                        column,
                        value,
                        reason: key.to_owned(),
                    };
                let (code, answers) = match row.result {
                    Ok(ok) => ok,
                    Err(p) => {
                        report.rejected.push(reject(p.column, p.value, p.key));
                        continue;
                    }
                };
                let Some(survey) = surveys::by_code(db, &code)? else {
                    report.rejected.push(reject(
                        t(lang, "survey.code"),
                        code,
                        "err.survey_unknown_code",
                    ));
                    continue;
                };
                if survey.answered_at.is_some() {
                    report.unchanged += 1;
                    continue;
                }
                let done = record(db, &s, &survey, &answers, "importado", None, at)?;
                report.recorded += 1;
                report.poor += done.poor as u64;
            }
            Ok::<_, StoreError>(report)
        })?)
    }

    /// Poor answers nobody has marked as seen: the owner's alerts on Home.
    pub fn survey_alerts(&self) -> Result<Vec<Survey>> {
        self.store.read(surveys::alerts)
    }

    /// Marks an alert as seen (its call stays in the agenda).
    pub fn see_survey_alert(
        &self,
        id: i64,
        staff: Option<StaffId>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.store
            .write(|db| surveys::see_alert(db, id, staff, now))
    }

    /// A client's answered surveys, newest first (the client page).
    pub fn client_surveys(&self, client: ClientId) -> Result<Vec<Survey>> {
        self.store.read(|db| surveys::of_client(db, client))
    }
}

/// Importing a file of answers: the file could not be used at all, or the database failed.
#[derive(Debug, thiserror::Error)]
pub enum SurveyImportError {
    #[error(transparent)]
    File(#[from] ImportError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use fidelia_core::calls::CallKind;
    use fidelia_core::surveys::SurveyForm;
    use fidelia_core::*;

    use crate::test_util::*;
    use crate::Clinic;

    /// A clinic with its owner, and Luna seen on Tuesday 24/11/2026 at 11:00.
    fn clinic_with_a_visit() -> (Clinic, Client, Pet, Visit, Staff) {
        let s = store();
        let mut settings = s.settings().unwrap();
        settings.survey_link = "https://forms.gle/abc".into();
        s.save_settings(&settings).unwrap();
        let owner = s
            .save_staff(&StaffForm {
                name: "Carmen Ruiz".into(),
                role: "direccion".into(),
                active: true,
                ..Default::default()
            })
            .unwrap();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        let v = s
            .save_visit(
                &VisitForm {
                    pet_id: Some(luna.id),
                    date: "24/11/2026".into(),
                    time: "11:00".into(),
                    kind: "revision".into(),
                    severity: "leve".into(),
                    reason: "Revisión anual".into(),
                    ..Default::default()
                },
                &on(-1),
            )
            .unwrap();
        (s, c, luna, v, owner)
    }

    fn on(days: i64) -> ClinicTime<chrono::FixedOffset> {
        ClinicTime::new(now() + Duration::days(days), at().tz)
    }

    fn answers(code: &str, scores: [u8; 5], recommend: u8) -> SurveyForm {
        SurveyForm {
            code: code.into(),
            answers: surveys::Answers {
                scores: scores.iter().map(|s| Some(*s)).collect(),
                recommend: Some(recommend),
                comment: "Esperamos una hora".into(),
            },
            via: "telefono".into(),
            staff_id: None,
        }
    }

    #[test]
    fn a_visit_gets_its_survey_the_next_day_once_with_link_and_code() {
        let (s, c, _, v, _) = clinic_with_a_visit();
        assert_eq!(
            s.prepare_survey_messages(&on(-1)).unwrap(),
            0,
            "not the same day"
        );
        assert_eq!(s.prepare_survey_messages(&at()).unwrap(), 1);
        let m = s.messages_to_send(at().today()).unwrap().remove(0);
        assert_eq!((m.kind.as_str(), m.client_id), ("encuesta", c.id));
        let code = surveys::code_for(v.id.0);
        assert!(
            m.body.contains("https://forms.gle/abc")
                && m.body.contains(&code)
                && m.body.contains("Luna"),
            "{}",
            m.body
        );
        assert_eq!(m.survey_code.as_deref(), Some(code.as_str()));
        assert_eq!(s.prepare_survey_messages(&at()).unwrap(), 0, "never twice");
    }

    #[test]
    fn one_survey_per_client_in_30_days_and_none_after_a_death() {
        let (s, c, _, _, _) = clinic_with_a_visit();
        s.prepare_survey_messages(&at()).unwrap();
        // Another visit two days later: within 30 days of the last survey.
        let pio = pet(&s, c.id, "Pío");
        s.save_visit(
            &VisitForm {
                pet_id: Some(pio.id),
                date: "26/11/2026".into(),
                time: "10:00".into(),
                kind: "consulta".into(),
                severity: "leve".into(),
                ..Default::default()
            },
            &on(1),
        )
        .unwrap();
        assert_eq!(s.prepare_survey_messages(&on(2)).unwrap(), 0, "30 days");

        let (s, _, luna2, _, _) = clinic_with_a_visit();
        mark_deceased(&s, &luna2);
        assert_eq!(
            s.prepare_survey_messages(&at()).unwrap(),
            0,
            "after a death"
        );
    }

    #[test]
    fn a_poor_answer_alerts_the_owner_and_puts_an_apologising_call_in_their_agenda() {
        let (s, c, luna, v, owner) = clinic_with_a_visit();
        let code = s.survey_for_visit(v.id, now()).unwrap().code;
        let done = s
            .record_survey(&answers(&code, [4, 4, 5, 4, 5], 4), &at())
            .unwrap();
        assert!(done.poor);
        let alerts = s.survey_alerts().unwrap();
        assert_eq!(alerts.len(), 1);
        assert_eq!(
            (alerts[0].client_id, alerts[0].pet_name.as_str()),
            (c.id, "Luna")
        );
        let call = s.calls_of_client(c.id, now()).unwrap().remove(0);
        assert_eq!(
            (call.kind, call.pet_id, call.staff_id),
            (CallKind::Survey, luna.id, Some(owner.id))
        );
        assert_eq!(
            call.reason,
            "Encuesta: recomendaría 4/10 — «Esperamos una hora»"
        );
        assert_eq!(alerts[0].call_id, Some(call.id.0));
        let script = s.call_detail(call.id, Lang::Es, now()).unwrap().script;
        assert!(
            script.contains("lo sentimos") && script.contains("Luna"),
            "{script}"
        );
        assert!(
            s.record_survey(&answers(&code, [5; 5], 10), &at()).is_err(),
            "answered once"
        );
        s.see_survey_alert(alerts[0].id, Some(owner.id), now())
            .unwrap();
        assert!(
            s.survey_alerts().unwrap().is_empty(),
            "seen: gone from Home"
        );
        assert_eq!(
            s.calls_of_client(c.id, now()).unwrap().len(),
            1,
            "the call stays"
        );
    }

    #[test]
    fn a_good_answer_raises_nothing_and_a_bad_code_is_said() {
        let (s, c, _, v, _) = clinic_with_a_visit();
        let code = s.survey_for_visit(v.id, now()).unwrap().code;
        assert!(
            !s.record_survey(&answers(&code, [5, 4, 4, 3, 5], 9), &at())
                .unwrap()
                .poor
        );
        assert!(s.survey_alerts().unwrap().is_empty());
        assert!(s.calls_of_client(c.id, now()).unwrap().is_empty());
        let e = s
            .record_survey(&answers("ZZZZZZ", [5; 5], 9), &at())
            .unwrap_err();
        assert!(
            matches!(e, crate::StoreError::Invalid(ref i) if i.has("code", "err.survey_unknown_code")),
            "{e:?}"
        );
        assert_eq!(s.client_surveys(c.id).unwrap().len(), 1);
    }

    #[test]
    fn a_google_forms_export_is_imported_by_code_idempotently() {
        let (s, c, _, v, _) = clinic_with_a_visit();
        let code = s.survey_for_visit(v.id, now()).unwrap().code;
        let csv = format!(
            "Marca temporal,Código de la visita,Valoración general,Atención y tratamiento,Instalaciones,Disponibilidad de citas,Limpieza y orden,¿Nos recomendaría? (0-10),Comentario\n\
             2026/11/26 10:02:11,{code},2,3,4,4,5,5,La espera fue larga\n\
             2026/11/26 10:05:00,7K3M2Q,5,5,5,5,5,10,\n\
             2026/11/26 10:06:00,{code},9,5,5,5,5,10,\n"
        );
        let r = s.import_survey_answers(csv.as_bytes(), &at()).unwrap();
        assert_eq!((r.recorded, r.poor, r.unchanged), (1, 1, 0));
        assert_eq!(
            r.rejected.iter().map(|x| x.line).collect::<Vec<_>>(),
            [3, 4]
        );
        assert_eq!(
            (r.rejected[0].reason.as_str(), r.rejected[1].reason.as_str()),
            ("err.survey_unknown_code", "err.survey_score")
        );
        let again = s.import_survey_answers(csv.as_bytes(), &at()).unwrap();
        assert_eq!((again.recorded, again.unchanged), (0, 1), "idempotent");
        assert_eq!(s.calls_of_client(c.id, now()).unwrap().len(), 1, "one call");
        assert_eq!(
            s.client_surveys(c.id).unwrap()[0].answers.comment,
            "La espera fue larga"
        );
    }
}
