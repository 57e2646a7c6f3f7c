// Modal dialogs on the native <dialog> (showModal traps the focus; Escape closes without
// saving). One form dialog or one confirmation at a time; each is removed when it closes.

import { h, nextId } from "../lib/dom.js";
import { t } from "../i18n.js";
import { toast } from "../app.js";
import { clearFormErrors, showFormErrors } from "./form-errors.js";

/**
 * Opens `form[data-form=<form>]` in a modal dialog.
 * - `body`: the field elements; `collect(formEl)`: the object to send; `save(obj)`: the IPC call.
 * Resolves with save's result once saved (the dialog closes and "Guardado" is shown), or null
 * when the user cancels. A failed save keeps the dialog open with the messages in place.
 * - `onConflict(formEl, err)`: when the save is refused because someone else changed the record
 *   meanwhile (code "conflict"), after its message is shown at the top: puts the current data
 *   in the form.
 */
export function formDialog({ form, title, body, collect, save, submitLabel, onConflict }) {
  return new Promise((resolve) => {
    const titleId = nextId("dialog-title");
    const summary = h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true });
    const submit = h("button", { type: "submit", class: "btn btn--primary" }, submitLabel || t("common.save"));
    const cancel = h("button", { type: "button", class: "btn", dataset: { action: "cancel" } }, t("common.cancel"));
    const formEl = h(
      "form",
      { dataset: { form }, novalidate: true, autocomplete: "off" },
      h("h2", { id: titleId, class: "dialog-title" }, title),
      summary,
      h("div", { class: "form-grid" }, body),
      h("div", { class: "form-actions" }, cancel, submit),
    );
    const dialog = h("dialog", { class: "form-dialog", "aria-labelledby": titleId, dataset: { dialog: form } }, formEl);
    let result = null;
    let busy = false;

    cancel.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(result);
    });
    formEl.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (busy) return;
      busy = true;
      submit.disabled = true;
      clearFormErrors(formEl);
      try {
        result = await save(collect(formEl));
        if (result === undefined || result === null) result = true;
        dialog.close();
        toast(t("toast.saved"));
      } catch (err) {
        result = null;
        showFormErrors(formEl, err);
        if (err && err.code === "conflict" && onConflict) {
          try {
            await onConflict(formEl, err);
          } catch (reloadErr) {
            console.error(reloadErr);
          }
        }
      } finally {
        busy = false;
        submit.disabled = false;
      }
    });

    document.body.appendChild(dialog);
    dialog.showModal();
    const firstControl = formEl.querySelector("input:not([type=hidden]), select, textarea");
    if (firstControl) firstControl.focus();
  });
}

/**
 * Asks a yes/no question in `dialog#confirm-dialog` (buttons #confirm-ok and #confirm-cancel).
 * Resolves true only when the user confirms.
 */
export function confirmDialog({ title, message, confirmLabel, cancelLabel, danger = false }) {
  return new Promise((resolve) => {
    const titleId = nextId("confirm-title");
    const msgId = nextId("confirm-msg");
    let answer = false;
    const ok = h("button", { type: "button", id: "confirm-ok", class: ["btn", danger ? "btn--danger" : "btn--primary"] }, confirmLabel || t("common.yes"));
    const no = h("button", { type: "button", id: "confirm-cancel", class: "btn" }, cancelLabel || t("common.no"));
    const dialog = h(
      "dialog",
      { id: "confirm-dialog", class: "confirm-dialog", "aria-labelledby": titleId, "aria-describedby": msgId },
      h("h2", { id: titleId, class: "dialog-title" }, title),
      h("p", { id: msgId }, message),
      h("div", { class: "form-actions" }, no, ok),
    );
    ok.addEventListener("click", () => {
      answer = true;
      dialog.close();
    });
    no.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(answer);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    no.focus();
  });
}
