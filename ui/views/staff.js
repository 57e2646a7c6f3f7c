// Personal: the clinic's staff, added and edited here (name, role, active).

import { api } from "../ipc.js";
import { h } from "../lib/dom.js";
import { t, word } from "../i18n.js";
import { refresh } from "../app.js";
import { openStaffForm } from "../components/forms.js";

export async function staffView() {
  const staff = await api.staffList();
  const afterSave = (saved) => {
    if (saved) refresh();
  };
  const body =
    staff.length === 0
      ? h("p", { class: "empty" }, t("staff.empty"))
      : h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { id: "staff-list", class: "table" },
            h(
              "thead",
              null,
              h(
                "tr",
                null,
                h("th", { scope: "col" }, t("staff.name")),
                h("th", { scope: "col" }, t("staff.role")),
                h("th", { scope: "col" }, t("staff.status")),
                h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, t("common.actions"))),
              ),
            ),
            h(
              "tbody",
              null,
              staff.map((s) =>
                h(
                  "tr",
                  { dataset: { staffId: s.id }, class: s.active ? null : "row--inactive" },
                  h("td", null, s.name),
                  h("td", null, word("role", s.role)),
                  h("td", null, h("span", { class: ["badge", s.active ? "badge--active" : "badge--inactive"] }, s.active ? t("staff.is_active") : t("staff.is_inactive"))),
                  h(
                    "td",
                    { class: "row-actions" },
                    h(
                      "button",
                      {
                        type: "button",
                        class: "btn btn--small",
                        dataset: { action: "edit-staff", id: s.id },
                        "aria-label": t("staff.edit_named", { name: s.name }),
                        onclick: async () => afterSave(await openStaffForm(s)),
                      },
                      t("common.edit"),
                    ),
                  ),
                ),
              ),
            ),
          ),
        );
  return h(
    "section",
    { class: "view view-staff" },
    h(
      "header",
      { class: "view-header" },
      h("h1", { tabindex: "-1" }, t("staff.title")),
      h("div", { class: "view-actions" }, h("button", { type: "button", id: "add-staff", class: "btn btn--primary", onclick: async () => afterSave(await openStaffForm(null)) }, t("staff.add"))),
    ),
    h("section", { class: "card" }, body),
  );
}
