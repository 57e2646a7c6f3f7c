// Labelled form controls. Every control has a <label>, a `name` equal to the field name of
// docs/ipc.md, and an id `f-<form>-<name>` so errors can point at it.

import { h } from "../lib/dom.js";

function ids(form, name) {
  const id = `f-${form}-${name}`;
  return { id, hint: `${id}-hint` };
}

function hintEl(hintId, hint) {
  return hint ? h("p", { class: "field-hint", id: hintId }, hint) : null;
}

/** A one-line text input. `wide: true` spans the form's two columns. */
export function textField(form, { name, label, value = "", placeholder, inputmode, hint, required, wide, autocomplete = "off", type = "text", maxlength }) {
  const { id, hint: hintId } = ids(form, name);
  return h(
    "div",
    { class: ["field", wide && "field--wide", required && "field--required"], dataset: { field: name } },
    h("label", { for: id }, label),
    h("input", {
      id,
      name,
      type,
      value: value ?? "",
      placeholder,
      inputmode,
      autocomplete,
      maxlength,
      "aria-required": required ? "true" : null,
      "aria-describedby": hint ? hintId : null,
    }),
    hintEl(hintId, hint),
  );
}

/** A small whole number (days, hours, months…) typed as text. */
export function numberField(form, { name, label, value, hint }) {
  return textField(form, { name, label, value: value == null ? "" : String(value), inputmode: "numeric", maxlength: 4, hint });
}

/**
 * The whole number typed in `form`'s field `name`. Anything else becomes a value no rule
 * accepts, so the field says what is wrong instead of saving something else.
 */
export function wholeNumber(form, name) {
  const x = form.elements.namedItem(name).value.trim();
  return /^\d+$/.test(x) ? Number(x) : 100000;
}

/** A date (dd/mm/aaaa) or time (hh:mm) typed as text, never type=date. */
export function dateField(form, opts) {
  return textField(form, { inputmode: "numeric", maxlength: 10, ...opts });
}

export function textArea(form, { name, label, value = "", hint, rows = 3, wide = true }) {
  const { id, hint: hintId } = ids(form, name);
  return h(
    "div",
    { class: ["field", wide && "field--wide"], dataset: { field: name } },
    h("label", { for: id }, label),
    h("textarea", { id, name, rows, "aria-describedby": hint ? hintId : null, value: value ?? "" }),
    hintEl(hintId, hint),
  );
}

/** options: [{ value, label }]. */
export function selectField(form, { name, label, options, value, hint, required, wide }) {
  const { id, hint: hintId } = ids(form, name);
  return h(
    "div",
    { class: ["field", wide && "field--wide", required && "field--required"], dataset: { field: name } },
    h("label", { for: id }, label),
    h(
      "select",
      { id, name, "aria-describedby": hint ? hintId : null, "aria-required": required ? "true" : null, value },
      options.map((o) => h("option", { value: o.value }, o.label)),
    ),
    hintEl(hintId, hint),
  );
}

export function checkField(form, { name, label, checked, hint, wide = true }) {
  const { id, hint: hintId } = ids(form, name);
  return h(
    "div",
    { class: ["field", "field--check", wide && "field--wide"], dataset: { field: name } },
    h("input", { id, name, type: "checkbox", checked: Boolean(checked), "aria-describedby": hint ? hintId : null }),
    h("label", { for: id }, label),
    hintEl(hintId, hint),
  );
}
