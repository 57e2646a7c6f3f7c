// Agenda: today's or the week's follow-up calls and appointments together, by time, filtered
// by staff member. "Who is using this PC" puts that person's calls first. Overdue calls stand out.

import { api, idOrNull } from "../ipc.js";
import { h } from "../lib/dom.js";
import { t, word, fmtDate, fmtTime, localIsoDay, weekdayIndex } from "../i18n.js";
import { navigate, toastError } from "../app.js";
import { me, setMe } from "../lib/me.js";
import { openCourtesyForm } from "../components/call-forms.js";

const DASH = "-";

function dayOf(iso) {
  return localIsoDay(new Date(iso));
}

function dayLabel(day) {
  const [y, m, d] = day.split(DASH).map(Number);
  const date = new Date(y, m - 1, d);
  const rel = day === localIsoDay(new Date()) ? `${t("home.today")} · ` : "";
  return `${rel}${t(`weekday.${weekdayIndex(date)}`)} ${fmtDate(day)}`;
}

function callItem(c, today) {
  const when = dayOf(c.scheduledAt) === today ? fmtTime(c.scheduledAt) : `${fmtDate(dayOf(c.scheduledAt))} ${fmtTime(c.scheduledAt)}`;
  return h(
    "li",
    { class: ["call-item", c.overdue && "call-item--overdue", c.status !== "pendiente" && "call-item--closed"], dataset: { callId: c.id, status: c.status } },
    h("span", { class: "agenda-time" }, when),
    h(
      "div",
      { class: "agenda-main" },
      h(
        "div",
        { class: "agenda-who" },
        h("span", { class: "agenda-pet" }, c.petName),
        h("span", { class: "call-client" }, c.clientName),
        h("span", { class: "call-phone" }, c.phone),
      ),
      h(
        "div",
        { class: "agenda-reason" },
        h("span", { class: ["badge", `badge--call-${c.kind}`] }, word("call_kind", c.kind)),
        " ",
        c.overdue ? h("span", { class: "badge badge--overdue" }, t("calls.overdue")) : null,
        c.status !== "pendiente" ? h("span", { class: ["badge", `badge--callstatus-${c.status}`] }, word("call_status", c.status)) : null,
        c.attempts > 0 ? h("span", { class: "muted call-attempts" }, t("calls.attempts", { n: c.attempts })) : null,
        c.reason ? h("span", { class: "call-reason" }, c.reason) : null,
      ),
    ),
    h(
      "div",
      { class: "agenda-meta" },
      h("span", { class: "agenda-staff" }, c.staffName || t("call.unassigned")),
      h("button", { type: "button", class: ["btn", "btn--small", c.status === "pendiente" && "btn--primary"], dataset: { action: "open-call", id: c.id }, onclick: () => navigate("call", { id: c.id }) }, t("calls.open")),
    ),
  );
}

function appointmentItem(a, today) {
  const when = dayOf(a.startsAt) === today ? fmtTime(a.startsAt) : `${fmtDate(dayOf(a.startsAt))} ${fmtTime(a.startsAt)}`;
  return h(
    "li",
    { class: "agenda-item", dataset: { appointmentId: a.id } },
    h("span", { class: "agenda-time" }, when),
    h(
      "div",
      { class: "agenda-main" },
      h(
        "div",
        { class: "agenda-who" },
        h("span", { class: "agenda-pet" }, a.petName),
        h("button", { type: "button", class: "link client-link", dataset: { clientId: a.clientId }, onclick: () => navigate("client", { id: a.clientId }) }, a.clientName),
      ),
      a.reason ? h("div", { class: "agenda-reason" }, a.reason) : null,
    ),
    h("div", { class: "agenda-meta" }, h("span", { class: "agenda-staff" }, a.staffName || t("common.none")), h("span", { class: "agenda-duration" }, t("appointment.minutes", { n: a.durationMin }))),
  );
}

/** Calls grouped: mine first (when someone is chosen and the filter shows everyone). */
function callSections(calls, mine, today) {
  if (calls.length === 0) return h("p", { class: "empty" }, t("calls.empty"));
  const list = (items, id) => h("ul", { class: "agenda-list call-list", id }, items.map((c) => callItem(c, today)));
  if (mine == null) return list(calls, "agenda-calls");
  const own = calls.filter((c) => c.staffId === mine);
  const rest = calls.filter((c) => c.staffId !== mine);
  return h(
    "div",
    { id: "agenda-calls" },
    h("h3", { class: "day-heading" }, t("calls.mine"), ` (${own.length})`),
    own.length ? list(own, "my-calls") : h("p", { class: "empty" }, t("calls.mine_empty")),
    rest.length ? [h("h3", { class: "day-heading" }, t("calls.others"), ` (${rest.length})`), list(rest, "other-calls")] : null,
  );
}

export async function agendaView(params) {
  const range = params.range === "week" ? "week" : "today";
  const filter = params.staff ?? "";
  const today = localIsoDay(new Date());
  const [staff, agenda, counts] = await Promise.all([
    api.staffList(),
    api.callsAgenda(today, range === "week" ? 7 : 1, idOrNull(filter)),
    api.callsCounts(),
  ]);
  const active = staff.filter((s) => s.active);
  const mine = me();
  const reload = (p) => navigate("agenda", { range, staff: filter, ...p });

  const meSelect = h(
    "select",
    { id: "me", value: mine ?? "", onchange: (e) => { setMe(e.target.value); reload({}); } },
    h("option", { value: "" }, t("calls.me_nobody")),
    active.map((s) => h("option", { value: s.id }, s.name)),
  );
  const staffSelect = h(
    "select",
    { id: "agenda-staff", value: filter, onchange: (e) => reload({ staff: e.target.value }) },
    h("option", { value: "" }, t("calls.filter_all")),
    active.map((s) => h("option", { value: s.id }, s.name)),
  );
  const rangeButton = (r, label) =>
    h("button", { type: "button", id: `range-${r}`, class: ["btn", "btn--small", range === r && "btn--primary"], "aria-pressed": range === r ? "true" : "false", onclick: () => reload({ range: r }) }, label);

  // Appointments grouped by day (a week) or as one list (today).
  const byDay = new Map();
  for (const a of agenda.appointments) {
    const d = dayOf(a.startsAt);
    if (!byDay.has(d)) byDay.set(d, []);
    byDay.get(d).push(a);
  }
  const appointments =
    agenda.appointments.length === 0
      ? h("p", { class: "empty" }, t("home.no_appointments"))
      : h(
          "div",
          { id: "agenda-appointments" },
          [...byDay.entries()].map(([d, list]) => h("section", { class: "agenda-day", dataset: { day: d } }, range === "week" ? h("h3", { class: "day-heading" }, dayLabel(d)) : null, h("ul", { class: "agenda-list" }, list.map((a) => appointmentItem(a, today))))),
        );

  return h(
    "section",
    { class: "view", id: "agenda" },
    h(
      "div",
      { class: "view-header" },
      h("h1", { tabindex: "-1" }, t("calls.title")),
      h(
        "div",
        { class: "view-actions" },
        h("button", {
          type: "button",
          id: "add-courtesy",
          class: "btn",
          onclick: async () => {
            try {
              if (await openCourtesyForm({ staff: active, staffId: mine })) reload({});
            } catch (err) {
              toastError(err);
            }
          },
        }, t("calls.add_courtesy")),
      ),
    ),
    h(
      "div",
      { class: "toolbar" },
      h("div", { class: "toolbar-group", role: "group", "aria-label": t("calls.range") }, rangeButton("today", t("calls.range_today")), rangeButton("week", t("calls.range_week"))),
      h("label", { class: "toolbar-field" }, h("span", null, t("calls.filter")), staffSelect),
      h("label", { class: "toolbar-field" }, h("span", null, t("calls.me")), meSelect),
    ),
    h(
      "p",
      { id: "calls-summary", class: ["calls-summary", counts.overdue > 0 && "calls-summary--alert"] },
      t("calls.summary", { today: counts.today, overdue: counts.overdue }),
    ),
    h("section", { class: "card", "aria-labelledby": "calls-title" }, h("div", { class: "card-header" }, h("h2", { id: "calls-title" }, t("calls.section"))), callSections(agenda.calls, filter === "" ? mine : null, today)),
    h("section", { class: "card", "aria-labelledby": "agenda-appts-title" }, h("div", { class: "card-header" }, h("h2", { id: "agenda-appts-title" }, t("calls.appointments"))), appointments),
  );
}
