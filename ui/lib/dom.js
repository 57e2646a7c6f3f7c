// A tiny element builder. Text only ever goes in through text nodes: client data is never
// parsed as HTML anywhere in the window.

const PROPS = new Set(["checked", "disabled", "hidden", "selected", "multiple", "readOnly"]);

/**
 * h("li", { class: "pet", dataset: { id: 3 }, onclick: fn }, "Luna", h("span", null, "Perro"))
 * - `class` may be a string or an array (falsy entries are dropped);
 * - `dataset` sets data-* attributes; `on<event>` adds a listener;
 * - `value` is set after the children, so a <select> picks the right option;
 * - null, undefined and false attributes and children are skipped.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  let value;
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === "class") {
      el.className = Array.isArray(v) ? v.filter(Boolean).join(" ") : String(v);
    } else if (k === "dataset") {
      for (const [dk, dv] of Object.entries(v)) if (dv != null) el.dataset[dk] = String(dv);
    } else if (k.startsWith("on") && typeof v === "function") {
      el.addEventListener(k.slice(2).toLowerCase(), v);
    } else if (k === "value") {
      value = v;
    } else if (PROPS.has(k)) {
      el[k] = Boolean(v);
    } else if (k === "style" || k === "innerHTML") {
      throw new Error(`h(): "${k}" is not allowed`);
    } else {
      el.setAttribute(k, v === true ? "" : String(v));
    }
  }
  append(el, children);
  if (value !== undefined) el.value = String(value);
  return el;
}

/** Appends strings (as text), numbers, nodes and (nested) arrays; skips null/false. */
export function append(parent, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else if (c instanceof Node) parent.appendChild(c);
    else parent.appendChild(document.createTextNode(String(c)));
  }
  return parent;
}

/** Replaces all children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let uid = 0;
/** A fresh id for label/aria wiring. */
export function nextId(prefix = "id") {
  uid += 1;
  return `${prefix}-${uid}`;
}
