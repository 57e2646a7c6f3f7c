// Inicio: the appointments of the next 7 days, grouped by day, and "Nuevo cliente".

import { api } from "../ipc.js";
import { h } from "../lib/dom.js";
import { t, fmtDate, fmtTime, localIsoDay, weekdayIndex } from "../i18n.js";
import { navigate } from "../app.js";
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
  const [appointments, counts, birthdays, review] = await Promise.all([
    api.appointmentsUpcoming(DAYS),
    api.callsCounts(),
    api.birthdaysList(),
    api.loyaltyReview(),
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
    todayCard(counts, birthdays, review),
    h(
      "section",
      { class: "card" },
      h("h2", null, t("home.upcoming", { days: DAYS })),
      agenda,
    ),
  );
}
