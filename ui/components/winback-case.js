// A win-back call's case on the call screen: what the call learned (status, the reason for
// leaving from the clinic's list, an apology, notes, when to call again), and the client's
// history to have in front of you while talking: last visits, surveys, messages, earlier calls.

import { api } from "../ipc.js";
import { h } from "../lib/dom.js";
import { t, word, fmtDate, fmtDateTime } from "../i18n.js";
import { state, refresh, toast } from "../app.js";
import { me } from "../lib/me.js";
import { clearFormErrors, showFormErrors } from "./form-errors.js";
import { textArea, selectField, checkField, dateField } from "./fields.js";
import { takeCurrent } from "./forms.js";

const STATUSES = ["por_llamar", "no_contesta", "hablado", "volvera", "no_volvera", "cerrado"];
const F = "case";
// The case's fields as the card shows them.
const CASE_FIELDS = ["status", "reason", "apology", "nextDate", "notes"];

/** A case in the card's own terms (a case still to call is offered as "talked"; days as typed). */
const caseAsShown = (c) => ({ ...c, status: c.status === "por_llamar" ? "hablado" : c.status, nextDate: c.nextDate ? fmtDate(c.nextDate) : "" });

export function caseCard(c) {
  // The case as the card last showed it (its version is sent with the save).
  const shown = caseAsShown(c);
  const reasons = (state.settings && state.settings.winback && state.settings.winback.reasons) || [];
  const form = h(
    "form",
    { dataset: { form: F }, novalidate: true, autocomplete: "off", id: "case-form" },
    h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true }),
    h(
      "div",
      { class: "form-grid" },
      selectField(F, { name: "status", label: t("case.status"), options: STATUSES.map((s) => ({ value: s, label: word("case_status", s) })), value: shown.status }),
      selectField(F, { name: "reason", label: t("case.reason"), options: [{ value: "", label: t("case.reason_unknown") }, ...reasons.map((r) => ({ value: r, label: r }))], value: c.reason }),
      checkField(F, { name: "apology", label: t("case.apology"), checked: c.apology }),
      dateField(F, { name: "nextDate", label: t("case.next_date"), value: shown.nextDate, placeholder: t("form.date_placeholder"), hint: t("case.next_date_hint") }),
      textArea(F, { name: "notes", label: t("case.notes"), value: c.notes }),
    ),
    h("div", { class: "form-actions form-actions--start" }, h("button", { type: "submit", class: "btn btn--primary" }, t("case.save"))),
  );
  const badge = h("span", { class: ["badge", `badge--case-${c.status}`] }, word("case_status", c.status));
  const card = h(
    "section",
    { class: "card", id: "case-card", "aria-labelledby": "case-title", dataset: { caseId: c.id, status: c.status } },
    h("h2", { id: "case-title" }, t("case.title"), " ", badge),
    c.recoveredOn ? h("p", { class: "badge badge--recovered" }, t("winback.recovered", { date: fmtDate(c.recoveredOn) })) : null,
    form,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearFormErrors(form);
    const v = (n) => form.elements.namedItem(n).value;
    try {
      await api.winbackCaseSave({ id: c.id, status: v("status"), reason: v("reason"), apology: form.elements.namedItem("apology").checked, notes: v("notes"), nextDate: v("nextDate"), version: shown.version }, me());
      toast(t("toast.saved"));
      await refresh();
    } catch (err) {
      showFormErrors(form, err);
      // Another person saved the case meanwhile: the card takes it as it is now, and keeps
      // what was typed (the message stays at the top).
      if (err && err.code === "conflict") {
        const now = (await api.winbackCases()).find((x) => x.id === c.id);
        if (now) {
          takeCurrent(form, shown, caseAsShown(now), CASE_FIELDS, { redraw: false });
          card.dataset.status = now.status;
          badge.className = `badge badge--case-${now.status}`;
          badge.textContent = word("case_status", now.status);
        }
      }
    }
  });
  return card;
}

/** The client's last visits, surveys, messages and calls, newest first. */
export async function historyCard(clientId) {
  const [page, surveys, messages, calls] = await Promise.all([api.clientGet(clientId), api.clientSurveys(clientId), api.clientMessages(clientId), api.clientCalls(clientId)]);
  const list = (id, title, items) =>
    h("div", { class: "history-part" }, h("h3", { class: "subheading" }, title), items.length ? h("ul", { class: "plain-list", id }, items) : h("p", { class: "muted" }, t("common.none")));
  return h(
    "section",
    { class: "card", id: "client-history", "aria-labelledby": "history-title" },
    h("h2", { id: "history-title" }, t("case.history")),
    h(
      "div",
      { class: "history-grid" },
      list("history-visits", t("case.history_visits"), page.visits.slice(0, 5).map((v) => h("li", null, h("strong", null, fmtDate(v.at)), ` ${v.petName} · ${word("visit_kind", v.kind)}${v.reason ? " · " + v.reason : ""}`))),
      list(
        "history-surveys",
        t("survey.section"),
        surveys.slice(0, 3).map((s) => h("li", null, h("strong", null, fmtDate(s.answeredAt)), ` ${t("survey.recommend_label")} ${s.recommend ?? "—"}/10`, s.comment ? h("div", { class: "muted" }, `«${s.comment}»`) : null)),
      ),
      list("history-messages", t("messages.section"), messages.slice(0, 5).map((m) => h("li", null, h("strong", null, fmtDate(m.sendOn)), ` ${word("message_kind", m.kind)} · ${word("message_status", m.status)}`))),
      list("history-calls", t("calls.section"), calls.slice(0, 5).map((k) => h("li", null, h("strong", null, fmtDateTime(k.scheduledAt)), ` ${word("call_kind", k.kind)} · ${word("call_status", k.status)}`))),
    ),
  );
}
