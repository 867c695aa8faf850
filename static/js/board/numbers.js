// Numbers as Italian offices write them: the mirror of workshop/numbers.py (same rules, same
// reasons), for the inspector's number fields. Pure, no DOM.
//
// "120000,50", "120.000,50", "€ 120.000" and "120000.50" are all 120000.5. A comma is the
// decimal separator and dots before it group thousands; without a comma, several dots in groups
// of three group thousands ("1.250.000") and one dot followed by other than three digits is a
// decimal point. One dot followed by exactly three digits ("1.234") is refused as ambiguous
// (thousands or decimals?) unless a euro sign says it is an amount ("€ 1.234").

const CURRENCY = /€|\bEUR\b|\beuro\b/gi;
const SPACES = /[\s\u00a0\u202f']/g;
const THOUSANDS = /^\d{1,3}(\.\d{3})+$/;
const PLAIN = /^\d+(\.\d+)?$/;

/** {ok: true, value} or {ok: false, reason: "number" | "ambiguous"}. */
export function parseItalianNumber(text) {
  const raw = String(text ?? "");
  const hasCurrency = raw.search(CURRENCY) !== -1;
  let s = raw.replace(CURRENCY, "").replace(SPACES, "");
  let sign = "";
  if (s && "+-".includes(s[0])) {
    sign = s[0];
    s = s.slice(1);
  }
  const bad = { ok: false, reason: "number" };
  if (s.includes(",")) {
    const at = s.indexOf(",");
    let whole = s.slice(0, at);
    const fraction = s.slice(at + 1);
    if (!/^\d+$/.test(fraction)) return bad;
    if (whole.includes(".")) {
      if (!THOUSANDS.test(whole)) return bad;
      whole = whole.replaceAll(".", "");
    }
    s = `${whole}.${fraction}`;
  } else if ((s.match(/\./g) || []).length > 1) {
    if (!THOUSANDS.test(s)) return bad;
    s = s.replaceAll(".", "");
  } else if (s.includes(".") && THOUSANDS.test(s)) {
    if (!hasCurrency) return { ok: false, reason: "ambiguous" };
    s = s.replaceAll(".", "");
  }
  if (!PLAIN.test(s)) return bad;
  const value = Number(sign + s);
  return Number.isFinite(value) ? { ok: true, value } : bad;
}

/**
 * A number for an editable field: a comma before the decimals, no thousands dots ("120000,5"),
 * so that what the field shows always reads back as the same number ("120.000" would not).
 */
export function formatItalianNumber(value) {
  if (typeof value !== "number" || !Number.isFinite(value)) return "";
  return String(value).replace(".", ",");
}

/** An amount as a person reads it: "120.000,00 €" in Italian, "€120,000.00" in English (the
 * page's language; the server writes files the same way, workshop/numbers.py). */
export function formatEuros(value, lang = pageLanguage()) {
  if (typeof value !== "number" || !Number.isFinite(value)) return "";
  const locale = localeOf(lang);
  // "always": Italian grouping would leave four digits ungrouped ("1234,00 €"); offices write 1.234.
  return new Intl.NumberFormat(locale, { style: "currency", currency: "EUR", useGrouping: "always" }).format(value);
}

/** A day as a person reads it: "1 settembre 2026" in Italian, "1 September 2026" in English
 * (as the server writes it in files, workshop/glossary.long_date); the value itself when it is
 * not a day. */
export function formatDay(value, lang = pageLanguage()) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(value ?? ""));
  if (!match) return String(value ?? "");
  const day = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return new Intl.DateTimeFormat(localeOf(lang), { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(day);
}

function pageLanguage() {
  return globalThis.document?.documentElement?.lang || "it";
}

/** The Intl locale of a page language: the site speaks Italian and English. */
function localeOf(lang) {
  return String(lang).startsWith("en") ? "en-GB" : "it-IT";
}
