// Mensajes: everything to send today (care and appointment reminders), one card per message.
// Open it in WhatsApp or the mail client with the text written (Rust opens the link), copy it,
// or read it on the phone; then mark it sent — it goes into the client's log — or skip it.

import { api } from "../ipc.js";
import { h } from "../lib/dom.js";
import { t, word, fmtDate } from "../i18n.js";
import { navigate, refresh, toast, toastError } from "../app.js";
import { me } from "../lib/me.js";
import { copyText } from "../lib/clipboard.js";

async function sent(m, channel) {
  try {
    await api.messageSent(m.id, channel, me());
    toast(t("messages.marked_sent"));
    await refresh();
  } catch (err) {
    toastError(err);
  }
}

async function open(m, channel, status) {
  try {
    const link = await api.messageOpen(m.id, channel);
    status.textContent = link ? t("messages.opened") : t(`messages.no_${channel}`);
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

function messageCard(m) {
  const status = h("p", { class: "message-status muted", role: "status" });
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
    m.note ? h("p", { class: "message-note" }, m.note) : null,
    h(
      "div",
      { class: "toolbar message-actions" },
      h("button", { type: "button", class: "btn", dataset: { action: "whatsapp" }, onclick: () => open(m, "whatsapp", status) }, t("messages.open_whatsapp")),
      h("button", { type: "button", class: "btn", dataset: { action: "email" }, onclick: () => open(m, "email", status) }, t("messages.open_email")),
      h(
        "button",
        { type: "button", class: "btn", dataset: { action: "copy" }, onclick: () => copyText(m.body).then(() => (status.textContent = t("messages.copied"))) },
        t("messages.copy"),
      ),
      h("label", { class: "visually-hidden", for: `message-channel-${m.id}` }, t("messages.sent_by")),
      h(
        "select",
        { id: `message-channel-${m.id}`, class: "message-channel" },
        ["whatsapp", "email", "telefono", "copiado"].map((c) => h("option", { value: c }, word("message_channel", c))),
      ),
      h(
        "button",
        { type: "button", class: "btn btn--primary", dataset: { action: "sent" }, onclick: (e) => sent(m, e.target.parentElement.querySelector("select").value) },
        t("messages.mark_sent"),
      ),
      h("button", { type: "button", class: "btn", dataset: { action: "skip" }, onclick: () => skip(m) }, t("messages.skip")),
    ),
    status,
  );
}

export async function messagesView() {
  const list = await api.messagesToday();
  return h(
    "section",
    { id: "messages-page", class: "view view-messages" },
    h("h1", null, t("messages.title")),
    h("p", { class: "muted" }, t("messages.intro")),
    list.length === 0
      ? h("p", { class: "empty", id: "messages-empty" }, t("messages.empty"))
      : h("ul", { id: "messages-list", class: "message-list" }, list.map(messageCard)),
  );
}
