// Connection handles: four dots on a card's sides, shown on hover and on the one selected card.
// Dragging from a dot to another card makes a link FROM this card TO that one (the canvas's
// typed edge chosen in "Connect with", else a plain connector); dropping anywhere else makes
// nothing. Dragging the card's body still moves it (pointer.js).
//
// The geometry is pure (node tests); LinkHandles draws the dots and the dashed preview line in
// the renderer's overlay layer, in board coordinates, so they follow pan and zoom.

/** Screen size of a handle's hit area, in CSS px (WCAG 2.5.8 asks for at least 24). */
export const HANDLE_HIT_PX = 24;
export const HANDLE_HIT_TOUCH_PX = 36;
// Each handle reaches half a target into its card. A card shows handles only while its shorter
// side is at least this many targets on screen, so its middle stays free for a click that
// selects it; smaller (a fitted, far-out board) it is linked with C or its menu.
export const HANDLE_CLEAR_TARGETS = 3;
const SVG = "http://www.w3.org/2000/svg";
const SIDES = ["top", "right", "bottom", "left"];

/** The four handles of a box: the middles of its sides, in board coordinates. */
export function handlePoints(box) {
  return {
    top: [box.x + box.w / 2, box.y],
    right: [box.x + box.w, box.y + box.h / 2],
    bottom: [box.x + box.w / 2, box.y + box.h],
    left: [box.x, box.y + box.h / 2],
  };
}

/** Does `box` at this zoom have room for handles and still a body to click? */
export function handlesFit(box, zoom, hitPx = HANDLE_HIT_PX) {
  return Math.min(box.w, box.h) * zoom >= hitPx * HANDLE_CLEAR_TARGETS;
}

/** Which handle of `box` is at board point (x, y) at this zoom, or null. */
export function handleAt(box, zoom, x, y, hitPx = HANDLE_HIT_PX) {
  const half = hitPx / 2 / zoom;
  for (const [side, [hx, hy]] of Object.entries(handlePoints(box))) {
    if (Math.abs(x - hx) <= half && Math.abs(y - hy) <= half) return side;
  }
  return null;
}

/**
 * The card a link dropped at (x, y) goes to: the topmost (highest z key) box holding the
 * point, never `skip` (the start card). `boxes`: [{id, x, y, w, h, z}].
 */
export function dropTarget(boxes, x, y, skip = null) {
  let best = null;
  for (const b of boxes) {
    if (b.id === skip || x < b.x || y < b.y || x > b.x + b.w || y > b.y + b.h) continue;
    if (!best || String(b.z ?? "") > String(best.z ?? "")) best = b;
  }
  return best ? best.id : null;
}

/** Can this item carry handles (a card or a note; not a frame, a zone or a link)? */
export function linkable(item, { isSpatial, isZone }) {
  return Boolean(item) && isSpatial(item) && item.type !== "frame" && !isZone(item.type);
}

export class LinkHandles {
  /** `boxOf(item)`, `isSpatial(item)` come from render.js; `app` is the board page. */
  constructor(app, { boxOf, isSpatial }) {
    this.app = app;
    this.boxOf = boxOf;
    this.isSpatial = isSpatial;
    this.hovered = null;
    this.shown = [];
    this.layer = document.createElement("div");
    this.layer.className = "link-handles";
    this.layer.setAttribute("aria-hidden", "true"); // keyboard users link from the card menu or with C
    app.renderer.overlay.append(this.layer);
  }

  _linkable(item) {
    return linkable(item, { isSpatial: this.isSpatial, isZone: (type) => this.app.schema.isZone(type) });
  }

  /** The cards that show handles: the hovered one and the one selected, when big enough. */
  wanted() {
    const app = this.app;
    if (!app.canEdit() || app.editor.active) return [];
    const ids = new Set();
    if (app.selection.size === 1) ids.add([...app.selection][0]);
    if (this.hovered) ids.add(this.hovered);
    const zoom = app.renderer.camera.zoom;
    const hitPx = window.matchMedia?.("(pointer: coarse)").matches ? HANDLE_HIT_TOUCH_PX : HANDLE_HIT_PX;
    return [...ids].filter((id) => {
      const item = app.state.get(id);
      return this._linkable(item) && app.canChange(item) && handlesFit(this.boxOf(item), zoom, hitPx);
    });
  }

  /** The zoom changed: a card may have grown big enough for its handles, or too small. */
  zoomed() {
    if (this.shown.length || this.hovered || this.app.selection.size === 1) this.draw();
  }

  hover(id) {
    if (id === this.hovered) return;
    this.hovered = id;
    this.draw();
  }

  draw() {
    const ids = this.wanted();
    const dots = [];
    for (const id of ids) {
      const points = handlePoints(this.boxOf(this.app.state.get(id)));
      for (const side of SIDES) {
        const dot = document.createElement("div");
        dot.className = `link-handle link-handle-${side}`;
        dot.dataset.for = id;
        dot.dataset.side = side;
        dot.style.transform = `translate(${points[side][0]}px, ${points[side][1]}px)`;
        dots.push(dot);
      }
    }
    this.layer.replaceChildren(...dots);
    this.shown = ids;
  }

  /** The card whose shown handle is at board point (x, y), or null: a finger gets the wider
   * target, so a link starts even when the finger lands on the card's edge beside the dot. */
  hitAt(x, y, touch = false) {
    const zoom = this.app.renderer.camera.zoom;
    for (const id of this.shown) {
      const item = this.app.state.get(id);
      const hitPx = touch ? HANDLE_HIT_TOUCH_PX : HANDLE_HIT_PX;
      const box = item && this.boxOf(item);
      if (box && handlesFit(box, zoom, hitPx) && handleAt(box, zoom, x, y, hitPx)) return id;
    }
    return null;
  }

  /** The dashed line from the start card to the pointer while a link is dragged. */
  preview(fromId, x, y, targetId = null) {
    const links = this.app.renderer.links;
    let line = links.querySelector(".link-preview");
    const from = fromId && this.app.state.get(fromId);
    for (const node of this.app.viewport.querySelectorAll(".is-link-target")) node.classList.remove("is-link-target");
    if (x === null || !from) {
      line?.remove();
      return;
    }
    if (!line) {
      line = document.createElementNS(SVG, "line");
      line.setAttribute("class", "connector-preview link-preview");
      links.append(line);
    }
    const b = this.boxOf(from);
    line.setAttribute("x1", b.x + b.w / 2);
    line.setAttribute("y1", b.y + b.h / 2);
    line.setAttribute("x2", x);
    line.setAttribute("y2", y);
    if (targetId) this.app.renderer.element(targetId)?.classList.add("is-link-target");
  }

  /** The card under board point (x, y) a link from `fromId` would go to. */
  targetAt(x, y, fromId) {
    const boxes = [];
    for (const item of this.app.state.items()) {
      if (item.id === fromId || !this._linkable(item)) continue; // frames and zones are not ends
      boxes.push({ id: item.id, ...this.boxOf(item), z: item.fields.z });
    }
    return dropTarget(boxes, x, y, fromId);
  }
}
