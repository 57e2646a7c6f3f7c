// Ajustes → Registro de actividad: who did what (changes to clients and consents, exports,
// erasures, backups and restores), newest first, for the owner to read.

import { api } from "../ipc.js";
import { h } from "../lib/dom.js";
import { t, fmtDateTime } from "../i18n.js";
import { navigate } from "../app.js";

export async function activitySection() {
  let entries = [];
  try {
    entries = await api.auditLog();
  } catch (err) {
    console.error(err);
  }
  const what = (e) => {
    const text = t(`audit.${e.action}`);
    if (e.record === "client" && e.recordId != null) {
      return [text, " ", h("button", { type: "button", class: "link", onclick: () => navigate("client", { id: e.recordId }) }, t("audit.client_n", { id: e.recordId }))];
    }
    return text;
  };
  return h(
    "section",
    { class: "card", "aria-labelledby": "audit-title", id: "activity" },
    h("h2", { id: "audit-title" }, t("audit.title")),
    entries.length
      ? h(
          "details",
          null,
          h("summary", null, t("audit.latest", { n: entries.length })),
          h(
            "table",
            { id: "audit-log", class: "table" },
            h("thead", null, h("tr", null, h("th", null, t("audit.when")), h("th", null, t("audit.who")), h("th", null, t("audit.what")), h("th", null, ""))),
            h(
              "tbody",
              null,
              entries.map((e) => h("tr", { dataset: { action: e.action } }, h("td", null, fmtDateTime(e.at)), h("td", null, e.staffName || t("audit.nobody")), h("td", null, what(e)), h("td", { class: "muted" }, e.detail))),
            ),
          ),
        )
      : h("p", { class: "muted" }, t("audit.empty")),
  );
}
