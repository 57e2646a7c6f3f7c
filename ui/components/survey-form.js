// The survey form: a survey's answers typed in by reception, asked on the phone or copied from
// a paper form. One tap per question (1 to 5, recommend 0 to 10), a comment, done in a minute.

import { api } from "../ipc.js";
import { h } from "../lib/dom.js";
import { t } from "../i18n.js";
import { me } from "../lib/me.js";
import { formDialog } from "./dialog.js";
import { textField, textArea, selectField } from "./fields.js";

/** The questions, in the order of `QUESTIONS` (crates/fidelia-core/src/surveys.rs). */
export const QUESTIONS = ["overall", "care", "facilities", "availability", "cleanliness"];
/** The moment of the visit each question is about (its "moment of truth"), as in the domain. */
const MOMENTS = { overall: "after", care: "during", facilities: "during", availability: "before", cleanliness: "during" };

/** A row of radio buttons from `min` to `max` (none checked: not answered). */
function scale(f, name, label, min, max, moment = null) {
  const buttons = [];
  for (let n = min; n <= max; n += 1) {
    const id = `f-${f}-${name}-${n}`;
    buttons.push(h("span", { class: "scale-option" }, h("input", { type: "radio", id, name, value: String(n) }), h("label", { for: id }, String(n))));
  }
  const legend = h("legend", null, label, moment ? h("span", { class: "muted scale-moment" }, ` · ${t(`survey.moment.${moment}`)}`) : null);
  return h("fieldset", { class: "field field--wide scale", dataset: { field: name } }, legend, h("div", { class: "scale-options" }, buttons));
}

function picked(form, name) {
  const v = form.elements.namedItem(name).value;
  return v === "" ? null : Number(v);
}

/** Opens the form for the survey with `code` ("" = typed in the form). Resolves with the survey. */
export function openSurveyForm({ code = "", petName = "" } = {}) {
  const f = "survey";
  return formDialog({
    form: f,
    title: petName ? t("survey.form_title_pet", { pet: petName }) : t("survey.form_title"),
    submitLabel: t("survey.save"),
    body: [
      textField(f, { name: "code", label: t("survey.code"), value: code, maxlength: 8, hint: t("survey.code_hint") }),
      selectField(f, {
        name: "via",
        label: t("survey.via"),
        options: [
          { value: "telefono", label: t("survey.via_telefono") },
          { value: "formulario", label: t("survey.via_formulario") },
        ],
        value: "telefono",
      }),
      h("p", { class: "field field--wide muted", dataset: { field: "scores" } }, t("survey.scale_hint")),
      ...QUESTIONS.map((q) => scale(f, `q-${q}`, t(`survey.q.${q}`), 1, 5, MOMENTS[q])),
      scale(f, "recommend", t("survey.recommend"), 0, 10),
      textArea(f, { name: "comment", label: t("survey.comment"), rows: 2 }),
    ],
    collect: (form) => ({
      code: form.elements.namedItem("code").value,
      via: form.elements.namedItem("via").value,
      scores: QUESTIONS.map((q) => picked(form, `q-${q}`)),
      recommend: picked(form, "recommend"),
      comment: form.elements.namedItem("comment").value,
      staffId: me(),
    }),
    save: api.surveyRecord,
  });
}
