// Clientes: every client, alphabetical by surnames, 50 a page.

import { api } from "../ipc.js";
import { h } from "../lib/dom.js";
import { t } from "../i18n.js";
import { navigate } from "../app.js";
import { openClientForm } from "../components/forms.js";
import { newClientButton } from "./shared.js";

const PAGE = 50;

export async function clientsView(params) {
  const offset = Math.max(0, Number(params.offset) || 0);
  const { total, items } = await api.clientsList(offset, PAGE);
  const list =
    items.length === 0
      ? h("p", { class: "empty" }, t("clients.empty"))
      : h(
          "ul",
          { id: "clients-list", class: "client-list" },
          items.map((c) =>
            h(
              "li",
              { dataset: { clientId: c.clientId } },
              h(
                "button",
                { type: "button", class: "client-row", onclick: () => navigate("client", { id: c.clientId }) },
                h("span", { class: "hit-name" }, c.fullName),
                h("span", { class: "hit-phone" }, c.phone || ""),
                h("span", { class: "hit-pets" }, (c.pets || []).join(", ")),
              ),
            ),
          ),
        );
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + items.length, total);
  const pager = h(
    "nav",
    { class: "pager", "aria-label": t("clients.pages") },
    h(
      "button",
      { type: "button", id: "clients-prev", class: "btn", disabled: offset === 0, onclick: () => navigate("clients", { offset: Math.max(0, offset - PAGE) }) },
      t("clients.prev"),
    ),
    h("span", { id: "clients-page-info", class: "pager-info" }, t("clients.range", { from, to, total })),
    h(
      "button",
      { type: "button", id: "clients-next", class: "btn", disabled: offset + PAGE >= total, onclick: () => navigate("clients", { offset: offset + PAGE }) },
      t("clients.next"),
    ),
  );
  return h(
    "section",
    { class: "view view-clients" },
    h(
      "header",
      { class: "view-header" },
      h("h1", { tabindex: "-1" }, t("clients.title")),
      h("div", { class: "view-actions" }, newClientButton(openClientForm)),
    ),
    h("section", { class: "card" }, list, total > 0 ? pager : null),
  );
}
