// Ajustes → Diagnóstico: where the log is, its last lines (what to send to whoever helps when
// something goes wrong), and the database's full check on demand.

import { api } from "../ipc.js";
import { h } from "../lib/dom.js";
import { t } from "../i18n.js";
import { toastError } from "../app.js";

export async function diagnosticsSection() {
  let d = { logDir: "", lines: [] };
  try {
    d = await api.diagnostics();
  } catch (err) {
    console.error(err);
  }
  const result = h("p", { id: "integrity-result", role: "status" });
  const check = h("button", { type: "button", id: "integrity-check", class: "btn" }, t("diagnostics.check"));
  check.addEventListener("click", async () => {
    check.disabled = true;
    result.textContent = t("diagnostics.checking");
    result.className = "";
    try {
      const problems = await api.integrityCheck();
      result.textContent = problems.length ? t("diagnostics.check_bad", { n: problems.length, first: problems[0] }) : t("diagnostics.check_ok");
      result.className = problems.length ? "form-error" : "ok-text";
    } catch (err) {
      result.textContent = "";
      toastError(err);
    } finally {
      check.disabled = false;
    }
  });
  return h(
    "section",
    { class: "card", "aria-labelledby": "diag-title", id: "diagnostics" },
    h("h2", { id: "diag-title" }, t("diagnostics.title")),
    h("dl", { class: "details" }, h("dt", null, t("diagnostics.log_dir")), h("dd", { id: "log-dir", class: "breakall" }, d.logDir)),
    h("details", { class: "log-lines" }, h("summary", null, t("diagnostics.last_lines", { n: d.lines.length })), h("pre", { id: "log-lines" }, d.lines.join("\n"))),
    h("div", { class: "form-actions form-actions--start" }, check),
    result,
  );
}
