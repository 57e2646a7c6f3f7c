// The window's words and the way it writes dates and money. The dictionary comes from Rust
// (`i18n_dictionary`); nothing visible is written in the code itself.

import { api } from "./ipc.js";

let dict = {};
let lang = "es";

export function currentLanguage() {
  return lang;
}

/** Loads `next`'s dictionary, then re-applies every data-i18n* attribute of the document. */
export async function setLanguage(next) {
  const loaded = await api.dictionary(next);
  dict = loaded || {};
  lang = next;
  document.documentElement.lang = next;
  applyI18n(document);
}

/** The text of `key`, with `{name}` placeholders filled from `vars`. The key itself if missing. */
export function t(key, vars) {
  let s = Object.prototype.hasOwnProperty.call(dict, key) ? dict[key] : key;
  if (vars) {
    s = s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  }
  return s;
}

/** Whether the dictionary holds `key`. */
export function hasKey(key) {
  return Object.prototype.hasOwnProperty.call(dict, key);
}

/** A closed-list word through its dictionary key (`species.perro`), or the word itself. */
export function word(list, value) {
  if (value == null || value === "") return "";
  const key = `${list}.${value}`;
  return hasKey(key) ? dict[key] : String(value);
}

const ATTRS = [
  ["i18nPlaceholder", "placeholder"],
  ["i18nTitle", "title"],
  ["i18nAriaLabel", "aria-label"],
];

export function applyI18n(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const [prop, attr] of ATTRS) {
    const sel = `[data-${prop.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())}]`;
    for (const el of root.querySelectorAll(sel)) el.setAttribute(attr, t(el.dataset[prop]));
  }
}

// ------------------------------------------------------------------ formatting

const pad = (n) => String(n).padStart(2, "0");

/** "2026-11-25" → "25/11/2026" ("" for null). */
export function fmtDate(iso) {
  if (!iso) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : String(iso);
}

/** Same as fmtDate: what a date input of a form expects. */
export function isoToForm(isoDate) {
  return fmtDate(isoDate);
}

/** A Date as "dd/mm/aaaa" in local time. */
export function dateToForm(d) {
  return `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
}

/** A Date as "hh:mm" in local time. */
export function timeToForm(d) {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A Date's local calendar day as "YYYY-MM-DD". */
export function localIsoDay(d) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** "2026-11-25T09:30:00Z" → "25/11/2026 10:30" in the PC's time zone. */
export function fmtDateTime(isoUtc) {
  if (!isoUtc) return "";
  const d = new Date(isoUtc);
  if (Number.isNaN(d.getTime())) return String(isoUtc);
  return `${dateToForm(d)} ${timeToForm(d)}`;
}

/** "2026-11-25T09:30:00Z" → "10:30" local. */
export function fmtTime(isoUtc) {
  const d = new Date(isoUtc);
  return Number.isNaN(d.getTime()) ? "" : timeToForm(d);
}

function money(cents, thousands, decimal) {
  const neg = cents < 0 ? "-" : "";
  const c = Math.abs(Math.trunc(cents));
  const euros = String(Math.floor(c / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, thousands);
  return { neg, text: `${euros}${decimal}${pad(c % 100)}` };
}

/** 4550 → "45,50 €" (es) / "€45.50" (en); "" for null. */
export function fmtMoney(cents) {
  if (cents == null || cents === "") return "";
  if (lang === "en") {
    const { neg, text } = money(Number(cents), ",", ".");
    return `${neg}€${text}`;
  }
  const { neg, text } = money(Number(cents), ".", ",");
  return `${neg}${text} €`;
}

/** 4550 → "45,50" (es) / "45.50" (en), as a form field expects it; "" for null. */
export function amountToForm(cents) {
  if (cents == null) return "";
  const c = Math.abs(Math.trunc(Number(cents)));
  return `${Math.floor(c / 100)}${lang === "en" ? "." : ","}${pad(c % 100)}`;
}

/** 4.25 → "4,3" (es) / "4.3" (en), with `digits` decimals; "—" for null. */
export function fmtNumber(x, digits = 1) {
  if (x == null || Number.isNaN(x)) return "—";
  const text = Number(x).toFixed(digits);
  return lang === "en" ? text : text.replace(".", ",");
}

/** 12345 → "12.345" (es) / "12,345" (en). */
export function fmtInt(n) {
  return Number(n).toLocaleString(lang === "en" ? "en-GB" : "es-ES");
}

/** 72.4 → "72 %" (es) / "72%" (en); "—" for null. */
export function fmtPercent(x) {
  if (x == null || Number.isNaN(x)) return "—";
  return lang === "en" ? `${Math.round(x)}%` : `${Math.round(x)} %`;
}

/** "2026-11-01" → "nov 26" / "Nov 26": a month on a chart's axis. */
export function fmtMonth(iso) {
  const [y, m] = String(iso).split("-").map(Number);
  return `${t(`month_short.${m}`)} ${String(y).slice(2)}`;
}

/** Monday-first weekday index (0 = Monday … 6 = Sunday) of a Date. */
export function weekdayIndex(d) {
  return (d.getDay() + 6) % 7;
}
