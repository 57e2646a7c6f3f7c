// Mensajes: everything to send today (care and appointment reminders, surveys, birthday
// greetings), one card per message, by client. Open it in WhatsApp or the mail client with the
// text written (Rust opens the link), copy it, or read it on the phone; then mark it sent — it
// goes into the client's log — skip it, or leave it for the next opening day. A survey's
// answers are typed in from its card, or imported from the online form's CSV export.

import { api } from "../ipc.js";
import { h } from "../lib/dom.js";
import { t, word, fmtDate } from "../i18n.js";
import { navigate, refresh, toast, toastError } from "../app.js";
import { me } from "../lib/me.js";
import { copyText } from "../lib/clipboard.js";
import { readBase64 } from "../lib/files.js";
import { openSurveyForm } from "../components/survey-form.js";
import { rejectedItem } from "./import.js";

async function sent(m, channel) {
  try {
    await api.messageSent(m.id, channel, me());
    toast(t("messages.marked_sent"));
    await refresh();
  } catch (err) {
    toastError(err);
  }
}

/** Opens the message in WhatsApp or the mail client; "sent by" follows what was opened. */
async function open(m, channel, status, sentBy) {
  try {
    const link = await api.messageOpen(m.id, channel);
    status.textContent = link ? t("messages.opened") : t(`messages.no_${channel}`);
    if (link) sentBy.value = channel;
  } catch (err) {
    toastError(err);
  }
}

async function skip(m) {
  const reason = window.prompt(t("messages.skip_reason"));
  if (reason === null) return;
  try {
    await api.messageSkip(m.id, reason, me());
    toast(t("messages.marked_skipped"));
    await refresh();
  } catch (err) {
    toastError(err);
  }
}

async function postpone(m) {
  try {
    const moved = await api.messagePostpone(m.id);
    toast(t("messages.postponed", { date: fmtDate(moved.sendOn) }));
    await refresh();
  } catch (err) {
    toastError(err);
  }
}

async function recordSurvey(code, petName) {
  const survey = await openSurveyForm({ code, petName });
  if (!survey) return;
  toast(t(survey.poor ? "survey.recorded_poor" : "survey.recorded"));
  await refresh();
}

/** The report of an answers import, in a dialog. */
function showImportReport(r) {
  const close = h("button", { type: "button", class: "btn btn--primary" }, t("common.close"));
  const dialog = h(
    "dialog",
    { class: "form-dialog", id: "survey-import-report", "aria-labelledby": "survey-import-title" },
    h("h2", { id: "survey-import-title", class: "dialog-title" }, t("survey.import_title")),
    h("p", { id: "survey-import-counts" }, t("survey.import_done", { recorded: r.recorded, poor: r.poor, unchanged: r.unchanged })),
    r.rejected.length ? h("ul", { class: "import-rejected" }, r.rejected.map(rejectedItem)) : null,
    h("div", { class: "form-actions" }, close),
  );
  close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    dialog.remove();
    refresh();
  });
  document.body.appendChild(dialog);
  dialog.showModal();
  close.focus();
}

function importAnswersButton() {
  const input = h("input", { type: "file", id: "survey-import-file", accept: ".csv,text/csv", class: "visually-hidden" });
  input.addEventListener("change", async () => {
    const file = input.files && input.files[0];
    if (!file) return;
    try {
      showImportReport(await api.surveyImport(await readBase64(file)));
    } catch (err) {
      toastError(err);
    } finally {
      input.value = "";
    }
  });
  return [input, h("button", { type: "button", class: "btn", id: "survey-import", onclick: () => input.click() }, t("survey.import"))];
}

function messageCard(m) {
  const status = h("p", { class: "message-status muted", role: "status" });
  const sentBy = h(
    "select",
    { id: `message-channel-${m.id}`, class: "message-channel" },
    ["whatsapp", "email", "telefono", "copiado"].map((c) => h("option", { value: c, selected: c === m.preferredChannel }, word("message_channel", c))),
  );
  return h(
    "li",
    { class: "card message-card", dataset: { messageId: m.id, kind: m.kind } },
    h(
      "div",
      { class: "message-head" },
      h(
        "button",
        { type: "button", class: "link client-link", dataset: { clientId: m.clientId }, onclick: () => navigate("client", { id: m.clientId }) },
        m.clientName,
      ),
      h("span", { class: "badge" }, word("message_kind", m.kind)),
      m.petNames.length ? h("span", { class: "message-pets" }, m.petNames.join(", ")) : null,
      h("span", { class: "muted" }, fmtDate(m.sendOn)),
    ),
    h("p", { class: "message-body prewrap" }, m.body),
    m.preferredChannel === "telefono" && m.phone ? h("p", { class: "message-phone" }, t("messages.read_on_phone", { phone: m.phone })) : null,
    m.note ? h("p", { class: "message-note" }, m.note) : null,
    h(
      "div",
      { class: "toolbar message-actions" },
      h("button", { type: "button", class: "btn", dataset: { action: "whatsapp" }, onclick: () => open(m, "whatsapp", status, sentBy) }, t("messages.open_whatsapp")),
      h("button", { type: "button", class: "btn", dataset: { action: "email" }, onclick: () => open(m, "email", status, sentBy) }, t("messages.open_email")),
      h(
        "button",
        {
          type: "button",
          class: "btn",
          dataset: { action: "copy" },
          onclick: () =>
            copyText(m.body).then(() => {
              status.textContent = t("messages.copied");
              sentBy.value = "copiado";
            }),
        },
        t("messages.copy"),
      ),
      h("label", { class: "visually-hidden", for: `message-channel-${m.id}` }, t("messages.sent_by")),
      sentBy,
      h(
        "button",
        { type: "button", class: "btn btn--primary", dataset: { action: "sent" }, onclick: () => sent(m, sentBy.value) },
        t("messages.mark_sent"),
      ),
      h("button", { type: "button", class: "btn", dataset: { action: "postpone" }, onclick: () => postpone(m) }, t("messages.postpone")),
      h("button", { type: "button", class: "btn", dataset: { action: "skip" }, onclick: () => skip(m) }, t("messages.skip")),
      m.surveyCode
        ? h("button", { type: "button", class: "btn", dataset: { action: "survey" }, onclick: () => recordSurvey(m.surveyCode, m.petNames[0] || "") }, t("survey.record"))
        : null,
    ),
    status,
  );
}

export async function messagesView() {
  const list = await api.messagesToday();
  return h(
    "section",
    { id: "messages-page", class: "view view-messages" },
    h(
      "header",
      { class: "view-header" },
      h("h1", { tabindex: "-1" }, t("messages.title"), list.length ? h("span", { class: "count-badge", id: "messages-count" }, String(list.length)) : null),
      h(
        "div",
        { class: "view-actions" },
        h("button", { type: "button", class: "btn", id: "survey-record", onclick: () => recordSurvey("", "") }, t("survey.record_any")),
        importAnswersButton(),
      ),
    ),
    h("p", { class: "muted" }, t("messages.intro")),
    list.length === 0
      ? h("p", { class: "empty", id: "messages-empty" }, t("messages.empty"))
      : h("ul", { id: "messages-list", class: "message-list" }, list.map(messageCard)),
  );
}
