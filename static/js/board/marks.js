// The chip a card marked for the verbale shows to everyone in the room ("Decisione",
// "Minoranza", from the room state's `marks`; docs/verbale.md). Participants' pages load this
// and not the conductor's decision log (decisions.js), which comes with the conductor's panel.

import { t } from "./i18n.js";

export const MARK_WORDS = {
  decision: () => t("Decision"),
  minority: () => t("Minority position"),
};

/** A marked card's chip, bottom left of the card; returns what its accessible name adds. */
export function markDecision(node, kind) {
  let chip = node.querySelector(":scope > .item-mark");
  if (!MARK_WORDS[kind]) {
    chip?.remove();
    return "";
  }
  const text = MARK_WORDS[kind]();
  if (!chip) {
    chip = document.createElement("span");
    chip.className = "item-mark";
    chip.setAttribute("aria-hidden", "true"); // the card's name says it
    node.append(chip);
  }
  chip.dataset.kind = kind;
  if (chip.textContent !== text) chip.textContent = text;
  return `, ${text}`;
}
