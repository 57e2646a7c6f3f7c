// The call screen: who to call and why, a script to follow, and the outcome buttons.
// Not reached → the app schedules the retry; reached, needs a re-check → offers an appointment.
// A win-back call shows its case instead (status, reason, apology, notes, next date) and the
// client's history.
// Two PCs, one call: an outcome is sent with the call's version the screen showed. If another
// person changed the call meanwhile, Rust refuses it ("conflict"): the screen is drawn again
// with the current call, the message stays at its top, and what was typed in the notes is put
// back (read-only, to copy, if the call is closed now).

import { api, idOrNull } from "../ipc.js";
import { h } from "../lib/dom.js";
import { t, word, fmtDateTime, fmtMoney } from "../i18n.js";
import { navigate, refresh, toast, toastError } from "../app.js";
import { me } from "../lib/me.js";
import { copyText } from "../lib/clipboard.js";
import { openAppointmentForm } from "../components/forms.js";
import { caseCard, historyCard } from "../components/winback-case.js";

const REACHED = ["mejor", "igual", "peor", "revision"];
const NOT_REACHED = ["no_contesta", "buzon", "numero_erroneo"];

/** What a refused outcome leaves for the next drawing of the same call: { callId, message,
 * notes, script (edited, or null), shownScript (the script the screen had shown) }. */
let carried = null;

function fact(label, value, id) {
  return [h("dt", null, label), h("dd", { id }, value || h("span", { class: "muted" }, t("common.none")))];
}

// Placeholders of the script that Fidelia does not know: said, not silently dropped.
function scriptUnknown(names) {
  if (!names || names.length === 0) return null;
  const list = names.map((n) => `{${n}}`).join(", ");
  return h("p", { id: "call-script-unknown", class: "muted" }, t("call.script_unknown", { marcadores: list }));
}

export async function callView(params) {
  // What a refused outcome left for this call, taken by the drawing that follows it at once
  // (before anything is awaited): any later drawing starts afresh.
  const again = carried && carried.callId === Number(params.id) ? carried : null;
  carried = null;
  const [d, staff] = await Promise.all([api.callGet(params.id), api.staffList()]);
  const c = d.call;
  // A win-back call records what it learned in its case, and shows the client's history.
  const winback = c.kind === "recuperacion" ? await api.winbackCaseOfCall(c.id) : null;
  const open = c.status === "pendiente";
  // The version this screen shows: sent with the outcome; one more after an assignment here.
  let version = c.version;
  const phones = [d.client.phone1, d.client.phone2].filter(Boolean);
  // The script edited before the refusal goes back in, unless the call's script changed
  // meanwhile or the call is closed now: then the current one is shown, and the edit under it.
  const editedScript = again && again.script != null ? again.script : null;
  const keepScript = editedScript != null && open && d.script === again.shownScript;
  const script = h("textarea", { id: "call-script", rows: 6, readonly: !open, value: keepScript ? editedScript : d.script });
  const scriptTyped = editedScript != null && !keepScript ? h("p", { id: "call-script-typed", class: "field-conflict prewrap" }, t("conflict.you_typed", { value: editedScript })) : null;
  // The notes typed before the refusal: back in the field, still to save; read-only (to copy)
  // when the call is closed now.
  const keptNotes = again && again.notes.trim() !== "" ? again.notes : "";
  const notes = h("textarea", { id: "call-notes", rows: 3, disabled: !open && !keptNotes, readonly: !open && Boolean(keptNotes), value: keptNotes });
  const notesKept = keptNotes ? h("p", { id: "call-notes-kept", class: "field-conflict" }, open ? t("call.notes_unsaved") : t("call.notes_unsaved_closed")) : null;
  const conflict = again ? h("p", { id: "call-conflict", class: "conflict-note", role: "alert" }, again.message) : null;

  async function record(outcome) {
    try {
      const after = await api.callAttempt({ callId: c.id, outcome, staffId: me(), notes: notes.value, script: script.value === d.script ? "" : script.value, version });
      if (after.status === "pendiente") toast(t("call.retry_at", { when: fmtDateTime(after.scheduledAt) }));
      else toast(t(`call.closed_${after.status}`));
      if (outcome === "revision") {
        // Offer the re-check appointment, prefilled for this pet.
        await openAppointmentForm({ pets: [d.pet], staff: staff.filter((s) => s.active), petId: d.pet.id, reason: t("call.recheck_reason", { reason: d.visit ? d.visit.reason : c.reason }) });
      }
      await refresh();
    } catch (err) {
      if (err && err.code === "conflict") {
        // Another person changed the call: show it as it is now, keeping what was typed.
        carried = { callId: c.id, message: err.message, notes: notes.value, script: script.value === d.script ? null : script.value, shownScript: d.script };
        await refresh();
        return;
      }
      toastError(err);
    }
  }

  const outcomeButton = (o, reached) =>
    h("button", { type: "button", class: ["btn", reached ? "btn--outcome-reached" : "btn--outcome-missed"], dataset: { outcome: o }, disabled: !open, onclick: () => record(o) }, word("call_outcome", o));

  const assign = h(
    "select",
    {
      id: "call-assign",
      value: c.staffId ?? "",
      disabled: !open,
      onchange: async (e) => {
        try {
          const assigned = await api.callAssign(c.id, idOrNull(e.target.value));
          // This screen's own change: its outcome is not "over another person's".
          version = assigned.version;
          toast(t("toast.saved"));
        } catch (err) {
          toastError(err);
        }
      },
    },
    h("option", { value: "" }, t("call.unassigned")),
    staff.filter((s) => s.active || s.id === c.staffId).map((s) => h("option", { value: s.id }, s.name)),
  );

  return h(
    "section",
    { class: "view", id: "call-page", dataset: { callId: c.id, status: c.status } },
    h(
      "div",
      { class: "view-header" },
      h("h1", { tabindex: "-1" }, word("call_kind", c.kind), " — ", d.pet.name),
      h("div", { class: "view-actions" }, h("span", { id: "call-status", class: ["badge", `badge--callstatus-${c.status}`, c.overdue && "badge--overdue"] }, c.overdue ? t("calls.overdue") : word("call_status", c.status))),
    ),
    conflict,
    h(
      "div",
      { class: "call-grid" },
      h(
        "section",
        { class: "card", "aria-labelledby": "call-who" },
        h("h2", { id: "call-who" }, t("call.who")),
        h(
          "dl",
          { class: "details" },
          fact(t("call.client"), h("button", { type: "button", class: "link", id: "call-client", onclick: () => navigate("client", { id: d.client.id }) }, `${d.client.firstName} ${d.client.surnames}`)),
          fact(
            t("client.phones"),
            phones.length
              ? phones.map((p) =>
                  h(
                    "span",
                    { class: "call-phone-line" },
                    h("a", { href: `tel:${p.replace(/[^+\d]/g, "")}`, class: "phone-link" }, p),
                    " ",
                    h("button", { type: "button", class: "btn btn--small", dataset: { action: "copy-phone" }, onclick: () => copyText(p).then(() => toast(t("call.copied"))) }, t("call.copy")),
                  ),
                )
              : null,
            "call-phones",
          ),
          fact(t("call.pet"), `${d.pet.name} (${word("species", d.pet.species)}${d.pet.breed ? ", " + d.pet.breed : ""})`, "call-pet"),
          fact(t("call.scheduled"), fmtDateTime(c.scheduledAt), "call-scheduled"),
          fact(t("call.assigned"), assign),
        ),
      ),
      h(
        "section",
        { class: "card", "aria-labelledby": "call-visit" },
        h("h2", { id: "call-visit" }, t("call.visit")),
        d.visit
          ? h(
              "dl",
              { class: "details", id: "call-visit-summary" },
              fact(t("common.date"), fmtDateTime(d.visit.at)),
              fact(t("visit.kind"), word("visit_kind", d.visit.kind)),
              fact(t("visit.severity"), h("span", { class: ["badge", `badge--${d.visit.severity}`] }, word("severity", d.visit.severity))),
              fact(t("visit.reason"), d.visit.reason),
              fact(t("visit.staff"), d.visit.staffName),
              d.visit.amountCents != null ? fact(t("visit.amount"), fmtMoney(d.visit.amountCents)) : null,
            )
          : h("p", { id: "call-visit-summary" }, c.reason || t("common.none")),
      ),
    ),
    h("section", { class: "card", "aria-labelledby": "call-script-title" }, h("h2", { id: "call-script-title" }, h("label", { for: "call-script" }, t("call.script"))), script, scriptTyped, scriptUnknown(d.scriptUnknown)),
    winback
      ? [caseCard(winback), await historyCard(d.client.id)]
      : h(
          "section",
          { class: "card", "aria-labelledby": "call-outcome-title" },
          h("h2", { id: "call-outcome-title" }, t("call.outcome")),
          open ? null : h("p", { class: "muted" }, t("call.closed_note")),
          h("div", { class: "outcome-group", role: "group", "aria-label": t("call.reached") }, h("span", { class: "outcome-label" }, t("call.reached")), REACHED.map((o) => outcomeButton(o, true))),
          h("div", { class: "outcome-group", role: "group", "aria-label": t("call.not_reached") }, h("span", { class: "outcome-label" }, t("call.not_reached")), NOT_REACHED.map((o) => outcomeButton(o, false))),
          h("div", { class: "field field--wide" }, h("label", { for: "call-notes" }, t("call.notes")), notes, notesKept),
        ),
    h(
      "section",
      { class: "card", "aria-labelledby": "call-attempts-title" },
      h("h2", { id: "call-attempts-title" }, t("call.attempts")),
      d.attempts.length === 0
        ? h("p", { class: "empty" }, t("call.no_attempts"))
        : h("ol", { id: "call-attempts", class: "attempt-list" }, d.attempts.map((a) => h("li", { dataset: { outcome: a.outcome } }, h("strong", null, fmtDateTime(a.at)), " — ", word("call_outcome", a.outcome), a.staffName ? ` (${a.staffName})` : "", a.notes ? h("div", { class: "muted prewrap" }, a.notes) : null))),
    ),
  );
}
