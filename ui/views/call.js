// The call screen: who to call and why, a script to follow, and the outcome buttons.
// Not reached → the app schedules the retry; reached, needs a re-check → offers an appointment.
// A win-back call shows its case instead (status, reason, apology, notes, next date) and the
// client's history.

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
  const [d, staff] = await Promise.all([api.callGet(params.id), api.staffList()]);
  const c = d.call;
  // A win-back call records what it learned in its case, and shows the client's history.
  const winback = c.kind === "recuperacion" ? await api.winbackCaseOfCall(c.id) : null;
  const open = c.status === "pendiente";
  const phones = [d.client.phone1, d.client.phone2].filter(Boolean);
  const script = h("textarea", { id: "call-script", rows: 6, readonly: !open, value: d.script });
  const notes = h("textarea", { id: "call-notes", rows: 3, disabled: !open });

  async function record(outcome) {
    try {
      const after = await api.callAttempt({ callId: c.id, outcome, staffId: me(), notes: notes.value, script: script.value === d.script ? "" : script.value });
      if (after.status === "pendiente") toast(t("call.retry_at", { when: fmtDateTime(after.scheduledAt) }));
      else toast(t(`call.closed_${after.status}`));
      if (outcome === "revision") {
        // Offer the re-check appointment, prefilled for this pet.
        await openAppointmentForm({ pets: [d.pet], staff: staff.filter((s) => s.active), petId: d.pet.id, reason: t("call.recheck_reason", { reason: d.visit ? d.visit.reason : c.reason }) });
      }
      await refresh();
    } catch (err) {
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
          await api.callAssign(c.id, idOrNull(e.target.value));
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
    h("section", { class: "card", "aria-labelledby": "call-script-title" }, h("h2", { id: "call-script-title" }, h("label", { for: "call-script" }, t("call.script"))), script, scriptUnknown(d.scriptUnknown)),
    winback
      ? [caseCard(winback), await historyCard(d.client.id)]
      : h(
          "section",
          { class: "card", "aria-labelledby": "call-outcome-title" },
          h("h2", { id: "call-outcome-title" }, t("call.outcome")),
          open ? null : h("p", { class: "muted" }, t("call.closed_note")),
          h("div", { class: "outcome-group", role: "group", "aria-label": t("call.reached") }, h("span", { class: "outcome-label" }, t("call.reached")), REACHED.map((o) => outcomeButton(o, true))),
          h("div", { class: "outcome-group", role: "group", "aria-label": t("call.not_reached") }, h("span", { class: "outcome-label" }, t("call.not_reached")), NOT_REACHED.map((o) => outcomeButton(o, false))),
          h("div", { class: "field field--wide" }, h("label", { for: "call-notes" }, t("call.notes")), notes),
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
