// Panel: how the clinic is doing. Today's work at the top; then, for the period chosen against
// the one before it, each figure with what it was before, one line on how it is computed and
// (where there are some) the clients behind it; the weaknesses to fix; the trends as charts.

import { api } from "../ipc.js";
import { h } from "../lib/dom.js";
import { t, fmtDate, fmtNumber, fmtPercent, fmtMonth, localIsoDay } from "../i18n.js";
import { navigate, refresh, toast, toastError } from "../app.js";
import { lineChart, barChart } from "../lib/chart.js";
import { QUESTIONS } from "../components/survey-form.js";

const PERIODS = ["this_month", "last_month", "last_3", "last_12"];
let chosen = "last_12";

/** The period's first and last day (local ISO dates). */
function bounds(which) {
  const now = new Date();
  const first = (y, m) => new Date(y, m, 1);
  const last = (y, m) => new Date(y, m + 1, 0);
  const [y, m] = [now.getFullYear(), now.getMonth()];
  switch (which) {
    case "this_month":
      return [first(y, m), last(y, m)];
    case "last_month":
      return [first(y, m - 1), last(y, m - 1)];
    case "last_3":
      return [first(y, m - 2), last(y, m)];
    default:
      return [first(y, m - 11), last(y, m)];
  }
}

const pct = (r) => (r.den > 0 ? (100 * r.num) / r.den : null);

/** A figure: its value now, before, how it is computed, and what is behind it. */
function figure(id, title, now, before, how, extra = null) {
  return h(
    "section",
    { class: "card kpi", id, "aria-labelledby": `${id}-title` },
    h("h3", { id: `${id}-title`, class: "kpi-title" }, title),
    h("p", { class: "kpi-value" }, now.text ?? "—"),
    h(
      "p",
      { class: "kpi-before muted" },
      t("dashboard.before", { value: before.text ?? "—" }),
      now.raw != null && before.raw != null && now.raw !== before.raw
        ? h("span", { class: now.raw > before.raw ? "kpi-up" : "kpi-down" }, now.raw > before.raw ? " ▲" : " ▼")
        : null,
    ),
    h("p", { class: "kpi-how" }, how),
    extra,
  );
}

const ratioText = (r) => ({ text: r.den ? `${fmtPercent(pct(r))} (${r.num}/${r.den})` : "—", raw: pct(r) });

function todayCard(d) {
  const tile = (id, value, label, view, alert) =>
    h("button", { type: "button", id, class: ["tile", alert && "tile--alert"], onclick: () => navigate(view) }, h("span", { class: "tile-value" }, String(value)), h("span", { class: "tile-label" }, label));
  const td = d.today;
  return h(
    "section",
    { class: "card", id: "dash-today", "aria-labelledby": "dash-today-title" },
    h("h2", { id: "dash-today-title" }, t("home.today_title")),
    h(
      "div",
      { class: "tiles tiles--6" },
      tile("dash-calls", td.calls.today, t("home.tile_calls"), "agenda", false),
      tile("dash-overdue", td.calls.overdue, t("home.tile_overdue"), "agenda", td.calls.overdue > 0),
      tile("dash-messages", td.messages, t("dashboard.tile_messages", { surveys: td.surveys }), "messages", false),
      tile("dash-alerts", td.alerts, t("dashboard.tile_alerts"), "home", td.alerts > 0),
      tile("dash-lapsed", d.lapsed, t("dashboard.tile_lapsed"), "winback", false),
      tile("dash-review", td.reviewDue ? t("dashboard.review_due") : fmtDate(td.nextReview), t("home.tile_review"), "loyalty", td.reviewDue),
    ),
  );
}

function weaknessesCard(d) {
  if (!d.weaknesses.length && !d.lowQuestions.length) return null;
  return h(
    "section",
    { class: "card weakness", id: "dash-weaknesses", role: "alert" },
    h("h2", null, t("dashboard.weaknesses")),
    h(
      "ul",
      { class: "plain-list" },
      d.weaknesses.map((w) => h("li", { dataset: { reason: w.reason } }, t("winback.weakness_line", { reason: w.reason, n: w.count }), " ", h("button", { type: "button", class: "link", onclick: () => navigate("winback") }, t("dashboard.see_cases")))),
      d.lowQuestions.map((q) => h("li", { dataset: { question: q.question } }, t("dashboard.low_question", { question: t(`survey.q.${q.question}`), moment: t(`survey.moment.${q.moment}`) }))),
    ),
  );
}

/** The clients behind a figure, on a click (`total` when more exist than are listed). */
function behind(list, total = list.length) {
  if (!list.length) return null;
  return h(
    "details",
    { class: "kpi-behind" },
    h("summary", null, t("dashboard.who", { n: total })),
    total > list.length ? h("p", { class: "muted" }, t("dashboard.first_n", { n: list.length })) : null,
    h(
      "ul",
      { class: "plain-list" },
      list.map((b) => h("li", null, h("button", { type: "button", class: "link client-link", onclick: () => navigate("client", { id: b.clientId }) }, b.clientName), ` ${b.detail}`)),
    ),
  );
}

function figures(d) {
  const c = d.current;
  const p = d.previous;
  const npsText = (n) => ({ text: n.score == null ? "—" : String(n.score), raw: n.score });
  const satText = (s) => {
    const v = s.questions.filter((x) => x != null);
    const mean = v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
    return { text: mean == null ? "—" : `${fmtNumber(mean)} / 5`, raw: mean };
  };
  const sat = barChart({
    title: t("dashboard.satisfaction"),
    bars: [
      ...QUESTIONS.map((q, i) => ({ label: t(`survey.q.${q}`), value: c.satisfaction.questions[i], low: c.satisfaction.questions[i] != null && c.satisfaction.questions[i] <= 3 })),
      ...["before", "during", "after"].map((m) => ({ label: t(`survey.moment.${m}`), value: c.satisfaction[m] })),
    ],
    max: 5,
    format: (v) => fmtNumber(v),
  });
  return h(
    "div",
    { class: "kpi-grid", id: "dash-figures" },
    figure("kpi-follow-up", t("dashboard.follow_up"), ratioText(c.followUp), ratioText(p.followUp), t("dashboard.follow_up_how"), behind(d.lateFollowUps, c.followUp.den - c.followUp.num)),
    figure("kpi-nps", t("dashboard.nps"), npsText(c.nps), npsText(p.nps), t("dashboard.nps_how", { p: c.nps.promoters, n: c.nps.passives, d: c.nps.detractors }), behind(d.detractors, c.nps.detractors)),
    figure("kpi-satisfaction", t("dashboard.satisfaction"), satText(c.satisfaction), satText(p.satisfaction), t("dashboard.satisfaction_how", { n: c.satisfaction.answers }), sat),
    figure("kpi-response", t("dashboard.response"), ratioText(c.response), ratioText(p.response), t("dashboard.response_how"), behind(d.unanswered, c.response.den - c.response.num)),
    figure("kpi-retention", t("dashboard.retention"), ratioText(c.retention), ratioText(p.retention), t("dashboard.retention_how"), behind(d.notRetained, c.retention.den - c.retention.num)),
    figure("kpi-compliance", t("dashboard.compliance"), ratioText(c.compliance), ratioText(p.compliance), t("dashboard.compliance_how"), behind(d.notComplied, c.compliance.den - c.compliance.num)),
    figure(
      "kpi-winback",
      t("dashboard.winback"),
      { text: t("dashboard.winback_value", { called: c.winbackCalled, recovered: c.recovered }), raw: c.recovered },
      { text: t("dashboard.winback_value", { called: p.winbackCalled, recovered: p.recovered }), raw: p.recovered },
      t("dashboard.winback_how"),
      [behind(d.recovered), h("button", { type: "button", class: "link", onclick: () => navigate("winback") }, t("dashboard.lapsed_link", { n: d.lapsed }))],
    ),
  );
}

function trends(d) {
  const points = (key) => d.trend.map((m) => ({ label: fmtMonth(m.month), value: m[key] }));
  const chart = (id, title, key, min, max, format) =>
    h("figure", { class: "card chart-card", id }, h("figcaption", null, title), lineChart({ title, points: points(key), min, max, format }));
  return h(
    "div",
    { class: "chart-grid" },
    chart("trend-nps", t("dashboard.nps"), "nps", -100, 100, (v) => String(Math.round(v))),
    chart("trend-satisfaction", t("dashboard.satisfaction"), "satisfaction", 1, 5, (v) => fmtNumber(v)),
    chart("trend-follow-up", t("dashboard.follow_up"), "followUp", 0, 100, fmtPercent),
    chart("trend-compliance", t("dashboard.compliance"), "compliance", 0, 100, fmtPercent),
  );
}

/** Last month's report as PDF, written in Documents/Fidelia/Informes and opened. */
async function monthlyReport() {
  try {
    const now = new Date();
    const path = await api.reportMonth(localIsoDay(new Date(now.getFullYear(), now.getMonth() - 1, 1)));
    toast(t("report.written", { path }));
  } catch (err) {
    toastError(err);
  }
}

export async function dashboardView() {
  const [from, to] = bounds(chosen);
  const d = await api.dashboard(localIsoDay(from), localIsoDay(to));
  const choose = h(
    "select",
    {
      id: "dash-period",
      "aria-label": t("dashboard.period"),
      onchange: async (e) => {
        chosen = e.target.value;
        await refresh();
      },
    },
    PERIODS.map((p) => h("option", { value: p, selected: p === chosen }, t(`dashboard.period_${p}`))),
  );
  return h(
    "section",
    { class: "view view-dashboard", id: "dashboard-page" },
    h(
      "header",
      { class: "view-header" },
      h("h1", { tabindex: "-1" }, t("dashboard.title")),
      h(
        "div",
        { class: "view-actions" },
        h("span", { class: "muted" }, t("dashboard.range", { from: fmtDate(d.current.period.from), to: fmtDate(d.current.period.to) })),
        choose,
        h("button", { type: "button", class: "btn", id: "report-month", onclick: monthlyReport }, t("report.open")),
      ),
    ),
    todayCard(d),
    weaknessesCard(d),
    figures(d),
    h("h2", { class: "section-title" }, t("dashboard.trends")),
    trends(d),
  );
}
