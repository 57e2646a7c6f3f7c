// The only module that talks to Rust. Every command of docs/ipc.md has a small wrapper here,
// so the views never spell a command name. A rejected call becomes an `IpcError` carrying
// `{ code, message, fields }` exactly as Rust sent it (the message is already translated).

export class IpcError extends Error {
  constructor({ code = "internal", message = "", fields = {} } = {}, detail = null) {
    super(message);
    // defineProperty, not assignment: the window runs with frozen prototypes (freezePrototype).
    Object.defineProperty(this, "name", { value: "IpcError", configurable: true });
    this.code = code;
    this.fields = fields && typeof fields === "object" ? fields : {};
    // Whatever else was received (a plain string from Tauri itself, say), for the console only.
    this.detail = detail;
  }
}

function toIpcError(raw) {
  if (raw instanceof IpcError) return raw;
  if (raw && typeof raw === "object" && typeof raw.code === "string") {
    return new IpcError({ code: raw.code, message: String(raw.message ?? ""), fields: raw.fields ?? {} });
  }
  // Tauri's own failures (unknown command, bad arguments) reject with a plain string:
  // not for the user's eyes; the views then show their generic message.
  console.error("IPC failure", raw);
  return new IpcError({ code: "internal", message: "" }, raw);
}

export async function invoke(command, args = {}, options = undefined) {
  const core = window.__TAURI__ && window.__TAURI__.core;
  if (!core || typeof core.invoke !== "function") {
    throw new IpcError({ code: "internal", message: "" }, "window.__TAURI__ is not available");
  }
  try {
    return await core.invoke(command, args, options);
  } catch (raw) {
    throw toIpcError(raw);
  }
}

/** Optional id from a form control's value: "" → null, "12" → 12. */
export function idOrNull(value) {
  if (value === "" || value == null) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

export const api = {
  appInfo: () => invoke("app_info"),
  dictionary: (lang) => invoke("i18n_dictionary", { lang }),
  settingsGet: () => invoke("settings_get"),
  settingsSave: (form) => invoke("settings_save", { form }),
  clinicReset: (demo) => invoke("clinic_reset", { demo }),
  searchClients: (query, limit = 12) => invoke("search_clients", { query, limit }),
  clientsList: (offset, limit = 50) => invoke("clients_list", { offset, limit }),
  clientGet: (id) => invoke("client_get", { id }),
  clientSave: (form) => invoke("client_save", { form }),
  petSave: (form) => invoke("pet_save", { form }),
  staffList: () => invoke("staff_list"),
  staffSave: (form) => invoke("staff_save", { form }),
  visitSave: (form) => invoke("visit_save", { form }),
  visitDelete: (id) => invoke("visit_delete", { id }),
  appointmentSave: (form) => invoke("appointment_save", { form }),
  appointmentCancel: (id) => invoke("appointment_cancel", { id }),
  appointmentsUpcoming: (days) => invoke("appointments_upcoming", { days }),
  callsAgenda: (from, days, staffId) => invoke("calls_agenda", { from, days, staffId }),
  callsCounts: () => invoke("calls_counts"),
  callGet: (id) => invoke("call_get", { id }),
  callAttempt: (form) => invoke("call_attempt", { form }),
  callAddCourtesy: (form) => invoke("call_add_courtesy", { form }),
  callAssign: (id, staffId) => invoke("call_assign", { id, staffId }),
  clientCalls: (id) => invoke("client_calls", { id }),
  notificationsStatus: () => invoke("notifications_status"),
  autostartGet: () => invoke("autostart_get"),
  autostartSet: (enabled) => invoke("autostart_set", { enabled }),
  loyaltyReview: () => invoke("loyalty_review"),
  loyaltyIssue: (request) => invoke("loyalty_issue", { request }),
  condolenceDraft: (petId) => invoke("condolence_draft", { petId }),
  condolenceIssue: (petId, body, print) => invoke("condolence_issue", { petId, body, print }),
  birthdaysList: () => invoke("birthdays_list"),
  couponIssue: (petId) => invoke("coupon_issue", { petId }),
  couponRedeem: (code) => invoke("coupon_redeem", { code }),
  letterOpen: (path) => invoke("letter_open", { path }),
  // The chosen file's bytes, raw (a Uint8Array), handed over once in parts, each with the
  // byte it starts at; then previews and the import with `options`: ImportOptions
  // (docs/ipc.md).
  importStage: (bytes, offset) =>
    invoke("import_stage", bytes, { headers: { "Fidelia-Offset": String(offset) } }),
  importPreview: (options) => invoke("import_preview", { options }),
  importRun: (options, fileName) => invoke("import_run", { options, fileName }),
  importProgress: () => invoke("import_progress"),
  importCancel: () => invoke("import_cancel"),
  importHistory: () => invoke("import_history"),
  importFolderSet: (folder) => invoke("import_folder_set", { folder }),
  importReportSave: (report) => invoke("import_report_save", { report }),
  treatmentSave: (form) => invoke("treatment_save", { form }),
  messagesToday: () => invoke("messages_today"),
  messageOpen: (id, channel) => invoke("message_open", { id, channel }),
  messageSent: (id, channel, staffId) => invoke("message_sent", { id, channel, staffId }),
  messageSkip: (id, reason, staffId) => invoke("message_skip", { id, reason, staffId }),
  clientMessages: (id) => invoke("client_messages", { id }),
  messagePostpone: (id) => invoke("message_postpone", { id }),
  surveyRecord: (form) => invoke("survey_record", { form }),
  surveyForVisit: (id) => invoke("survey_for_visit", { id }),
  surveyImport: (data) => invoke("survey_import", { data }),
  surveyAlerts: () => invoke("survey_alerts"),
  surveyAlertSeen: (id, staffId) => invoke("survey_alert_seen", { id, staffId }),
  clientSurveys: (id) => invoke("client_surveys", { id }),
  consentHistory: (id) => invoke("consent_history", { id }),
  templatePreview: (kind, text, clientId) => invoke("template_preview", { kind, text, clientId }),
  lapsedList: () => invoke("lapsed_list"),
  winbackAssign: (form) => invoke("winback_assign", { form }),
  winbackCases: () => invoke("winback_cases"),
  winbackCaseOfCall: (id) => invoke("winback_case_of_call", { id }),
  winbackCaseSave: (form, staffId) => invoke("winback_case_save", { form, staffId }),
  reasonsReport: (from, to) => invoke("reasons_report", { from, to }),
  dashboard: (from, to) => invoke("dashboard", { from, to }),
  reportMonth: (month) => invoke("report_month", { month }),
  diagnostics: () => invoke("diagnostics"),
  integrityCheck: () => invoke("integrity_check"),
  // form: { host, port, database, user, password } → { ok, state, message } (docs/ipc.md)
  serverCheck: (form) => invoke("server_check", { form }),
  serverUse: (form, moveData) => invoke("server_use", { form, moveData }),
  serverConnect: (password) => invoke("server_connect", { password }),
  serverLeave: () => invoke("server_leave"),
  backupsList: () => invoke("backups_list"),
  backupNow: () => invoke("backup_now"),
  backupRestore: (name) => invoke("backup_restore", { name }),
  backupFolderSet: (folder) => invoke("backup_folder_set", { folder }),
  clientExport: (id) => invoke("client_export", { id }),
  clientErase: (id) => invoke("client_erase", { id }),
  auditLog: () => invoke("audit_log"),
  pcUserGet: () => invoke("pc_user_get"),
  pcUserSet: (staff) => invoke("pc_user_set", { staff }),
  pcReceptionGet: () => invoke("pc_reception_get"),
  pcReceptionSet: (on) => invoke("pc_reception_set", { on }),
};
