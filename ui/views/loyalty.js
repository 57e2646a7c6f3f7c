// Fidelización: the loyalty review (who the truly loyal clients are and why), thank-you
// letters as PDF, and this week's pet birthdays with their coupon.

import { api } from "../ipc.js";
import { h } from "../lib/dom.js";
import { t, word, fmtDate, fmtMoney } from "../i18n.js";
import { navigate, refresh, toast, toastError } from "../app.js";
import { copyText } from "../lib/clipboard.js";

/** "8,7 años · 9 visitas (24 m) · hace 1 mes · 800,00 €" with each part's points. */
function parts(s) {
  const part = (label, points) => h("span", { class: "score-part" }, label, " ", h("span", { class: "muted" }, `+${points}`));
  return h(
    "div",
    { class: "score-parts" },
    part(t("loyalty.tenure", { n: String(s.tenureYears).replace(".", ",") }), s.tenurePoints),
    part(t("loyalty.frequency", { n: s.visits24m }), s.frequencyPoints),
    part(s.monthsSinceLast === 0 ? t("loyalty.recency_now") : t("loyalty.recency", { n: s.monthsSinceLast }), s.recencyPoints),
    s.spendPoints != null ? part(fmtMoney(s.spend24mCents), s.spendPoints) : h("span", { class: "score-part muted" }, t("loyalty.spend_unknown")),
  );
}

function row(c, selectable) {
  const id = `pick-${c.clientId}`;
  return h(
    "tr",
    { dataset: { clientId: c.clientId, tier: c.tier }, class: [c.exclusion && "row--excluded"] },
    h("td", null, h("input", { type: "checkbox", id, class: "loyalty-pick", value: c.clientId, disabled: !selectable || Boolean(c.exclusion), "aria-label": c.name })),
    h("td", null, h("label", { for: id, class: "loyalty-name" }, c.name), h("div", { class: "muted" }, c.livingPets.join(", ") || t("common.none"))),
    h("td", { class: "num" }, h("strong", { class: "score-total" }, String(c.score.total))),
    h("td", null, h("span", { class: ["badge", `badge--tier-${c.tier}`] }, word("tier", c.tier))),
    h("td", null, parts(c.score)),
    h("td", null, c.exclusion ? h("span", { class: "exclusion" }, word("exclusion", c.exclusion)) : h("button", { type: "button", class: "link nowrap", onclick: () => navigate("client", { id: c.clientId }) }, t("loyalty.see_client"))),
  );
}

function table(list, id, selectable) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "table", id },
      h("thead", null, h("tr", null, [h("span", { class: "visually-hidden" }, t("loyalty.pick")), t("loyalty.client"), t("loyalty.score"), t("loyalty.tier"), t("loyalty.why"), ""].map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", null, list.map((c) => row(c, selectable))),
    ),
  );
}

function birthdaysSection(list) {
  const body =
    list.length === 0
      ? h("p", { class: "empty" }, t("birthday.empty"))
      : h(
          "ul",
          { id: "birthdays", class: "agenda-list" },
          list.map((b) => {
            const result = h("div", { class: "coupon-result" });
            const give = async () => {
              try {
                const c = await api.couponIssue(b.petId);
                result.replaceChildren(
                  h("p", { class: "coupon-message prewrap" }, c.message),
                  h("button", { type: "button", class: "btn btn--small", onclick: () => copyText(c.message).then(() => toast(t("birthday.copied"))) }, t("birthday.copy")),
                );
              } catch (err) {
                toastError(err);
              }
            };
            const redeem = async () => {
              try {
                await api.couponRedeem(b.coupon);
                toast(t("birthday.redeemed"));
                refresh();
              } catch (err) {
                toastError(err);
              }
            };
            return h(
              "li",
              { class: "agenda-item birthday", dataset: { petId: b.petId } },
              h("span", { class: "agenda-time" }, fmtDate(b.birthday)),
              h(
                "div",
                { class: "agenda-main" },
                h("div", { class: "agenda-who" }, h("span", { class: "agenda-pet" }, b.petName), h("span", null, t("birthday.turns", { n: b.age })), h("button", { type: "button", class: "link", onclick: () => navigate("client", { id: b.clientId }) }, b.clientName)),
                b.coupon ? h("div", { class: "muted" }, t("birthday.coupon", { code: b.coupon }), b.couponRedeemed ? ` · ${t("birthday.redeemed")}` : "") : null,
                result,
              ),
              h(
                "div",
                { class: "agenda-meta" },
                h("button", { type: "button", class: "btn btn--small btn--primary", dataset: { action: "coupon" }, onclick: give }, b.coupon ? t("birthday.show") : t("birthday.greet")),
                b.coupon && !b.couponRedeemed ? h("button", { type: "button", class: "btn btn--small", dataset: { action: "redeem" }, onclick: redeem }, t("birthday.redeem")) : null,
              ),
            );
          }),
        );
  return h("section", { class: "card", "aria-labelledby": "birthdays-title" }, h("div", { class: "card-header" }, h("h2", { id: "birthdays-title" }, t("birthday.title"))), body);
}

export async function loyaltyView() {
  const [review, birthdays] = await Promise.all([api.loyaltyReview(), api.birthdaysList()]);
  const template = h("textarea", { id: "letter-template", rows: 8, value: t("letter.thanks_default") });
  const output = h("select", { id: "letter-output", value: "batch" }, h("option", { value: "batch" }, t("loyalty.output_batch")), h("option", { value: "files" }, t("loyalty.output_files")));
  const result = h("div", { id: "issue-result", "aria-live": "polite" });
  const issue = async () => {
    const ids = [...document.querySelectorAll("input.loyalty-pick:checked")].map((x) => Number(x.value));
    try {
      const r = await api.loyaltyIssue({ clientIds: ids, template: template.value === t("letter.thanks_default") ? "" : template.value, output: output.value });
      toast(t("loyalty.issued", { n: r.letters.length }));
      await refresh();
      document.getElementById("issue-result").replaceChildren(
        h("p", { class: "issue-ok" }, t("loyalty.issued_in", { n: r.letters.length, folder: r.folder })),
        h("ul", { id: "issued-files" }, r.files.map((f) => h("li", null, h("span", { class: "breakall" }, f), " ", h("button", { type: "button", class: "btn btn--small", onclick: () => api.letterOpen(f).catch(toastError) }, t("loyalty.open"))))),
      );
    } catch (err) {
      document.getElementById("issue-result").replaceChildren(h("p", { class: "form-error", role: "alert" }, err.message || t("error.unexpected")));
    }
  };
  return h(
    "section",
    { class: "view", id: "loyalty" },
    h("div", { class: "view-header" }, h("h1", { tabindex: "-1" }, t("loyalty.title"))),
    h(
      "p",
      { id: "review-period", class: "calls-summary" },
      t("loyalty.period", { period: review.period.key, next: fmtDate(review.period.nextStart), n: review.thankedThisPeriod }),
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "ranked-title" },
      h("div", { class: "card-header" }, h("h2", { id: "ranked-title" }, t("loyalty.ranked"))),
      h("p", { class: "field-hint" }, t("loyalty.ranked_hint")),
      review.ranked.length ? table(review.ranked, "loyalty-list", true) : h("p", { class: "empty" }, t("loyalty.empty")),
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "letter-title" },
      h("h2", { id: "letter-title" }, t("loyalty.letter")),
      h("div", { class: "field field--wide" }, h("label", { for: "letter-template" }, t("loyalty.template")), template, h("p", { class: "field-hint" }, t("loyalty.template_hint"))),
      h("div", { class: "toolbar" }, h("label", { class: "toolbar-field" }, h("span", null, t("loyalty.output")), output), h("button", { type: "button", id: "issue-letters", class: "btn btn--primary", onclick: issue }, t("loyalty.issue"))),
      result,
    ),
    birthdaysSection(birthdays),
    review.apart.length
      ? h("section", { class: "card", "aria-labelledby": "apart-title" }, h("h2", { id: "apart-title" }, t("loyalty.apart")), h("p", { class: "field-hint" }, t("loyalty.apart_hint")), table(review.apart, "loyalty-apart", false))
      : null,
  );
}
