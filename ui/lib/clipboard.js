// Copying a text (a phone number, a greeting) for the user to paste elsewhere.

import { h } from "./dom.js";

/** Copies `text`: the Clipboard API where the page may use it, else a hidden selection. */
export function copyText(text) {
  if (navigator.clipboard && navigator.clipboard.writeText) return navigator.clipboard.writeText(text);
  const area = h("textarea", { class: "visually-hidden", readonly: true, value: text });
  document.body.appendChild(area);
  area.select();
  document.execCommand("copy");
  area.remove();
  return Promise.resolve();
}
