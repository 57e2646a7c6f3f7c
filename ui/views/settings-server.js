// Ajustes → Varios PCs: the clinic's server database (PostgreSQL on the main PC) for several
// PCs on one live set of records. "Probar la conexión" says in plain words whether this PC
// reaches the server, whether the user and password are right, and whether the database is
// empty, Fidelia's, another program's or a newer Fidelia's (nothing saved). Then, for an empty
// database, "Mover los datos de este PC al servidor" (the clinic copied and checked table by
// table; this PC's file kept); for Fidelia's, "Usar los datos del servidor". A PC on the
// server can go back to its own file. At start-up, when the server cannot be opened,
// serverStartView asks for the password or tries again.

import { api } from "../ipc.js";
import { h } from "../lib/dom.js";
import { t, fmtInt } from "../i18n.js";
import { state, hooks, navigate, toastError, errorMessage } from "../app.js";
import { confirmDialog } from "../components/dialog.js";

/** The last move's or switch's outcome, shown in the card after the window reloads its data. */
let lastOutcome = "";

function field(id, label, attrs, hint) {
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    h("input", { id, name: id, class: "input", autocomplete: "off", spellcheck: false, ...attrs }),
    hint ? h("p", { class: "field-hint" }, hint) : null,
  );
}

/** After this PC switched database: the window's data again, then this card. */
async function switched(outcome) {
  lastOutcome = outcome;
  await hooks.afterReset(await api.appInfo());
  await navigate("settings");
  document.querySelector("#server")?.scrollIntoView({ block: "center" });
}

/** The card while this PC works on the server: which one, and the way back to its own file. */
function currentServer() {
  const leave = h("button", { type: "button", id: "server-leave", class: "btn" }, t("server.leave"));
  leave.addEventListener("click", async () => {
    const ok = await confirmDialog({ title: t("server.leave"), message: t("server.leave_confirm"), confirmLabel: t("server.leave") });
    if (!ok) return;
    leave.disabled = true;
    try {
      await api.serverLeave();
      await switched(t("server.left"));
    } catch (err) {
      toastError(err);
      leave.disabled = false;
    }
  });
  return h(
    "div",
    null,
    h("p", { id: "server-current", class: "ok-text" }, t("server.current", { server: state.info.dbPath })),
    lastOutcome ? h("p", { id: "server-outcome", role: "status" }, lastOutcome) : null,
    h("div", { class: "form-actions form-actions--start" }, leave),
  );
}

export function serverSection() {
  if (state.info?.server) {
    return h(
      "section",
      { class: "card", "aria-labelledby": "server-title", id: "server" },
      h("h2", { id: "server-title" }, t("server.title")),
      currentServer(),
    );
  }
  const result = h("p", { id: "server-result", role: "status" }, lastOutcome);
  lastOutcome = "";
  const test = h("button", { type: "submit", id: "server-test", class: "btn" }, t("server.test"));
  // Offered once the test found a database this PC can use.
  const move = h("button", { type: "button", id: "server-move", class: "btn btn--primary", hidden: true }, t("server.move"));
  const use = h("button", { type: "button", id: "server-use", class: "btn btn--primary", hidden: true }, t("server.use"));
  const form = h(
    "form",
    { id: "server-form", novalidate: true },
    h(
      "div",
      { class: "form-grid" },
      field("serverHost", t("server.host"), { type: "text", placeholder: "recepcion.local" }, t("server.host_help")),
      field("serverPort", t("server.port"), { type: "text", inputmode: "numeric", value: "5432" }),
      field("serverDatabase", t("server.database"), { type: "text", value: "fidelia" }),
      field("serverUser", t("server.user"), { type: "text", value: "fidelia" }),
      field("serverPassword", t("server.password"), { type: "password", autocomplete: "new-password" }),
    ),
    h("div", { class: "form-actions form-actions--start" }, test, move, use),
    result,
  );
  const v = (id) => form.querySelector(`#${id}`).value;
  const fields = () => {
    const port = Number.parseInt(v("serverPort"), 10);
    return {
      host: v("serverHost"),
      port: Number.isFinite(port) ? port : null,
      database: v("serverDatabase"),
      user: v("serverUser"),
      password: v("serverPassword"),
    };
  };
  // A changed field needs a new test before the database is used.
  form.addEventListener("input", () => {
    move.hidden = true;
    use.hidden = true;
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    test.disabled = true;
    move.hidden = true;
    use.hidden = true;
    result.className = "";
    result.textContent = t("server.testing");
    try {
      const answer = await api.serverCheck(fields());
      result.textContent = answer.message;
      result.className = answer.ok ? "ok-text" : "form-error";
      move.hidden = answer.state?.state !== "empty";
      use.hidden = answer.state?.state !== "fidelia";
    } catch (err) {
      result.textContent = "";
      toastError(err);
    } finally {
      test.disabled = false;
    }
  });
  const go = async (button, moveData) => {
    if (moveData) {
      const ok = await confirmDialog({ title: t("server.move"), message: t("server.move_confirm"), confirmLabel: t("server.move") });
      if (!ok) return;
    }
    for (const b of [test, move, use]) b.disabled = true;
    result.className = "";
    result.textContent = moveData ? t("server.moving") : t("server.connecting");
    try {
      const done = await api.serverUse(fields(), moveData);
      const rows = done.moved ? Object.values(done.moved.tables).reduce((n, x) => n + x.rows, 0) : 0;
      const counted = done.moved ? ` ${t("server.moved_rows", { rows: fmtInt(rows), tables: Object.keys(done.moved.tables).length })}` : "";
      await switched(done.message + counted);
    } catch (err) {
      result.textContent = errorMessage(err);
      result.className = "form-error";
      for (const b of [test, move, use]) b.disabled = false;
      button.hidden = false;
    }
  };
  move.addEventListener("click", () => go(move, true));
  use.addEventListener("click", () => go(use, false));
  return h(
    "section",
    { class: "card", "aria-labelledby": "server-title", id: "server" },
    h("h2", { id: "server-title" }, t("server.title")),
    h("p", null, t("server.text")),
    form,
  );
}

/** Instead of the app when the clinic's server could not be opened at start-up: the server's
 * password (this PC keeps none), or what is wrong and "Reintentar" (also every 10 s). */
export function serverStartView(problem) {
  const needsPassword = problem.kind === "server_password";
  const result = h("p", { id: "server-start-result", role: "status", class: "form-error" }, needsPassword ? "" : problem.detail);
  const password = h("input", { id: "serverStartPassword", type: "password", class: "input", autocomplete: "current-password" });
  const connect = h("button", { type: "submit", id: "server-connect", class: "btn btn--primary" }, needsPassword ? t("recovery.connect") : t("recovery.retry"));
  let timer = null;
  const attempt = async () => {
    connect.disabled = true;
    try {
      await api.serverConnect(needsPassword ? password.value : null);
      clearInterval(timer);
      window.location.reload();
    } catch (err) {
      result.textContent = errorMessage(err);
      connect.disabled = false;
    }
  };
  if (!needsPassword) timer = setInterval(attempt, 10000);
  // The server gone for good: this PC can go back to its own file, as it was.
  const leave = h("button", { type: "button", id: "server-start-leave", class: "btn" }, t("recovery.leave_server"));
  leave.addEventListener("click", async () => {
    const ok = await confirmDialog({ title: t("recovery.leave_server"), message: t("server.leave_confirm"), confirmLabel: t("recovery.leave_server") });
    if (!ok) return;
    try {
      await api.serverLeave();
      clearInterval(timer);
      window.location.reload();
    } catch (err) {
      result.textContent = errorMessage(err);
    }
  });
  const form = h(
    "form",
    { id: "server-start-form" },
    needsPassword
      ? h("div", { class: "field field--short" }, h("label", { for: "serverStartPassword" }, t("server.password")), password)
      : null,
    h("div", { class: "form-actions form-actions--start" }, connect, leave),
    result,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    attempt();
  });
  return h(
    "section",
    { class: "view view-recovery", id: "server-start" },
    h("header", { class: "view-header" }, h("h1", { tabindex: "-1" }, t(`recovery.title_${problem.kind}`))),
    h("section", { class: "card card--danger" }, h("p", null, t(needsPassword ? "recovery.server_password_text" : "recovery.server_text")), form),
  );
}
