// Ajustes → Varios PCs: the clinic's server database (PostgreSQL on the main PC) for several
// PCs on one live set of records. For now the card tests the connection: it says in plain
// words whether this PC reaches the server, whether the user and password are right, and
// whether the database is empty, Fidelia's, another program's or a newer Fidelia's. Nothing is
// saved, the password included.

import { api } from "../ipc.js";
import { h } from "../lib/dom.js";
import { t } from "../i18n.js";
import { toastError } from "../app.js";

function field(id, label, attrs, hint) {
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    h("input", { id, name: id, class: "input", autocomplete: "off", spellcheck: false, ...attrs }),
    hint ? h("p", { class: "field-hint" }, hint) : null,
  );
}

export function serverSection() {
  const result = h("p", { id: "server-result", role: "status" });
  const test = h("button", { type: "submit", id: "server-test", class: "btn" }, t("server.test"));
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
    h("div", { class: "form-actions form-actions--start" }, test),
    result,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const v = (id) => form.querySelector(`#${id}`).value;
    test.disabled = true;
    result.className = "";
    result.textContent = t("server.testing");
    try {
      const port = Number.parseInt(v("serverPort"), 10);
      const answer = await api.serverCheck({
        host: v("serverHost"),
        port: Number.isFinite(port) ? port : null,
        database: v("serverDatabase"),
        user: v("serverUser"),
        password: v("serverPassword"),
      });
      result.textContent = answer.message;
      result.className = answer.ok ? "ok-text" : "form-error";
    } catch (err) {
      result.textContent = "";
      toastError(err);
    } finally {
      test.disabled = false;
    }
  });
  return h(
    "section",
    { class: "card", "aria-labelledby": "server-title", id: "server" },
    h("h2", { id: "server-title" }, t("server.title")),
    h("p", null, t("server.text")),
    form,
  );
}
