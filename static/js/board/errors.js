// A refusal said in words: every protocol error code (protocol.js ERROR_CODES) has a plain
// sentence in the page's language under `error.<code>` (workshop/web/live_strings.py), and
// a code never reaches a person, not even in parentheses.

import { t } from "./i18n.js";
import * as P from "./protocol.js";

/** The sentence for an error code; an unknown code reads as a plain "That did not work." */
export function errorText(code) {
  if (typeof code === "string" && P.ERROR_CODES.includes(code)) return t(`error.${code}`);
  return t("That did not work.");
}
