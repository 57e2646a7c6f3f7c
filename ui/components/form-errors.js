// Showing a failed save inside its form: a summary `p.form-error` at the top and, under each
// field Rust named, `p.field-error[data-field]` wired to the control with aria-invalid and
// aria-describedby. What the user typed is never touched.

import { h } from "../lib/dom.js";
import { errorMessage } from "../app.js";
import { t } from "../i18n.js";

// (A constant: the i18n key scanner reads `t("` in any identifier ending in t, e.g. closest.)
const FIELD = ".field";

export function clearFormErrors(form) {
  for (const p of form.querySelectorAll(".field-error")) p.remove();
  for (const el of form.querySelectorAll("[aria-invalid]")) {
    el.removeAttribute("aria-invalid");
    const rest = (el.getAttribute("aria-describedby") || "").split(/\s+/).filter((x) => x && !x.endsWith("-error"));
    if (rest.length) el.setAttribute("aria-describedby", rest.join(" "));
    else el.removeAttribute("aria-describedby");
  }
  const summary = form.querySelector(".form-error");
  if (summary) {
    summary.textContent = "";
    summary.hidden = true;
  }
}

/** The control for `field`: by name, or (for a settings day) the matching input. */
function controlFor(form, field) {
  const el = form.elements.namedItem(field);
  if (el && !(el instanceof RadioNodeList)) return el;
  return null;
}

export function showFormErrors(form, err) {
  clearFormErrors(form);
  if (!err || err.code !== "validation") console.error(err);
  const summary = form.querySelector(".form-error");
  const message = errorMessage(err);
  if (summary) {
    summary.textContent = err && err.code === "validation" && !err.message ? t("form.check_fields") : message;
    summary.hidden = false;
  }
  let first = null;
  const fields = (err && err.code === "validation" && err.fields) || {};
  for (const [field, msg] of Object.entries(fields)) {
    const control = controlFor(form, field);
    const errId = `${control && control.id ? control.id : `f-${form.dataset.form}-${field}`}-error`;
    const p = h("p", { class: "field-error", id: errId, dataset: { field } }, msg);
    if (control) {
      const wrap = control.closest(FIELD) || control.parentElement;
      wrap.appendChild(p);
      control.setAttribute("aria-invalid", "true");
      const described = (control.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
      described.push(errId);
      control.setAttribute("aria-describedby", described.join(" "));
      if (!first) first = control;
    } else if (summary) {
      // A field without a control of its own (e.g. clientId): its message goes under the summary.
      summary.after(p);
    }
  }
  if (first) first.focus();
  else if (summary) summary.focus();
}
