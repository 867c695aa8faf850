// Every visible string comes from the page: templates/boards/board.html renders the translated
// dict of workshop/web/board_strings.py into <script type="application/json" id="board-strings">.

let strings = {};

export function loadStrings(doc = document) {
  const node = doc.getElementById("board-strings");
  try {
    strings = node ? JSON.parse(node.textContent) : {};
  } catch {
    strings = {};
  }
  return strings;
}

/** The string for `key`, with %(name)s placeholders filled (gettext's python-format). */
export function t(key, params = {}) {
  // A type registered by a session canvas may have no label yet: show its name.
  const template = strings[key] ?? fallback(key);
  return template.replace(/%\((\w+)\)[sd]/g, (match, name) => (name in params ? String(params[name]) : match));
}

/** A string with a count in the form the page's language gives that count ("1 voto", "2 voti"):
 * `key` is the plural msgid, its forms are `key|one` and `key|other` (ngettext in board_strings.py). */
export function tn(key, count, params = {}) {
  const form = pluralRules().select(count) === "one" ? "one" : "other";
  return t(strings[`${key}|${form}`] !== undefined ? `${key}|${form}` : key, { ...params, count });
}

let rules = null;
function pluralRules() {
  rules ??= new Intl.PluralRules(globalThis.document?.documentElement?.lang || "it");
  return rules;
}

// A name a canvas registered without a label yet: its last part, readable ("sub_type" -> "sub type").
function fallback(key) {
  if (/^(type|field|choice|action|template)\./.test(key)) return key.slice(key.lastIndexOf(".") + 1).replace(/_/g, " ");
  return key;
}

/** Shorten a text for labels and announcements, on a word boundary when possible. */
export function excerpt(text, max = 80) {
  const flat = String(text ?? "").replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return (space > max * 0.6 ? cut.slice(0, space) : cut) + "…";
}
