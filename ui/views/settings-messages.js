// Ajustes → Mensajes y encuestas: the text of each kind of message (with its placeholders and a
// live preview on a real client), the survey link, when care reminders go out (escalation and
// intervals per treatment and species) and when surveys do.

import { api } from "../ipc.js";
import { h } from "../lib/dom.js";
import { t, word } from "../i18n.js";
import { textField, checkField, numberField, wholeNumber } from "../components/fields.js";

const F = "settings";
/** The kinds of message whose text the clinic writes, with their placeholders (settings.rs TEMPLATES). */
const TEMPLATES = [
  ["cuidado_primero", ["lista", "mascotas"]],
  ["cuidado_segundo", ["lista", "mascotas"]],
  ["cita", ["mascota", "fecha", "hora"]],
  ["encuesta", ["mascota", "fecha", "enlace", "codigo"]],
  ["cumpleanos", ["mascota", "edad", "cupon", "descuento", "caduca"]],
];
const COMMON = ["nombre", "titulo", "clinica", "telefono"];
const PREVIEW_DELAY_MS = 250;

const number = (name, label, value, hint) => numberField(F, { name, label, value, hint });

/** One kind's text, its placeholders, and how it reads for a real client as it is typed. */
function templateField(kind, own, text) {
  const id = `f-${F}-template-${kind}`;
  const preview = h("p", { class: "template-preview prewrap", id: `${id}-preview`, "aria-live": "polite" });
  const missing = h("p", { class: "field-error", id: `${id}-missing`, hidden: true });
  const area = h("textarea", { id, name: `template-${kind}`, rows: 4, value: text, "aria-describedby": `${id}-hint ${id}-preview` });
  let timer = null;
  let asked = 0;
  const update = async () => {
    const mine = ++asked;
    try {
      const p = await api.templatePreview(kind, area.value, null);
      if (mine !== asked) return;
      preview.replaceChildren(h("span", { class: "muted" }, t("settings.preview_for", { name: p.clientName })), h("br"), p.text);
      missing.hidden = p.unfilled.length === 0;
      missing.textContent = t("settings.preview_unfilled", { list: p.unfilled.join(", ") });
    } catch (err) {
      if (mine !== asked) return;
      preview.textContent = err && err.message ? err.message : String(err);
    }
  };
  area.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, PREVIEW_DELAY_MS);
  });
  update();
  return h(
    "div",
    { class: "field field--wide template-field", dataset: { field: "templates", kind } },
    h("label", { for: id }, t(`settings.template.${kind}`)),
    area,
    h("p", { class: "field-hint", id: `${id}-hint` }, t("settings.placeholders", { list: [...COMMON, ...own].map((p) => `{${p}}`).join(" ") })),
    missing,
    preview,
  );
}

/** Care reminder rules: when each message and the call go out, and every interval. */
function careFieldset(care) {
  const intervals = (care.intervals || []).map((iv, i) =>
    number(`interval-${i}`, `${word("treatment_kind", iv.kind)} · ${iv.species ? word("species", iv.species) : t("settings.every_species")}`, iv.days),
  );
  return h(
    "fieldset",
    { class: "hours field field--wide", dataset: { field: "careIntervals" } },
    h("legend", null, t("settings.care")),
    h("p", { class: "field-hint" }, t("settings.care_hint")),
    h(
      "div",
      { class: "form-grid" },
      number("firstNoticeDays", t("settings.first_notice_days"), care.firstNoticeDays),
      number("secondNoticeDays", t("settings.second_notice_days"), care.secondNoticeDays),
      number("callAfterDays", t("settings.call_after_days"), care.callAfterDays),
      number("groupDays", t("settings.group_days"), care.groupDays),
      checkField(F, { name: "puppySeries", label: t("settings.puppy_series"), checked: care.puppySeries, hint: t("settings.puppy_series_hint") }),
    ),
    h("h3", { class: "subheading" }, t("settings.intervals")),
    h("div", { class: "form-grid" }, intervals),
  );
}

function surveyFieldset(s) {
  const r = s.surveys || {};
  return h(
    "fieldset",
    { class: "hours field field--wide" },
    h("legend", null, t("settings.surveys")),
    h(
      "div",
      { class: "form-grid" },
      textField(F, { name: "surveyLink", label: t("settings.survey_link"), value: s.surveyLink, wide: true, hint: t("settings.survey_link_hint"), type: "url", inputmode: "url" }),
      number("surveyMinHours", t("settings.survey_min_hours"), r.minHours),
      number("surveyMaxHours", t("settings.survey_max_hours"), r.maxHours),
      number("surveyPerClientDays", t("settings.survey_per_client_days"), r.perClientDays),
    ),
  );
}

/** The fieldsets of this part of the settings form. */
export function messagesFieldsets(s) {
  const lang = s.language || "es";
  const templates = s.templates || {};
  return [
    h(
      "fieldset",
      { class: "hours field field--wide", dataset: { field: "templates" } },
      h("legend", null, t("settings.templates")),
      h("p", { class: "field-hint" }, t("settings.templates_hint")),
      TEMPLATES.map(([kind, own]) => templateField(kind, own, templates[`${lang}.${kind}`] || t(`message.${kind}`))),
    ),
    surveyFieldset(s),
    careFieldset(s.care || {}),
  ];
}

/** What these fieldsets hold, merged into the settings `s` they were built from. */
export function collectMessages(form, s) {
  const v = (name) => form.elements.namedItem(name).value;
  const num = (name) => wholeNumber(form, name);
  const lang = s.language || "es";
  const templates = { ...(s.templates || {}) };
  for (const [kind] of TEMPLATES) {
    const text = v(`template-${kind}`).trim();
    // The dictionary's own text is not stored: it stays the default (and follows its updates).
    if (text === "" || text === t(`message.${kind}`).trim()) delete templates[`${lang}.${kind}`];
    else templates[`${lang}.${kind}`] = text;
  }
  const care = s.care || {};
  return {
    templates,
    surveyLink: v("surveyLink"),
    surveys: { ...(s.surveys || {}), minHours: num("surveyMinHours"), maxHours: num("surveyMaxHours"), perClientDays: num("surveyPerClientDays") },
    care: {
      ...care,
      firstNoticeDays: num("firstNoticeDays"),
      secondNoticeDays: num("secondNoticeDays"),
      callAfterDays: num("callAfterDays"),
      groupDays: num("groupDays"),
      puppySeries: form.elements.namedItem("puppySeries").checked,
      intervals: (care.intervals || []).map((iv, i) => ({ ...iv, days: num(`interval-${i}`) })),
    },
  };
}
