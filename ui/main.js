// Start-up and the router: one view at a time in <main id="view">.

import { api } from "./ipc.js";
import { setLanguage, currentLanguage, t } from "./i18n.js";
import { state, setRenderer, navigate, refresh, hooks, errorMessage } from "./app.js";
import { h } from "./lib/dom.js";
import { startSearch } from "./components/search.js";
import { homeView } from "./views/home.js";
import { clientsView } from "./views/clients.js";
import { clientView } from "./views/client.js";
import { staffView } from "./views/staff.js";
import { settingsView } from "./views/settings.js";
import { agendaView } from "./views/agenda.js";
import { callView } from "./views/call.js";
import { loyaltyView } from "./views/loyalty.js";
import { importView } from "./views/import.js";
import { messagesView } from "./views/messages.js";
import { winbackView } from "./views/winback.js";
import { dashboardView } from "./views/dashboard.js";
import { recoveryView } from "./views/backups.js";
import { serverStartView } from "./views/settings-server.js";

const VIEWS = {
  home: homeView,
  clients: clientsView,
  client: clientView,
  staff: staffView,
  settings: settingsView,
  agenda: agendaView,
  call: callView,
  loyalty: loyaltyView,
  import: importView,
  messages: messagesView,
  winback: winbackView,
  dashboard: dashboardView,
};
/** Which nav button is lit for a view. */
const NAV_OF = { client: "clients", call: "agenda", import: "settings" };
/** How often the call counter and the notification status are refreshed. */
const POLL_MS = 60000;
/** The views another PC's saves refresh (lists; never a form being filled in, nor the lapsed
 * list, whose ticked rows a refresh would drop). */
const LIVE_VIEWS = new Set(["home", "agenda", "messages", "clients", "dashboard"]);

let search = null;
let renderToken = 0;

function updateNav() {
  const lit = NAV_OF[state.view] || state.view;
  for (const b of document.querySelectorAll(".mainnav button[data-view]")) {
    if (b.dataset.view === lit) b.setAttribute("aria-current", "page");
    else b.removeAttribute("aria-current");
  }
}

/** Clinic name, logo and the demo banner, from state.settings and state.info. */
function updateChrome() {
  const s = state.settings || {};
  document.getElementById("clinic-name").textContent = s.clinicName || "";
  const logo = document.getElementById("clinic-logo");
  if (s.logoDataUrl) {
    logo.src = s.logoDataUrl;
    logo.hidden = false;
  } else {
    logo.removeAttribute("src");
    logo.hidden = true;
  }
  const demo = Boolean((state.info && state.info.demo) || s.demo);
  document.getElementById("demo-banner").hidden = !demo;
}

function errorPanel(err, onRetry = () => refresh()) {
  console.error(err);
  return h(
    "section",
    { class: "view view-error", role: "alert" },
    h("h1", { tabindex: "-1" }, t("error.title")),
    h("p", { class: "form-error" }, errorMessage(err)),
    // Tauri's own failures (e.g. a command the window may not call) carry a technical detail.
    typeof (err && err.detail) === "string" ? h("p", { class: "error-detail muted" }, err.detail) : null,
    h("button", { type: "button", id: "retry", class: "btn btn--primary", onclick: onRetry }, t("error.retry")),
  );
}

async function render({ focus }) {
  const mine = ++renderToken;
  const main = document.getElementById("view");
  updateNav();
  main.setAttribute("aria-busy", "true");
  const view = VIEWS[state.view] || VIEWS.home;
  let node;
  try {
    node = await view(state.params || {});
  } catch (err) {
    node = errorPanel(err);
  }
  if (mine !== renderToken) return; // the user went elsewhere meanwhile
  updateCounters();
  const scrollY = window.scrollY;
  main.replaceChildren(node);
  main.removeAttribute("aria-busy");
  const heading = main.querySelector("h1");
  if (focus) {
    window.scrollTo(0, 0);
    if (heading) heading.focus({ preventScroll: true });
  } else {
    window.scrollTo(0, scrollY);
    const active = document.activeElement;
    if ((!active || active === document.body) && heading) heading.focus({ preventScroll: true });
  }
}

/** The agenda button's counter (today's open calls; red when some are overdue) and the warning
 * shown when desktop notifications cannot be displayed on this PC. */
async function updateCounters() {
  try {
    const [counts, notify] = await Promise.all([api.callsCounts(), api.notificationsStatus()]);
    const badge = document.getElementById("calls-badge");
    badge.textContent = String(counts.today);
    badge.hidden = counts.today === 0;
    badge.classList.toggle("count-badge--alert", counts.overdue > 0);
    badge.setAttribute("aria-label", t("calls.summary", { today: counts.today, overdue: counts.overdue }));
    const warning = document.getElementById("notify-warning");
    warning.hidden = notify.ok || !notify.lastError;
    document.getElementById("notify-detail").textContent = notify.lastError ? `(${notify.lastError})` : "";
  } catch (err) {
    console.error(err);
  }
}

hooks.afterSettings = async (saved) => {
  state.settings = saved;
  if (state.info) state.info.language = saved.language;
  if (saved.language && saved.language !== currentLanguage()) {
    await setLanguage(saved.language);
    if (search) search.relabel();
  }
  updateChrome();
  await refresh();
};

hooks.afterReset = async (info) => {
  state.info = info;
  state.settings = await api.settingsGet();
  const lang = state.settings.language || info.language;
  if (lang && lang !== currentLanguage()) await setLanguage(lang);
  updateChrome();
  await navigate("home");
};

async function start() {
  setRenderer(render);
  search = startSearch();
  for (const b of document.querySelectorAll(".mainnav button[data-view]")) {
    b.addEventListener("click", () => navigate(b.dataset.view));
  }
  // Ctrl+K (or Ctrl+F) jumps to the search box from anywhere.
  document.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && (e.key === "k" || e.key === "K" || e.key === "f" || e.key === "F")) {
      if (document.querySelector("dialog[open]")) return;
      e.preventDefault();
      const input = document.getElementById("search");
      input.focus();
      input.select();
    }
  });
  try {
    state.info = await api.appInfo();
    await setLanguage(state.info.language || "es");
    if (state.info.problem) {
      // The database could not be used: no app on it, only the way back (a backup).
      document.querySelector(".mainnav").hidden = true;
      document.getElementById("search").disabled = true;
      const view = state.info.problem.kind.startsWith("server")
        ? serverStartView(state.info.problem)
        : await recoveryView(state.info.problem);
      document.getElementById("view").replaceChildren(view);
      view.querySelector("h1").focus();
      return;
    }
    state.settings = await api.settingsGet();
  } catch (err) {
    document.getElementById("view").replaceChildren(errorPanel(err, () => window.location.reload()));
    return;
  }
  updateChrome();
  // The tray's "today's calls" item opens the agenda.
  // ... and a clicked notification opens its call ("call:12") or the agenda.
  window.addEventListener("fidelia-navigate", (e) => {
    const [view, id] = String(e.detail || "home").split(":");
    navigate(view, id ? { id: Number(id) } : {});
  });
  await navigate("home");
  await updateCounters();
  // Only while the window is shown (hidden in the tray, it costs nothing), and at once when it
  // comes back.
  setInterval(() => {
    if (!document.hidden) updateCounters();
  }, POLL_MS);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) updateCounters();
  });
  // The clinic's server stopped answering, or is back (live.rs): said at once, above the view;
  // nothing typed is lost (a save then fails with a message and the form stays open).
  window.addEventListener("fidelia-server", (e) => {
    document.getElementById("server-down").hidden = e.detail !== "down";
  });
  // Another PC saved something on the clinic's server (live.rs): the counters, and the list
  // this window shows, again — never while someone is typing or a dialog is open here.
  let live = null;
  window.addEventListener("fidelia-changed", () => {
    clearTimeout(live);
    live = setTimeout(() => {
      updateCounters();
      const typing = document.activeElement && document.activeElement.closest("#view form, dialog");
      if (LIVE_VIEWS.has(state.view) && !typing && !document.querySelector("dialog[open]")) refresh();
    }, 200);
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
