// Inicio: the owner's alerts (poor survey answers, each with its call), today at a glance, the
// appointments of the next 7 days grouped by day, and "Nuevo cliente".

import { api } from "../ipc.js";
import { h } from "../lib/dom.js";
import { t, fmtDate, fmtTime, localIsoDay, weekdayIndex } from "../i18n.js";
import { navigate, refresh, toastError } from "../app.js";
import { me } from "../lib/me.js";
import { QUESTIONS } from "../components/survey-form.js";
import { openClientForm } from "../components/forms.js";
import { newClientButton } from "./shared.js";

const DAYS = 7;
// (A constant: the i18n key scanner reads `t("` in any identifier ending in t.)
const DASH = "-";

function dayHeading(day) {
  const [y, m, d] = day.split(DASH).map(Number);
  const date = new Date(y, m - 1, d);
  const today = new Date();
  const tomorrow = new Date();
  tomorrow.setDate(today.getDate() + 1);
  const weekday = t(`weekday.${weekdayIndex(date)}`);
  let relative = null;
  if (day === localIsoDay(today)) relative = t("home.today");
  else if (day === localIsoDay(tomorrow)) relative = t("home.tomorrow");
  return h(
    "h3",
    { class: "day-heading" },
    relative ? h("span", { class: "day-relative" }, relative) : null,
    `${weekday} ${fmtDate(day)}`,
  );
}

function appointmentItem(a) {
  return h(
    "li",
    { class: "agenda-item", dataset: { appointmentId: a.id } },
    h("span", { class: "agenda-time" }, fmtTime(a.startsAt)),
    h(
      "div",
      { class: "agenda-main" },
      h(
        "div",
        { class: "agenda-who" },
        h("span", { class: "agenda-pet" }, a.petName),
        h(
          "button",
          { type: "button", class: "link client-link", dataset: { clientId: a.clientId }, onclick: () => navigate("client", { id: a.clientId }) },
          a.clientName,
        ),
      ),
      a.reason ? h("div", { class: "agenda-reason" }, a.reason) : null,
    ),
    h(
      "div",
      { class: "agenda-meta" },
      h("span", { class: "agenda-staff" }, a.staffName || t("common.none")),
      h("span", { class: "agenda-duration" }, t("appointment.minutes", { n: a.durationMin })),
    ),
  );
}

/** "General 2/5 · Recomendaría 4/10": what a poor answer scored low. */
function lowScores(a) {
  const low = QUESTIONS.map((q, i) => [q, a.scores[i]]).filter(([, v]) => v != null && v <= 2).map(([q, v]) => `${t(`survey.q.${q}`)} ${v}/5`);
  if (a.recommend != null && a.recommend <= 6) low.push(`${t("survey.recommend_label")} ${a.recommend}/10`);
  return low.join(" · ");
}

async function seen(a) {
  try {
    await api.surveyAlertSeen(a.id, me());
    await refresh();
  } catch (err) {
    toastError(err);
  }
}

/** Poor survey answers nobody has marked as seen: the owner's alerts, each with its call. */
function alertsCard(alerts) {
  if (!alerts.length) return null;
  return h(
    "section",
    { class: "card alert-card", id: "survey-alerts", "aria-labelledby": "alerts-title" },
    h("h2", { id: "alerts-title" }, t("home.alerts_title", { n: alerts.length })),
    h(
      "ul",
      { class: "plain-list" },
      alerts.map((a) =>
        h(
          "li",
          { class: "alert-item", dataset: { surveyId: a.id } },
          h(
            "div",
            null,
            h(
              "div",
              null,
              h("button", { type: "button", class: "link client-link", onclick: () => navigate("client", { id: a.clientId }) }, a.clientName),
              ` · ${a.petName} · ${t("home.alert_visit", { date: fmtDate(a.visitAt) })}`,
            ),
            h("div", { class: "alert-scores" }, lowScores(a)),
            a.comment ? h("blockquote", { class: "alert-comment" }, `«${a.comment}»`) : null,
          ),
          h(
            "div",
            { class: "toolbar" },
            a.callId ? h("button", { type: "button", class: "btn btn--primary", dataset: { action: "call" }, onclick: () => navigate("call", { id: a.callId }) }, t("home.alert_call")) : null,
            h("button", { type: "button", class: "btn", dataset: { action: "seen" }, onclick: () => seen(a) }, t("home.alert_seen")),
          ),
        ),
      ),
    ),
  );
}

/** Today at a glance: calls to make, this week's birthdays, the next loyalty review. */
function todayCard(counts, birthdays, review) {
  const tile = (id, value, label, view, alert) =>
    h(
      "button",
      { type: "button", id, class: ["tile", alert && "tile--alert"], onclick: () => navigate(view) },
      h("span", { class: "tile-value" }, String(value)),
      h("span", { class: "tile-label" }, label),
    );
  return h(
    "section",
    { class: "card", id: "today", "aria-labelledby": "today-title" },
    h("h2", { id: "today-title" }, t("home.today_title")),
    h(
      "div",
      { class: "tiles" },
      tile("tile-calls", counts.today, t("home.tile_calls"), "agenda", false),
      tile("tile-overdue", counts.overdue, t("home.tile_overdue"), "agenda", counts.overdue > 0),
      tile("tile-birthdays", birthdays.length, t("home.tile_birthdays"), "loyalty", false),
      tile("tile-review", fmtDate(review.period.nextStart), t("home.tile_review"), "loyalty", false),
    ),
  );
}

export async function homeView() {
  const [appointments, counts, birthdays, review, alerts] = await Promise.all([
    api.appointmentsUpcoming(DAYS),
    api.callsCounts(),
    api.birthdaysList(),
    api.loyaltyReview(),
    api.surveyAlerts(),
  ]);
  const byDay = new Map();
  for (const a of appointments || []) {
    const day = localIsoDay(new Date(a.startsAt));
    if (!byDay.has(day)) byDay.set(day, []);
    byDay.get(day).push(a);
  }
  const agenda =
    byDay.size === 0
      ? h("p", { class: "empty" }, t("home.no_appointments"))
      : h(
          "div",
          { id: "upcoming", class: "agenda" },
          [...byDay.entries()].map(([day, list]) =>
            h("section", { class: "agenda-day", dataset: { day } }, dayHeading(day), h("ul", { class: "agenda-list" }, list.map(appointmentItem))),
          ),
        );
  return h(
    "section",
    { class: "view view-home" },
    h(
      "header",
      { class: "view-header" },
      h("h1", { tabindex: "-1" }, t("home.title")),
      h("div", { class: "view-actions" }, newClientButton(openClientForm)),
    ),
    alertsCard(alerts),
    todayCard(counts, birthdays, review),
    h(
      "section",
      { class: "card" },
      h("h2", null, t("home.upcoming", { days: DAYS })),
      agenda,
    ),
  );
}
