//! A pet's death, and everything it cancels: no cheerful message after a death. The rule
//! exists here once; whoever records the death (the pet form, an import) calls it in the
//! transaction that records it.

use chrono::TimeZone;
use fidelia_core::{ClinicTime, PetId};
use fidelia_store::tables::{appointments, calls, coupons, treatments};
use fidelia_store::{Db, Result};

/// Cancels a deceased pet's open calls, its appointments still to come, its unused birthday
/// coupons and the messages about it still to send; its vaccines are never reminded of again.
pub(crate) fn cancel_what_a_death_ends<Tz: TimeZone>(
    db: &Db,
    pet: PetId,
    at: &ClinicTime<Tz>,
) -> Result<()> {
    let now = at.now;
    calls::cancel_open_of_pet(db, pet, now)?;
    appointments::cancel_future_of_pet(db, pet, now)?;
    coupons::cancel_unused_of_pet(db, pet)?;
    crate::messages::withdraw_for_pet(db, pet, None, "fallecimiento", at.today(), now)?;
    treatments::stop_checks_of_pet(db, pet)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;

    use fidelia_core::import::ImportOptions;
    use fidelia_core::*;

    use crate::import::ImportSource;
    use crate::test_util::*;
    use crate::Clinic;

    const HEADER: &str = "Cód. Cliente;Nombre;Apellidos;Teléfono;Acepta publicidad;Nº Mascota;Mascota;Especie;Sexo;Fecha nacimiento;Fallecido;Fecha fallecimiento;Fecha visita;Tipo de visita;Gravedad;Motivo\n";
    const ALIVE: &str = "C001;María;Núñez;612 345 678;Sí;M001;Luna;Canino;Hembra;28/11/2019;No;;24/11/2026 19:30;Cirugía;Grave;Castración\n";
    const DEAD: &str = "C001;María;Núñez;612 345 678;Sí;M001;Luna;Canino;Hembra;28/11/2019;Sí;25/11/2026;24/11/2026 19:30;Cirugía;Grave;Castración\n";

    fn import(s: &Clinic, row: &str) {
        let csv = format!("{HEADER}{row}");
        let r = s
            .import(
                ImportSource::Bytes(csv.as_bytes()),
                &ImportOptions::default(),
                &mut |_, _| {},
                &AtomicBool::new(false),
                &at(),
            )
            .expect("the import runs");
        assert_eq!(r.rows_rejected, 0, "{:?}", r.rejected);
    }

    /// Luna, imported, with everything a death must end: the follow-up call of yesterday's
    /// surgery, an appointment next week, and her birthday coupon.
    fn luna() -> (Clinic, Client, Pet, String) {
        let s = store();
        import(&s, ALIVE);
        let c = s.search("nunez", 1).unwrap()[0].client_id;
        let page = s.client_page(c).unwrap();
        let luna = page.pets[0].clone();
        s.save_appointment(
            &AppointmentForm {
                pet_id: Some(luna.id),
                date: "02/12/2026".into(),
                time: "10:00".into(),
                duration_min: "20".into(),
                reason: "Revisión".into(),
                ..Default::default()
            },
            &at(),
        )
        .unwrap();
        let coupon = s.issue_coupon(luna.id, at().today(), now()).unwrap().code;
        assert_eq!(
            s.calls_of_client(c, now()).unwrap()[0].status,
            calls::CallStatus::Pending,
            "the surgery's call is open"
        );
        (s, page.client, luna, coupon)
    }

    /// What a death must have ended: (call statuses, appointment statuses, coupon status).
    fn after(
        s: &Clinic,
        c: &Client,
        coupon: &str,
    ) -> (Vec<&'static str>, Vec<&'static str>, String) {
        (
            s.calls_of_client(c.id, now())
                .unwrap()
                .iter()
                .map(|k| k.status.as_str())
                .collect(),
            s.client_page(c.id)
                .unwrap()
                .appointments
                .iter()
                .map(|a| a.data.status.as_str())
                .collect(),
            s.coupon(coupon).unwrap().status,
        )
    }

    #[test]
    fn an_import_that_marks_a_pet_deceased_ends_what_the_window_ends() {
        let (window, c, pet, coupon) = luna();
        window
            .save_pet(
                &PetForm {
                    id: Some(pet.id),
                    client_id: Some(c.id),
                    name: "Luna".into(),
                    species: "perro".into(),
                    sex: "hembra".into(),
                    birth_date: "28/11/2019".into(),
                    deceased: true,
                    deceased_on: "25/11/2026".into(),
                    ..Default::default()
                },
                &at(),
            )
            .unwrap();
        let by_window = after(&window, &c, &coupon);
        assert_eq!(
            by_window,
            (
                vec!["cancelada"],
                vec!["cancelada"],
                "cancelado".to_string()
            ),
            "a death recorded in the window cancels the call, the appointment and the coupon"
        );

        let (imported, c2, _, coupon2) = luna();
        import(&imported, DEAD);
        assert_eq!(
            after(&imported, &c2, &coupon2),
            by_window,
            "an import that marks the pet deceased ends exactly the same"
        );
    }
}
