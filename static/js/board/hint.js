// The first hint (issue 15): a board with no cards yet tells the person, in one sentence where
// they look (the notice above the board), what to do now: which card to add and how, from the
// board's kind (its first palette type) and the room's phase. Pure: no DOM.

import { t } from "./i18n.js";

/** True for what a person writes on a board: cards, notes, texts and shapes, not the frames,
 * zones and links a template lays out. */
export function isCard(item, schema) {
  if (!item || item.type === "frame" || item.type === "connector") return false;
  if (schema.isZone(item.type) || schema.isEdge(item)) return false;
  return true;
}

/**
 * The sentence, or "" when there is nothing to say: the board already has a card, or this person
 * may not add one now (the phase's own sentence, or the lock's, is shown instead).
 * @param {{hasCards: boolean, canCreate: boolean, firstType: string|null, phase: string|null, private: boolean}} facts
 */
export function firstHint({ hasCards, canCreate, firstType, phase, private: isPrivate }) {
  if (hasCards || !canCreate) return "";
  const card = firstType ? t(`type.${firstType}`) : t("type.sticky");
  if (isPrivate) {
    return t("Write your ideas on the empty board: add a «%(card)s» from the board's tools. Only you and the conductor see them until they are revealed.", { card });
  }
  if (firstType) {
    return t("The board is empty: add the first «%(card)s» from the board's tools (or press N, then Enter, for a sticky note).", { card });
  }
  if (phase === "write") {
    return t("Now we write: add a sticky note from the board's tools (or press N, then Enter) and type your idea.");
  }
  return t("The board is empty: add a sticky note from the board's tools (or press N, then Enter) and type your idea.");
}
