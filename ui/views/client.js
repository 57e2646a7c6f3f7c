// The client's page (#client-page): details, pets, visits, appointments, calls and the timeline,
// each section built by its own function below, in the order the page shows them.

import { api } from "../ipc.js";
import { h } from "../lib/dom.js";
import { t, word, fmtDate, fmtDateTime, fmtMoney, dateToForm } from "../i18n.js";
import { state, refresh, toast, toastError, navigate } from "../app.js";
import { confirmDialog } from "../components/dialog.js";
import { openClientForm, openPetForm, openVisitForm, openAppointmentForm, openTreatmentForm } from "../components/forms.js";
import { openSurveyForm, QUESTIONS } from "../components/survey-form.js";
import { yesNo } from "./shared.js";

// (Written as a constant: the i18n key scanner reads `t("` in any identifier ending in t.)
const DASH = "-";

/** "3 años" / "5 meses" between two ISO dates (birth and today, or birth and death). */
function age(birthIso, untilIso) {
  if (!birthIso || !untilIso) return "";
  const [by, bm, bd] = birthIso.split(DASH).map(Number);
  const [uy, um, ud] = untilIso.split(DASH).map(Number);
  let months = (uy - by) * 12 + (um - bm) - (ud < bd ? 1 : 0);
  if (months < 0) return "";
  if (months >= 12) {
    const years = Math.floor(months / 12);
    return years === 1 ? t("pet.age_one_year") : t("pet.age_years", { n: years });
  }
  return months === 1 ? t("pet.age_one_month") : t("pet.age_months", { n: months });
}

function today() {
  return (state.info && state.info.today) || new Date().toISOString().slice(0, 10);
}

function detail(id, label, ...value) {
  const shown = value.flat().filter((v) => v != null && v !== "");
  return [h("dt", null, label), h("dd", { id }, shown.length ? shown : h("span", { class: "muted" }, t("common.none")))];
}

function section(id, title, action, body) {
  return h("section", { class: "card", "aria-labelledby": `${id}-title` }, h("div", { class: "card-header" }, h("h2", { id: `${id}-title` }, title), action), body);
}

function severityBadge(s) {
  return h("span", { class: ["badge", `badge--${s}`] }, word("severity", s));
}

function statusBadge(s) {
  return h("span", { class: ["badge", `badge--status-${s}`] }, word("appointment_status", s));
}

async function withStaff() {
  try {
    return await api.staffList();
  } catch (err) {
    toastError(err);
    return [];
  }
}

/** After a pet's death is recorded: a short condolence letter, printed or not as staff decide. */
async function offerCondolence(pet) {
  let draft;
  try {
    draft = await api.condolenceDraft(pet.id);
  } catch (err) {
    toastError(err);
    return;
  }
  return new Promise((resolve) => {
    const body = h("textarea", { id: "condolence-body", rows: 9, value: draft.body });
    const error = h("p", { class: "form-error", role: "alert", hidden: true });
    const dialog = h(
      "dialog",
      { id: "condolence-dialog", class: "form-dialog", "aria-labelledby": "condolence-title" },
      h("h2", { id: "condolence-title", class: "dialog-title" }, t("condolence.title", { pet: pet.name })),
      h("p", null, t("condolence.intro", { pet: pet.name })),
      error,
      h("div", { class: "field field--wide" }, h("label", { for: "condolence-body" }, t("condolence.text")), body),
      h(
        "div",
        { class: "form-actions" },
        h("button", { type: "button", class: "btn", id: "condolence-skip", onclick: () => dialog.close() }, t("condolence.skip")),
        h("button", { type: "button", class: "btn", id: "condolence-record", onclick: () => send(false) }, t("condolence.record")),
        h("button", { type: "button", class: "btn btn--primary", id: "condolence-print", onclick: () => send(true) }, t("condolence.print")),
      ),
    );
    async function send(print) {
      try {
        const r = await api.condolenceIssue(pet.id, body.value, print);
        toast(r.file ? t("condolence.printed") : t("condolence.recorded"));
        dialog.close();
      } catch (err) {
        error.textContent = err.message || t("error.unexpected");
        error.hidden = false;
      }
    }
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve();
    });
    document.body.appendChild(dialog);
    dialog.showModal();
  });
}

// ---------------------------------------------------------------- the page's sections

function clientHeader(c, afterSave) {
  const fullName = `${c.firstName} ${c.surnames}`.trim();
  return h(
    "header",
    { class: "view-header" },
    h("h1", { class: "client-name", tabindex: "-1" }, fullName),
    h(
      "div",
      { class: "view-actions" },
      c.erasedAt ? null : h("button", { type: "button", id: "edit-client", class: "btn", onclick: async () => afterSave(await openClientForm(c)) }, t("client.edit")),
    ),
  );
}

function detailsSection(c) {
  const phones = [c.phone1, c.phone2].filter(Boolean).map((p) => h("span", { class: "phone" }, p));
  const details = h(
    "dl",
    { class: "details" },
    detail("client-phones", t("client.phones"), phones),
    detail("client-email", t("client.email"), c.email),
    detail("client-channel", t("client.preferred_channel"), word("channel", c.preferredChannel)),
    detail("client-consent-care", t("client.consent_care"), yesNo(c.consentCare)),
    detail("client-consent-commercial", t("client.consent_commercial"), yesNo(c.consentCommercial)),
    detail("client-address", t("client.address"), c.address),
    detail("client-notes", t("client.notes"), c.notes ? h("span", { class: "prewrap" }, c.notes) : ""),
    detail("client-since", t("client.since"), c.createdAt ? dateToForm(new Date(c.createdAt)) : ""),
  );
  return h("section", { class: "card", "aria-labelledby": "details-title" }, h("h2", { id: "details-title" }, t("client.details")), details);
}

/** "Fallecido/a el 14/02/2024", or "Fallecido/a (fecha desconocida)" when the day is not known. */
function deceasedBadge(p) {
  if (!p.deceased) return null;
  const text = p.deceasedOn ? t("pet.deceased_badge", { date: fmtDate(p.deceasedOn) }) : t("pet.deceased_badge_unknown");
  return h("span", { class: "badge badge--deceased" }, text);
}

function petItem(c, p, afterSave) {
  return h(
    "li",
    { class: ["pet", p.deceased && "pet--deceased"], dataset: { petId: p.id } },
    h(
      "div",
      { class: "pet-main" },
      h("span", { class: "pet-name" }, p.name),
      deceasedBadge(p),
      h(
        "div",
        { class: "pet-facts" },
        // Deceased on an unknown day: no age (it would be counted to today).
        [word("species", p.species), p.breed, word("sex", p.sex), p.deceased && !p.deceasedOn ? null : age(p.birthDate, p.deceasedOn || today())].filter(Boolean).join(" · "),
      ),
      p.notes ? h("div", { class: "pet-notes muted" }, p.notes) : null,
    ),
    h(
      "div",
      { class: "pet-actions" },
      p.deceased
        ? null
        : h(
            "button",
            { type: "button", class: "btn btn--small", dataset: { action: "add-treatment", id: p.id }, "aria-label": t("treatment.add_named", { name: p.name }), onclick: () => addTreatment(p, afterSave) },
            t("treatment.add"),
          ),
      petEditButton(c, p, afterSave),
    ),
  );
}

function petEditButton(c, p, afterSave) {
  return h(
    "button",
    {
      type: "button",
      class: "btn btn--small",
      dataset: { action: "edit-pet", id: p.id },
      "aria-label": t("pet.edit_named", { name: p.name }),
      onclick: async () => {
        const saved = await openPetForm(c.id, p);
        // A death just recorded: offer a condolence letter instead of any message.
        if (saved && saved.deceased && !p.deceased) await offerCondolence(saved);
        afterSave(saved);
      },
    },
    t("common.edit"),
  );
}

// A vaccine or deworming for this pet: the toast says when it is due again (by the clinic's rules).
async function addTreatment(pet, afterSave) {
  const saved = await openTreatmentForm({ pets: [pet], petId: pet.id });
  if (!saved) return;
  toast(saved.nextDueOn ? t("treatment.saved_next", { fecha: fmtDate(saved.nextDueOn) }) : t("treatment.saved"));
  afterSave(saved);
}

function petsSection(c, pets, afterSave) {
  const petsBody =
    pets.length === 0 ? h("p", { class: "empty" }, t("pet.empty")) : h("ul", { id: "pets", class: "pet-list" }, pets.map((p) => petItem(c, p, afterSave)));
  // Keep #pets present even when empty, so the section is always findable.
  return section(
    "pets-section",
    t("pet.title"),
    h("button", { type: "button", id: "add-pet", class: "btn", onclick: async () => afterSave(await openPetForm(c.id, null)) }, t("pet.add")),
    pets.length === 0 ? h("div", { id: "pets" }, petsBody) : petsBody,
  );
}

/** The visit's survey asked by phone now (its code made if it has none). */
async function askSurvey(v, afterSave) {
  try {
    const survey = await api.surveyForVisit(v.id);
    if (survey.answeredAt) {
      toast(t("err.survey_answered"));
      return;
    }
    const saved = await openSurveyForm({ code: survey.code, petName: v.petName });
    if (saved) toast(t(saved.poor ? "survey.recorded_poor" : "survey.recorded"));
    afterSave(saved);
  } catch (err) {
    toastError(err);
  }
}

function visitRow(v, pets, afterSave) {
  return h(
    "tr",
    { dataset: { visitId: v.id } },
    h("td", { class: "nowrap" }, fmtDateTime(v.at)),
    h("td", null, v.petName),
    h("td", null, word("visit_kind", v.kind)),
    h("td", null, severityBadge(v.severity)),
    h("td", null, v.staffName || t("common.none")),
    h("td", null, v.reason),
    h("td", { class: "num nowrap" }, v.amountCents != null ? fmtMoney(v.amountCents) : t("common.none")),
    h(
      "td",
      { class: "row-actions" },
      h(
        "button",
        {
          type: "button",
          class: "btn btn--small",
          dataset: { action: "survey", id: v.id },
          "aria-label": t("survey.ask_named", { pet: v.petName }),
          onclick: () => askSurvey(v, afterSave),
        },
        t("survey.ask"),
      ),
      h(
        "button",
        {
          type: "button",
          class: "btn btn--small",
          dataset: { action: "edit-visit", id: v.id },
          onclick: async () => afterSave(await openVisitForm({ pets, staff: await withStaff(), visit: v })),
        },
        t("common.edit"),
      ),
      h(
        "button",
        {
          type: "button",
          class: "btn btn--small btn--quiet-danger",
          dataset: { action: "delete-visit", id: v.id },
          onclick: async () => {
            const ok = await confirmDialog({
              title: t("visit.delete_title"),
              message: t("visit.delete_confirm", { pet: v.petName, when: fmtDateTime(v.at) }),
              confirmLabel: t("visit.delete"),
              danger: true,
            });
            if (!ok) return;
            try {
              await api.visitDelete(v.id);
              toast(t("toast.deleted"));
              refresh();
            } catch (err) {
              toastError(err);
            }
          },
        },
        t("visit.delete"),
      ),
    ),
  );
}

function visitsSection(pets, visits, afterSave) {
  const addVisit = async (petId = null) => afterSave(await openVisitForm({ pets, staff: await withStaff(), petId }));
  const visitsBody =
    visits.length === 0
      ? h("p", { class: "empty" }, t("visit.empty"))
      : h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "table" },
            h(
              "thead",
              null,
              h(
                "tr",
                null,
                [t("visit.col_when"), t("visit.pet"), t("visit.kind"), t("visit.severity"), t("visit.staff"), t("visit.reason")].map((x) => h("th", { scope: "col" }, x)),
                h("th", { scope: "col", class: "num" }, t("visit.amount")),
                h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, t("common.actions"))),
              ),
            ),
            h("tbody", null, visits.map((v) => visitRow(v, pets, afterSave))),
          ),
        );
  return section(
    "visits-section",
    t("visit.title"),
    h("button", { type: "button", id: "add-visit", class: "btn", onclick: () => addVisit() }, t("visit.add")),
    h("div", { id: "visits" }, visitsBody),
  );
}

function appointmentRow(a, pets, afterSave) {
  return h(
    "tr",
    { dataset: { appointmentId: a.id, status: a.status } },
    h("td", { class: "nowrap" }, fmtDateTime(a.startsAt)),
    h("td", null, a.petName),
    h("td", null, a.staffName || t("common.none")),
    h("td", { class: "nowrap" }, t("appointment.minutes", { n: a.durationMin })),
    h("td", null, a.reason),
    h("td", null, statusBadge(a.status)),
    h(
      "td",
      { class: "row-actions" },
      a.status === "programada"
        ? [
            h(
              "button",
              {
                type: "button",
                class: "btn btn--small",
                dataset: { action: "move-appointment", id: a.id },
                onclick: async () => afterSave(await openAppointmentForm({ pets, staff: await withStaff(), appointment: a })),
              },
              t("appointment.move"),
            ),
            h(
              "button",
              {
                type: "button",
                class: "btn btn--small btn--quiet-danger",
                dataset: { action: "cancel-appointment", id: a.id },
                onclick: async () => {
                  const ok = await confirmDialog({
                    title: t("appointment.cancel_title"),
                    message: t("appointment.cancel_confirm", { pet: a.petName, when: fmtDateTime(a.startsAt) }),
                    confirmLabel: t("appointment.cancel_yes"),
                    cancelLabel: t("appointment.cancel_no"),
                    danger: true,
                  });
                  if (!ok) return;
                  try {
                    await api.appointmentCancel(a.id);
                    toast(t("toast.appointment_cancelled"));
                    refresh();
                  } catch (err) {
                    toastError(err);
                  }
                },
              },
              t("appointment.cancel"),
            ),
          ]
        : null,
    ),
  );
}

function appointmentsSection(pets, appointments, afterSave) {
  const addAppointment = async (petId = null) => afterSave(await openAppointmentForm({ pets, staff: await withStaff(), petId }));
  const apptBody =
    appointments.length === 0
      ? h("p", { class: "empty" }, t("appointment.empty"))
      : h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "table" },
            h(
              "thead",
              null,
              h(
                "tr",
                null,
                [t("appointment.col_when"), t("appointment.pet"), t("appointment.staff"), t("appointment.col_duration"), t("appointment.reason"), t("appointment.status")].map((x) => h("th", { scope: "col" }, x)),
                h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, t("common.actions"))),
              ),
            ),
            h("tbody", null, appointments.map((a) => appointmentRow(a, pets, afterSave))),
          ),
        );
  return section(
    "appointments-section",
    t("appointment.title"),
    h("button", { type: "button", id: "add-appointment", class: "btn", onclick: () => addAppointment() }, t("appointment.add")),
    h("div", { id: "appointments" }, apptBody),
  );
}

function callsSection(calls) {
  const body =
    calls.length === 0
      ? h("p", { class: "empty" }, t("calls.empty_client"))
      : h(
          "ul",
          { class: "agenda-list", id: "client-calls" },
          calls.map((c) =>
            h(
              "li",
              { class: ["call-item", c.overdue && "call-item--overdue", c.status !== "pendiente" && "call-item--closed"], dataset: { callId: c.id, status: c.status } },
              h("span", { class: "agenda-time" }, fmtDateTime(c.scheduledAt)),
              h(
                "div",
                { class: "agenda-main" },
                h("div", { class: "agenda-who" }, h("span", { class: "agenda-pet" }, c.petName), h("span", { class: ["badge", `badge--callstatus-${c.status}`] }, c.overdue ? t("calls.overdue") : word("call_status", c.status))),
                h("div", { class: "agenda-reason" }, word("call_kind", c.kind), c.reason ? ` — ${c.reason}` : ""),
              ),
              h(
                "div",
                { class: "agenda-meta" },
                h("span", { class: "agenda-staff" }, c.staffName || t("call.unassigned")),
                h("button", { type: "button", class: "btn btn--small", dataset: { action: "open-call", id: c.id }, onclick: () => navigate("call", { id: c.id }) }, t("calls.open")),
              ),
            ),
          ),
        );
  return section("calls-section", t("calls.section"), null, h("div", { id: "calls" }, body));
}

// The communication log: messages sent (and those still to send or not sent), newest first.
function messagesSection(messages) {
  const body =
    messages.length === 0
      ? h("p", { class: "empty" }, t("messages.empty_client"))
      : h(
          "ul",
          { class: "agenda-list", id: "client-messages" },
          messages.map((m) =>
            h(
              "li",
              { class: "call-item", dataset: { messageId: m.id, status: m.status } },
              h("span", { class: "agenda-time" }, m.doneAt ? fmtDateTime(m.doneAt) : fmtDate(m.sendOn)),
              h(
                "div",
                { class: "agenda-main" },
                h(
                  "div",
                  { class: "agenda-who" },
                  h("span", { class: "agenda-pet" }, word("message_kind", m.kind)),
                  h("span", { class: "badge" }, word("message_status", m.status)),
                  m.channel ? h("span", { class: "muted" }, word("message_channel", m.channel)) : null,
                ),
                h("div", { class: "agenda-reason prewrap" }, m.body),
                m.note ? h("div", { class: "muted" }, m.note) : null,
              ),
              h("div", { class: "agenda-meta" }, h("span", { class: "agenda-staff" }, m.doneByName || "")),
            ),
          ),
        );
  return section("messages-section", t("messages.section"), null, h("div", { id: "messages" }, body));
}

// The client's survey answers, newest first: each score, the recommendation and the comment.
function surveysSection(surveys) {
  if (!surveys.length) return null;
  return section(
    "surveys-section",
    t("survey.section"),
    null,
    h(
      "ul",
      { class: "agenda-list", id: "client-surveys" },
      surveys.map((s) =>
        h(
          "li",
          { class: ["call-item", s.poor && "call-item--overdue"], dataset: { surveyId: s.id } },
          h("span", { class: "agenda-time" }, fmtDate(s.answeredAt)),
          h(
            "div",
            { class: "agenda-main" },
            h("div", { class: "agenda-who" }, h("span", { class: "agenda-pet" }, s.petName), h("span", { class: "muted" }, t("home.alert_visit", { date: fmtDate(s.visitAt) }))),
            h(
              "div",
              { class: "agenda-reason" },
              [
                ...QUESTIONS.map((q, i) => (s.scores[i] != null ? `${t(`survey.q.${q}`)} ${s.scores[i]}/5` : null)),
                s.recommend != null ? `${t("survey.recommend_label")} ${s.recommend}/10` : null,
              ]
                .filter(Boolean)
                .join(" · "),
            ),
            s.comment ? h("div", { class: "muted" }, `«${s.comment}»`) : null,
          ),
        ),
      ),
    ),
  );
}

// Every change of a consent: which, given or withdrawn, when, how and who recorded it.
function consentsSection(changes) {
  if (!changes.length) return null;
  return section(
    "consents-section",
    t("consent.section"),
    null,
    h(
      "ul",
      { class: "plain-list", id: "consent-history" },
      changes.map((k) =>
        h(
          "li",
          { class: "consent-change", dataset: { consent: k.consent } },
          t(k.given ? "consent.given" : "consent.withdrawn", { which: t(`consent.${k.consent}`), date: fmtDateTime(k.at), how: word("consent_how", k.how).toLowerCase() }),
          k.staffName ? h("span", { class: "muted" }, ` · ${k.staffName}`) : null,
        ),
      ),
    ),
  );
}

function timelineEntry(e) {
  const listKey = e.kind === "visit" ? "visit_kind" : e.kind === "appointment" ? "appointment_status" : null;
  const label = listKey ? word(listKey, e.label) : e.label || "";
  return h(
    "li",
    { class: ["timeline-entry", `timeline-entry--${e.kind}`], dataset: { kind: e.kind } },
    h("span", { class: "timeline-when nowrap" }, fmtDateTime(e.at)),
    h(
      "div",
      { class: "timeline-body" },
      h(
        "div",
        { class: "timeline-title" },
        h("span", { class: ["timeline-icon", `timeline-icon--${e.kind}`], "aria-hidden": "true" }),
        h("span", { class: "timeline-kind" }, t(`timeline.${e.kind}`)),
        label ? h("span", { class: "timeline-label" }, label) : null,
        e.petName ? h("span", { class: "timeline-pet" }, e.petName) : null,
      ),
      e.detail ? h("div", { class: "timeline-detail" }, e.detail) : null,
      e.staffName ? h("div", { class: "timeline-staff muted" }, e.staffName) : null,
    ),
  );
}

function timelineSection(timeline) {
  return section(
    "timeline-section",
    t("timeline.title"),
    null,
    timeline.length === 0
      ? [h("p", { class: "empty" }, t("timeline.empty")), h("ol", { id: "timeline", class: "timeline" })]
      : h("ol", { id: "timeline", class: "timeline" }, timeline.map(timelineEntry)),
  );
}

/** The client's rights over their data: a copy of everything held, and erasure. */
function privacySection(c) {
  if (c.erasedAt) {
    return h("section", { class: "card", id: "client-privacy" }, h("h2", null, t("privacy.title")), h("p", { id: "client-erased" }, t("privacy.erased_on", { date: dateToForm(new Date(c.erasedAt)) })));
  }
  const exportData = async () => {
    try {
      const files = await api.clientExport(c.id);
      toast(t("privacy.exported", { path: files.join(" · ") }));
    } catch (err) {
      toastError(err);
    }
  };
  const erase = async () => {
    const ok = await confirmDialog({
      title: t("privacy.erase_title"),
      message: t("privacy.erase_confirm", { name: `${c.firstName} ${c.surnames}`.trim() }),
      confirmLabel: t("privacy.erase_yes"),
      danger: true,
    });
    if (!ok) return;
    try {
      await api.clientErase(c.id);
      toast(t("privacy.erased"));
      refresh();
    } catch (err) {
      toastError(err);
    }
  };
  return h(
    "section",
    { class: "card", id: "client-privacy", "aria-labelledby": "privacy-title" },
    h("h2", { id: "privacy-title" }, t("privacy.title")),
    h("p", { class: "muted" }, t("privacy.text")),
    h(
      "div",
      { class: "form-actions form-actions--start" },
      h("button", { type: "button", id: "client-export", class: "btn", onclick: exportData }, t("privacy.export")),
      h("button", { type: "button", id: "client-erase", class: "btn btn--danger", onclick: erase }, t("privacy.erase")),
    ),
  );
}

export async function clientView(params) {
  const id = Number(params.id);
  const [page, calls, messages, surveys, consents] = await Promise.all([
    api.clientGet(id),
    api.clientCalls(id),
    api.clientMessages(id),
    api.clientSurveys(id),
    api.consentHistory(id),
  ]);
  const { client: c, pets, visits, appointments, timeline } = page;

  const afterSave = (saved) => {
    if (saved) refresh();
  };

  return h(
    "section",
    { id: "client-page", class: "view view-client", dataset: { clientId: c.id } },
    clientHeader(c, afterSave),
    h("div", { class: "client-top" }, detailsSection(c), petsSection(c, pets, afterSave)),
    visitsSection(pets, visits, afterSave),
    appointmentsSection(pets, appointments, afterSave),
    callsSection(calls),
    messagesSection(messages),
    surveysSection(surveys),
    consentsSection(consents),
    timelineSection(timeline),
    privacySection(c),
  );
}
