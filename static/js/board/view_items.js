// What the board's view knows of an item: its box, whether it lies on the board, its name in
// words (the accessible name, a short name for links and lists), and the typed cards' painter
// (cards.js) the page's schema sets. Pure but for the DOM helpers `el` and `svg`; render.js
// draws with these, and the other modules (pointer, editing, keyboard...) read boxes and names.

import { excerpt, t } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";
const SPATIAL_LAYERS = { frame: "frames" }; // every other spatial type goes to "items"

// Typed cards and edges of a session canvas (cards.js), set by main.js from the board schema.
export let cards = null;

export function useCards(painter) {
  cards = painter;
}

export const layerOf = (type) => (cards ? cards.layerOf(type) : SPATIAL_LAYERS[type] ?? "items");
export const isEdgeItem = (item) => Boolean(item) && (item.type === "connector" || Boolean(cards?.isEdge(item)));

export function el(tag, className) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  return node;
}

export function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  return node;
}

function num(value, fallback) {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

/** The item's box in board units. */
export function boxOf(item) {
  const f = item.fields;
  return { x: num(f.x, 0), y: num(f.y, 0), w: num(f.w, 200), h: num(f.h, 200) };
}

export function isSpatial(item) {
  return item && item.type !== "connector" && typeof item.fields.x === "number";
}

/** The accessible name of an item, in the reader's language. */
export function describe(item, state) {
  const f = item.fields;
  if (cards?.isTyped(item)) {
    if (!cards.isEdge(item)) return cards.describe(item);
    const from = state?.get(f.from);
    const to = state?.get(f.to);
    return cards.describeEdge(item, from ? shortName(from) : "?", to ? shortName(to) : "?");
  }
  // The whole visible text goes into the name (WCAG 2.5.3, label in name); only connectors,
  // whose name is made of other items' names, are shortened.
  const whole = (text) => String(text ?? "").replace(/\s+/g, " ").trim();
  switch (item.type) {
    case "sticky":
      return f.author
        ? t("Sticky note by %(author)s: %(text)s", { author: f.author, text: whole(f.text) || t("empty") })
        : t("Sticky note: %(text)s", { text: whole(f.text) || t("empty") });
    case "text":
      return t("Text: %(text)s", { text: whole(f.text) || t("empty") });
    case "shape":
      return t("%(shape)s: %(text)s", { shape: t(`shape.${f.shape ?? "rect"}`), text: whole(f.text) || t("empty") });
    case "frame":
      return f.locked
        ? t("Locked frame: %(title)s", { title: whole(f.title) || t("untitled") })
        : t("Frame: %(title)s", { title: whole(f.title) || t("untitled") });
    case "connector": {
      const from = state?.get(f.from);
      const to = state?.get(f.to);
      return t("Connector from %(from)s to %(to)s", {
        from: from ? shortName(from) : "?",
        to: to ? shortName(to) : "?",
      }) + (f.label ? `: ${excerpt(f.label)}` : "");
    }
    default:
      return t("Item: %(type)s", { type: item.type });
  }
}

/** A card says its links in words (the board's list, a11y-tree.js, writes them). */
export function linkDescription(node, id) {
  const links = `board-list-links-${id}`;
  if (document.getElementById(links)) node.setAttribute("aria-describedby", links);
  else node.removeAttribute("aria-describedby");
}

export function shortName(item) {
  const f = item.fields;
  if (cards?.isTyped(item)) return excerpt(cards.schema.title(item) || t(`type.${item.type}`), 30);
  return excerpt(f.text || f.title || f.label || t(`type.${item.type}`), 30);
}


/** The box around `items` (spatial ones), or null. */
export function boundsOf(items) {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const item of items) {
    if (!isSpatial(item)) continue;
    const b = boxOf(item);
    minX = Math.min(minX, b.x);
    minY = Math.min(minY, b.y);
    maxX = Math.max(maxX, b.x + b.w);
    maxY = Math.max(maxY, b.y + b.h);
  }
  return Number.isFinite(minX) ? { minX, minY, maxX, maxY } : null;
}
