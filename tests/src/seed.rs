//! Seeding a test's clinic before its window opens, through fidelia-ops (the
//! same code the window's commands call), never with SQL.

use chrono::{DateTime, Duration, Local, Utc};
use fidelia_core::*;
use fidelia_ops::Clinic;

use crate::Sandbox;

/// The clinic as of now, on this PC's clock and time zone (as the app sees it).
pub fn now() -> ClinicTime<Local> {
    ClinicTime::new(Utc::now(), Local)
}

/// `dd/mm/aaaa` and `hh:mm` of an instant on this PC's clock, as a form takes them.
pub fn form_date_time(t: DateTime<Utc>) -> (String, String) {
    let l = t.with_timezone(&Local);
    (
        l.format("%d/%m/%Y").to_string(),
        l.format("%H:%M").to_string(),
    )
}

/// A clean clinic open every day, all day, so call times in a test do not depend on the hour
/// the test runs at.
pub fn open_store_always_open(sb: &Sandbox) -> Clinic {
    let store = Clinic::open(&sb.db_path()).expect("the test database opens");
    always_open(&store);
    store
}

/// The clinic open every day, all day (see [`open_store_always_open`]).
pub fn always_open(store: &Clinic) {
    let mut s = store.settings().expect("settings");
    s.clinic_name = "Clínica de Pruebas".into();
    s.opening_hours = std::array::from_fn(|_| "00:00-23:59".into());
    store.save_settings(&s).expect("valid settings");
}

pub fn vet(store: &Clinic, name: &str) -> Staff {
    store
        .save_staff(&StaffForm {
            name: name.into(),
            role: "veterinario".into(),
            active: true,
            ..Default::default()
        })
        .expect("valid staff")
}

pub fn client_with_dog(store: &Clinic, first: &str, surnames: &str, dog: &str) -> (Client, Pet) {
    let c = store
        .save_client(
            &ClientForm {
                first_name: first.into(),
                surnames: surnames.into(),
                phone1: "612 345 678".into(),
                preferred_channel: "telefono".into(),
                consent_care: true,
                ..Default::default()
            },
            Utc::now(),
        )
        .expect("valid client");
    let p = store
        .save_pet(
            &PetForm {
                client_id: Some(c.id),
                name: dog.into(),
                species: "perro".into(),
                sex: "hembra".into(),
                ..Default::default()
            },
            &now(),
        )
        .expect("valid pet");
    (c, p)
}

/// A surgery `hours_ago` hours ago: with the 12-hour rule its call falls due `hours_ago - 12`
/// hours ago (or in `12 - hours_ago` hours).
pub fn surgery(store: &Clinic, pet: PetId, staff: Option<StaffId>, hours_ago: i64) -> Visit {
    let (date, time) = form_date_time(Utc::now() - Duration::hours(hours_ago));
    let f = VisitForm {
        pet_id: Some(pet),
        staff_id: staff,
        date,
        time,
        kind: "cirugia".into(),
        severity: "grave".into(),
        reason: "Castración".into(),
        ..Default::default()
    };
    store.save_visit(&f, &now()).expect("valid visit")
}
