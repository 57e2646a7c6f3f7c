// Small pieces several views share.

import { h } from "../lib/dom.js";
import { t } from "../i18n.js";
import { navigate } from "../app.js";

/** `#new-client`: opens the client form; a new client's page opens once saved. */
export function newClientButton(openClientForm) {
  return h(
    "button",
    {
      type: "button",
      id: "new-client",
      class: "btn btn--primary",
      onclick: async () => {
        const saved = await openClientForm(null);
        if (saved && saved.id != null) navigate("client", { id: saved.id });
      },
    },
    t("client.new"),
  );
}

/** "Sí" / "No". */
export function yesNo(b) {
  return b ? t("common.yes") : t("common.no");
}
