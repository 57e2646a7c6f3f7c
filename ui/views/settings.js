// Ajustes: the clinic's details, logo, opening hours, country and language, the rules of calls
// and loyalty, the messages' texts and rules (settings-messages.js); and starting a clean (or a
// new demo) clinic.

import { api } from "../ipc.js";
import { h } from "../lib/dom.js";
import { t } from "../i18n.js";
import { state, hooks, toast, toastError } from "../app.js";
import { textField, selectField, numberField } from "../components/fields.js";
import { clearFormErrors, showFormErrors } from "../components/form-errors.js";
import { confirmDialog } from "../components/dialog.js";
import { messagesFieldsets, collectMessages } from "./settings-messages.js";
import { winbackFieldset, collectWinback } from "./settings-winback.js";
import { diagnosticsSection } from "./settings-diagnostics.js";
import { serverSection } from "./settings-server.js";
import { backupsSection } from "./backups.js";
import { activitySection } from "./settings-activity.js";
import { importSection } from "./settings-import.js";

// Spain, Latin America's Spanish-speaking countries, then others (the list in fidelia-core's settings.rs).
export const COUNTRIES = [
  "ES", "MX", "AR", "CO", "CL", "PE", "VE", "EC", "BO", "PY", "UY", "CU", "DO", "PR", "GT", "HN", "SV", "NI", "CR", "PA",
  "US", "GB", "FR", "PT", "DE", "IT",
];
const LANGUAGES = ["es", "en"];
const F = "settings";

function logoControls(initial) {
  let dataUrl = initial || "";
  const preview = h("img", { id: "logo-preview", class: "logo-preview", alt: t("settings.logo_preview_alt"), hidden: !dataUrl });
  if (dataUrl) preview.src = dataUrl;
  const none = h("p", { id: "logo-none", class: "muted", hidden: Boolean(dataUrl) }, t("settings.logo_none"));
  const input = h("input", { id: `f-${F}-logo`, name: "logo", type: "file", accept: "image/png,image/jpeg", "aria-describedby": `f-${F}-logo-hint` });
  const remove = h("button", { type: "button", id: "remove-logo", class: "btn btn--small", hidden: !dataUrl }, t("settings.logo_remove"));

  function show(url) {
    dataUrl = url;
    preview.hidden = !url;
    none.hidden = Boolean(url);
    remove.hidden = !url;
    if (url) preview.src = url;
    else preview.removeAttribute("src");
  }
  input.addEventListener("change", () => {
    const file = input.files && input.files[0];
    if (!file) return;
    const reader = new FileReader();
    reader.addEventListener("load", () => show(String(reader.result || "")));
    reader.addEventListener("error", () => toast(t("settings.logo_unreadable"), { error: true }));
    reader.readAsDataURL(file);
  });
  remove.addEventListener("click", () => {
    input.value = "";
    show("");
  });

  const el = h(
    "div",
    { class: "field field--wide", dataset: { field: "logo" } },
    h("label", { for: input.id }, t("settings.logo")),
    h("div", { class: "logo-row" }, preview, none, h("div", { class: "logo-buttons" }, input, remove)),
    h("p", { class: "field-hint", id: `f-${F}-logo-hint` }, t("settings.logo_hint")),
  );
  return { el, value: () => dataUrl };
}

function hoursFieldset(hours) {
  const hintId = `f-${F}-hours-hint`;
  return h(
    "fieldset",
    { class: "hours field--wide" },
    h("legend", null, t("settings.hours")),
    h("p", { class: "field-hint", id: hintId }, t("settings.hours_hint")),
    h(
      "div",
      { class: "hours-grid" },
      [0, 1, 2, 3, 4, 5, 6].map((i) => {
        const id = `f-${F}-hours${i}`;
        return h(
          "div",
          { class: "field field--row", dataset: { field: `hours${i}` } },
          h("label", { for: id }, t(`weekday.${i}`)),
          h("input", {
            id,
            name: `hours${i}`,
            type: "text",
            autocomplete: "off",
            value: (hours && hours[i]) || "",
            placeholder: t("settings.hours_placeholder"),
            "aria-describedby": hintId,
          }),
        );
      }),
    ),
  );
}

const VISIT_KINDS = ["cirugia", "alta_hospitalaria", "urgencia", "consulta", "revision", "vacunacion", "otro"];
const SEVERITIES = ["grave", "moderada", "leve"];

/** A whole number as typed, for the rules: "" -> null; anything else that is not a number -> 0,
 * which the domain refuses with its own message. */
function hoursValue(text) {
  const s = String(text).trim();
  if (s === "") return null;
  return /^\d+$/.test(s) ? Number(s) : 0;
}

function numberInput(name, label, value, hint) {
  return numberField(F, { name, label, value, hint });
}

/** Follow-up call rules: hours after the visit per kind and per severity (empty = no call). */
function callRulesFieldset(rules, script) {
  const row = (prefix, list, map, word) =>
    list.map((w) => {
      const id = `f-${F}-${prefix}-${w}`;
      const v = map[w];
      return h(
        "div",
        { class: "field field--row" },
        h("label", { for: id }, t(`${word}.${w}`)),
        h("input", { id, name: `${prefix}-${w}`, type: "text", inputmode: "numeric", maxlength: 4, autocomplete: "off", value: v == null ? "" : String(v), placeholder: "—" }),
      );
    });
  return h(
    "fieldset",
    { class: "hours field field--wide", name: "rules", dataset: { field: "rules" } },
    h("legend", null, t("settings.calls")),
    h("p", { class: "field-hint" }, t("settings.calls_hint")),
    h("h3", { class: "subheading" }, t("settings.calls_by_kind")),
    h("div", { class: "hours-grid" }, row("kind", VISIT_KINDS, rules.hoursByKind || {}, "visit_kind")),
    h("h3", { class: "subheading" }, t("settings.calls_by_severity")),
    h("div", { class: "hours-grid" }, row("sev", SEVERITIES, rules.hoursBySeverity || {}, "severity")),
    h(
      "div",
      { class: "form-grid" },
      numberInput("slotMinutes", t("settings.slot_minutes"), rules.slotMinutes),
      numberInput("retryHours", t("settings.retry_hours"), rules.retryHours),
      numberInput("maxAttempts", t("settings.max_attempts"), rules.maxAttempts),
    ),
    h(
      "div",
      { class: "field field--wide", dataset: { field: "callScript" } },
      h("label", { for: `f-${F}-callScript` }, t("settings.call_script")),
      h("textarea", { id: `f-${F}-callScript`, name: "callScript", rows: 4, value: script || "", placeholder: t("call.script_default") }),
      h("p", { class: "field-hint" }, t("settings.call_script_hint")),
    ),
  );
}

function collectRules(form) {
  const v = (name) => form.elements.namedItem(name).value;
  const map = (prefix, list) => Object.fromEntries(list.map((w) => [w, hoursValue(v(`${prefix}-${w}`))]));
  const num = (name) => hoursValue(v(name)) ?? 0;
  return { hoursByKind: map("kind", VISIT_KINDS), hoursBySeverity: map("sev", SEVERITIES), slotMinutes: num("slotMinutes"), retryHours: num("retryHours"), maxAttempts: num("maxAttempts") };
}

/** Loyalty review settings: tiers, period, signature, coupon. */
function loyaltyFieldset(l) {
  return h(
    "fieldset",
    { class: "hours field field--wide", name: "tiers", dataset: { field: "tiers" } },
    h("legend", null, t("settings.loyalty")),
    h(
      "div",
      { class: "form-grid" },
      numberInput("gold", t("tier.oro"), l.gold),
      numberInput("silver", t("tier.plata"), l.silver),
      numberInput("bronze", t("tier.bronce"), l.bronze),
      selectField(F, { name: "periodMonths", label: t("settings.period"), options: [1, 2, 3, 4, 6, 12].map((m) => ({ value: m, label: t("settings.period_months", { n: m }) })), value: l.periodMonths ?? 3 }),
      textField(F, { name: "signerName", label: t("settings.signer_name"), value: l.signerName }),
      textField(F, { name: "signerRole", label: t("settings.signer_role"), value: l.signerRole }),
      numberInput("couponPercent", t("settings.coupon_percent"), l.couponPercent),
      numberInput("couponDays", t("settings.coupon_days"), l.couponDays),
    ),
  );
}

function collectLoyalty(form, current) {
  const v = (name) => form.elements.namedItem(name).value;
  const num = (name) => hoursValue(v(name)) ?? 0;
  return { ...current, gold: num("gold"), silver: num("silver"), bronze: num("bronze"), periodMonths: Number(v("periodMonths")), signerName: v("signerName"), signerRole: v("signerRole"), couponPercent: num("couponPercent"), couponDays: num("couponDays") };
}

async function autostartSection() {
  let enabled = false;
  try {
    enabled = await api.autostartGet();
  } catch (err) {
    console.error(err);
  }
  const box = h("input", {
    id: "autostart",
    type: "checkbox",
    checked: enabled,
    onchange: async (e) => {
      try {
        e.target.checked = await api.autostartSet(e.target.checked);
        toast(t("toast.saved"));
      } catch (err) {
        toastError(err);
      }
    },
  });
  // Who uses this PC: the audit log says who did what.
  let [staff, user, reception] = [[], null, false];
  try {
    [staff, user, reception] = await Promise.all([api.staffList(), api.pcUserGet(), api.pcReceptionGet()]);
  } catch (err) {
    console.error(err);
  }
  // With several PCs on the clinic's server: the reception PC notifies the calls of whoever
  // uses no running PC.
  const desk = h("input", {
    id: "pc-reception",
    type: "checkbox",
    checked: reception,
    onchange: async (e) => {
      try {
        await api.pcReceptionSet(e.target.checked);
        toast(t("toast.saved"));
      } catch (err) {
        toastError(err);
      }
    },
  });
  const who = h(
    "select",
    {
      id: "pc-user",
      onchange: async (e) => {
        try {
          await api.pcUserSet(e.target.value === "" ? null : Number(e.target.value));
          toast(t("toast.saved"));
        } catch (err) {
          toastError(err);
        }
      },
    },
    h("option", { value: "" }, t("settings.pc_user_none")),
    staff.filter((m) => m.active || m.id === user).map((m) => h("option", { value: String(m.id), selected: m.id === user }, m.name)),
  );
  return h(
    "section",
    { class: "card", "aria-labelledby": "pc-title" },
    h("h2", { id: "pc-title" }, t("settings.this_pc")),
    h("div", { class: "field field--check" }, box, h("label", { for: "autostart" }, t("settings.autostart"))),
    h("p", { class: "field-hint" }, t("settings.autostart_hint")),
    h("div", { class: "field" }, h("label", { for: "pc-user" }, t("settings.pc_user")), who, h("p", { class: "field-hint" }, t("settings.pc_user_hint"))),
    h("div", { class: "field field--check" }, desk, h("label", { for: "pc-reception" }, t("settings.pc_reception"))),
    h("p", { class: "field-hint" }, t("settings.pc_reception_hint")),
  );
}

async function reset(demo) {
  const ok = await confirmDialog(
    demo
      ? { title: t("settings.reset_demo_title"), message: t("settings.reset_demo_confirm"), confirmLabel: t("settings.reset_demo_yes"), danger: true }
      : { title: t("settings.reset_clean_title"), message: t("settings.reset_clean_confirm"), confirmLabel: t("settings.reset_clean_yes"), danger: true },
  );
  if (!ok) return;
  try {
    const info = await api.clinicReset(demo);
    await hooks.afterReset(info);
    toast(demo ? t("toast.reset_demo") : t("toast.reset_clean"));
  } catch (err) {
    toastError(err);
  }
}

export async function settingsView() {
  const s = await api.settingsGet();
  const logo = logoControls(s.logoDataUrl);
  const submit = h("button", { type: "submit", class: "btn btn--primary" }, t("common.save"));
  const form = h(
    "form",
    { dataset: { form: "settings" }, novalidate: true, autocomplete: "off" },
    h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true }),
    h(
      "div",
      { class: "form-grid" },
      textField(F, { name: "clinicName", label: t("settings.clinic_name"), value: s.clinicName, required: true, wide: true }),
      textField(F, { name: "address", label: t("settings.address"), value: s.address, wide: true }),
      textField(F, { name: "phone", label: t("settings.phone"), value: s.phone, type: "tel", inputmode: "tel" }),
      textField(F, { name: "email", label: t("settings.email"), value: s.email, type: "email", inputmode: "email" }),
      logo.el,
      hoursFieldset(s.openingHours),
      selectField(F, {
        name: "defaultCountry",
        label: t("settings.default_country"),
        options: COUNTRIES.map((c) => ({ value: c, label: t(`country.${c}`) })),
        value: s.defaultCountry,
        hint: t("settings.default_country_hint"),
      }),
      selectField(F, {
        name: "language",
        label: t("settings.language"),
        options: LANGUAGES.map((l) => ({ value: l, label: t(`language.${l}`) })),
        value: s.language,
      }),
      callRulesFieldset(s.callRules || {}, s.callScript),
      loyaltyFieldset(s.loyalty || {}),
      messagesFieldsets(s),
      winbackFieldset(s.winback || {}),
    ),
    h("div", { class: "form-actions form-actions--start" }, submit),
  );
  let busy = false;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (busy) return;
    busy = true;
    submit.disabled = true;
    clearFormErrors(form);
    const v = (name) => form.elements.namedItem(name).value;
    // Every setting this form does not edit goes back as it is, so saving here never resets it.
    const payload = {
      ...s,
      clinicName: v("clinicName"),
      address: v("address"),
      phone: v("phone"),
      email: v("email"),
      logoDataUrl: logo.value(),
      openingHours: [0, 1, 2, 3, 4, 5, 6].map((i) => v(`hours${i}`)),
      defaultCountry: v("defaultCountry"),
      language: v("language"),
      demo: Boolean(s.demo),
      callRules: collectRules(form),
      callScript: v("callScript"),
      loyalty: collectLoyalty(form, s.loyalty || {}),
      ...collectMessages(form, s),
      winback: collectWinback(form, s.winback || {}),
    };
    try {
      const saved = await api.settingsSave(payload);
      await hooks.afterSettings(saved);
      toast(t("toast.saved"));
    } catch (err) {
      showFormErrors(form, err);
    } finally {
      busy = false;
      submit.disabled = false;
    }
  });

  const info = state.info || {};
  return h(
    "section",
    { class: "view view-settings" },
    h("header", { class: "view-header" }, h("h1", { tabindex: "-1" }, t("settings.title"))),
    h("section", { class: "card" }, h("h2", null, t("settings.clinic")), form),
    await importSection(s),
    await backupsSection(),
    await autostartSection(),
    await activitySection(),
    serverSection(),
    await diagnosticsSection(),
    h(
      "section",
      { class: "card card--danger", "aria-labelledby": "reset-title" },
      h("h2", { id: "reset-title" }, t("settings.reset_title")),
      h("p", null, t("settings.reset_text")),
      h(
        "div",
        { class: "form-actions form-actions--start" },
        h("button", { type: "button", id: "reset-clean", class: "btn btn--danger", onclick: () => reset(false) }, t("settings.reset_clean")),
        h("button", { type: "button", id: "reset-demo", class: "btn", onclick: () => reset(true) }, t("settings.reset_demo")),
      ),
    ),
    h(
      "section",
      { class: "card" },
      h("h2", null, t("settings.about")),
      h(
        "dl",
        { class: "details" },
        h("dt", null, t("settings.version")),
        h("dd", { id: "app-version" }, info.version || ""),
        h("dt", null, t("settings.schema_version")),
        h("dd", { id: "schema-version" }, info.schemaVersion == null ? "—" : String(info.schemaVersion)),
        h("dt", null, t("settings.db_path")),
        h("dd", { id: "db-path", class: "breakall" }, info.dbPath || ""),
        h("dt", null, t("settings.data_dir")),
        h("dd", { id: "data-dir", class: "breakall" }, info.dataDir || ""),
      ),
    ),
  );
}
