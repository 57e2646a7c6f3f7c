// Clientes perdidos: who has not come back in a year (apart: those whose pets have all died),
// ticked and handed to a staff member to call (each becomes a case with a call in the agenda),
// the cases and what each call learned, and the reasons for leaving over a period, with the
// ones that keep coming back flagged as a weakness to fix.

import { api, idOrNull } from "../ipc.js";
import { h } from "../lib/dom.js";
import { t, word, fmtDate, fmtMoney, localIsoDay } from "../i18n.js";
import { navigate, refresh, toast, toastError } from "../app.js";

/** The reasons report's periods, in days back from today. */
const PERIODS = [30, 90, 365];
let period = 90;

function clientLink(id, name) {
  return h("button", { type: "button", class: "link client-link", dataset: { clientId: id }, onclick: () => navigate("client", { id }) }, name);
}

function lastSurvey(l) {
  if (l.lastRecommend == null) return h("span", { class: "muted" }, t("common.none"));
  return h(
    "span",
    { class: l.lastRecommend <= 6 ? "alert-scores" : null },
    `${t("survey.recommend_label")} ${l.lastRecommend}/10`,
    l.lastComment ? h("div", { class: "muted" }, `«${l.lastComment}»`) : null,
  );
}

function lapsedRow(l, selectable) {
  return h(
    "tr",
    { dataset: { clientId: l.clientId } },
    h(
      "td",
      null,
      selectable && !l.openCase
        ? h("input", { type: "checkbox", class: "lapsed-pick", value: l.clientId, "aria-label": t("winback.pick", { name: l.clientName }) })
        : null,
    ),
    h("td", null, clientLink(l.clientId, l.clientName), l.openCase ? h("span", { class: "badge badge--open-case" }, t("winback.in_case")) : null),
    h("td", null, l.pets.join(", ")),
    h("td", { class: "nowrap" }, fmtDate(l.lastVisitAt), l.lastVisitReason ? h("div", { class: "muted" }, l.lastVisitReason) : null),
    h("td", { class: "num" }, String(l.visits)),
    h("td", { class: "num nowrap" }, fmtMoney(l.spendCents)),
    h("td", null, lastSurvey(l)),
  );
}

function lapsedTable(id, list, selectable) {
  return h(
    "table",
    { class: "table", id },
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        h("th", null, ""),
        h("th", null, t("winback.client")),
        h("th", null, t("winback.pets")),
        h("th", null, t("winback.last_visit")),
        h("th", { class: "num" }, t("winback.visits")),
        h("th", { class: "num" }, t("winback.spend")),
        h("th", null, t("winback.last_survey")),
      ),
    ),
    h("tbody", null, list.map((l) => lapsedRow(l, selectable))),
  );
}

/** The staff select and "Asignar" for the ticked clients. */
function assignBar(staff, table) {
  const who = h(
    "select",
    { id: "winback-staff", "aria-label": t("winback.assign_to") },
    h("option", { value: "" }, t("winback.assign_to")),
    staff.filter((s) => s.active).map((s) => h("option", { value: s.id }, s.name)),
  );
  const count = h("span", { id: "winback-picked", class: "muted" }, t("winback.picked", { n: 0 }));
  const picked = () => [...table.querySelectorAll("input.lapsed-pick:checked")].map((i) => Number(i.value));
  table.addEventListener("change", () => (count.textContent = t("winback.picked", { n: picked().length })));
  const assign = async () => {
    try {
      const made = await api.winbackAssign({ clientIds: picked(), staffId: idOrNull(who.value) });
      toast(t("winback.assigned", { n: made.length }));
      await refresh();
    } catch (err) {
      toastError(err);
    }
  };
  return h("div", { class: "toolbar winback-assign" }, count, who, h("button", { type: "button", id: "winback-assign", class: "btn btn--primary", onclick: assign }, t("winback.assign")));
}

function caseItem(c) {
  return h(
    "li",
    { class: "call-item", dataset: { caseId: c.id, status: c.status } },
    h("span", { class: "agenda-time" }, fmtDate(c.createdAt)),
    h(
      "div",
      { class: "agenda-main" },
      h(
        "div",
        { class: "agenda-who" },
        clientLink(c.clientId, c.clientName),
        h("span", { class: ["badge", `badge--case-${c.status}`] }, word("case_status", c.status)),
        c.recoveredOn ? h("span", { class: "badge badge--recovered" }, t("winback.recovered", { date: fmtDate(c.recoveredOn) })) : null,
      ),
      c.reason ? h("div", { class: "agenda-reason" }, c.reason, c.apology ? ` · ${t("winback.apology_given")}` : "") : null,
      c.notes ? h("div", { class: "muted prewrap" }, c.notes) : null,
      c.nextDate ? h("div", { class: "muted" }, t("winback.next", { date: fmtDate(c.nextDate) })) : null,
    ),
    h(
      "div",
      { class: "agenda-meta" },
      h("span", { class: "agenda-staff" }, c.staffName || t("call.unassigned")),
      c.callId ? h("button", { type: "button", class: "btn btn--small", dataset: { action: "open-call" }, onclick: () => navigate("call", { id: c.callId }) }, t("winback.open_call")) : null,
    ),
  );
}

async function reasonsSection() {
  const to = new Date();
  const from = new Date();
  from.setDate(to.getDate() - period);
  const r = await api.reasonsReport(localIsoDay(from), localIsoDay(to));
  const choose = h(
    "select",
    {
      id: "reasons-period",
      "aria-label": t("winback.period"),
      onchange: async (e) => {
        period = Number(e.target.value);
        await refresh();
      },
    },
    PERIODS.map((d) => h("option", { value: d, selected: d === period }, t("winback.last_days", { n: d }))),
  );
  const weak = new Set(r.weaknesses.map((w) => w.reason));
  return h(
    "section",
    { class: "card", id: "reasons", "aria-labelledby": "reasons-title" },
    h("div", { class: "card-header" }, h("h2", { id: "reasons-title" }, t("winback.reasons_title")), choose),
    r.weaknesses.length
      ? h(
          "div",
          { class: "weakness", id: "weaknesses", role: "alert" },
          r.weaknesses.map((w) => h("p", null, h("strong", null, t("winback.weakness")), " ", t("winback.weakness_line", { reason: w.reason, n: w.count }))),
        )
      : null,
    r.reasons.length === 0
      ? h("p", { class: "empty" }, t("winback.no_reasons"))
      : h(
          "ul",
          { class: "plain-list reasons-list" },
          r.reasons.map((x) =>
            h(
              "li",
              { dataset: { reason: x.reason }, class: weak.has(x.reason) ? "reason--weak" : null },
              h("strong", { class: "reason-count" }, String(x.cases.length)),
              ` ${x.reason} — `,
              x.cases.map((c, i) => [i ? ", " : "", clientLink(c.clientId, c.clientName)]),
            ),
          ),
        ),
  );
}

export async function winbackView() {
  const [list, cases, staff] = await Promise.all([api.lapsedList(), api.winbackCases(), api.staffList()]);
  const table = lapsedTable("lapsed", list.lost, true);
  return h(
    "section",
    { class: "view view-winback", id: "winback-page" },
    h("header", { class: "view-header" }, h("h1", { tabindex: "-1" }, t("winback.title"), h("span", { class: "count-badge" }, String(list.lost.length)))),
    h(
      "section",
      { class: "card", "aria-labelledby": "lapsed-title" },
      h("h2", { id: "lapsed-title" }, t("winback.lapsed_title", { date: fmtDate(list.before) })),
      list.lost.length ? [assignBar(staff, table), h("div", { class: "table-wrap" }, table)] : h("p", { class: "empty" }, t("winback.none_lost")),
    ),
    await reasonsSection(),
    h(
      "section",
      { class: "card", "aria-labelledby": "cases-title" },
      h("h2", { id: "cases-title" }, t("winback.cases_title")),
      cases.length ? h("ul", { class: "agenda-list", id: "winback-cases" }, cases.map(caseItem)) : h("p", { class: "empty" }, t("winback.no_cases")),
    ),
    list.apart.length
      ? h(
          "section",
          { class: "card", "aria-labelledby": "apart-title" },
          h("h2", { id: "apart-title" }, t("winback.apart_title")),
          h("p", { class: "muted" }, t("winback.apart_hint")),
          h("div", { class: "table-wrap" }, lapsedTable("lapsed-apart", list.apart, false)),
        )
      : null,
  );
}
