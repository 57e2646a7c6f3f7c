//! Records: clients (with the search, the list and the client page), staff, settings, and
//! the clinic as a whole (empty it, export it).

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use fidelia_core::i18n::t;
use fidelia_core::settings::Settings;
use fidelia_core::*;
pub use fidelia_store::tables::consents::ConsentChange;
use fidelia_store::tables::{appointments, clients, consents, pets, settings, staff, visits};
use fidelia_store::{export, Db, Result, StoreError};

use crate::privacy::log_action;
use crate::Clinic;

/// Keeps in the history each consent that changed (on a new client, both as given).
pub(crate) fn record_consents(
    db: &Db,
    id: ClientId,
    old: Option<&ClientData>,
    new: &ClientData,
    how: ConsentHow,
    staff: Option<StaffId>,
    at: DateTime<Utc>,
) -> Result<()> {
    for (consent, was, is) in [
        ("cuidado", old.map(|o| o.consent_care), new.consent_care),
        (
            "comercial",
            old.map(|o| o.consent_commercial),
            new.consent_commercial,
        ),
    ] {
        if was != Some(is) {
            consents::insert(db, id, consent, is, how, staff, at)?;
            // In the audit log too, but for an import's (its own report says what it did).
            if how != ConsentHow::Import {
                let detail = format!("{consent}: {}", if is { "sí" } else { "no" });
                log_action(db, "consent", Some(("client", id.0)), &detail, at)?;
            }
        }
    }
    Ok(())
}

impl Clinic {
    /// Creates (no id) or updates (id) a client.
    /// Saves a client; a consent given or withdrawn is kept in the client's consent history
    /// with how the client said so and who recorded it. When the form says which version of
    /// the record it showed and the record changed since (another PC, an import), nothing is
    /// written: `Conflict`, and the form shows the record as it is.
    pub fn save_client(&self, form: &ClientForm, now: DateTime<Utc>) -> Result<Client> {
        let d = form.validate()?;
        let how = ConsentHow::parse(form.consent_how.trim()).unwrap_or(ConsentHow::InPerson);
        let lang = self.language();
        self.store.write(|db| {
            let id = match form.id {
                None => {
                    let id = clients::insert(db, &d, &[], now)?;
                    record_consents(db, id, None, &d, how, form.recorded_by, now)?;
                    log_action(db, "client_created", Some(("client", id.0)), "", now)?;
                    id
                }
                Some(id) => {
                    let old = clients::get(db, id)?;
                    if old.erased_at.is_some() {
                        return Err(StoreError::Refused(t(lang, "err.client_erased")));
                    }
                    if form.version.is_some_and(|shown| shown != old.version) {
                        return Err(StoreError::Conflict(t(lang, "err.conflict_client")));
                    }
                    clients::update(db, id, &d, now)?;
                    record_consents(db, id, Some(&old.data), &d, how, form.recorded_by, now)?;
                    log_action(db, "client_updated", Some(("client", id.0)), "", now)?;
                    id
                }
            };
            clients::refresh_search_key(db, id)?;
            clients::get(db, id)
        })
    }

    /// A client's consent history, newest first.
    pub fn consent_history(&self, id: ClientId) -> Result<Vec<ConsentChange>> {
        self.store.read(|db| consents::of_client(db, id))
    }

    pub fn client(&self, id: ClientId) -> Result<Client> {
        self.store.read(|db| clients::get(db, id))
    }

    /// Clients alphabetically by surnames: the page `offset..offset+limit` and the total.
    pub fn clients_list(&self, offset: i64, limit: i64) -> Result<(i64, Vec<SearchHit>)> {
        self.store.read(|db| clients::list(db, offset, limit))
    }

    /// Finds clients by any part of their names, their pets' names or their phones' digits,
    /// ignoring accents and case; every word typed must match.
    pub fn search(&self, query: &str, limit: i64) -> Result<Vec<SearchHit>> {
        self.store.read(|db| clients::search(db, query, limit))
    }

    /// Everything the client page shows: the client, pets, visits, appointments and a timeline.
    pub fn client_page(&self, id: ClientId) -> Result<ClientPage> {
        let (client, pets, visits, appointments) = self.store.read(|db| {
            Ok::<_, StoreError>((
                clients::get(db, id)?,
                pets::of_client(db, id)?,
                visits::of_client(db, id)?,
                appointments::of_client(db, id)?,
            ))
        })?;
        let mut timeline: Vec<TimelineEntry> =
            Vec::with_capacity(visits.len() + appointments.len() + 2);
        timeline.extend(visits.iter().map(|v| TimelineEntry {
            at: v.data.at,
            kind: "visit".into(),
            pet_name: Some(v.pet_name.clone()),
            label: v.data.kind.as_str().into(),
            detail: v.data.reason.clone(),
            staff_name: v.staff_name.clone(),
        }));
        timeline.extend(appointments.iter().map(|a| TimelineEntry {
            at: a.data.starts_at,
            kind: "appointment".into(),
            pet_name: Some(a.pet_name.clone()),
            label: a.data.status.as_str().into(),
            detail: a.data.reason.clone(),
            staff_name: a.staff_name.clone(),
        }));
        timeline.extend(pets.iter().filter_map(|p| {
            let day = p.data.deceased_on?;
            Some(TimelineEntry {
                at: day.and_hms_opt(12, 0, 0)?.and_utc(),
                kind: "pet_deceased".into(),
                pet_name: Some(p.data.name.clone()),
                label: String::new(),
                detail: String::new(),
                staff_name: None,
            })
        }));
        timeline.push(TimelineEntry {
            at: client.created_at,
            kind: "client_created".into(),
            pet_name: None,
            label: String::new(),
            detail: String::new(),
            staff_name: None,
        });
        timeline.sort_by_key(|e| std::cmp::Reverse(e.at));
        Ok(ClientPage {
            client,
            pets,
            visits,
            appointments,
            timeline,
        })
    }

    /// Everyone, active first, then by name.
    pub fn staff_list(&self) -> Result<Vec<Staff>> {
        self.store.read(staff::all)
    }

    pub fn save_staff(&self, form: &StaffForm) -> Result<Staff> {
        let d = form.validate()?;
        self.store.write(|db| {
            let id = match form.id {
                None => staff::insert(db, &d)?,
                Some(id) => {
                    staff::update(db, id, &d)?;
                    id
                }
            };
            staff::get(db, id)
        })
    }

    pub fn settings(&self) -> Result<Settings> {
        self.store.read(settings::read)
    }

    /// The clinic's language (Spanish if the settings cannot be read).
    pub fn language(&self) -> Lang {
        self.settings().map(|s| s.language).unwrap_or_default()
    }

    /// Validates and saves settings sent by the window; returns them as saved.
    pub fn save_settings(&self, form: &Settings) -> Result<Settings> {
        self.store.write(|db| {
            let valid = form.validate(&settings::read(db)?)?;
            // A logo too large to decode (in pixels, whatever its file size) is refused here,
            // not when a letter is printed.
            if fidelia_letters::logo_size(&valid.logo_data_url).is_err() {
                return Err(Invalid::single("logo", "err.logo_pixels").into());
            }
            settings::write(db, &valid)?;
            Ok(valid)
        })
    }

    /// Marks the clinic as holding demo data, or not.
    pub fn set_demo(&self, demo: bool) -> Result<()> {
        self.store.write(|db| {
            let s = Settings {
                demo,
                ..settings::read(db)?
            };
            settings::write(db, &s)
        })
    }

    /// Empties the clinic: every record goes, settings return to their defaults (the language stays).
    pub fn reset(&self) -> Result<()> {
        self.store.write(empty)
    }

    /// Writes `{ "settings": {...}, "staff": [...], "clients": [...], ... }`.
    pub fn export_json(&self, out: &mut impl Write, now: DateTime<Utc>) -> Result<()> {
        self.store.read(|db| export::json(db, out))?;
        self.store
            .write(|db| log_action(db, "export_all", None, "json", now))
    }

    /// Writes `<dir>/<table>.csv` for every table (UTF-8, comma-separated, header row).
    pub fn export_csv(&self, dir: &Path, now: DateTime<Utc>) -> Result<Vec<PathBuf>> {
        let files = self.store.read(|db| export::csv(db, dir))?;
        self.store
            .write(|db| log_action(db, "export_all", None, "csv", now))?;
        Ok(files)
    }
}

/// Every record goes; the settings return to their defaults but for the language.
pub(crate) fn empty(db: &fidelia_store::Db) -> Result<()> {
    let language = settings::read(db)?.language;
    fidelia_store::tables::wipe(db)?;
    settings::write(
        db,
        &Settings {
            language,
            ..Default::default()
        },
    )
}

#[cfg(test)]
mod client_tests {
    use crate::test_util::*;
    use crate::StoreError;
    use fidelia_core::*;

    #[test]
    fn each_consent_change_is_kept_with_how_and_who() {
        let s = store();
        let elena = s
            .save_staff(&StaffForm {
                name: "Elena".into(),
                role: "recepcion".into(),
                active: true,
                ..Default::default()
            })
            .unwrap();
        let c = client(&s, "María", "Núñez", "612 345 678");
        let first = s.consent_history(c.id).unwrap();
        let as_given: Vec<(&str, bool)> = first
            .iter()
            .map(|h| (h.consent.as_str(), h.given))
            .collect();
        assert_eq!(
            as_given,
            [("comercial", false), ("cuidado", true)],
            "a new client: both, as given"
        );
        let later = now() + chrono::Duration::days(3);
        let f = ClientForm {
            id: Some(c.id),
            first_name: "María".into(),
            surnames: "Núñez".into(),
            phone1: "612 345 678".into(),
            preferred_channel: "whatsapp".into(),
            consent_care: true,
            consent_commercial: true,
            consent_how: "whatsapp".into(),
            recorded_by: Some(elena.id),
            ..Default::default()
        };
        s.save_client(&f, later).unwrap();
        s.save_client(&f, later).unwrap();
        let h = s.consent_history(c.id).unwrap();
        assert_eq!(
            h.len(),
            3,
            "one change; saving again without a change adds nothing"
        );
        assert_eq!(
            (
                h[0].consent.as_str(),
                h[0].given,
                h[0].how,
                h[0].staff_name.as_deref(),
                h[0].at
            ),
            (
                "comercial",
                true,
                ConsentHow::WhatsApp,
                Some("Elena"),
                later
            )
        );
        let bad = ClientForm {
            consent_how: "paloma".into(),
            ..f
        };
        assert!(s.save_client(&bad, later).is_err(), "a known way only");
    }

    #[test]
    fn a_client_is_created_and_edited_and_a_bad_edit_loses_nothing() {
        let s = store();
        let c = client(&s, "María", "Núñez Peña", "612 345 678");
        assert_eq!(s.client(c.id).unwrap().full_name(), "María Núñez Peña");
        let mut form = ClientForm {
            id: Some(c.id),
            title: "sra".into(),
            first_name: "María José".into(),
            surnames: "Núñez Peña".into(),
            phone1: "612 345 678".into(),
            preferred_channel: "telefono".into(),
            ..Default::default()
        };
        s.save_client(&form, now()).unwrap();
        assert_eq!(s.client(c.id).unwrap().data.first_name, "María José");
        assert_eq!(
            s.client(c.id).unwrap().data.title,
            Title::Mrs,
            "letters will greet her as Sra."
        );
        form.phone1 = "61234567A".into();
        assert!(matches!(
            s.save_client(&form, now()),
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(
            s.client(c.id).unwrap().data.phone1,
            "612 345 678",
            "the rejected edit changed nothing"
        );
        form.id = Some(ClientId(999));
        form.phone1 = "612 345 678".into();
        assert!(matches!(
            s.save_client(&form, now()),
            Err(StoreError::NotFound)
        ));
    }

    /// Two people, one client: a form sent with the version it showed is refused when the
    /// record changed since (another PC saved it), and writes nothing — not the record, not
    /// its consents; sent with the version shown now, it is saved; without a version (the
    /// command line), it is not checked.
    #[test]
    fn a_save_over_another_persons_change_is_refused_and_writes_nothing() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        assert_eq!(c.version, 0, "a new client");
        let form = |notes: &str, commercial: bool, version: Option<i64>| ClientForm {
            id: Some(c.id),
            first_name: "María".into(),
            surnames: "Núñez".into(),
            phone1: "612 345 678".into(),
            preferred_channel: "telefono".into(),
            consent_care: true,
            consent_commercial: commercial,
            notes: notes.into(),
            version,
            ..Default::default()
        };
        let first = s
            .save_client(&form("Alérgica al pollo", false, Some(0)), now())
            .unwrap();
        assert_eq!(first.version, 1, "one save, one change");
        let consents = s.consent_history(c.id).unwrap();

        match s.save_client(&form("Vive en el campo", true, Some(0)), now()) {
            Err(StoreError::Conflict(m)) => assert_eq!(
                m,
                "Otra persona acaba de cambiar esta ficha. Estos son los datos actuales: revíselos y vuelva a guardar si hace falta."
            ),
            other => panic!("a save over another's is refused: {other:?}"),
        }
        assert_eq!(s.client(c.id).unwrap(), first, "nothing written");
        assert_eq!(
            s.consent_history(c.id).unwrap(),
            consents,
            "no consent recorded"
        );

        let second = s
            .save_client(&form("Vive en el campo", true, Some(first.version)), now())
            .unwrap();
        assert_eq!(
            (
                second.data.notes.as_str(),
                second.data.consent_commercial,
                second.version
            ),
            ("Vive en el campo", true, 2)
        );
        let unchecked = s
            .save_client(&form("Sin versión", true, None), now())
            .unwrap();
        assert_eq!(unchecked.version, 3, "no version, no check");
        // A pet's name is in the owner's search key, not in the record: an open form on
        // the owner stays current.
        pet(&s, c.id, "Luna");
        assert_eq!(s.client(c.id).unwrap().version, 3);
    }

    #[test]
    fn search_ignores_accents_case_and_spaces_in_phones() {
        let s = store();
        let maria = client(&s, "María", "Núñez Peña", "612 345 678");
        let jose = client(&s, "José", "García", "93 456 78 90");
        pet(&s, jose.id, "Ñoño");
        let ids = |q: &str| {
            s.search(q, 10)
                .unwrap()
                .into_iter()
                .map(|h| h.client_id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("nunez"), [maria.id], "'nunez' finds 'Núñez'");
        assert_eq!(ids("NÚÑEZ"), [maria.id]);
        assert_eq!(ids("612345"), [maria.id], "phone digits without spaces");
        assert_eq!(ids("934567890"), [jose.id]);
        assert_eq!(ids("nono"), [jose.id], "pet names are searched too");
        assert_eq!(ids("maria pena"), [maria.id], "every word must match");
        assert!(ids("maria garcia").is_empty());
        assert!(ids("   ").is_empty());
        assert!(
            ids("%").is_empty(),
            "LIKE wildcards typed by the user are not wildcards"
        );
        let hit = &s.search("jose", 10).unwrap()[0];
        assert_eq!(
            (hit.full_name.as_str(), hit.phone.as_str(), hit.pets.clone()),
            ("José García", "93 456 78 90", vec!["Ñoño".to_string()])
        );
    }

    #[test]
    fn search_ranks_word_starts_first() {
        let s = store();
        let a = client(&s, "Ana", "Ramos", "600000001"); // "ana" inside a word: "susANA"
        let b = client(&s, "Susana", "Abad", "600000002");
        let ids: Vec<_> = s
            .search("ana", 10)
            .unwrap()
            .into_iter()
            .map(|h| h.client_id)
            .collect();
        assert_eq!(
            ids,
            [a.id, b.id],
            "'Ana' starts a name, 'Susana' only contains it"
        );
    }

    #[test]
    fn a_surname_that_starts_with_the_query_comes_first() {
        let s = store();
        let a = client(&s, "Luis", "Álvarez Núñez", "600000001");
        let b = client(&s, "María", "Núñez", "600000002");
        let ids: Vec<_> = s
            .search("nunez", 10)
            .unwrap()
            .into_iter()
            .map(|h| h.client_id)
            .collect();
        assert_eq!(
            ids,
            [b.id, a.id],
            "Núñez as first surname before Núñez as second"
        );
    }

    #[test]
    fn the_list_is_alphabetical_by_surname() {
        let s = store();
        client(&s, "Zoe", "Álvarez", "600000001");
        client(&s, "Ana", "Zapata", "600000002");
        client(&s, "Luis", "Ibáñez", "600000003");
        let (total, page) = s.clients_list(0, 2).unwrap();
        assert_eq!(total, 3);
        let names: Vec<_> = page.into_iter().map(|h| h.full_name).collect();
        assert_eq!(
            names,
            ["Zoe Álvarez", "Luis Ibáñez"],
            "accents do not push Álvarez to the end"
        );
        assert_eq!(s.clients_list(2, 2).unwrap().1[0].full_name, "Ana Zapata");
    }
}

#[cfg(test)]
mod staff_tests {
    use crate::test_util::*;
    use crate::StoreError;
    use fidelia_core::{Role, StaffForm, StaffId};

    #[test]
    fn staff_are_added_edited_and_listed_active_first() {
        let s = store();
        let a = s
            .save_staff(&StaffForm {
                name: "Dra. Elena Ruiz".into(),
                role: "veterinario".into(),
                active: true,
                ..Default::default()
            })
            .unwrap();
        s.save_staff(&StaffForm {
            name: "Ana Antigua".into(),
            role: "auxiliar".into(),
            active: false,
            ..Default::default()
        })
        .unwrap();
        let edited = s
            .save_staff(&StaffForm {
                id: Some(a.id),
                name: "Dra. Elena Ruiz Sanz".into(),
                role: "direccion".into(),
                active: true,
            })
            .unwrap();
        assert_eq!(edited.data.role, Role::Management);
        let names: Vec<_> = s
            .staff_list()
            .unwrap()
            .into_iter()
            .map(|s| s.data.name)
            .collect();
        assert_eq!(
            names,
            ["Dra. Elena Ruiz Sanz", "Ana Antigua"],
            "active staff first"
        );
        let missing = s.save_staff(&StaffForm {
            id: Some(StaffId(99)),
            name: "X".into(),
            role: "auxiliar".into(),
            active: true,
        });
        assert!(matches!(missing, Err(StoreError::NotFound)));
        assert!(matches!(
            s.save_staff(&StaffForm::default()),
            Err(StoreError::Invalid(_))
        ));
    }
}

#[cfg(test)]
mod settings_tests {
    use crate::test_util::*;
    use fidelia_core::{settings::Settings, Lang};

    #[test]
    fn settings_round_trip_and_bad_ones_change_nothing() {
        let s = store();
        assert_eq!(
            s.settings().unwrap(),
            Settings::default(),
            "a new clinic has the defaults"
        );
        let saved = s
            .save_settings(&Settings {
                clinic_name: "Clínica Peña".into(),
                language: Lang::En,
                ..Settings::default()
            })
            .unwrap();
        assert_eq!(s.settings().unwrap(), saved);
        let bad = Settings {
            clinic_name: "".into(),
            ..saved.clone()
        };
        assert!(s.save_settings(&bad).is_err());
        assert_eq!(
            s.settings().unwrap().clinic_name,
            "Clínica Peña",
            "a rejected form loses nothing already saved"
        );
    }
}

#[cfg(test)]
mod export_tests {
    use crate::test_util::*;

    #[test]
    fn json_export_holds_every_record() {
        let s = store();
        let c = client(&s, "María", "Núñez", "612 345 678");
        pet(&s, c.id, "Luna");
        let mut out = Vec::new();
        s.export_json(&mut out, now()).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["clients"][0]["surnames"], "Núñez");
        assert_eq!(v["pets"][0]["name"], "Luna");
        assert!(
            v["clients"][0].get("search_key").is_none(),
            "derived columns are not exported"
        );
        assert_eq!(v["visits"].as_array().unwrap().len(), 0);
    }

    /// A logo of a few bytes that would unpack to 25 million pixels is refused when saved
    /// (issue 13, defect 9: it was decoded with no limit when a letter was printed).
    #[test]
    fn a_logo_too_large_in_pixels_is_refused() {
        use base64::Engine as _;
        let s = store();
        let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
        png.extend_from_slice(&5000u32.to_be_bytes());
        png.extend_from_slice(&5000u32.to_be_bytes());
        png.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
        let url = format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(&png)
        );
        let form = fidelia_core::settings::Settings {
            logo_data_url: url,
            ..s.settings().unwrap()
        };
        match s.save_settings(&form) {
            Err(crate::StoreError::Invalid(e)) => {
                assert_eq!((e.0[0].field, e.0[0].key), ("logo", "err.logo_pixels"))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(s.settings().unwrap().logo_data_url, "", "nothing saved");
    }

    #[test]
    fn csv_export_writes_a_file_per_table_with_quotes_where_needed() {
        let s = store();
        let c = client(&s, "María", "Núñez, \"la del perro\"", "612 345 678");
        pet(&s, c.id, "Luna");
        let dir = std::env::temp_dir().join(format!("fidelia-export-{}", std::process::id()));
        let files = s.export_csv(&dir, now()).unwrap();
        assert_eq!(files.len(), fidelia_store::export::TABLES.len());
        let mut r = csv::Reader::from_path(dir.join("clients.csv")).unwrap();
        let row = r.records().next().unwrap().unwrap();
        let header = r.headers().unwrap().clone();
        let surnames = header.iter().position(|h| h == "surnames").unwrap();
        assert_eq!(
            &row[surnames], "Núñez, \"la del perro\"",
            "the CSV round-trips separators and quotes"
        );
        // A client named like a formula is text in the file (issue 13, defect 5).
        let f = client(
            &s,
            "=HYPERLINK(\"http://x.example\")",
            "@SUM(A1)",
            "612 345 679",
        );
        std::fs::remove_dir_all(&dir).unwrap();
        s.export_csv(&dir, now()).unwrap();
        let mut r = csv::Reader::from_path(dir.join("clients.csv")).unwrap();
        let header = r.headers().unwrap().clone();
        let col = |n: &str| header.iter().position(|h| h == n).unwrap();
        let row = r
            .records()
            .map(|r| r.unwrap())
            .find(|r| r[col("id")] == f.id.0.to_string())
            .unwrap();
        assert_eq!(&row[col("first_name")], "'=HYPERLINK(\"http://x.example\")");
        assert_eq!(&row[col("surnames")], "'@SUM(A1)");
        let visits = std::fs::read_to_string(dir.join("visits.csv")).unwrap();
        assert!(
            visits.starts_with("id,pet_id,staff_id,at"),
            "an empty table still has its header: {visits}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
