// The courtesy-call form: a call added by hand for any living pet of a client.

import { api, idOrNull } from "../ipc.js";
import { t, dateToForm, timeToForm } from "../i18n.js";
import { formDialog } from "./dialog.js";
import { textField, dateField, selectField } from "./fields.js";
import { h } from "../lib/dom.js";

const val = (form, name) => form.elements.namedItem(name).value;

/**
 * Opens `form[data-form=courtesy]`. Without `pets`, the pet is found by client search first
 * (a select filled from the client chosen); with `pets`, those are offered.
 */
export function openCourtesyForm({ staff, staffId = null, pets = null }) {
  const f = "courtesy";
  const now = new Date();
  const petOptions = (list) => list.filter((p) => !p.deceased).map((p) => ({ value: p.id, label: p.clientName ? `${p.name} — ${p.clientName}` : p.name }));
  const petSelect = selectField(f, { name: "petId", label: t("call.pet"), options: pets ? petOptions(pets) : [], required: true });
  const body = [
    petSelect,
    selectField(f, { name: "staffId", label: t("call.assigned"), options: [{ value: "", label: t("call.unassigned") }, ...staff.map((s) => ({ value: s.id, label: s.name }))], value: staffId ?? "" }),
    dateField(f, { name: "date", label: t("common.date"), value: dateToForm(now), placeholder: t("form.date_placeholder"), required: true }),
    dateField(f, { name: "time", label: t("common.time"), value: timeToForm(now), placeholder: t("form.time_placeholder"), maxlength: 5, required: true }),
    textField(f, { name: "reason", label: t("call.reason"), wide: true }),
  ];
  if (!pets) {
    // Find the client by name first, then pick the pet.
    const finder = h("input", { id: "f-courtesy-client", type: "text", autocomplete: "off", placeholder: t("search.placeholder") });
    const select = petSelect.querySelector("select");
    let timer = null;
    finder.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const hits = await api.searchClients(finder.value, 8);
        const options = [];
        for (const hit of hits) {
          const page = await api.clientGet(hit.clientId);
          for (const p of page.pets) if (!p.deceased) options.push(h("option", { value: p.id }, `${p.name} — ${hit.fullName}`));
        }
        select.replaceChildren(...options);
      }, 200);
    });
    body.unshift(h("div", { class: "field field--wide" }, h("label", { for: "f-courtesy-client" }, t("call.find_client")), finder));
  }
  return formDialog({
    form: f,
    title: t("calls.add_courtesy"),
    body,
    collect: (form) => ({ petId: idOrNull(val(form, "petId")), staffId: idOrNull(val(form, "staffId")), date: val(form, "date"), time: val(form, "time"), reason: val(form, "reason") }),
    save: (form) => api.callAddCourtesy(form),
  });
}
