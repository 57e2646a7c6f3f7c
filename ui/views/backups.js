// Backups: Ajustes → Copias de seguridad (the folder, a copy now, the list, restoring one), and
// the screen shown instead of the app when the database could not be used at start-up, which
// offers the latest good backup.

import { api } from "../ipc.js";
import { h, replace } from "../lib/dom.js";
import { t, fmtDate, fmtNumber } from "../i18n.js";
import { toast, toastError, errorMessage } from "../app.js";
import { confirmDialog } from "../components/dialog.js";

/** "2026-12-03T19:30:05" (the clinic's wall clock) → "03/12/2026 19:30". */
function when(madeAt) {
  return `${fmtDate(madeAt)} ${String(madeAt).slice(11, 16)}`;
}

function size(bytes) {
  const mb = bytes / (1024 * 1024);
  return mb >= 1 ? `${fmtNumber(mb)} MB` : `${fmtNumber(bytes / 1024, 0)} KB`;
}

/** Asks, restores the backup named `name`, and reloads the window on the restored clinic. */
async function restore(file) {
  const ok = await confirmDialog({
    title: t("backup.restore_title"),
    message: t("backup.restore_confirm", { when: when(file.madeAt) }),
    confirmLabel: t("backup.restore_yes"),
    danger: true,
  });
  if (!ok) return;
  try {
    await api.backupRestore(file.name);
    toast(t("backup.restored", { when: when(file.madeAt) }));
    setTimeout(() => window.location.reload(), 600);
  } catch (err) {
    toastError(err);
  }
}

/** The backups as a table, each with its Restore button. */
function backupList(files) {
  if (!files.length) return h("p", { id: "backup-list", class: "muted" }, t("backup.none"));
  return h(
    "table",
    { id: "backup-list", class: "table" },
    h("thead", null, h("tr", null, h("th", null, t("backup.made_at")), h("th", null, t("backup.size")), h("th", null, ""))),
    h(
      "tbody",
      null,
      files.map((f) =>
        h(
          "tr",
          { dataset: { name: f.name } },
          h("td", null, when(f.madeAt), f.kind === "beforeRestore" ? h("span", { class: "muted" }, ` — ${t("backup.before_restore")}`) : null),
          h("td", null, size(f.size)),
          h("td", null, h("button", { type: "button", class: "btn btn--small backup-restore", onclick: () => restore(f) }, t("backup.restore"))),
        ),
      ),
    ),
  );
}

/** Ajustes → Copias de seguridad. */
export async function backupsSection() {
  let b = { dir: "", defaultDir: "", files: [] };
  try {
    b = await api.backupsList();
  } catch (err) {
    console.error(err);
  }
  const list = h("div", null, backupList(b.files));
  const folder = h("input", { id: "backup-dir", type: "text", value: b.dir, class: "input", autocomplete: "off", spellcheck: false });
  const result = h("p", { id: "backup-result", role: "status" });
  const reload = (fresh) => {
    b = fresh;
    folder.value = fresh.dir;
    replace(list, backupList(fresh.files));
  };
  const now = h("button", { type: "button", id: "backup-now", class: "btn btn--primary" }, t("backup.now"));
  now.addEventListener("click", async () => {
    now.disabled = true;
    result.textContent = t("backup.making");
    try {
      const made = await api.backupNow();
      result.textContent = t("backup.made", { when: when(made.file.madeAt), size: size(made.file.size), rows: made.rows, seconds: fmtNumber(made.millis / 1000) });
      reload(await api.backupsList());
    } catch (err) {
      result.textContent = errorMessage(err);
    } finally {
      now.disabled = false;
    }
  });
  const saveFolder = async (value) => {
    try {
      reload(await api.backupFolderSet(value));
      toast(t("toast.saved"));
    } catch (err) {
      toastError(err);
    }
  };
  return h(
    "section",
    { class: "card", "aria-labelledby": "backup-title", id: "backups" },
    h("h2", { id: "backup-title" }, t("backup.title")),
    h("p", null, t("backup.text")),
    h(
      "div",
      { class: "field field--wide" },
      h("label", { for: "backup-dir" }, t("backup.folder")),
      folder,
      h("p", { class: "field-hint" }, t("backup.folder_hint", { dir: b.defaultDir })),
    ),
    h(
      "div",
      { class: "form-actions form-actions--start" },
      h("button", { type: "button", id: "backup-dir-save", class: "btn", onclick: () => saveFolder(folder.value) }, t("backup.folder_save")),
      h("button", { type: "button", class: "btn", onclick: () => saveFolder("") }, t("backup.folder_default")),
      now,
    ),
    result,
    list,
  );
}

/** Instead of the app when the database could not be used at start-up: what happened, and the
 * latest good backup to restore. */
export async function recoveryView(problem) {
  let b = { dir: "", files: [] };
  try {
    b = await api.backupsList();
  } catch (err) {
    console.error(err);
  }
  const regular = b.files.filter((f) => f.kind === "regular");
  const latest = regular[0];
  return h(
    "section",
    { class: "view view-recovery", id: "recovery" },
    h("header", { class: "view-header" }, h("h1", { tabindex: "-1" }, t(`recovery.title_${problem.kind}`))),
    h(
      "section",
      { class: "card card--danger" },
      h("p", null, t("recovery.text")),
      latest
        ? h(
            "div",
            null,
            h("p", { id: "recovery-latest" }, t("recovery.latest", { when: when(latest.madeAt), size: size(latest.size) })),
            h("div", { class: "form-actions form-actions--start" }, h("button", { type: "button", id: "restore-latest", class: "btn btn--primary", onclick: () => restore(latest) }, t("recovery.restore_latest"))),
          )
        : h("p", { id: "recovery-none" }, t("recovery.no_backup", { dir: b.dir })),
      h("details", null, h("summary", null, t("recovery.detail")), h("p", { class: "muted breakall" }, problem.detail)),
    ),
    b.files.length > 1 ? h("section", { class: "card" }, h("h2", null, t("recovery.others")), backupList(b.files)) : null,
  );
}
