// Import: choose the practice-management system's CSV export, see what Fidelia understood
// (encoding, separator, what each column holds, what an import would do), fix a column's
// meaning, import with a progress bar (cancellable), and read the report.
//
// The page has no file-system access: the file is read here and its bytes are handed over
// once, raw, in parts (import_stage writes them beside the database: any size, the window's
// memory flat); previews and the import read that copy.

import { api } from "../ipc.js";
import { h, replace } from "../lib/dom.js";
import { t, fmtInt } from "../i18n.js";
import { errorMessage, toast } from "../app.js";

/** The bytes handed over per request (import_stage refuses parts over 16 MiB). */
const PART_BYTES = 8 * 1024 * 1024;
const POLL_MS = 200;
const REJECTED_IN_PREVIEW = 10;

/** The fields a column may hold, in the order of `Field::ALL` (crates/fidelia-core/src/import/fields.rs). */
const FIELDS = [
  "ignore",
  "clientId", "firstName", "surnames", "fullName", "phone", "phone2", "email", "address",
  "preferredChannel", "consentCare", "consentCommercial", "clientNotes",
  "petId", "petName", "species", "breed", "sex", "birthDate", "deceased", "deceasedOn", "petNotes",
  "visitId", "visitDate", "visitTime", "visitKind", "severity", "reason", "amount", "staff",
  "appointmentId", "appointmentDate", "appointmentTime", "duration", "appointmentReason", "appointmentStatus",
  "treatmentId", "treatmentKind", "product", "appliedOn", "nextDueOn",
];
const ENCODINGS = ["utf-8", "utf-8-bom", "windows-1252", "utf-8-mixed"];
const SEPARATORS = [
  [";", "import.separator.semicolon"],
  [",", "import.separator.comma"],
  ["\t", "import.separator.tab"],
];
const KINDS = ["clients", "pets", "visits", "appointments", "vaccinations"];

const fieldLabel = (f) => t(`import.field.${f}`);

/** The report's lines per kind: the kinds the file touched (clients when none did). */
function countLines(report) {
  const touched = KINDS.filter((k) => {
    const c = report[k];
    return c.created + c.updated + c.unchanged + c.keptManual > 0;
  });
  return (touched.length ? touched : ["clients"]).map((k) => {
    const c = report[k];
    return h(
      "li",
      { dataset: { kind: k } },
      t("import.count_line", { kind: t(`import.shape.${k}`), created: fmtInt(c.created), updated: fmtInt(c.updated), unchanged: fmtInt(c.unchanged), kept: fmtInt(c.keptManual) }),
    );
  });
}

/** One rejected row of a report: its line, column, value and why (a dictionary key). */
export function rejectedItem(r) {
  const reason = t(r.reason);
  const text = r.column ? t("import.rejected_row", { line: r.line, column: r.column, reason }) : t("import.rejected_row_whole", { line: r.line, reason });
  return h("li", { dataset: { line: r.line } }, text, r.value ? h("span", { class: "muted import-value" }, ` «${r.value}»`) : null);
}

/** Counts, staff, phones and rejected rows of a report (preview or import). */
function reportBody(report, { rejectedId, limit }) {
  const rejected = limit ? report.rejected.slice(0, limit) : report.rejected;
  const more = report.rejectedMore + (report.rejected.length - rejected.length);
  return [
    h("p", { class: "import-rows" }, t("import.rows_line", { total: report.rowsTotal, imported: report.rowsImported, rejected: report.rowsRejected })),
    h("ul", { class: "import-counts" }, countLines(report)),
    report.staffCreated > 0 ? h("p", null, t("import.staff_created", { n: report.staffCreated })) : null,
    report.phonesFlagged > 0 ? h("p", null, t("import.phones_flagged", { n: report.phonesFlagged })) : null,
    h("h3", null, t(limit ? "import.rejected_first" : "import.rejected_title")),
    rejected.length
      ? h("ul", { id: rejectedId, class: "import-rejected" }, rejected.map(rejectedItem))
      : h("p", { class: "empty" }, t("import.no_rejected")),
    more > 0 ? h("p", { class: "muted" }, t("import.rejected_more", { n: more })) : null,
  ];
}

// ---------------------------------------------------------------- the view's sections

/** The file choice: the file input, the "overwrite manual changes" box and the status line. */
function fileChoiceSection({ onFile, onOverwrite }) {
  const status = h("p", { id: "import-status", class: "import-status", role: "status" });
  const setStatus = (text, error = false) => {
    status.textContent = text || "";
    status.classList.toggle("form-error", Boolean(error && text));
  };
  const fileInput = h("input", {
    id: "import-file",
    type: "file",
    accept: ".csv,text/csv",
    onchange: async (e) => {
      const f = e.target.files && e.target.files[0];
      if (!f) return;
      await onFile(f);
    },
  });
  const overwrite = h("input", { id: "import-overwrite", type: "checkbox", onchange: () => onOverwrite(overwrite.checked) });
  const card = h(
    "div",
    { class: "card import-choose" },
    h("div", { class: "field" }, h("label", { for: "import-file" }, t("import.file")), fileInput),
    h("div", { class: "field field--check" }, overwrite, h("label", { for: "import-overwrite" }, t("import.overwrite")), h("p", { class: "field-hint" }, t("import.overwrite_hint"))),
    status,
  );
  return { card, fileInput, overwrite, setStatus };
}

/** The progress bar of a running import, with its Cancel button (hidden until an import runs). */
function progressSection() {
  const progress = h("progress", { id: "import-progress", max: 1, value: 0 });
  const progressText = h("span", { id: "import-progress-text", class: "muted" });
  const cancelButton = h("button", { type: "button", id: "import-cancel", class: "btn", onclick: () => api.importCancel().catch(() => {}) }, t("import.cancel"));
  const box = h("div", { id: "import-running", class: "import-running", hidden: true }, h("label", { for: "import-progress" }, t("import.running")), progress, progressText, cancelButton);
  return { box, progress, progressText, cancelButton };
}

/** How the file is read: its encoding and separator (both changeable) and the shape found. */
function previewReading(p, onOptions) {
  const encoding = h(
    "select",
    { id: "import-encoding", value: p.encoding, onchange: (e) => onOptions({ encoding: e.target.value, fields: null }) },
    ENCODINGS.map((e) => h("option", { value: e }, t(`import.encoding.${e}`))),
  );
  const separator = h(
    "select",
    { id: "import-separator", value: p.separator, onchange: (e) => onOptions({ separator: e.target.value, fields: null }) },
    SEPARATORS.map(([v, k]) => h("option", { value: v }, t(k))),
  );
  return h(
    "div",
    { class: "toolbar import-facts" },
    h("div", { class: "field field--row" }, h("label", { for: "import-encoding" }, t("import.encoding")), encoding),
    h("div", { class: "field field--row" }, h("label", { for: "import-separator" }, t("import.separator")), separator),
    h("p", { class: "import-shape" }, h("span", { class: "muted" }, t("import.shape"), ": "), h("span", { id: "import-shape", dataset: { shape: p.shape } }, t(`import.shape.${p.shape}`))),
    oddLines(p.oddLines),
  );
}

/** Lines of a UTF-8 file that were not UTF-8 (read as Windows-1252): which, to check their accents. */
function oddLines(odd) {
  if (!odd || !odd.count) return null;
  const lines = odd.first.join(", ") + (odd.count > odd.first.length ? "…" : "");
  return h("p", { id: "import-odd-lines", class: "import-odd-lines", role: "status" }, t("import.odd_lines", { n: odd.count, lines }));
}

/** The column mapping: each column's header, sample values and the field it holds (changeable). */
function previewMapping(p, onOptions) {
  const selects = [];
  const rows = p.columns.map((c) => {
    const select = h(
      "select",
      {
        class: "import-field",
        "aria-label": t("import.col.field") + ": " + c.header,
        value: c.field,
        onchange: () => onOptions({ fields: selects.map((s) => s.value) }),
      },
      FIELDS.map((f) => h("option", { value: f }, fieldLabel(f))),
    );
    selects.push(select);
    const samples = c.samples.filter((s) => s !== "");
    return h(
      "tr",
      { dataset: { column: c.index, field: c.field } },
      h("th", { scope: "row", class: "import-header" }, c.header),
      h("td", { class: "import-samples" }, samples.length ? samples.map((s) => h("span", { class: "import-sample" }, s)) : h("span", { class: "muted" }, t("import.empty_sample"))),
      h("td", null, select),
    );
  });
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { id: "import-columns", class: "table" },
      h("caption", { class: "visually-hidden" }, t("import.columns_caption")),
      h("thead", null, h("tr", null, h("th", { scope: "col" }, t("import.col.header")), h("th", { scope: "col" }, t("import.col.samples")), h("th", { scope: "col" }, t("import.col.field")))),
      h("tbody", null, rows),
    ),
  );
}

/**
 * Without a visit-type column: whether each visit's kind is read from its reason (checked by
 * default). Nothing when a type column is mapped (`kindInferred` is null).
 */
function inferKindField(p, onOptions) {
  if (p.kindInferred === null || p.kindInferred === undefined) return null;
  const box = h("input", { id: "import-infer-kind", type: "checkbox", checked: p.kindInferred, onchange: () => onOptions({ inferKind: box.checked }) });
  return h(
    "div",
    { class: "field field--check import-infer-kind" },
    box,
    h("label", { for: "import-infer-kind" }, t("import.infer_kind")),
    h("p", { class: "field-hint" }, t("import.infer_kind_hint")),
  );
}

/** The preview's content: reading options, mapping, missing fields, what an import would do, Import. */
function previewContent(p, fileName, { onOptions, onRun }) {
  const missing = p.missing.map((f) => `«${fieldLabel(f)}»`).join(", ");
  const runButton = h("button", { type: "button", id: "import-run", class: "btn btn--primary", disabled: p.missing.length > 0, onclick: onRun }, t("import.run"));
  return [
    h("h2", null, t("import.preview_title"), " · ", h("span", { class: "import-filename" }, fileName)),
    previewReading(p, onOptions),
    h("p", { id: "import-mapping-source", class: "muted", dataset: { source: p.mappingSource } }, t(`import.source.${p.mappingSource}`)),
    p.missing.length ? h("p", { id: "import-missing", class: "form-error", role: "alert" }, t("import.missing", { columns: missing })) : null,
    previewMapping(p, onOptions),
    inferKindField(p, onOptions),
    p.missing.length
      ? null
      : h(
          "div",
          { id: "import-would", class: "import-would" },
          h("h3", null, t("import.would")),
          // A large file: the dry run read its first rows only (it answers at once).
          p.partial ? h("p", { id: "import-partial", class: "muted" }, t("import.partial", { n: fmtInt(p.report.rowsTotal), total: fmtInt(p.rowsEstimate) })) : null,
          reportBody(p.report, { rejectedId: "import-preview-rejected", limit: REJECTED_IN_PREVIEW }),
        ),
    h("div", { class: "form-actions form-actions--start" }, runButton),
  ];
}

/** The report's content, after an import: counts, rejected rows, and saving them as CSV. */
function reportContent(report, fileName, setStatus) {
  const save = h(
    "button",
    {
      type: "button",
      id: "import-report-csv",
      class: "btn",
      onclick: async () => {
        try {
          const path = await api.importReportSave(report);
          setStatus(t("import.report_saved", { path }), false);
        } catch (err) {
          setStatus(errorMessage(err), true);
        }
      },
    },
    t("import.save_csv"),
  );
  return [
    h("h2", null, t("import.report_title"), " · ", h("span", { class: "import-filename" }, fileName)),
    report.dryRun ? h("p", { class: "muted" }, t("import.dry_run")) : null,
    reportBody(report, { rejectedId: "import-rejected" }),
    h("div", { class: "form-actions form-actions--start" }, save),
  ];
}

export async function importView() {
  /** The chosen file ({ name }: its bytes were handed over); the options of the next preview / import. */
  let file = null;
  let options = { encoding: null, separator: null, fields: null, overwriteManual: false, inferKind: true };
  let busy = false;
  let previewToken = 0;

  const previewBox = h("section", { id: "import-preview", class: "card", hidden: true, "aria-live": "polite" });
  const running = progressSection();
  const reportBox = h("section", { id: "import-report", class: "card", hidden: true });
  const choice = fileChoiceSection({ onFile: chooseFile, onOverwrite });
  const { setStatus } = choice;

  async function chooseFile(f) {
    previewBox.hidden = true;
    reportBox.hidden = true;
    file = null;
    setStatus(t("import.reading"));
    try {
      for (let at = 0; at === 0 || at < f.size; at += PART_BYTES) {
        if (at > 0) setStatus(t("import.reading_pct", { pct: Math.floor((100 * at) / f.size) }));
        const part = new Uint8Array(await f.slice(at, at + PART_BYTES).arrayBuffer());
        await api.importStage(part, at);
      }
      file = { name: f.name };
    } catch (err) {
      setStatus(errorMessage(err) || t("err.import_file"), true);
      return;
    }
    options = { encoding: null, separator: null, fields: null, overwriteManual: choice.overwrite.checked, inferKind: true };
    await preview();
  }

  function onOverwrite(checked) {
    options.overwriteManual = checked;
    if (file) preview();
  }

  /** A changed reading option or column meaning: a new preview with it. */
  function onOptions(changes) {
    options = { ...options, ...changes };
    preview();
  }

  async function preview() {
    if (!file) return;
    const mine = ++previewToken;
    setStatus(t("import.reading"));
    try {
      const p = await api.importPreview(options);
      if (mine !== previewToken) return;
      setStatus("");
      renderPreview(p);
    } catch (err) {
      if (mine !== previewToken) return;
      previewBox.hidden = true;
      setStatus(errorMessage(err), true);
    }
  }

  function renderPreview(p) {
    // What the preview used becomes the options of the next run (so an import reads the file
    // exactly as shown).
    options.encoding = p.encoding;
    options.separator = p.separator;
    replace(previewBox, previewContent(p, file.name, { onOptions, onRun: run }));
    previewBox.hidden = false;
  }

  function setBusy(on) {
    busy = on;
    for (const el of [choice.fileInput, choice.overwrite, ...previewBox.querySelectorAll("select, button, input")]) el.disabled = on;
    running.box.hidden = !on;
    running.cancelButton.disabled = false;
  }

  async function run() {
    if (!file || busy) return;
    reportBox.hidden = true;
    setStatus("");
    const { progress, progressText } = running;
    progress.max = 1;
    progress.value = 0;
    progressText.textContent = "";
    setBusy(true);
    const poll = setInterval(async () => {
      try {
        const pr = await api.importProgress();
        if (pr.total > 0) {
          progress.max = pr.total;
          progress.value = pr.done;
          progressText.textContent = t("import.progress", { done: pr.done, total: pr.total });
        }
      } catch (err) {
        console.error(err);
      }
    }, POLL_MS);
    try {
      const report = await api.importRun(options, file.name);
      clearInterval(poll);
      setBusy(false);
      renderReport(report);
      toast(t("import.done"));
      // The preview now tells what a second import would do.
      await preview();
    } catch (err) {
      clearInterval(poll);
      setBusy(false);
      setStatus(errorMessage(err), true);
    }
  }

  function renderReport(report) {
    replace(reportBox, reportContent(report, file ? file.name : "", setStatus));
    reportBox.hidden = false;
    reportBox.scrollIntoView({ block: "start" });
  }

  return h(
    "section",
    { class: "view", id: "import" },
    h("div", { class: "view-header" }, h("h1", { tabindex: "-1" }, t("import.title"))),
    h("p", { class: "muted" }, t("import.intro")),
    choice.card,
    running.box,
    reportBox,
    previewBox,
  );
}
