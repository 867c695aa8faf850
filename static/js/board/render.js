// Drawing the board: items as DOM nodes (frames, then connectors in one SVG, then the other
// items), inside a "world" layer that one CSS transform pans and zooms. Only the items whose view
// changed are redrawn, in the next animation frame; connectors follow their ends. An item's own
// DOM is item_nodes.js's; its box and names are view_items.js's (re-exported here).

import { MAX_ZOOM, MIN_ZOOM } from "./config.js";
import { createItemNode, createLinkGroup, updateItemNode, updateLinkGroup } from "./item_nodes.js";
import { compareOrder } from "./order.js";
import { boundsOf, boxOf, cards, el, isEdgeItem, isSpatial, layerOf, svg } from "./view_items.js";

export { PALETTE } from "./item_nodes.js";
export { boundsOf, boxOf, describe, isSpatial, linkDescription, shortName, useCards } from "./view_items.js";

const FAR_ZOOM = 0.3; // below this zoom a card shows only its title, as a label (board.css)
const PAN_SETTLE_MS = 150; // a pan this long still is over: the world stops being its own layer
const CULL_MARGIN = 0.25; // nodes are kept for this fraction of a view around the view
// Margins of a fitted view, in CSS pixels; at the top, room for frame titles, at the bottom for
// the history and zoom buttons. The bands that reach further push them (viewport.js).
const FIT_SIDE_PX = 60;
export const FIT_TOP_PX = 90;
export const FIT_BOTTOM_PX = 80;
const REVEAL_MARGIN_PX = 40; // a card panned into view keeps this far from the board's edges
const LINK_MARGIN_PX = 60; // a link's middle, likewise

export class BoardRenderer {
  /** `bands()` says how far the floating controls reach into the board from its top and
   * bottom edges ({top, bottom} in px): a card panned into view is kept clear of them. */
  constructor({ viewport, state, onCamera = () => {}, bands = () => ({ top: 0, bottom: 0 }) }) {
    this.viewport = viewport;
    this.state = state;
    this.onCamera = onCamera;
    this.bands = bands;
    this.camera = { x: 0, y: 0, zoom: 1 };
    this.nodes = new Map(); // id -> element (or SVG group for connectors)
    this.order = { frames: [], items: [] }; // sorted [{z, id}] per layer, attached or not
    this.zOf = new Map(); // id -> {layer, z} as placed in `order`
    this.cullPending = false;
    this.byEnd = new Map(); // item id -> Set of connector ids touching it
    this.ends = new Map(); // connector id -> [from, to]
    this.dirty = new Set();
    this.frame = null;
    this.selection = new Set();
    this.hidden = new Set(); // ids drawn by someone else (the text editor covers them)
    this.tabStop = null; // the one item Tab reaches (keynav.js); the others are reached by arrows
    this.toFit = new Set(); // typed cards drawn this frame: their titles are fitted (cards.js)

    this.world = el("div", "board-world");
    this.layers = {
      frames: el("div", "board-layer board-layer-frames"),
      items: el("div", "board-layer board-layer-items"),
    };
    this.links = svg("svg", { class: "board-layer board-layer-connectors", width: "1", height: "1" });
    this.overlay = el("div", "board-layer board-layer-overlay");
    this.world.append(this.layers.frames, this.links, this.layers.items, this.overlay);
    this.cursorLayer = el("div", "board-cursors");
    this.cursorLayer.setAttribute("aria-hidden", "true");
    viewport.append(this.world, this.cursorLayer);
    this._applyCamera();
  }

  // --- camera ---------------------------------------------------------------------------------

  setCamera({ x = this.camera.x, y = this.camera.y, zoom = this.camera.zoom }) {
    this.camera = { x, y, zoom: Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom)) };
    this._applyCamera();
  }

  panBy(dx, dy) {
    this.setCamera({ x: this.camera.x + dx, y: this.camera.y + dy });
  }

  /** Zoom by `factor` keeping the board point under (sx, sy) (viewport pixels) in place. */
  zoomAt(sx, sy, factor) {
    const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, this.camera.zoom * factor));
    const [wx, wy] = this.screenToWorld(sx, sy);
    this.setCamera({ x: sx - wx * zoom, y: sy - wy * zoom, zoom });
  }

  zoomCentre(factor) {
    const r = this.viewport.getBoundingClientRect();
    this.zoomAt(r.width / 2, r.height / 2, factor);
  }

  _applyCamera() {
    const { x, y, zoom } = this.camera;
    this.world.style.transform = `translate(${x}px, ${y}px) scale(${zoom})`;
    // A pan moves the world as one composited layer (css: .is-moving), drawn once rather than
    // repainted every frame; at rest, and on any zoom, the layer goes, so text is re-rasterised
    // sharp at the new scale.
    clearTimeout(this.movingTimer);
    if (zoom === this.appliedZoom) {
      if (!this.moving) {
        this.moving = true;
        this.viewport.classList.add("is-moving");
      }
      this.movingTimer = setTimeout(() => this._stopMoving(), PAN_SETTLE_MS);
    } else {
      this._stopMoving();
    }
    if (zoom !== this.appliedZoom) {
      // Outlines and handles keep their screen size through --zoom; setting it restyles every
      // item, so it changes only with the zoom, never on a pan.
      this.appliedZoom = zoom;
      this.viewport.style.setProperty("--zoom", String(zoom));
      // Far out, words are specks: drawing them costs more than the whole rest of a frame.
      this.viewport.classList.toggle("is-far", zoom < FAR_ZOOM);
      // Below a readable zoom the words grow (labels): once the zoom rests, titles are re-fitted.
      clearTimeout(this.fitTimer);
      this.fitTimer = setTimeout(() => {
        for (const node of this.nodes.values()) if (node.classList.contains("item-typed")) this.toFit.add(node);
        this._schedule();
      }, PAN_SETTLE_MS);
    }
    this._placeCursors();
    this.cullPending = true;
    this._schedule();
    this.onCamera(this.camera);
  }

  _stopMoving() {
    if (!this.moving) return;
    this.moving = false;
    this.viewport.classList.remove("is-moving");
  }

  screenToWorld(sx, sy) {
    return [(sx - this.camera.x) / this.camera.zoom, (sy - this.camera.y) / this.camera.zoom];
  }

  worldToScreen(wx, wy) {
    return [wx * this.camera.zoom + this.camera.x, wy * this.camera.zoom + this.camera.y];
  }

  /** Viewport pixels of a client (page) point. */
  clientToViewport(clientX, clientY) {
    const r = this.viewport.getBoundingClientRect();
    return [clientX - r.left, clientY - r.top];
  }

  /** The board point at the middle of the viewport. */
  centre() {
    const r = this.viewport.getBoundingClientRect();
    return this.screenToWorld(r.width / 2, r.height / 2);
  }

  /** The part of the board no floating control covers, as margins from its edges (px). */
  _clearMargins(margin) {
    const bands = this.bands();
    return { side: margin, top: Math.max(margin, bands.top), bottom: Math.max(margin, bands.bottom) };
  }

  /** Pan so that the item is visible and clear of the floating controls (keyboard focus must
   * never land off screen, nor under the undo or zoom buttons of a phone). A card taller than
   * the clear part shows its top. */
  reveal(id) {
    const item = this.state.get(id);
    let box;
    if (isEdgeItem(item)) {
      // A link: the box around its two ends.
      const ends = [item.fields.from, item.fields.to].map((end) => this.state.get(end)).filter(isSpatial).map(boxOf);
      if (!ends.length) return;
      const x = Math.min(...ends.map((b) => b.x));
      const y = Math.min(...ends.map((b) => b.y));
      box = { x, y, w: Math.max(...ends.map((b) => b.x + b.w)) - x, h: Math.max(...ends.map((b) => b.y + b.h)) - y };
    } else if (isSpatial(item)) box = boxOf(item);
    else return;
    const r = this.viewport.getBoundingClientRect();
    const [sx, sy] = this.worldToScreen(box.x, box.y);
    const sw = box.w * this.camera.zoom;
    const sh = box.h * this.camera.zoom;
    const clear = this._clearMargins(REVEAL_MARGIN_PX);
    let dx = 0;
    let dy = 0;
    if (sx < clear.side) dx = clear.side - sx;
    else if (sx + sw > r.width - clear.side) dx = Math.max(clear.side - sx, r.width - clear.side - (sx + sw));
    if (sy < clear.top) dy = clear.top - sy;
    else if (sy + sh > r.height - clear.bottom) dy = Math.max(clear.top - sy, r.height - clear.bottom - (sy + sh));
    if (dx || dy) this.panBy(dx, dy);
  }

  /** Pan so that item `id` is in view: a card (reveal) or a link (the middle of its ends). */
  scrollItemIntoView(id) {
    const item = this.state.get(id);
    if (isSpatial(item)) return this.reveal(id);
    const from = item && this.state.get(item.fields.from);
    const to = item && this.state.get(item.fields.to);
    if (!isSpatial(from) || !isSpatial(to)) return undefined;
    const a = boxOf(from);
    const b = boxOf(to);
    const [mx, my] = [(a.x + a.w / 2 + b.x + b.w / 2) / 2, (a.y + a.h / 2 + b.y + b.h / 2) / 2];
    const r = this.viewport.getBoundingClientRect();
    const [sx, sy] = this.worldToScreen(mx, my);
    const clear = this._clearMargins(LINK_MARGIN_PX);
    const inside = sx >= clear.side && sy >= clear.top && sx <= r.width - clear.side && sy <= r.height - clear.bottom;
    if (!inside) this.panBy(r.width / 2 - sx, (clear.top + r.height - clear.bottom) / 2 - sy);
    return undefined;
  }

  /** The zoom (at most 1) at which `box` fills the board between those margins. */
  zoomToFit(box, { top = FIT_TOP_PX, bottom = FIT_BOTTOM_PX } = {}) {
    const r = this.viewport.getBoundingClientRect();
    return Math.min(1, (r.width - FIT_SIDE_PX * 2) / (box.maxX - box.minX || 1), (r.height - top - bottom) / (box.maxY - box.minY || 1));
  }

  /** Fit every item in view (or centre the origin of an empty board), not below `minZoom`,
   *  between `top` and `bottom` pixels from the board's edges (what the bands leave clear). */
  fitAll({ minZoom = MIN_ZOOM, top = FIT_TOP_PX, bottom = FIT_BOTTOM_PX } = {}) {
    const box = boundsOf(this.state.items());
    const r = this.viewport.getBoundingClientRect();
    if (!box) {
      this.setCamera({ x: r.width / 2, y: r.height / 2, zoom: 1 });
      return;
    }
    const { minX, minY, maxX, maxY } = box;
    const z = Math.min(MAX_ZOOM, Math.max(minZoom, this.zoomToFit(box, { top, bottom })));
    this.setCamera({
      zoom: z,
      x: r.width / 2 - ((minX + maxX) / 2) * z,
      y: (r.height + top - bottom) / 2 - ((minY + maxY) / 2) * z,
    });
  }

  // --- items ----------------------------------------------------------------------------------
  //
  // Only items near the viewport have DOM nodes (culling): a 5,000-item board keeps a few
  // hundred nodes, so panning and restyling stay cheap. `order` keeps every spatial item sorted
  // by (z, id) per layer, attached or not, so a node that appears lands at its place in the
  // stacking order. Focused, selected and edited items are never culled.

  /** Mark items for redrawing in the next frame. */
  invalidate(ids) {
    for (const id of ids) this.dirty.add(id);
    this._schedule();
  }

  _schedule() {
    if (this.frame === null) this.frame = requestAnimationFrame(() => this.flush());
  }

  /** Redraw every dirty item now, and attach or drop nodes for what the camera shows. */
  flush() {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    const ids = this.dirty;
    this.dirty = new Set();
    const connectors = new Set();
    const visible = this._visibleRect();
    if (ids.size > 500) this._rebuildOrder();
    for (const id of ids) this._draw(id, connectors, visible, ids.size > 500);
    if (this.cullPending) {
      this.cullPending = false;
      this._cull(visible);
    }
    for (const id of ids) for (const c of this.byEnd.get(id) ?? []) connectors.add(c);
    for (const id of connectors) this._drawConnector(id);
    this._drawSelection();
    this._fitCards();
  }

  /** Fit the titles of the typed cards drawn: all writes, then all reads, then all writes. */
  _fitCards() {
    if (!this.toFit.size || !cards) return;
    const nodes = [...this.toFit].filter((node) => node.isConnected);
    this.toFit.clear();
    for (const node of nodes) cards.unclip(node);
    const fits = nodes.map((node) => cards.measure(node));
    nodes.forEach((node, i) => cards.clip(node, fits[i]));
  }

  /** The board rectangle worth having nodes for: the view and a margin around it. */
  _visibleRect() {
    const width = this.viewport.clientWidth || 1;
    const height = this.viewport.clientHeight || 1;
    const [x1, y1] = this.screenToWorld(-width * CULL_MARGIN, -height * CULL_MARGIN);
    const [x2, y2] = this.screenToWorld(width * (1 + CULL_MARGIN), height * (1 + CULL_MARGIN));
    return { x1, y1, x2, y2 };
  }

  _inRect(item, r) {
    const b = boxOf(item);
    // Frame titles sit above the frame: count a little headroom.
    return b.x <= r.x2 && b.y - 40 <= r.y2 && b.x + b.w >= r.x1 && b.y + b.h >= r.y1;
  }

  _pinned(id) {
    const node = this.nodes.get(id);
    return (
      this.selection.has(id) || this.hidden.has(id) || id === this.tabStop || (node && node.contains(document.activeElement))
    );
  }

  /** After a camera move: attach what came into view, drop what left it. */
  _cull(visible) {
    for (const item of this.state.items()) {
      if (!isSpatial(item)) continue;
      const show = this._inRect(item, visible) || this._pinned(item.id);
      const node = this.nodes.get(item.id);
      if (show && !node) this._draw(item.id, null, visible, false);
      else if (!show && node) this._detach(item.id, node);
    }
  }

  _rebuildOrder() {
    const lists = { frames: [], items: [] };
    this.zOf = new Map();
    for (const item of this.state.items()) {
      if (!isSpatial(item)) continue;
      const layer = layerOf(item.type);
      const z = String(item.fields.z ?? "a0");
      lists[layer].push({ z, id: item.id });
      this.zOf.set(item.id, { layer, z });
    }
    for (const list of Object.values(lists)) list.sort((a, b) => compareOrder(a.z, a.id, b.z, b.id));
    this.order = lists;
  }

  _draw(id, connectors, visible, orderBuilt) {
    const item = this.state.get(id);
    let node = this.nodes.get(id);
    if (isEdgeItem(item)) {
      connectors?.add(id);
      return;
    }
    if (!item || !isSpatial(item)) {
      if (node) this._detach(id, node);
      this._unorder(id);
      return;
    }
    const layer = layerOf(item.type);
    const z = String(item.fields.z ?? "a0");
    const placed = this.zOf.get(id);
    let moved = false;
    if (!orderBuilt && (!placed || placed.z !== z || placed.layer !== layer)) {
      this._unorder(id);
      this._order(layer, z, id);
      moved = true;
    }
    if (node && node.dataset.type !== item.type) {
      this._detach(id, node);
      node = null;
    }
    if (!this._inRect(item, visible) && !this._pinned(id)) {
      if (node) this._detach(id, node);
      return;
    }
    if (!node) {
      node = this._create(item);
      this.nodes.set(id, node);
      this._attach(layer, id, node);
    } else if (moved) {
      this._attach(layer, id, node);
    }
    this._update(node, item);
  }

  _order(layer, z, id) {
    const list = this.order[layer];
    list.splice(this._indexOf(list, z, id), 0, { z, id });
    this.zOf.set(id, { layer, z });
  }

  _unorder(id) {
    const placed = this.zOf.get(id);
    if (!placed) return;
    const list = this.order[placed.layer];
    const index = this._indexOf(list, placed.z, id);
    if (list[index]?.id === id) list.splice(index, 1);
    else {
      const found = list.findIndex((entry) => entry.id === id);
      if (found >= 0) list.splice(found, 1);
    }
    this.zOf.delete(id);
  }

  _indexOf(list, z, id) {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareOrder(list[mid].z, list[mid].id, z, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Put the node into its layer before the next attached node in stacking order. */
  _attach(layer, id, node) {
    const placed = this.zOf.get(id);
    const list = this.order[layer];
    let next = null;
    if (placed) {
      for (let i = this._indexOf(list, placed.z, id) + 1; i < list.length; i++) {
        const candidate = this.nodes.get(list[i].id);
        if (candidate && candidate.parentNode === this.layers[layer]) {
          next = candidate;
          break;
        }
      }
    }
    const keepFocus = document.activeElement === node;
    this.layers[layer].insertBefore(node, next);
    if (keepFocus) node.focus({ preventScroll: true });
  }

  _detach(id, node) {
    if (this.ends.has(id)) {
      const ends = this.ends.get(id) ?? [];
      for (const end of ends) this.byEnd.get(end)?.delete(id);
      this.ends.delete(id);
    }
    const hadFocus = node.contains(document.activeElement);
    node.remove();
    this.nodes.delete(id);
    if (id === this.tabStop) this.viewport.tabIndex = 0;
    if (hadFocus) this.viewport.focus({ preventScroll: true });
    if (!this.state.has(id) && this.selection.delete(id)) this._drawSelection();
  }

  /** Make sure the item has a node (panning to it), and return the node. */
  ensureNode(id) {
    this.reveal(id);
    this.flush();
    if (!this.nodes.has(id) && this.state.has(id)) this._draw(id, null, this._visibleRect(), false);
    return this.nodes.get(id) ?? null;
  }

  _create(item) {
    const tabStop = item.id === this.tabStop;
    if (tabStop) this.viewport.tabIndex = -1;
    return createItemNode(item, tabStop);
  }

  _update(node, item) {
    updateItemNode(node, item, {
      state: this.state,
      selected: this.selection.has(item.id),
      hidden: this.hidden.has(item.id),
      origin: this.origins?.get(item.id),
      mark: this.marks?.get(item.id),
    });
    if (node.classList.contains("item-typed")) this.toFit.add(node);
  }

  _drawConnector(id) {
    const item = this.state.get(id);
    let group = this.nodes.get(id);
    const from = item && this.state.get(item.fields.from);
    const to = item && this.state.get(item.fields.to);
    if (!item || !isSpatial(from) || !isSpatial(to)) {
      if (group) this._detach(id, group);
      return;
    }
    if (!group) {
      group = createLinkGroup(id, item, id === this.tabStop);
      this.links.append(group);
      this.nodes.set(id, group);
    }
    const old = this.ends.get(id);
    if (!old || old[0] !== item.fields.from || old[1] !== item.fields.to) {
      for (const end of old ?? []) this.byEnd.get(end)?.delete(id);
      this.ends.set(id, [item.fields.from, item.fields.to]);
      for (const end of [item.fields.from, item.fields.to]) {
        if (!this.byEnd.has(end)) this.byEnd.set(end, new Set());
        this.byEnd.get(end).add(id);
      }
    }
    updateLinkGroup(group, item, from, to, { state: this.state, selected: this.selection.has(id) });
  }

  element(id) {
    return this.nodes.get(id) ?? null;
  }

  /** The board is one Tab stop: this item's node (kept drawn), else the viewport itself. */
  setTabStop(id) {
    if (id === this.tabStop) return;
    const old = this.nodes.get(this.tabStop);
    if (old) old.setAttribute("tabindex", "-1");
    this.tabStop = id && this.state.has(id) ? id : null;
    const node = this.nodes.get(this.tabStop);
    if (node) node.setAttribute("tabindex", "0");
    this.viewport.tabIndex = node ? -1 : 0;
  }

  // --- selection ------------------------------------------------------------------------------

  setSelection(ids) {
    const changed = new Set([...this.selection, ...ids]);
    this.selection = new Set(ids);
    for (const id of changed) {
      const node = this.nodes.get(id);
      if (node) node.classList.toggle("is-selected", this.selection.has(id));
    }
    this._drawSelection();
  }

  setHidden(ids) {
    const changed = new Set([...this.hidden, ...ids]);
    this.hidden = new Set(ids);
    for (const id of changed) this.nodes.get(id)?.classList.toggle("is-hidden", this.hidden.has(id));
  }

  /** The box around the selection, with a resize handle when one item is selected. */
  _drawSelection() {
    const boxes = [...this.selection].map((id) => this.state.get(id)).filter(isSpatial).map(boxOf);
    let frame = this.overlay.querySelector(".selection-box");
    if (boxes.length === 0) {
      frame?.remove();
      return;
    }
    if (!frame) {
      frame = el("div", "selection-box");
      const handle = el("div", "resize-handle");
      handle.dataset.handle = "se";
      handle.setAttribute("aria-hidden", "true");
      frame.append(handle);
      this.overlay.append(frame);
    }
    const minX = Math.min(...boxes.map((b) => b.x));
    const minY = Math.min(...boxes.map((b) => b.y));
    const maxX = Math.max(...boxes.map((b) => b.x + b.w));
    const maxY = Math.max(...boxes.map((b) => b.y + b.h));
    frame.style.transform = `translate(${minX}px, ${minY}px)`;
    frame.style.width = `${maxX - minX}px`;
    frame.style.height = `${maxY - minY}px`;
    frame.classList.toggle("is-single", boxes.length === 1 && this.selection.size === 1);
  }

  /** Ids of spatial items whose box lies inside the rectangle (board units). */
  itemsInRect(x1, y1, x2, y2) {
    const [minX, maxX] = [Math.min(x1, x2), Math.max(x1, x2)];
    const [minY, maxY] = [Math.min(y1, y2), Math.max(y1, y2)];
    const found = [];
    for (const item of this.state.items()) {
      if (!isSpatial(item)) continue;
      const b = boxOf(item);
      if (b.x >= minX && b.y >= minY && b.x + b.w <= maxX && b.y + b.h <= maxY) found.push(item.id);
    }
    return found;
  }

  // --- cursors ----------------------------------------------------------------------------------

  /** cursors: Map peerId -> {x, y, name, colour, seen} */
  drawCursors(cursors) {
    this.cursors = cursors;
    const present = new Set();
    for (const [peerId, cursor] of cursors) {
      present.add(peerId);
      let node = this.cursorLayer.querySelector(`[data-peer="${CSS.escape(peerId)}"]`);
      if (!node) {
        node = el("div", "cursor");
        node.dataset.peer = peerId;
        const arrow = svg("svg", { class: "cursor-arrow", viewBox: "0 0 16 16", width: "16", height: "16" });
        arrow.append(svg("path", { d: "M1 1 L1 13 L5 9.5 L8 15 L10 14 L7.5 8.5 L13 8.5 Z" }));
        const name = el("span", "cursor-name");
        node.append(arrow, name);
        this.cursorLayer.append(node);
      }
      node.style.setProperty("--peer-colour", cursor.colour);
      node.querySelector(".cursor-name").textContent = cursor.name;
      node.classList.toggle("is-idle", Boolean(cursor.idle));
    }
    for (const node of [...this.cursorLayer.children]) if (!present.has(node.dataset.peer)) node.remove();
    this._placeCursors();
  }

  _placeCursors() {
    if (!this.cursors) return;
    for (const node of this.cursorLayer.children) {
      const cursor = this.cursors.get(node.dataset.peer);
      if (!cursor) continue;
      const [sx, sy] = this.worldToScreen(cursor.x, cursor.y);
      node.style.transform = `translate(${sx}px, ${sy}px)`;
    }
  }
}
