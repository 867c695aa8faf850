// Typed cards, zones and typed edges on the canvas: the DOM of a card a session canvas declares
// (render.js calls these for any type that is not one of its own). A card shows its localised
// type, its title, chips for its summary fields (derived ones styled as computed) and badges;
// its tint comes from its type and role (schema.js). The power/interest grid is a zone drawn
// under the cards with its quadrants, strategies and axes. User text only via textContent.

import { excerpt, t } from "./i18n.js";
import { QUADRANTS } from "./stakeholders.js";

function el(tag, className) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  return node;
}

const TONE_NAMES = ["yellow", "orange", "red", "pink", "purple", "blue", "teal", "green", "grey", "white"];

/** The words a chip shows. */
export function chipText(chip) {
  return chip.key ? t(chip.key) : chip.text;
}

/** A number's chip names its field ("Punteggio 12"); an amount says itself ("120.000,00 €"). */
function numberChipText(item, chip) {
  return chip.euros ? chip.text : `${t(`field.${item.type}.${chip.field}`)} ${chip.text}`;
}

export class CardPainter {
  /** schema: a CanvasSchema; refName(id) -> a short name for an item id (this board or watched). */
  constructor(schema, { refName = () => null } = {}) {
    this.schema = schema;
    this.refName = refName;
  }

  isTyped(item) {
    return this.schema.isTyped(item?.type);
  }

  isEdge(item) {
    return this.schema.isEdge(item);
  }

  /** Zones lie with the frames, under everything else. */
  layerOf(type) {
    return type === "frame" || this.schema.isZone(type) ? "frames" : "items";
  }

  create(item) {
    if (this.schema.isZone(item.type)) return this._createGrid(item);
    const node = el("div", `item item-typed item-${item.type}`);
    const head = el("div", "card-head");
    const type = el("span", "card-type");
    type.textContent = t(`type.${item.type}`);
    type.setAttribute("aria-hidden", "true"); // said by the accessible name
    const badges = el("span", "card-badges");
    // Spaces between the parts: a name checker reads the visible text as one string.
    head.append(type, " ", badges);
    const body = el("div", "item-body card-title");
    const chips = el("ul", "card-chips");
    chips.setAttribute("aria-hidden", "true");
    node.append(head, " ", body, " ", chips);
    return node;
  }

  _createGrid(item) {
    const node = el("div", `item item-zone item-${item.type}`);
    const title = el("div", "zone-title");
    const grid = el("div", "grid-quadrants");
    grid.setAttribute("aria-hidden", "true");
    for (const q of QUADRANTS) {
      const cell = el("div", `grid-quadrant quadrant-${q.name}`);
      const name = el("span", "grid-strategy");
      name.textContent = t(`choice.actor.quadrant.${q.name}`);
      cell.append(name);
      grid.append(cell, " ");
    }
    const power = el("div", "grid-axis grid-axis-power");
    power.textContent = t("Power");
    power.setAttribute("aria-hidden", "true");
    const interest = el("div", "grid-axis grid-axis-interest");
    interest.textContent = t("Interest");
    interest.setAttribute("aria-hidden", "true");
    const low = el("div", "grid-tick grid-tick-low");
    low.textContent = "1";
    const high = el("div", "grid-tick grid-tick-high");
    high.textContent = "5";
    for (const tick of [low, high]) tick.setAttribute("aria-hidden", "true");
    // Spaces between the parts: a name checker reads the visible text as one string.
    node.append(title, " ", grid, " ", power, " ", interest, " ", low, " ", high);
    return node;
  }

  update(node, item) {
    const s = this.schema;
    if (s.isZone(item.type)) {
      node.querySelector(".zone-title").textContent = s.title(item) || t(`type.${item.type}`);
      return;
    }
    const tone = s.tone(item);
    if (node.dataset.tone !== tone) {
      for (const name of TONE_NAMES) node.classList.remove(`tone-${name}`);
      node.classList.add(`tone-${TONE_NAMES.includes(tone) ? tone : "white"}`);
      node.dataset.tone = tone;
    }
    const title = s.title(item);
    const body = node.querySelector(".card-title");
    if (body.textContent !== title) body.textContent = title;
    node.classList.toggle("is-empty", !title);
    const f = item.fields;
    const badges = [];
    if (f.needs_rewording === true) badges.push(["badge-reword", t("Needs rewording")]);
    if (f.in_scope === true) badges.push(["badge-scope", t("In scope")]);
    const badgeBox = node.querySelector(".card-badges");
    const badgeKey = badges.map((b) => b[0]).join(",");
    if (badgeBox.dataset.key !== badgeKey) {
      badgeBox.dataset.key = badgeKey;
      badgeBox.replaceChildren(
        ...badges.flatMap(([cls, text]) => {
          const b = el("span", `card-badge ${cls}`);
          b.textContent = text;
          return [b, " "];
        }),
      );
    }
    const chips = s.chips(item).filter((c) => !(c.field === "in_scope" && c.kind === "flag"));
    const chipKey = JSON.stringify(chips.map((c) => [c.field, c.value]));
    const list = node.querySelector(".card-chips");
    if (list.dataset.key !== chipKey) {
      list.dataset.key = chipKey;
      list.replaceChildren(
        ...chips.flatMap((chip) => {
          const li = el("li", `chip chip-${chip.kind}${chip.derived ? " is-derived" : ""}`);
          li.dataset.field = chip.field;
          if (chip.kind === "number") li.textContent = numberChipText(item, chip);
          else li.textContent = chipText(chip); // a flag's check mark is drawn by CSS
          return [li, " "];
        }),
      );
    }
  }

  // A long title fits its card (the card keeps its size: links, handles and frames go by it): the
  // words the card has room for, then "…" (a line clamp), the whole text in the card's name, in
  // its tooltip and, on keyboard focus, in the card grown over its neighbours (canvas.css). The
  // renderer calls these in two passes over every card it drew, all reads then all writes, so a
  // frame lays out once however many cards changed.

  /** Write: the title back to its full height before it is measured. */
  unclip(node) {
    const title = node.querySelector(".card-title");
    if (!title || !node.classList.contains("is-clipped")) return;
    node.classList.remove("is-clipped");
    title.style.removeProperty("-webkit-line-clamp");
  }

  /** Read: does the title overflow its room, and how many of its lines fit? */
  measure(node) {
    const title = node.querySelector(".card-title");
    if (!title || !node.isConnected) return null;
    const room = title.clientHeight;
    if (title.scrollHeight <= room + 1) return { clipped: false, lines: 0 };
    const line = parseFloat(getComputedStyle(title).lineHeight) || 21;
    return { clipped: true, lines: Math.max(1, Math.floor(room / line)) };
  }

  /** Write: clamp the title to the lines that fit, with "…"; the tooltip says it all. */
  clip(node, fit) {
    if (!fit) return;
    const title = node.querySelector(".card-title");
    node.classList.toggle("is-clipped", fit.clipped);
    if (fit.clipped) {
      title.style.setProperty("-webkit-line-clamp", String(fit.lines));
      node.title = title.textContent;
    } else {
      node.removeAttribute("title");
    }
  }

  /** The accessible name: type, title, then what the chips say. */
  describe(item) {
    const s = this.schema;
    const type = t(`type.${item.type}`);
    if (s.isZone(item.type)) return t("%(type)s: %(text)s", { type, text: s.title(item) || type });
    // In the order they show: badges, title, chips (the visible text is part of the name).
    const parts = [];
    if (item.fields.needs_rewording === true) parts.push(t("Needs rewording"));
    if (item.fields.in_scope === true) parts.push(t("In scope"));
    const title = s.title(item).replace(/\s+/g, " ").trim();
    if (title) parts.push(title);
    for (const c of s.chips(item)) {
      if (c.field === "in_scope" && c.kind === "flag") continue;
      parts.push(c.kind === "number" ? numberChipText(item, c) : chipText(c));
    }
    // An empty title shows only "…": "empty" is said last, after the words that do show.
    if (!title) parts.push(t("empty"));
    const text = parts.join(", ");
    return t("%(type)s: %(text)s", { type, text });
  }

  /** A typed edge's name: "Causal link from A to B". */
  describeEdge(item, fromName, toName) {
    const label = typeof item.fields.label === "string" && item.fields.label ? `: ${excerpt(item.fields.label)}` : "";
    const kind = item.type === "relation" && item.fields.type ? ` (${t(`choice.relation.type.${item.fields.type}`)})` : "";
    // The link in words when its type has them ("A causes B"), else "Type from A to B".
    const words = `link.${item.type}${item.fields.kind === "joint" ? ".joint" : ""}`;
    const sentence = t(words, { from: fromName, to: toName });
    if (sentence !== words) return `${t(`type.${item.type}`)}: ${sentence}${kind}${label}`;
    return (
      t("%(type)s from %(from)s to %(to)s", { type: t(`type.${item.type}`), from: fromName, to: toName }) + kind + label
    );
  }
}
