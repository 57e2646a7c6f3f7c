// Ajustes → Clientes perdidos: when a client counts as lost, the reasons for leaving the team
// chooses from, when a reason is a weakness to fix, the recovery window and the call's script.

import { h } from "../lib/dom.js";
import { t } from "../i18n.js";
import { numberField, wholeNumber } from "../components/fields.js";

const F = "settings";

const number = (name, label, value) => numberField(F, { name, label, value });

export function winbackFieldset(w) {
  return h(
    "fieldset",
    { class: "hours field field--wide", dataset: { field: "reasons" } },
    h("legend", null, t("settings.winback")),
    h(
      "div",
      { class: "form-grid" },
      number("lapsedMonths", t("settings.lapsed_months"), w.lapsedMonths),
      number("recoveredDays", t("settings.recovered_days"), w.recoveredDays),
      number("weaknessCount", t("settings.weakness_count"), w.weaknessCount),
      number("weaknessDays", t("settings.weakness_days"), w.weaknessDays),
      number("lowScore", t("settings.low_score"), w.lowScore),
      number("lowMonths", t("settings.low_months"), w.lowMonths),
    ),
    h(
      "div",
      { class: "field field--wide", dataset: { field: "reasons" } },
      h("label", { for: `f-${F}-reasons` }, t("settings.reasons")),
      h("textarea", { id: `f-${F}-reasons`, name: "reasons", rows: 8, value: (w.reasons || []).join("\n") }),
      h("p", { class: "field-hint" }, t("settings.reasons_hint")),
    ),
    h(
      "div",
      { class: "field field--wide", dataset: { field: "winbackScript" } },
      h("label", { for: `f-${F}-winbackScript` }, t("settings.winback_script")),
      h("textarea", { id: `f-${F}-winbackScript`, name: "winbackScript", rows: 5, value: w.script || "", placeholder: t("call.script_winback") }),
      h("p", { class: "field-hint" }, t("settings.call_script_hint")),
    ),
  );
}

export function collectWinback(form, current) {
  const v = (name) => form.elements.namedItem(name).value;
  const num = (name) => wholeNumber(form, name);
  return {
    ...current,
    lapsedMonths: num("lapsedMonths"),
    recoveredDays: num("recoveredDays"),
    weaknessCount: num("weaknessCount"),
    weaknessDays: num("weaknessDays"),
    lowScore: num("lowScore"),
    lowMonths: num("lowMonths"),
    reasons: v("reasons")
      .split("\n")
      .map((r) => r.trim())
      .filter(Boolean),
    script: v("winbackScript"),
  };
}
