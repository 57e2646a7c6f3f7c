//! Two people, one record (issue 16): two PCs, each with its own connection to one clinic,
//! show the same call or the same client; the first saves; the second's save, made over what
//! its screen showed, is refused with the clinic's message and writes nothing, and made again
//! over the current data it goes through. Also when both save at the same instant: one wins,
//! the other is told. On a SQLite file opened twice, and on the test server's database
//! (`FIDELIA_TEST_PG`) opened twice.

use std::sync::{Arc, Barrier};

use chrono::{DateTime, FixedOffset, Utc};
use fidelia_core::calls::{AttemptForm, CallOutcome, CallStatus};
use fidelia_core::*;
use fidelia_ops::{Clinic, Location, StoreError};

const CALL_CHANGED: &str = "Otra persona acaba de cambiar esta llamada. Estos son los datos actuales: revíselos y vuelva a guardar si hace falta.";
const CLIENT_CHANGED: &str = "Otra persona acaba de cambiar esta ficha. Estos son los datos actuales: revíselos y vuelva a guardar si hace falta.";

fn at() -> ClinicTime<FixedOffset> {
    let now: DateTime<Utc> = "2026-11-25T10:00:00Z".parse().unwrap();
    ClinicTime::new(now, FixedOffset::east_opt(3600).unwrap())
}

fn client_form(first: &str) -> ClientForm {
    ClientForm {
        first_name: first.into(),
        surnames: "Núñez".into(),
        phone1: "612 345 678".into(),
        preferred_channel: "telefono".into(),
        consent_care: true,
        ..Default::default()
    }
}

/// A client with a dog operated on yesterday evening: her follow-up call is due.
fn client_with_a_call(pc: &Clinic, first: &str) -> (Client, CallId) {
    let at = at();
    let client = pc.save_client(&client_form(first), at.now).unwrap();
    let pet = pc
        .save_pet(
            &PetForm {
                client_id: Some(client.id),
                name: "Luna".into(),
                species: "perro".into(),
                sex: "hembra".into(),
                ..Default::default()
            },
            &at,
        )
        .unwrap();
    pc.save_visit(
        &VisitForm {
            pet_id: Some(pet.id),
            date: "24/11/2026".into(),
            time: "19:30".into(),
            kind: "cirugia".into(),
            severity: "grave".into(),
            reason: "Castración".into(),
            ..Default::default()
        },
        &at,
    )
    .unwrap();
    let calls = pc.calls_of_client(client.id, at.now).unwrap();
    assert_eq!(calls.len(), 1, "the surgery's follow-up call");
    (client, calls[0].id)
}

fn attempt(id: CallId, outcome: &str, notes: &str, version: i64) -> AttemptForm {
    AttemptForm {
        call_id: Some(id),
        outcome: outcome.into(),
        notes: notes.into(),
        version: Some(version),
        ..Default::default()
    }
}

/// An outcome recorded on one PC over a call another PC changed since it showed it.
fn one_call_two_pcs(first: &Clinic, second: &Clinic) {
    let at = at();
    let (_, id) = client_with_a_call(first, "María");
    // Both call screens show the call as it is.
    let on_first = first.call_detail(id, Lang::Es, at.now).unwrap();
    let on_second = second.call_detail(id, Lang::Es, at.now).unwrap();
    assert_eq!(on_first, on_second);
    let shown = on_second.call.version;

    // The first PC: no answer; the call stays open, to be tried again later.
    let after_first = first
        .record_attempt(
            &attempt(id, "no_contesta", "Sin respuesta (PC 1)", shown),
            &at,
        )
        .unwrap();
    assert_eq!(after_first.status, CallStatus::Pending);

    // The second PC, still showing the call as it was: refused, nothing written.
    match second.record_attempt(&attempt(id, "mejor", "Está mejor (PC 2)", shown), &at) {
        Err(StoreError::Conflict(m)) => assert_eq!(m, CALL_CHANGED),
        other => panic!("the second outcome over the first is refused: {other:?}"),
    }
    let now = second.call_detail(id, Lang::Es, at.now).unwrap();
    assert_eq!(
        now.call, after_first,
        "the call holds the first outcome only"
    );
    assert_eq!(
        now.attempts
            .iter()
            .map(|a| (a.outcome, a.notes.as_str()))
            .collect::<Vec<_>>(),
        [(CallOutcome::NoAnswer, "Sin respuesta (PC 1)")]
    );

    // The second PC shows the current call, and records again: it goes through.
    let after_second = second
        .record_attempt(
            &attempt(id, "mejor", "Está mejor (PC 2)", now.call.version),
            &at,
        )
        .unwrap();
    assert_eq!(after_second.status, CallStatus::Done);
    let end = first.call_detail(id, Lang::Es, at.now).unwrap();
    assert_eq!(end.call, after_second);
    assert_eq!(
        end.attempts
            .iter()
            .map(|a| (a.outcome, a.notes.as_str()))
            .collect::<Vec<_>>(),
        [
            (CallOutcome::NoAnswer, "Sin respuesta (PC 1)"),
            (CallOutcome::Better, "Está mejor (PC 2)")
        ]
    );
}

/// A client saved on one PC over a record another PC saved since it showed it.
fn one_client_two_pcs(first: &Clinic, second: &Clinic) {
    let now = at().now;
    let created = first.save_client(&client_form("Carmen"), now).unwrap();
    let on_first = first.client(created.id).unwrap();
    let on_second = second.client(created.id).unwrap();
    assert_eq!(on_first, on_second);
    let edit = |c: &Client, phone: &str, notes: &str, commercial: bool| ClientForm {
        id: Some(c.id),
        phone1: phone.into(),
        notes: notes.into(),
        consent_commercial: commercial,
        version: Some(c.version),
        ..client_form("Carmen")
    };

    let saved_first = first
        .save_client(
            &edit(&on_first, "699 000 111", "Nuevo móvil (PC 1)", false),
            now,
        )
        .unwrap();
    let consents = second.consent_history(created.id).unwrap();
    match second.save_client(
        &edit(&on_second, "612 345 678", "Acepta ofertas (PC 2)", true),
        now,
    ) {
        Err(StoreError::Conflict(m)) => assert_eq!(m, CLIENT_CHANGED),
        other => panic!("the second save over the first is refused: {other:?}"),
    }
    let current = second.client(created.id).unwrap();
    assert_eq!(current, saved_first, "the record holds the first save only");
    assert_eq!(
        second.consent_history(created.id).unwrap(),
        consents,
        "and no consent was recorded"
    );

    // The second PC shows the current record, and saves again: it goes through.
    let saved_second = second
        .save_client(
            &edit(&current, "699 000 111", "Acepta ofertas (PC 2)", true),
            now,
        )
        .unwrap();
    assert_eq!(
        (
            saved_second.data.phone1.as_str(),
            saved_second.data.notes.as_str(),
            saved_second.data.consent_commercial
        ),
        ("699 000 111", "Acepta ofertas (PC 2)", true)
    );
    assert_eq!(first.client(created.id).unwrap(), saved_second);
}

/// Both PCs save the same version at the same instant, round after round: the check is made
/// inside the write, so exactly one goes through and the other is told.
fn both_at_once(first: Arc<Clinic>, second: Arc<Clinic>) {
    let now = at().now;
    for round in 0..5 {
        let (client, id) = client_with_a_call(&first, &format!("Elena{round}"));
        let shown = first.call_detail(id, Lang::Es, now).unwrap().call.version;
        let barrier = Arc::new(Barrier::new(2));
        let pcs: Vec<_> = [first.clone(), second.clone()]
            .into_iter()
            .enumerate()
            .map(|(pc, clinic)| {
                let barrier = barrier.clone();
                let client = client.clone();
                std::thread::spawn(move || {
                    let notes = format!("PC {}", pc + 1);
                    barrier.wait();
                    let call =
                        clinic.record_attempt(&attempt(id, "no_contesta", &notes, shown), &at());
                    let saved = clinic.save_client(
                        &ClientForm {
                            id: Some(client.id),
                            notes: notes.clone(),
                            version: Some(client.version),
                            ..client_form(&client.data.first_name)
                        },
                        at().now,
                    );
                    (notes, call.map(|_| ()), saved.map(|_| ()))
                })
            })
            .collect();
        let results: Vec<_> = pcs.into_iter().map(|t| t.join().unwrap()).collect();
        let winner = |what: &str,
                      ok: &dyn Fn(&(String, _, _)) -> bool,
                      told: &dyn Fn(&(String, _, _)) -> bool| {
            let won: Vec<&str> = results
                .iter()
                .filter(|r| ok(r))
                .map(|r| r.0.as_str())
                .collect();
            let refused = results.iter().filter(|r| told(r)).count();
            assert_eq!(
                (won.len(), refused),
                (1, 1),
                "round {round}, {what}: {results:?}"
            );
            won[0].to_owned()
        };
        let call_won = winner("the call", &|r| r.1.is_ok(), &|r| {
            matches!(r.1, Err(StoreError::Conflict(_)))
        });
        let client_won = winner("the client", &|r| r.2.is_ok(), &|r| {
            matches!(r.2, Err(StoreError::Conflict(_)))
        });
        // The winner's alone is kept (no answer: the call waits for its retry).
        let d = second.call_detail(id, Lang::Es, now).unwrap();
        assert_eq!(d.call.status, CallStatus::Pending);
        assert_eq!(
            d.attempts
                .iter()
                .map(|a| a.notes.as_str())
                .collect::<Vec<_>>(),
            [call_won.as_str()]
        );
        assert_eq!(first.client(client.id).unwrap().data.notes, client_won);
    }
}

fn on_two_pcs(first: Clinic, second: Clinic) {
    one_call_two_pcs(&first, &second);
    one_client_two_pcs(&first, &second);
    both_at_once(Arc::new(first), Arc::new(second));
}

#[test]
fn two_pcs_on_one_file() {
    let dir = std::env::temp_dir().join(format!("fidelia-two-pcs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let file = Location::File(dir.join("clinic.sqlite3"));
    on_two_pcs(
        Clinic::open_at(&file).unwrap(),
        Clinic::open_at(&file).unwrap(),
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn two_pcs_on_the_server() {
    let Some(url) =
        fidelia_store::server::test_database(&format!("fidelia_two_pcs_{}", std::process::id()))
    else {
        return;
    };
    let server = Location::Server(url);
    on_two_pcs(
        Clinic::open_at(&server).unwrap(),
        Clinic::open_at(&server).unwrap(),
    );
}
