//! Letters: thank-you letters to the most loyal clients and condolence letters, written as PDF
//! on the clinic's letterhead and recorded. The PDFs are written inside the recording
//! transaction: if writing fails, nothing is recorded; a client is thanked at most once per
//! review period.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use fidelia_core::i18n::t;
use fidelia_core::loyalty::*;
use fidelia_core::settings::Settings;
use fidelia_core::template::{fill, Filled};
use fidelia_core::*;
use fidelia_letters::{
    join_names, render_batch, render_letter, safe_file_name, Greeting, LetterData, Letterhead,
};
use fidelia_store::tables::{clients, letters, pets, settings};
use fidelia_store::{Db, Result, StoreError};
use serde::{Deserialize, Serialize};

use crate::loyalty::history_since;
use crate::Clinic;

/// A letter issued, with what its PDF needs.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuedLetter {
    pub letter_id: i64,
    pub client_id: ClientId,
    pub client_name: String,
    /// How the letter greets the client.
    pub title: Title,
    pub body: String,
}

/// How thank-you letters are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Output {
    /// One PDF, a letter a page, ready to print.
    #[default]
    Batch,
    /// One PDF per client.
    Files,
}

/// Gets the letters about to be recorded (to write them); an error records nothing.
pub type Deliver<'a> =
    dyn FnMut(&Settings, &[IssuedLetter]) -> std::result::Result<(), String> + 'a;

/// Thank-you letters issued, and the PDFs written.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Issued {
    pub letters: Vec<IssuedLetter>,
    pub files: Vec<PathBuf>,
    pub folder: PathBuf,
}

/// A condolence letter recorded, and its PDF if it was printed.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Condolence {
    pub letter: IssuedLetter,
    pub file: Option<PathBuf>,
}

pub(crate) fn letterhead(s: &Settings) -> Letterhead {
    Letterhead {
        clinic_name: s.clinic_name.clone(),
        address: s.address.clone(),
        phone: s.phone.clone(),
        email: s.email.clone(),
        logo_data_url: s.logo_data_url.clone(),
    }
}

/// Who signs: the signer set in Settings, else the clinic.
fn signer(s: &Settings) -> &str {
    if s.loyalty.signer_name.is_empty() {
        &s.clinic_name
    } else {
        &s.loyalty.signer_name
    }
}

fn letter_data(s: &Settings, l: &IssuedLetter, date: NaiveDate) -> LetterData {
    LetterData {
        lang: s.language,
        date,
        greeting: match l.title {
            Title::Mrs => Greeting::Female,
            Title::Mr => Greeting::Male,
            Title::None => Greeting::Neutral,
        },
        client_name: l.client_name.clone(),
        body: l.body.clone(),
        signature_name: signer(s).to_owned(),
        signature_role: s.loyalty.signer_role.clone(),
    }
}

/// A letter to `c` with this text, not recorded yet.
fn letter_to(c: &Client, body: String) -> IssuedLetter {
    IssuedLetter {
        letter_id: 0,
        client_id: c.id,
        client_name: c.full_name(),
        title: c.data.title,
        body,
    }
}

/// A filled letter template, or a refusal naming what the template asks for and Fidelia
/// cannot fill in.
fn complete(filled: Filled, lang: Lang) -> Result<String> {
    if filled.unknown.is_empty() {
        Ok(filled.text)
    } else {
        let unknown = Filled {
            empty: Vec::new(),
            ..filled
        };
        Err(StoreError::Refused(
            t(lang, "err.template_placeholders").replace("{marcadores}", &unknown.unfilled_list()),
        ))
    }
}

/// Writes `bytes` to `dir/name`, never over an existing file ("name (2).pdf").
fn write_new(dir: &Path, name: &str, bytes: &[u8]) -> std::result::Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, "pdf"));
    let mut path = dir.join(name);
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{stem} ({n}).{ext}"));
        n += 1;
    }
    std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// Files written for letters that are not recorded yet: removed when dropped, unless kept
/// (once the letters are recorded). A batch that fails halfway, or whose recording fails,
/// leaves no file behind.
#[derive(Default)]
struct Written {
    files: Vec<PathBuf>,
    kept: bool,
}

impl Written {
    /// The files, for good.
    fn keep(mut self) -> Vec<PathBuf> {
        self.kept = true;
        std::mem::take(&mut self.files)
    }
}

impl Drop for Written {
    fn drop(&mut self) {
        if !self.kept {
            for f in &self.files {
                let _ = std::fs::remove_file(f);
            }
        }
    }
}

/// Writes thank-you letters as PDF into `folder`, each file noted in `written` as it is.
fn write_thanks(
    s: &Settings,
    issued: &[IssuedLetter],
    output: Output,
    folder: &Path,
    today: NaiveDate,
    written: &mut Written,
) -> std::result::Result<(), String> {
    let head = letterhead(s);
    let data: Vec<LetterData> = issued.iter().map(|l| letter_data(s, l, today)).collect();
    match output {
        Output::Files => {
            for d in &data {
                let pdf = render_letter(&head, d).map_err(|e| e.to_string())?;
                written
                    .files
                    .push(write_new(folder, &safe_file_name(&d.client_name), &pdf)?);
            }
        }
        Output::Batch => {
            let pdf = render_batch(&head, &data).map_err(|e| e.to_string())?;
            let name = format!(
                "{}-{}.pdf",
                t(s.language, "letter.batch_file"),
                today.format("%Y-%m-%d")
            );
            written.files.push(write_new(folder, &name, &pdf)?);
        }
    }
    Ok(())
}

impl Clinic {
    /// Issues thank-you letters to `clients` for the current review period, all or none, and
    /// writes them as PDF into `root/<period>` (`root`: usually [`crate::folders::letters`]).
    /// A client who cannot be thanked (already thanked this period, or not a candidate) refuses
    /// the whole batch with a message naming them. `template` "" = the clinic's (or the
    /// built-in) one.
    pub fn issue_thanks<Tz: TimeZone>(
        &self,
        clients: &[ClientId],
        template: &str,
        output: Output,
        root: &Path,
        at: &ClinicTime<Tz>,
    ) -> Result<Issued> {
        let today = at.today();
        let mut written = Written::default();
        let mut folder = root.to_path_buf();
        let letters =
            self.issue_thanks_with(clients, template, today, at.now, &mut |s, issued| {
                folder = root.join(period_of(today, s.loyalty.period_months).key);
                write_thanks(s, issued, output, &folder, today, &mut written)
            })?;
        Ok(Issued {
            letters,
            files: written.keep(),
            folder,
        })
    }

    /// [`Clinic::issue_thanks`] with the letters handed to `deliver` before anything is
    /// recorded: if it fails, nothing is recorded.
    pub fn issue_thanks_with(
        &self,
        clients: &[ClientId],
        template: &str,
        today: NaiveDate,
        now: DateTime<Utc>,
        deliver: &mut Deliver,
    ) -> Result<Vec<IssuedLetter>> {
        if clients.is_empty() {
            return Err(Invalid::single("clients", "err.none_selected").into());
        }
        self.store.write(|db| {
            let settings = settings::read(db)?;
            let issued = thank(db, &settings, clients, template, today, now)?;
            deliver(&settings, &issued).map_err(StoreError::Refused)?;
            Ok(issued)
        })
    }

    /// The condolence letter's text for a deceased pet (not recorded until issued).
    pub fn condolence_draft(&self, pet: PetId) -> Result<IssuedLetter> {
        self.store.read(|db| condolence(db, pet))
    }

    /// Records a condolence letter (printed or not).
    pub fn record_condolence(
        &self,
        pet: PetId,
        body: &str,
        printed: bool,
        now: DateTime<Utc>,
    ) -> Result<IssuedLetter> {
        self.issue_condolence(pet, body, printed, None, now, now.date_naive())
            .map(|c| c.letter)
    }

    /// Records a condolence letter with its (edited) `body`; with `root`, writes it as PDF
    /// there once recorded, in the same transaction (if writing fails, nothing is recorded;
    /// if recording fails, the file is removed).
    pub fn issue_condolence(
        &self,
        pet: PetId,
        body: &str,
        printed: bool,
        root: Option<&Path>,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<Condolence> {
        let body = body.trim();
        if body.is_empty() || body.chars().count() > 6000 {
            let key = if body.is_empty() {
                "err.required"
            } else {
                "err.too_long"
            };
            return Err(Invalid::single("body", key).into());
        }
        let mut written = Written::default();
        let letter = self.store.write(|db| -> Result<IssuedLetter> {
            let p = pets::get(db, pet)?;
            if !p.data.deceased {
                return Err(Invalid::single("petId", "err.pet_alive").into());
            }
            let letter = letter_to(&clients::get(db, p.data.client_id)?, body.to_owned());
            let letter_id =
                letters::insert_condolence(db, letter.client_id, pet, body, printed, now)?;
            if let Some(root) = root.filter(|_| printed) {
                let s = settings::read(db)?;
                let pdf = render_letter(&letterhead(&s), &letter_data(&s, &letter, today))
                    .map_err(|e| StoreError::Refused(e.to_string()))?;
                let name = format!(
                    "{}-{}",
                    t(s.language, "letter.condolence_file"),
                    safe_file_name(&letter.client_name)
                );
                written
                    .files
                    .push(write_new(root, &name, &pdf).map_err(StoreError::Refused)?);
            }
            Ok(IssuedLetter {
                letter_id,
                ..letter
            })
        })?;
        Ok(Condolence {
            letter,
            file: written.keep().pop(),
        })
    }
}

/// Records the thank-you letters (inside the caller's transaction), or refuses them all.
fn thank(
    db: &Db,
    settings: &Settings,
    clients: &[ClientId],
    template: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<IssuedLetter>> {
    let (rules, lang) = (&settings.loyalty, settings.language);
    let period = period_of(today, rules.period_months);
    let thanked = letters::thanked_in(db, &period.key)?;
    let found: HashMap<ClientId, ClientHistory> = clients::histories(db, history_since(today))?
        .into_iter()
        .filter(|h| clients.contains(&h.client_id))
        .map(|h| (h.client_id, h))
        .collect();
    let template = match (template.trim(), rules.thanks_template.trim()) {
        ("", "") => t(lang, "letter.thanks_default"),
        ("", own) => own.to_owned(),
        (given, _) => given.to_owned(),
    };
    let mut refused = Vec::new();
    let mut issued = Vec::new();
    for id in clients {
        let Some(h) = found.get(id) else {
            refused.push(format!(
                "{} ({})",
                clients::get(db, *id)?.full_name(),
                t(lang, "exclusion.una_visita")
            ));
            continue;
        };
        let c = assess(h, today, rules, thanked.contains(id));
        if let Some(why) = c.exclusion {
            refused.push(format!(
                "{} ({})",
                c.name,
                t(lang, &format!("exclusion.{}", why.as_str()))
            ));
            continue;
        }
        let client = clients::get(db, *id)?;
        let years = c.years_with_clinic.to_string();
        let pets: Vec<&str> = c.living_pets.iter().map(String::as_str).collect();
        let body = complete(
            fill(
                &template,
                &[
                    ("cliente", &c.name),
                    ("nombre", &client.data.first_name),
                    ("mascotas", &join_names(&pets, lang)),
                    ("años", &years),
                    ("anos", &years),
                    ("clinica", &settings.clinic_name),
                    ("firma", signer(settings)),
                ],
            ),
            lang,
        )?;
        let letter_id = letters::insert_thanks(
            db,
            *id,
            &period.key,
            c.tier,
            c.score.total as i64,
            &body,
            now,
        )?;
        issued.push(IssuedLetter {
            letter_id,
            client_id: *id,
            client_name: c.name,
            title: client.data.title,
            body,
        });
    }
    if !refused.is_empty() {
        return Err(StoreError::Refused(
            t(lang, "err.cannot_thank").replace("{clientes}", &refused.join(", ")),
        ));
    }
    Ok(issued)
}

/// The condolence letter for a deceased pet, from the clinic's template (or the built-in one).
fn condolence(db: &Db, pet: PetId) -> Result<IssuedLetter> {
    let p = pets::get(db, pet)?;
    let c = clients::get(db, p.data.client_id)?;
    let s = settings::read(db)?;
    let template = if s.loyalty.condolence_template.trim().is_empty() {
        t(s.language, "letter.condolence_default")
    } else {
        s.loyalty.condolence_template.clone()
    };
    let body = complete(
        fill(
            &template,
            &[
                ("cliente", &c.full_name()),
                ("nombre", &c.data.first_name),
                ("mascota", &p.data.name),
                ("clinica", &s.clinic_name),
                ("firma", signer(&s)),
            ],
        ),
        s.language,
    )?;
    Ok(letter_to(&c, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::*;
    use fidelia_core::loyalty::Exclusion;

    /// A client with visits since `first` (dd/mm/aaaa), `n` of them, and a dog.
    fn loyal(s: &Clinic, first: &str, surnames: &str, n: usize, pets: &[&str]) -> ClientId {
        let c = client(s, first, surnames, "612 345 678");
        let mut pet_ids = Vec::new();
        for p in pets {
            pet_ids.push(pet(s, c.id, p).id);
        }
        for i in 0..n {
            let year = 2018 + (i % 8) as i32;
            let date = format!("{:02}/{:02}/{year}", 1 + i % 27, 1 + (i % 10));
            let f = VisitForm {
                pet_id: Some(pet_ids[i % pet_ids.len()]),
                date,
                time: "10:00".into(),
                kind: "revision".into(),
                severity: "leve".into(),
                amount: "60,00".into(),
                ..Default::default()
            };
            s.save_visit(&f, &at()).unwrap();
        }
        c.id
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    #[test]
    fn the_review_ranks_loyal_clients_and_keeps_first_timers_out() {
        let s = store();
        let begona = loyal(&s, "Begoña", "Ibáñez Muñoz", 20, &["Ñoño", "Pío"]);
        let once = loyal(&s, "Ana", "Una Vez", 1, &["Max"]);
        let r = s.loyalty_review(today()).unwrap();
        assert_eq!(r.period.key, "2026-T4");
        assert!(r
            .ranked
            .iter()
            .any(|c| c.client_id == begona && c.exclusion.is_none()));
        assert!(
            r.ranked.iter().all(|c| c.client_id != once),
            "a first-timer is never on the list"
        );
    }

    #[test]
    fn thank_you_letters_are_recorded_and_never_twice_in_a_period() {
        let s = store();
        let begona = loyal(&s, "Begoña", "Ibáñez Muñoz", 20, &["Ñoño", "Pío"]);
        let issued = s
            .issue_thanks_with(
                &[begona],
                "Gracias, {cliente}, por {años} años con {mascotas}.",
                today(),
                now(),
                &mut |_, _| Ok(()),
            )
            .unwrap();
        assert_eq!(
            issued[0].body,
            "Gracias, Begoña Ibáñez Muñoz, por 8 años con Ñoño y Pío."
        );
        match s.issue_thanks_with(&[begona], "", today(), now(), &mut |_, _| Ok(())) {
            Err(StoreError::Refused(m)) => assert!(
                m.contains("Begoña Ibáñez Muñoz") && m.contains("Ya agradecido"),
                "{m}"
            ),
            other => panic!("a second thank-you in the period must be refused: {other:?}"),
        }
        let r = s.loyalty_review(today()).unwrap();
        assert_eq!(r.thanked_this_period, 1);
        assert_eq!(
            r.ranked
                .iter()
                .find(|c| c.client_id == begona)
                .unwrap()
                .exclusion,
            Some(Exclusion::AlreadyThanked)
        );
        // The next quarter, she can be thanked again.
        let next = NaiveDate::from_ymd_opt(2027, 1, 10).unwrap();
        assert_eq!(
            s.issue_thanks_with(&[begona], "", next, now(), &mut |_, _| Ok(()))
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn a_batch_with_one_refused_client_issues_nothing() {
        let s = store();
        let a = loyal(&s, "Begoña", "Ibáñez Muñoz", 20, &["Ñoño"]);
        let once = loyal(&s, "Ana", "Una Vez", 1, &["Max"]);
        assert!(matches!(
            s.issue_thanks_with(&[a, once], "", today(), now(), &mut |_, _| Ok(())),
            Err(StoreError::Refused(_))
        ));
        assert_eq!(
            s.loyalty_review(today()).unwrap().thanked_this_period,
            0,
            "all or none"
        );
    }

    #[test]
    fn nothing_is_recorded_when_the_letters_cannot_be_written() {
        let s = store();
        let a = loyal(&s, "Begoña", "Ibáñez Muñoz", 20, &["Ñoño"]);
        let r = s.issue_thanks_with(&[a], "", today(), now(), &mut |_, _| {
            Err("disco lleno".into())
        });
        assert!(matches!(r, Err(StoreError::Refused(m)) if m == "disco lleno"));
        assert_eq!(s.loyalty_review(today()).unwrap().thanked_this_period, 0);
    }

    /// Letters' files not recorded are removed (issue 13, defect 9): a condolence whose
    /// record fails (here a full disk, simulated) leaves no PDF behind — it was written before
    /// the record was made — and a batch's files are removed unless kept.
    #[test]
    fn a_letter_not_recorded_leaves_no_file() {
        let dir = crate::test_util::temp_folder("letters");
        let s = Clinic::open(&dir.join("clinic.sqlite3")).unwrap();
        let c = client(&s, "Begoña", "Ibáñez", "612 345 678");
        let luna = pet(&s, c.id, "Luna");
        mark_deceased(&s, &luna);
        let raw = rusqlite::Connection::open(dir.join("clinic.sqlite3")).unwrap();
        raw.execute_batch(
            "CREATE TRIGGER full_disk BEFORE INSERT ON letters
             BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;",
        )
        .unwrap();
        let out = dir.join("Cartas");
        let r = s.issue_condolence(luna.id, "Lo sentimos.", true, Some(&out), now(), today());
        assert!(r.is_err());
        let left = std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0);
        assert_eq!(left, 0, "no PDF for a letter that was not recorded");
        raw.execute_batch("DROP TRIGGER full_disk").unwrap();
        let ok = s
            .issue_condolence(luna.id, "Lo sentimos.", true, Some(&out), now(), today())
            .unwrap();
        assert!(
            ok.file.as_ref().is_some_and(|f| f.exists()),
            "recorded: its PDF stays"
        );

        let mut written = Written::default();
        let f = dir.join("a.pdf");
        std::fs::write(&f, b"%PDF").unwrap();
        written.files.push(f.clone());
        drop(written);
        assert!(!f.exists(), "not kept: removed");
        drop(raw);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn condolences_and_birthdays() {
        let s = store();
        let c = client(&s, "Begoña", "Ibáñez", "612 345 678");
        let consent = ClientForm {
            id: Some(c.id),
            first_name: "Begoña".into(),
            surnames: "Ibáñez".into(),
            phone1: "612 345 678".into(),
            preferred_channel: "telefono".into(),
            consent_commercial: true,
            ..Default::default()
        };
        s.save_client(&consent, now()).unwrap();
        let f = PetForm {
            client_id: Some(c.id),
            name: "Ñoño".into(),
            species: "perro".into(),
            birth_date: "28/11/2019".into(),
            ..Default::default()
        };
        let nono = s.save_pet(&f, &at()).unwrap();
        let b = s.birthdays(today(), 7).unwrap();
        assert_eq!((b.len(), b[0].age), (1, 7), "Ñoño turns 7 on 28/11");
        let coupon = s.issue_coupon(nono.id, today(), now()).unwrap();
        assert!(
            coupon.message.contains("Ñoño") && coupon.message.contains(&coupon.code),
            "{}",
            coupon.message
        );
        assert_eq!(
            s.issue_coupon(nono.id, today(), now()).unwrap().code,
            coupon.code,
            "one coupon per birthday"
        );
        assert_eq!(
            s.birthdays(today(), 7).unwrap()[0].coupon.as_deref(),
            Some(coupon.code.as_str())
        );

        // Ñoño dies: no birthday greeting, the coupon is cancelled, a condolence is offered.
        let mut dead = f.clone();
        dead.id = Some(nono.id);
        dead.deceased = true;
        s.save_pet(&dead, &at()).unwrap();
        assert!(
            s.birthdays(today(), 7).unwrap().is_empty(),
            "never for a deceased pet"
        );
        assert_eq!(s.coupon(&coupon.code).unwrap().status, "cancelado");
        assert!(matches!(
            s.redeem_coupon(&coupon.code, today(), now()),
            Err(StoreError::Invalid(_))
        ));
        let draft = s.condolence_draft(nono.id).unwrap();
        assert!(draft.body.contains("Ñoño"), "{}", draft.body);
        s.record_condolence(nono.id, &draft.body, true, now())
            .unwrap();
    }

    #[test]
    fn no_coupon_without_commercial_consent() {
        let s = store();
        let c = client(&s, "Luis", "Sin Permiso", "612 345 678");
        let f = PetForm {
            client_id: Some(c.id),
            name: "Rayo".into(),
            species: "perro".into(),
            birth_date: "27/11/2020".into(),
            ..Default::default()
        };
        let p = s.save_pet(&f, &at()).unwrap();
        assert!(s.birthdays(today(), 7).unwrap().is_empty());
        assert!(matches!(
            s.issue_coupon(p.id, today(), now()),
            Err(StoreError::Invalid(_))
        ));
    }

    #[test]
    fn names_are_joined_in_each_language() {
        assert_eq!(
            join_names(&["Ñoño", "Pío", "Kira"], Lang::Es),
            "Ñoño, Pío y Kira"
        );
        assert_eq!(join_names(&["Ñoño", "Pío"], Lang::En), "Ñoño and Pío");
    }

    #[test]
    fn letters_are_written_as_pdf_before_they_are_recorded() {
        let s = store();
        let a = loyal(&s, "Begoña", "Ibáñez Muñoz", 20, &["Ñoño"]);
        let root = std::env::temp_dir().join(format!("fidelia-ops-letters-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let issued = s
            .issue_thanks(&[a], "", Output::Files, &root, &at())
            .unwrap();
        assert_eq!(
            issued.folder,
            root.join("2026-T4"),
            "a folder per review period"
        );
        assert_eq!(issued.files.len(), 1);
        let pdf = std::fs::read(&issued.files[0]).unwrap();
        assert!(pdf.starts_with(b"%PDF"), "a PDF was written");
        assert_eq!(s.loyalty_review(today()).unwrap().thanked_this_period, 1);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_template_asking_for_what_fidelia_cannot_fill_is_refused_and_records_nothing() {
        let s = store();
        let a = loyal(&s, "Begoña", "Ibáñez Muñoz", 20, &["Ñoño"]);
        match s.issue_thanks_with(
            &[a],
            "Hola {cliente}, {descuentito}",
            today(),
            now(),
            &mut |_, _| Ok(()),
        ) {
            Err(StoreError::Refused(m)) => assert!(m.contains("{descuentito}"), "{m}"),
            other => panic!("an unknown placeholder must be refused: {other:?}"),
        }
        assert_eq!(s.loyalty_review(today()).unwrap().thanked_this_period, 0);
    }
}
