// The DOM of one item: a card, note, text, shape or frame as a node (typed cards get their inside
// from cards.js), and a link as an SVG group with its line, arrowheads and label. render.js
// decides which items have nodes and where they stack; this module only makes and paints them.
// User text only ever reaches the page through textContent.

import { t } from "./i18n.js";
import { markDecision } from "./marks.js";
import { markOrigin } from "./live.js";
import { boxOf, cards, describe, el, linkDescription, svg } from "./view_items.js";

export const PALETTE = ["yellow", "orange", "red", "pink", "purple", "blue", "teal", "green", "grey", "white"];
const HEX = /^#[0-9a-fA-F]{6}$/;
const SHAPES = new Set(["rect", "ellipse", "diamond", "triangle"]);
const TEXT_SIZES = new Set(["s", "m", "l", "xl"]);

function applyColour(node, colour, fallback) {
  for (const name of PALETTE) node.classList.remove(`color-${name}`);
  node.style.removeProperty("--item-color");
  if (HEX.test(colour ?? "")) {
    node.classList.add("color-custom");
    node.style.setProperty("--item-color", colour);
  } else {
    node.classList.remove("color-custom");
    node.classList.add(`color-${PALETTE.includes(colour) ? colour : fallback}`);
  }
}

/** Where the segment from the box's centre towards (tx, ty) leaves the box. */
function edgePoint(box, tx, ty) {
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  const dx = tx - cx;
  const dy = ty - cy;
  if (dx === 0 && dy === 0) return [cx, cy];
  const scale = Math.min(dx ? box.w / 2 / Math.abs(dx) : Infinity, dy ? box.h / 2 / Math.abs(dy) : Infinity);
  return [cx + dx * Math.min(scale, 1), cy + dy * Math.min(scale, 1)];
}

function arrowHead(x, y, fromX, fromY, size = 12) {
  const angle = Math.atan2(y - fromY, x - fromX);
  const a1 = angle + Math.PI - 0.45;
  const a2 = angle + Math.PI + 0.45;
  return `${x},${y} ${x + size * Math.cos(a1)},${y + size * Math.sin(a1)} ${x + size * Math.cos(a2)},${y + size * Math.sin(a2)}`;
}

/** A new node for a spatial item; `tabStop`: it is the board's one Tab stop. */
export function createItemNode(item, tabStop) {
  const node = cards?.isTyped(item) ? cards.create(item) : el("div", `item item-${item.type}`);
  node.dataset.id = item.id;
  node.dataset.type = item.type;
  node.tabIndex = tabStop ? 0 : -1;
  // A zone (the power/interest grid) is a region holding cards, far bigger than the view: a
  // group, whose name need not repeat every word of it that happens to be on screen.
  node.setAttribute("role", cards?.schema.isZone(item.type) ? "group" : "button");
  node.setAttribute("aria-roledescription", t(`type.${item.type}`));
  if (item.type === "shape") {
    const art = svg("svg", { class: "shape-art", viewBox: "0 0 100 100", preserveAspectRatio: "none", "aria-hidden": "true" });
    node.append(art);
  }
  if (cards?.isTyped(item)) {
    // cards.js made its inside
  } else if (item.type === "frame") {
    const title = el("div", "frame-title");
    const label = el("span", "frame-title-text");
    const lock = el("span", "frame-lock");
    lock.setAttribute("aria-hidden", "true");
    lock.textContent = t("Locked");
    title.append(label, lock);
    node.append(title);
  } else {
    const text = el("div", "item-body");
    node.append(text);
    if (item.type === "sticky") {
      // The author is in the accessible name already ("Sticky note by ..."): said once. It
      // comes first in the DOM, as in the name (WCAG 2.5.3), and shows last (CSS order).
      const author = el("div", "item-author");
      author.setAttribute("aria-hidden", "true");
      node.prepend(author, " ");
    }
  }
  return node;
}

/** Paint the node from the item: place, size, name, colour and words. */
export function updateItemNode(node, item, { state, selected, hidden, origin, mark }) {
  const f = item.fields;
  const box = boxOf(item);
  node.style.transform = `translate(${box.x}px, ${box.y}px)`;
  node.style.width = `${box.w}px`;
  node.style.height = `${box.h}px`;
  node.setAttribute("aria-label", describe(item, state) + markOrigin(node, origin) + markDecision(node, mark));
  linkDescription(node, item.id);
  node.classList.toggle("is-selected", selected);
  node.classList.toggle("is-hidden", hidden);
  switch (item.type) {
    case "sticky":
      applyColour(node, f.color, "yellow");
      node.querySelector(".item-body").textContent = f.text ?? "";
      node.querySelector(".item-author").textContent = f.author ?? "";
      node.classList.toggle("is-empty", !f.text);
      node.classList.toggle("text-long", (f.text ?? "").length > 140);
      break;
    case "text":
      applyColour(node, f.color, "grey");
      for (const size of TEXT_SIZES) node.classList.toggle(`size-${size}`, size === (f.size ?? "m"));
      node.querySelector(".item-body").textContent = f.text ?? "";
      node.classList.toggle("is-empty", !f.text);
      break;
    case "shape": {
      applyColour(node, f.color, "blue");
      const shape = SHAPES.has(f.shape) ? f.shape : "rect";
      if (node.dataset.shape !== shape) {
        node.dataset.shape = shape;
        const art = node.querySelector(".shape-art");
        art.replaceChildren(
          shape === "ellipse"
            ? svg("ellipse", { cx: 50, cy: 50, rx: 49, ry: 49 })
            : shape === "diamond"
              ? svg("polygon", { points: "50,1 99,50 50,99 1,50" })
              : shape === "triangle"
                ? svg("polygon", { points: "50,1 99,99 1,99" })
                : svg("rect", { x: 1, y: 1, width: 98, height: 98, rx: 4 }),
        );
        for (const part of art.children) part.setAttribute("vector-effect", "non-scaling-stroke");
      }
      node.querySelector(".item-body").textContent = f.text ?? "";
      break;
    }
    case "frame":
      applyColour(node, f.color, "white");
      node.querySelector(".frame-title-text").textContent = f.title || t("untitled");
      node.classList.toggle("is-locked", Boolean(f.locked));
      break;
    default:
      if (cards?.isTyped(item)) {
        node.style.setProperty("--card-h", `${box.h}px`); // what a card grown on focus keeps at least
        cards.update(node, item);
      }
      else node.querySelector(".item-body").textContent = f.text ?? f.title ?? f.label ?? "";
  }
}

/** A new SVG group for a link: a wide hit line, the line, two arrowheads and a label. */
export function createLinkGroup(id, item, tabStop) {
  const group = svg("g", { class: "connector", tabindex: tabStop ? "0" : "-1", role: "button" });
  group.dataset.id = id;
  group.dataset.type = item.type;
  group.setAttribute("aria-roledescription", t(`type.${item.type}`));
  const hit = svg("line", { class: "connector-hit" });
  const line = svg("line", { class: "connector-line" });
  const headEnd = svg("polygon", { class: "connector-head connector-head-end" });
  const headStart = svg("polygon", { class: "connector-head connector-head-start" });
  const label = svg("text", { class: "connector-label", "text-anchor": "middle", "dominant-baseline": "middle" });
  group.append(hit, line, headEnd, headStart, label);
  return group;
}

/** Paint a link between the boxes of its ends `from` and `to`. */
export function updateLinkGroup(group, item, from, to, { state, selected }) {
  const a = boxOf(from);
  const b = boxOf(to);
  const [x1, y1] = edgePoint(a, b.x + b.w / 2, b.y + b.h / 2);
  const [x2, y2] = edgePoint(b, a.x + a.w / 2, a.y + a.h / 2);
  const [hit, line, headEnd, headStart, label] = group.children;
  for (const part of [hit, line]) {
    part.setAttribute("x1", x1);
    part.setAttribute("y1", y1);
    part.setAttribute("x2", x2);
    part.setAttribute("y2", y2);
  }
  const f = item.fields;
  const typed = cards?.isTyped(item) ? cards.schema.edgeStyle(item) : null;
  const arrow = typed ? typed.arrow : (f.arrow ?? "end");
  headEnd.setAttribute("points", arrowHead(x2, y2, x1, y1));
  headStart.setAttribute("points", arrowHead(x1, y1, x2, y2));
  headEnd.style.display = arrow === "end" || arrow === "both" ? "" : "none";
  headStart.style.display = arrow === "start" || arrow === "both" ? "" : "none";
  group.classList.toggle("is-dashed", typed ? typed.dashed : f.style === "dashed");
  group.classList.toggle("is-selected", selected);
  group.classList.toggle("is-typed", Boolean(typed));
  for (const name of PALETTE) group.classList.remove(`color-${name}`);
  const colour = typed ? typed.tone : f.color;
  if (HEX.test(colour ?? "")) group.style.setProperty("--item-color", colour);
  else group.classList.add(`color-${PALETTE.includes(colour) ? colour : "grey"}`);
  if (typed) group.style.setProperty("--edge-width", `${typed.width}px`);
  label.setAttribute("x", (x1 + x2) / 2);
  label.setAttribute("y", (y1 + y2) / 2);
  label.textContent = f.label ?? "";
  group.setAttribute("aria-label", describe(item, state));
}
