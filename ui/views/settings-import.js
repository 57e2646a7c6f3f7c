// Ajustes → Importar datos: open the import page, the folder imported from automatically
// (a practice-management system's nightly export), and the recent imports with their results.

import { api } from "../ipc.js";
import { h, replace } from "../lib/dom.js";
import { t, fmtDateTime } from "../i18n.js";
import { navigate, toast } from "../app.js";
import { clearFormErrors, showFormErrors } from "../components/form-errors.js";

function historyTable(runs) {
  if (!runs.length) return h("p", { id: "import-history-empty", class: "muted" }, t("autoimport.history_empty"));
  const rows = runs.map((r) =>
    h(
      "tr",
      { dataset: { origin: r.origin, ok: r.report ? "yes" : "no" } },
      h("td", null, fmtDateTime(r.at)),
      h("td", { class: "breakall" }, r.fileName || "—"),
      h("td", null, t(`autoimport.origin.${r.origin}`)),
      h(
        "td",
        { class: r.report && !r.report.rowsRejected ? "" : "form-error" },
        r.report ? t("autoimport.result", { imported: r.report.rowsImported, rejected: r.report.rowsRejected }) : t("autoimport.not_imported", { reason: r.message }),
      ),
    ),
  );
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { id: "import-history", class: "table" },
      h("caption", { class: "visually-hidden" }, t("autoimport.history")),
      h("thead", null, h("tr", null, ["when", "file", "origin", "result"].map((c) => h("th", { scope: "col" }, t(`autoimport.col.${c}`))))),
      h("tbody", null, rows),
    ),
  );
}

export async function importSection(settings) {
  let runs = [];
  try {
    runs = await api.importHistory();
  } catch (err) {
    console.error(err);
  }
  const history = h("div", null, historyTable(runs));
  const folder = h("input", { id: "importFolder", name: "importFolder", type: "text", value: settings.importFolder || "", class: "input", autocomplete: "off", spellcheck: false });
  const status = h("p", { id: "import-folder-status", role: "status", class: "muted" }, settings.importFolder ? t("autoimport.saved_on") : "");
  const form = h(
    "form",
    { id: "import-folder-form", novalidate: true },
    h(
      "div",
      { class: "field field--wide" },
      h("label", { for: "importFolder" }, t("autoimport.folder")),
      folder,
      h("p", { class: "field-hint" }, t("autoimport.folder_help")),
    ),
    h("p", { class: "form-error", role: "alert", hidden: true }),
    h("div", { class: "form-actions form-actions--start" }, h("button", { type: "submit", id: "import-folder-save", class: "btn" }, t("autoimport.save"))),
    status,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearFormErrors(form);
    try {
      const saved = await api.importFolderSet(folder.value);
      folder.value = saved.importFolder;
      status.textContent = saved.importFolder ? t("autoimport.saved_on") : t("autoimport.saved_off");
      toast(t("toast.saved"));
    } catch (err) {
      showFormErrors(form, err);
    }
  });
  // The history as the watched folder fills it, while this page is open.
  const timer = setInterval(async () => {
    if (!history.isConnected) return clearInterval(timer);
    try {
      replace(history, historyTable(await api.importHistory()));
    } catch (err) {
      console.error(err);
    }
  }, 5000);
  return h(
    "section",
    { class: "card", "aria-labelledby": "import-title" },
    h("h2", { id: "import-title" }, t("settings.import_title")),
    h("p", null, t("settings.import_text")),
    h("div", { class: "form-actions form-actions--start" }, h("button", { type: "button", id: "open-import", class: "btn", onclick: () => navigate("import") }, t("settings.import_open"))),
    h("h3", { class: "subheading" }, t("autoimport.title")),
    form,
    h("h3", { class: "subheading" }, t("autoimport.history")),
    history,
  );
}
