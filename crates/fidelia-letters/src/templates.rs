//! Default letter texts, Spanish and English. The owner can edit them in the window; these are
//! the starting point.
//!
//! Placeholders, filled by `fidelia_core::template::fill` (the same keys in both languages):
//!
//! | key           | what goes in                                                    | example              |
//! |---------------|-----------------------------------------------------------------|----------------------|
//! | `{cliente}`   | the client's full name                                          | Begoña Ibáñez Muñoz  |
//! | `{mascotas}`  | the living pets' names, joined with [`crate::join_names`]       | Ñoño y Pío           |
//! | `{mascota}`   | the one pet (condolence letter)                                 | Ñoño                 |
//! | `{años}`      | the time with the clinic, already worded: [`crate::years_phrase`] | ocho años / un año |
//! | `{clinica}`   | the clinic's name                                               | Clínica Veterinaria Sol |
//! | `{firma}`     | who signs (name)                                                | Dra. Laura Gil       |
//!
//! The body is plain text: paragraphs separated by a blank line; a single line break is kept as a
//! line break. The greeting ("Estimada Sra. …:"), the date, the closing ("Un cordial saludo,") and
//! the signature are added by the renderer, so they are not part of these texts.

/// Thank-you letter for a loyal client (Spanish).
pub const THANKS_ES: &str = "\
Queremos darle las gracias de corazón. Desde hace {años} confía en nosotros para cuidar de {mascotas}, y para todo el equipo de {clinica} es un privilegio estar a su lado en cada revisión, en cada vacuna y también en los pequeños sustos.

Sabemos que elegir a quién confiar la salud de un miembro de la familia no es una decisión menor. Su confianza y el cariño con el que cuida de {mascotas} dan sentido a nuestro trabajo de cada día.

Aquí seguiremos, con la puerta abierta, para todo lo que necesiten. Gracias por seguir con nosotros.";

/// Thank-you letter for a loyal client (English).
pub const THANKS_EN: &str = "\
We would like to thank you from the bottom of our hearts. For {años} you have trusted us to look after {mascotas}, and for everyone at {clinica} it is a privilege to be at your side for every check-up, every vaccination and every little scare.

We know that choosing who to trust with the health of a member of the family is no small decision. Your trust, and the love with which you care for {mascotas}, give meaning to our work every day.

We will always be here, with our door open, whenever you need us. Thank you for staying with us.";

/// Condolence letter after a pet's death (Spanish). Short, warm, no offer.
pub const CONDOLENCE_ES: &str = "\
Hemos sabido del fallecimiento de {mascota} y queremos hacerle llegar, en nombre de todo el equipo de {clinica}, nuestro más sentido pésame.

Ha sido un honor cuidar de {mascota}. Sabemos el vacío tan grande que deja en casa y todo el cariño que recibió de su familia; se notaba en cada visita.

Si en algún momento necesita hablar con nosotros, o simplemente compartir un recuerdo, aquí nos tiene.";

/// Condolence letter after a pet's death (English). Short, warm, no offer.
pub const CONDOLENCE_EN: &str = "\
We were so sorry to learn of the loss of {mascota}, and on behalf of everyone at {clinica} we send you our heartfelt condolences.

It was an honour to care for {mascota}. We know what a great gap is left at home, and how much love {mascota} received from your family; it showed at every visit.

If at any time you would like to talk to us, or simply share a memory, we are here for you.";

/// Every placeholder the default templates may use.
pub const PLACEHOLDERS: &[&str] = &["cliente", "mascotas", "mascota", "años", "clinica", "firma"];
