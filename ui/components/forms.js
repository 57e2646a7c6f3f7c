// The five record forms (client, pet, staff, visit, appointment). Each opens a modal dialog,
// sends the fields exactly as typed, and resolves with the saved record (or null if cancelled).

import { api, idOrNull } from "../ipc.js";
import { h } from "../lib/dom.js";
import { t, word, isoToForm, dateToForm, timeToForm, amountToForm } from "../i18n.js";
import { formDialog } from "./dialog.js";
import { textField, dateField, textArea, selectField, checkField } from "./fields.js";
import { me } from "../lib/me.js";
import { refresh } from "../app.js";

export const CHANNELS = ["telefono", "whatsapp", "email", "ninguno"];
export const CONSENT_HOW = ["presencial", "telefono", "whatsapp", "email", "escrito"];
export const TITLES = ["ninguno", "sra", "sr"];
export const SPECIES = ["perro", "gato", "conejo", "ave", "huron", "roedor", "reptil", "otro"];
export const SEXES = ["macho", "hembra", "desconocido"];
export const ROLES = ["veterinario", "auxiliar", "recepcion", "direccion"];
export const VISIT_KINDS = ["consulta", "revision", "vacunacion", "cirugia", "urgencia", "alta_hospitalaria", "otro"];
export const SEVERITIES = ["leve", "moderada", "grave"];
export const TREATMENT_KINDS = ["vacuna", "desparasitacion_interna", "desparasitacion_externa", "otro"];

const words = (list, values) => values.map((v) => ({ value: v, label: word(list, v) }));
const val = (form, name) => form.elements.namedItem(name).value;
const checked = (form, name) => form.elements.namedItem(name).checked;

// ------------------------------------------------------------------ client

// The client's fields as the form shows them (the record's keys, and the controls' names).
const CLIENT_FIELDS = ["title", "firstName", "surnames", "phone1", "phone2", "email", "preferredChannel", "address", "consentCare", "consentCommercial", "notes"];

/** A control's value as the record holds it (a checkbox: true/false). */
function controlValue(el) {
  return el.type === "checkbox" ? el.checked : el.value;
}

/** A value as the person saw it in `el`: a list's label, Sí/No, "—" for nothing. */
function shownValue(el, v) {
  if (el.type === "checkbox") return v ? t("common.yes") : t("common.no");
  if (el.tagName === "SELECT") {
    const o = Array.from(el.options).find((x) => x.value === v);
    return o ? o.textContent : v;
  }
  return v === "" ? t("common.none") : v;
}

/**
 * Another person saved the record while this form was open (code "conflict"; its message is
 * already at the top): the form takes the record as it is now (`now`, in the form's own terms,
 * like `shown`), and the version it shows moves on. Nothing typed is lost silently: the notes
 * typed stay in their field (with the notes saved now under them when those changed too), and
 * under any other field changed here the value typed is shown ("Usted había puesto: …"). The
 * page behind a dialog is drawn again too (`redraw`; not for a form that is part of the page).
 */
export function takeCurrent(formEl, shown, now, fields, { redraw = true } = {}) {
  for (const p of formEl.querySelectorAll(".field-conflict")) p.remove();
  for (const name of fields) {
    const el = formEl.elements.namedItem(name);
    if (!el) continue;
    const typed = controlValue(el);
    const before = shown[name] ?? (el.type === "checkbox" ? false : "");
    const current = now[name] ?? (el.type === "checkbox" ? false : "");
    const changedHere = typed !== before;
    const wrap = el.closest(".field") || el.parentElement;
    const note = (text) => {
      const p = h("p", { class: "field-conflict prewrap", id: `${el.id}-conflict`, dataset: { field: name } }, text);
      wrap.appendChild(p);
    };
    if (name === "notes" && changedHere) {
      // What was typed stays; the notes saved now are shown if they changed too.
      if (current !== before && current !== typed) note(t("conflict.notes_now", { value: shownValue(el, current) }));
      continue;
    }
    if (el.type === "checkbox") el.checked = Boolean(current);
    else el.value = current;
    if (changedHere && typed !== current) note(t("conflict.you_typed", { value: shownValue(el, typed) }));
  }
  Object.assign(shown, now);
  if (redraw) refresh();
}

async function reloadClient(formEl, shown) {
  takeCurrent(formEl, shown, (await api.clientGet(shown.id)).client, CLIENT_FIELDS);
}

export function openClientForm(client = null) {
  const c = client || { preferredChannel: "telefono", consentCare: true, consentCommercial: false };
  // The record as the form last showed it (its version is sent with the save).
  const shown = client ? { ...client } : null;
  const f = "client";
  return formDialog({
    form: f,
    title: client ? t("client.edit_title") : t("client.new_title"),
    body: [
      selectField(f, { name: "title", label: t("client.title"), options: words("title", TITLES), value: c.title || "ninguno" }),
      textField(f, { name: "firstName", label: t("client.first_name"), value: c.firstName, required: true }),
      textField(f, { name: "surnames", label: t("client.surnames"), value: c.surnames, required: true }),
      textField(f, { name: "phone1", label: t("client.phone1"), value: c.phone1, inputmode: "tel", type: "tel" }),
      textField(f, { name: "phone2", label: t("client.phone2"), value: c.phone2, inputmode: "tel", type: "tel" }),
      textField(f, { name: "email", label: t("client.email"), value: c.email, type: "email", inputmode: "email" }),
      selectField(f, { name: "preferredChannel", label: t("client.preferred_channel"), options: words("channel", CHANNELS), value: c.preferredChannel }),
      textField(f, { name: "address", label: t("client.address"), value: c.address, wide: true }),
      checkField(f, { name: "consentCare", label: t("client.consent_care"), checked: c.consentCare, hint: t("client.consent_care_hint") }),
      checkField(f, { name: "consentCommercial", label: t("client.consent_commercial"), checked: c.consentCommercial, hint: t("client.consent_commercial_hint") }),
      selectField(f, { name: "consentHow", label: t("client.consent_how"), options: words("consent_how", CONSENT_HOW), value: "presencial", hint: t("client.consent_how_hint") }),
      textArea(f, { name: "notes", label: t("client.notes"), value: c.notes }),
    ],
    collect: (form) => ({
      id: client ? client.id : null,
      version: shown ? shown.version : null,
      title: val(form, "title"),
      firstName: val(form, "firstName"),
      surnames: val(form, "surnames"),
      phone1: val(form, "phone1"),
      phone2: val(form, "phone2"),
      email: val(form, "email"),
      address: val(form, "address"),
      preferredChannel: val(form, "preferredChannel"),
      consentCare: checked(form, "consentCare"),
      consentCommercial: checked(form, "consentCommercial"),
      consentHow: val(form, "consentHow"),
      recordedBy: me(),
      notes: val(form, "notes"),
    }),
    save: api.clientSave,
    onConflict: shown ? (formEl) => reloadClient(formEl, shown) : null,
  });
}

// ------------------------------------------------------------------ pet

// The pet's fields as the form shows them.
const PET_FIELDS = ["name", "species", "breed", "sex", "birthDate", "notes", "deceased", "deceasedOn", "deceasedDateUnknown"];

/** A pet record in the form's own terms (days as typed, the unknown day of death ticked). */
const petAsShown = (p) => ({
  ...p,
  birthDate: isoToForm(p.birthDate),
  deceased: Boolean(p.deceased),
  deceasedOn: isoToForm(p.deceasedOn),
  deceasedDateUnknown: Boolean(p.deceased && !p.deceasedOn),
});

async function reloadPet(formEl, shown, clientId) {
  const now = (await api.clientGet(clientId)).pets.find((x) => x.id === shown.id);
  if (now) takeCurrent(formEl, shown, petAsShown(now), PET_FIELDS);
}

export function openPetForm(clientId, pet = null) {
  const p = pet || { species: "perro", sex: "desconocido" };
  // The record as the form last showed it (its version is sent with the save).
  const shown = pet ? petAsShown(pet) : null;
  const f = "pet";
  return formDialog({
    form: f,
    title: pet ? t("pet.edit_title") : t("pet.new_title"),
    body: [
      textField(f, { name: "name", label: t("pet.name"), value: p.name, required: true }),
      selectField(f, { name: "species", label: t("pet.species"), options: words("species", SPECIES), value: p.species, required: true }),
      textField(f, { name: "breed", label: t("pet.breed"), value: p.breed }),
      selectField(f, { name: "sex", label: t("pet.sex"), options: words("sex", SEXES), value: p.sex }),
      dateField(f, { name: "birthDate", label: t("pet.birth_date"), value: isoToForm(p.birthDate), placeholder: t("form.date_placeholder") }),
      textArea(f, { name: "notes", label: t("pet.notes"), value: p.notes }),
      checkField(f, { name: "deceased", label: t("pet.deceased"), checked: Boolean(p.deceased), hint: t("pet.deceased_hint") }),
      dateField(f, { name: "deceasedOn", label: t("pet.deceased_on"), value: isoToForm(p.deceasedOn), placeholder: t("form.date_placeholder"), hint: t("pet.deceased_on_hint") }),
      checkField(f, { name: "deceasedDateUnknown", label: t("pet.deceased_date_unknown"), checked: Boolean(p.deceased && !p.deceasedOn), hint: t("pet.deceased_date_unknown_hint") }),
    ],
    collect: (form) => ({
      id: pet ? pet.id : null,
      clientId,
      name: val(form, "name"),
      species: val(form, "species"),
      breed: val(form, "breed"),
      sex: val(form, "sex"),
      birthDate: val(form, "birthDate"),
      deceased: checked(form, "deceased"),
      deceasedOn: checked(form, "deceased") ? val(form, "deceasedOn") : "",
      deceasedDateUnknown: checked(form, "deceased") && checked(form, "deceasedDateUnknown"),
      notes: val(form, "notes"),
      version: shown ? shown.version : null,
    }),
    save: api.petSave,
    onConflict: shown ? (formEl) => reloadPet(formEl, shown, clientId) : null,
  });
}

// ------------------------------------------------------------------ staff

export function openStaffForm(staff = null) {
  const s = staff || { role: "veterinario", active: true };
  const f = "staff";
  return formDialog({
    form: f,
    title: staff ? t("staff.edit_title") : t("staff.new_title"),
    body: [
      textField(f, { name: "name", label: t("staff.name"), value: s.name, required: true, wide: true }),
      selectField(f, { name: "role", label: t("staff.role"), options: words("role", ROLES), value: s.role }),
      checkField(f, { name: "active", label: t("staff.active"), checked: s.active, hint: t("staff.active_hint"), wide: false }),
    ],
    collect: (form) => ({
      id: staff ? staff.id : null,
      name: val(form, "name"),
      role: val(form, "role"),
      active: checked(form, "active"),
    }),
    save: api.staffSave,
  });
}

// ------------------------------------------------------------------ visit & appointment

/** The client's living pets (plus the record's own pet when editing), for `petId`. */
function petOptions(pets, currentId) {
  const list = pets.filter((p) => !p.deceased || p.id === currentId);
  if (list.length === 0) return [{ value: "", label: t("common.none") }];
  return list.map((p) => ({ value: String(p.id), label: `${p.name} (${word("species", p.species)})` }));
}

/** "—" then the active staff (plus the record's own staff member when editing), for `staffId`. */
function staffOptions(staff, currentId) {
  const list = staff.filter((s) => s.active || s.id === currentId);
  return [{ value: "", label: t("common.none") }, ...list.map((s) => ({ value: String(s.id), label: `${s.name} · ${word("role", s.role)}` }))];
}

/** "Applied in this visit": one box per kind of vaccine or deworming. */
function treatmentChecks(f) {
  return h(
    "fieldset",
    { class: "field field--wide field--checks", dataset: { field: "treatments" } },
    h("legend", null, t("visit.treatments")),
    TREATMENT_KINDS.map((k) => {
      const id = `f-${f}-treatment-${k}`;
      return h("span", { class: "check-inline" }, h("input", { type: "checkbox", id, name: `treatment-${k}`, value: k }), h("label", { for: id }, word("treatment_kind", k)));
    }),
    h("p", { class: "field-hint" }, t("visit.treatments_hint")),
  );
}

/** `visit` null = new (date and time prefilled with now). */
export function openVisitForm({ pets, staff, visit = null, petId = null }) {
  const now = new Date();
  const at = visit ? new Date(visit.at) : now;
  const v = visit || { kind: "consulta", severity: "leve", petId };
  const f = "visit";
  return formDialog({
    form: f,
    title: visit ? t("visit.edit_title") : t("visit.new_title"),
    body: [
      selectField(f, { name: "petId", label: t("visit.pet"), options: petOptions(pets, v.petId), value: v.petId != null ? String(v.petId) : undefined, required: true }),
      selectField(f, { name: "staffId", label: t("visit.staff"), options: staffOptions(staff, v.staffId), value: v.staffId != null ? String(v.staffId) : "" }),
      dateField(f, { name: "date", label: t("visit.date"), value: dateToForm(at), placeholder: t("form.date_placeholder"), required: true }),
      dateField(f, { name: "time", label: t("visit.time"), value: timeToForm(at), placeholder: t("form.time_placeholder"), maxlength: 5, required: true }),
      selectField(f, { name: "kind", label: t("visit.kind"), options: words("visit_kind", VISIT_KINDS), value: v.kind }),
      selectField(f, { name: "severity", label: t("visit.severity"), options: words("severity", SEVERITIES), value: v.severity }),
      textField(f, { name: "reason", label: t("visit.reason"), value: v.reason, wide: true }),
      textField(f, { name: "amount", label: t("visit.amount"), value: amountToForm(v.amountCents), inputmode: "decimal", placeholder: t("visit.amount_placeholder"), hint: t("visit.amount_hint") }),
      // A new visit may record the vaccines and dewormings given in it (their reminders follow).
      visit ? null : treatmentChecks(f),
    ],
    collect: (form) => ({
      id: visit ? visit.id : null,
      petId: idOrNull(val(form, "petId")),
      staffId: idOrNull(val(form, "staffId")),
      date: val(form, "date"),
      time: val(form, "time"),
      kind: val(form, "kind"),
      severity: val(form, "severity"),
      reason: val(form, "reason"),
      amount: val(form, "amount"),
      treatments: visit ? [] : TREATMENT_KINDS.filter((k) => form.elements.namedItem(`treatment-${k}`).checked),
    }),
    save: api.visitSave,
  });
}

/** A vaccine or deworming applied today (or on the date typed); resolves with its next due date. */
export function openTreatmentForm({ pets, petId = null }) {
  const f = "treatment";
  return formDialog({
    form: f,
    title: t("treatment.new_title"),
    body: [
      selectField(f, { name: "petId", label: t("treatment.pet"), options: petOptions(pets.filter((p) => !p.deceased), petId), value: petId != null ? String(petId) : undefined, required: true }),
      selectField(f, { name: "kind", label: t("treatment.kind"), options: words("treatment_kind", TREATMENT_KINDS), value: "vacuna" }),
      textField(f, { name: "product", label: t("treatment.product") }),
      dateField(f, { name: "date", label: t("treatment.date"), value: dateToForm(new Date()), placeholder: t("form.date_placeholder"), required: true }),
      textField(f, { name: "notes", label: t("treatment.notes"), wide: true }),
    ],
    collect: (form) => ({
      petId: idOrNull(val(form, "petId")),
      kind: val(form, "kind"),
      product: val(form, "product"),
      date: val(form, "date"),
      notes: val(form, "notes"),
    }),
    save: api.treatmentSave,
  });
}

/** `appointment` null = new (tomorrow at 10:00); otherwise a move. */
export function openAppointmentForm({ pets, staff, appointment = null, petId = null, reason = "" }) {
  let at;
  if (appointment) {
    at = new Date(appointment.startsAt);
  } else {
    at = new Date();
    at.setDate(at.getDate() + 1);
    at.setHours(10, 0, 0, 0);
  }
  const a = appointment || { durationMin: 15, petId, reason };
  const f = "appointment";
  return formDialog({
    form: f,
    title: appointment ? t("appointment.move_title") : t("appointment.new_title"),
    body: [
      selectField(f, { name: "petId", label: t("appointment.pet"), options: petOptions(pets, a.petId), value: a.petId != null ? String(a.petId) : undefined, required: true }),
      selectField(f, { name: "staffId", label: t("appointment.staff"), options: staffOptions(staff, a.staffId), value: a.staffId != null ? String(a.staffId) : "" }),
      dateField(f, { name: "date", label: t("appointment.date"), value: dateToForm(at), placeholder: t("form.date_placeholder"), required: true }),
      dateField(f, { name: "time", label: t("appointment.time"), value: timeToForm(at), placeholder: t("form.time_placeholder"), maxlength: 5, required: true }),
      textField(f, { name: "durationMin", label: t("appointment.duration"), value: String(a.durationMin ?? ""), inputmode: "numeric", maxlength: 3, hint: t("appointment.duration_hint") }),
      textField(f, { name: "reason", label: t("appointment.reason"), value: a.reason, wide: true }),
    ],
    collect: (form) => ({
      id: appointment ? appointment.id : null,
      petId: idOrNull(val(form, "petId")),
      staffId: idOrNull(val(form, "staffId")),
      date: val(form, "date"),
      time: val(form, "time"),
      durationMin: val(form, "durationMin"),
      reason: val(form, "reason"),
    }),
    save: api.appointmentSave,
  });
}
