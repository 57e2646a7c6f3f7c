// The always-visible client search in the top bar: #search (a combobox) and #search-results
// (a listbox of li[role=option][data-client-id]). Results come while typing (debounced);
// ArrowDown/ArrowUp move the highlight, Enter opens the client, Escape closes the list.

import { api } from "../ipc.js";
import { h, replace } from "../lib/dom.js";
import { t } from "../i18n.js";
import { navigate, toastError } from "../app.js";

const DEBOUNCE_MS = 120;
const LIMIT = 12;

export function startSearch() {
  const input = document.getElementById("search");
  const list = document.getElementById("search-results");
  let hits = [];
  let active = -1;
  let timer = null;
  let seq = 0;
  let pending = null;

  function options() {
    return [...list.querySelectorAll("li[role=option]")];
  }

  function open() {
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(i) {
    const opts = options();
    if (opts.length === 0) return;
    active = (i + opts.length) % opts.length;
    opts.forEach((o, j) => o.setAttribute("aria-selected", j === active ? "true" : "false"));
    input.setAttribute("aria-activedescendant", opts[active].id);
    opts[active].scrollIntoView({ block: "nearest" });
  }

  function choose(clientId) {
    close();
    input.value = "";
    hits = [];
    replace(list);
    navigate("client", { id: clientId });
  }

  function render(query) {
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (hits.length === 0) {
      replace(list, h("li", { class: "search-empty", role: "presentation" }, t("search.no_results", { query })));
    } else {
      replace(
        list,
        hits.map((hit, i) =>
          h(
            "li",
            {
              id: `search-opt-${i}`,
              role: "option",
              "aria-selected": "false",
              dataset: { clientId: hit.clientId },
              onclick: () => choose(hit.clientId),
            },
            h("span", { class: "hit-name" }, hit.fullName),
            h("span", { class: "hit-phone" }, hit.phone || ""),
            h("span", { class: "hit-pets" }, (hit.pets || []).join(", ")),
          ),
        ),
      );
    }
    open();
  }

  async function run() {
    timer = null;
    const query = input.value.trim();
    const mine = ++seq;
    if (query === "") {
      hits = [];
      replace(list);
      close();
      return;
    }
    try {
      const result = await api.searchClients(query, LIMIT);
      if (mine !== seq) return; // a newer query has been sent since
      hits = Array.isArray(result) ? result : [];
      render(query);
    } catch (err) {
      if (mine === seq) toastError(err);
    }
  }

  function schedule() {
    clearTimeout(timer);
    pending = new Promise((resolve) => {
      timer = setTimeout(() => run().then(resolve), DEBOUNCE_MS);
    });
  }

  input.addEventListener("input", schedule);

  input.addEventListener("keydown", async (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (list.hidden && hits.length) open();
      const step = e.key === "ArrowDown" ? 1 : -1;
      highlight(active === -1 ? (step === 1 ? 0 : -1) : active + step);
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (timer) {
        // Typed faster than the debounce: search now, then open.
        clearTimeout(timer);
        timer = null;
        await run();
      } else if (pending) {
        await pending;
      }
      if (hits.length === 0) return;
      const i = active >= 0 && active < hits.length ? active : 0;
      choose(hits[i].clientId);
    } else if (e.key === "Escape") {
      if (!list.hidden) {
        e.preventDefault();
        close();
      }
    }
  });

  input.addEventListener("focus", () => {
    if (input.value.trim() !== "" && list.childElementCount > 0) open();
  });

  // Clicking an option must not blur the input first; clicking elsewhere closes the list.
  list.addEventListener("mousedown", (e) => e.preventDefault());
  document.addEventListener("mousedown", (e) => {
    if (!list.hidden && !list.contains(e.target) && e.target !== input) close();
  });
  input.addEventListener("blur", () => setTimeout(() => {
    if (document.activeElement !== input) close();
  }, 0));

  /** Re-draws the open list in the current language. */
  return {
    relabel() {
      if (!list.hidden) render(input.value.trim());
    },
  };
}
