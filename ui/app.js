// The window's shared state and the few actions every view needs: go to a view, re-render
// the current one, show a toast. main.js plugs in the renderer at start-up.

import { t } from "./i18n.js";
import { IpcError } from "./ipc.js";

export const state = {
  /** app_info() result: { version, dbPath, demo, language, today }. */
  info: null,
  /** settings_get() result. */
  settings: null,
  view: "home",
  params: {},
};

let renderer = async () => {};

export function setRenderer(fn) {
  renderer = fn;
}

/** Shows `view` with `params` and moves the focus to its heading. */
export function navigate(view, params = {}) {
  state.view = view;
  state.params = params;
  return renderer({ focus: true });
}

/** Re-renders the current view (after a save, a language change…). */
export function refresh() {
  return renderer({ focus: false });
}

let toastTimer = null;

/** A short message in #toast; `error: true` for a failure. */
export function toast(message, { error = false } = {}) {
  const el = document.getElementById("toast");
  if (!el) return;
  el.textContent = message;
  el.classList.toggle("toast--error", error);
  el.hidden = false;
  el.classList.add("toast--shown");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    el.classList.remove("toast--shown");
    el.hidden = true;
  }, error ? 7000 : 3000);
}

/** The message to show for any caught error (an IpcError's message is already translated). */
export function errorMessage(err) {
  if (err instanceof IpcError && err.message.trim() !== "") {
    return err.message;
  }
  return t("error.unexpected");
}

/** Shows a caught error in the toast. */
export function toastError(err) {
  console.error(err);
  toast(errorMessage(err), { error: true });
}

/**
 * What main.js does when settings change or the clinic is reset (update the top bar, switch
 * language, re-render). Views call these; main.js fills them in at start-up.
 */
export const hooks = {
  afterSettings: async (_settings) => {},
  afterReset: async (_info) => {},
};
