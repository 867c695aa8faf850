// Pointer gestures on the canvas: select, drag, resize, rubber-band, pan, pinch, create by
// click, and drawing a connector from one item to another. Drags preview locally and are sent
// as one change when the pointer is released.
//
// Links: a drag from a card's handle (handles.js), or with the connector tool from a card, to
// another card links the start card TO the target; a drop anywhere else makes nothing and
// leaves no line. A click then a click on another card still links (keyboard: C or the menu).
// Touch: a tap selects, a drag moves, a long press opens the card menu, one finger on empty
// board pans, two fingers pan and pinch-zoom together, a tap with a creation tool creates.

import { DEFAULT_SIZES } from "./config.js";
import { boxOf, isSpatial } from "./render.js";

const DRAG_THRESHOLD_PX = 4;
const TOUCH_SLOP_PX = 10; // a finger wobbles more than a mouse before a tap becomes a drag
const LONG_PRESS_MS = 500; // a finger held this long on a card opens its menu
const CREATE_TOOLS = new Set(["sticky", "text", "shape", "frame"]);

export class PointerControls {
  constructor(app) {
    this.app = app;
    this.gesture = null;
    this.spaceHeld = false;
    this.touches = new Map(); // pointerId -> [x, y] for pinch
    const vp = app.viewport;
    vp.addEventListener("pointerdown", (e) => this._down(e));
    vp.addEventListener("pointermove", (e) => this._move(e));
    vp.addEventListener("pointerup", (e) => this._up(e));
    vp.addEventListener("pointercancel", (e) => this._cancel(e));
    vp.addEventListener("dblclick", (e) => this._doubleClick(e));
    vp.addEventListener("wheel", (e) => this._wheel(e), { passive: false });
    vp.addEventListener("auxclick", (e) => e.button === 1 && e.preventDefault());
  }

  _point(event) {
    const [sx, sy] = this.app.renderer.clientToViewport(event.clientX, event.clientY);
    const [wx, wy] = this.app.renderer.screenToWorld(sx, sy);
    return { sx, sy, wx, wy };
  }

  _itemAt(event) {
    const node = event.target.closest?.("[data-id]");
    if (!node || !this.app.viewport.contains(node)) return null;
    if (node.closest(".board-layer-overlay")) return null;
    return node.dataset.id;
  }

  _down(event) {
    const app = this.app;
    if (event.target.closest(".item-editor")) return;
    const p = this._point(event);
    if (event.pointerType === "touch") {
      this.touches.set(event.pointerId, [p.sx, p.sy]);
      if (this.touches.size === 2) {
        this._cancelGesture();
        const [a, b] = [...this.touches.values()];
        this.gesture = {
          kind: "pinch",
          distance: Math.hypot(a[0] - b[0], a[1] - b[1]),
          mid: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2],
        };
        return;
      }
      if (this.touches.size > 2) return;
    }
    const panButton = event.button === 1 || (event.button === 0 && this.spaceHeld);
    const id = this._itemAt(event);
    const onHandle = event.target.closest?.(".resize-handle");
    const linkFrom =
      event.target.closest?.(".link-handle")?.dataset.for ??
      (app.tool === "select" ? app.input?.handles.hitAt(p.wx, p.wy, event.pointerType === "touch") : null);

    if (linkFrom && event.button === 0 && app.canEdit()) {
      if (app.editor.active) app.editor.close(true);
      this._capture(event);
      this.gesture = { kind: "link", from: linkFrom, start: p };
      app.viewport.classList.add("is-linking");
      event.preventDefault();
      return;
    }
    const touchCreate = event.pointerType === "touch" && CREATE_TOOLS.has(app.tool) && app.canEdit() && !id;

    if (panButton || touchCreate || (event.button === 0 && !id && !onHandle && (app.tool === "hand" || (event.pointerType === "touch" && app.tool === "select")))) {
      this._capture(event);
      // A finger on the empty board with a creation tool: a tap creates there, a drag pans.
      this.gesture = { kind: "pan", sx: p.sx, sy: p.sy, tapCreate: touchCreate ? p : null };
      app.viewport.classList.add("is-panning");
      event.preventDefault();
      return;
    }
    if (event.button !== 0) return;

    if (app.editor.active) app.editor.close(true);

    if (onHandle && app.canEdit()) {
      const [id0] = app.selection;
      const item = app.state.get(id0);
      if (isSpatial(item) && app.canChange(item)) {
        this._capture(event);
        this.gesture = { kind: "resize", id: id0, start: p, box: boxOf(item) };
        event.preventDefault();
        return;
      }
    }

    if (app.tool === "connector") {
      event.preventDefault();
      if (id && isSpatial(app.state.get(id))) {
        const first = !app.connectSource;
        app.connectFrom(id);
        if (first && app.connectSource) {
          // Pressed on the first card: a drag to another card links them; a click waits for one.
          this._capture(event);
          this.gesture = { kind: "connect", from: id, start: p };
        }
      }
      return;
    }

    if (CREATE_TOOLS.has(app.tool) && app.canEdit() && (!id || app.state.get(id)?.type === "frame")) {
      event.preventDefault();
      const size = DEFAULT_SIZES[app.tool];
      app.createAt(app.tool, p.wx - size.w / 2, p.wy - size.h / 2);
      return;
    }

    if (id) {
      const item = app.state.get(id);
      if (event.shiftKey) {
        app.toggleSelected(id);
        event.preventDefault();
        return;
      }
      if (!app.selection.has(id)) app.select([id]);
      if (app.canEdit() && app.canChange(item)) {
        this._capture(event);
        this.gesture = { kind: "maybe-drag", start: p, ids: [...app.selection], touch: event.pointerType === "touch" };
      }
      if (event.pointerType === "touch") this._startLongPress(id, event);
      return;
    }

    // Empty canvas: a rubber band (shift adds to the selection).
    this._capture(event);
    this.gesture = { kind: "band", start: p, add: event.shiftKey, base: new Set(event.shiftKey ? app.selection : []) };
    if (!event.shiftKey) app.select([]);
    app.viewport.focus({ preventScroll: true });
    event.preventDefault();
  }

  /** A finger held still on a card opens the card menu (card_menu.js). */
  _startLongPress(id, event) {
    clearTimeout(this.longPress);
    const { clientX, clientY } = event;
    this.longPress = setTimeout(() => {
      const g = this.gesture;
      if (g && g.kind !== "maybe-drag") return;
      this._cancelGesture();
      this.app.input?.menu.show(id, clientX, clientY);
    }, LONG_PRESS_MS);
  }

  _capture(event) {
    try {
      this.app.viewport.setPointerCapture(event.pointerId);
    } catch {
      // the pointer is gone already
    }
  }

  _move(event) {
    const app = this.app;
    const p = this._point(event);
    app.connection?.moveCursor(p.wx, p.wy);
    if (event.pointerType === "touch" && this.touches.has(event.pointerId)) {
      this.touches.set(event.pointerId, [p.sx, p.sy]);
    }
    const g = this.gesture;
    if (!g) {
      if (app.tool === "connector" && app.connectSource) app.previewConnector(p.wx, p.wy);
      return;
    }
    switch (g.kind) {
      case "pinch": {
        if (this.touches.size < 2) return;
        const [a, b] = [...this.touches.values()];
        const distance = Math.hypot(a[0] - b[0], a[1] - b[1]);
        const mid = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
        // Two fingers: the board follows their middle (pan) and their spread (zoom).
        app.renderer.panBy(mid[0] - g.mid[0], mid[1] - g.mid[1]);
        if (g.distance > 0 && distance > 0) app.renderer.zoomAt(mid[0], mid[1], distance / g.distance);
        g.distance = distance;
        g.mid = mid;
        break;
      }
      case "pan":
        if (g.tapCreate && Math.hypot(p.sx - g.tapCreate.sx, p.sy - g.tapCreate.sy) < TOUCH_SLOP_PX) return;
        g.tapCreate = null;
        app.renderer.panBy(p.sx - g.sx, p.sy - g.sy);
        g.sx = p.sx;
        g.sy = p.sy;
        break;
      case "link":
      case "connect": {
        const target = app.input?.handles.targetAt(p.wx, p.wy, g.from) ?? null;
        g.moved ||= Math.hypot(p.sx - g.start.sx, p.sy - g.start.sy) >= DRAG_THRESHOLD_PX;
        if (g.kind === "link") app.input?.handles.preview(g.from, p.wx, p.wy, target);
        else app.previewConnector(p.wx, p.wy);
        break;
      }
      case "maybe-drag":
        if (Math.hypot(p.sx - g.start.sx, p.sy - g.start.sy) < (g.touch ? TOUCH_SLOP_PX : DRAG_THRESHOLD_PX)) return;
        clearTimeout(this.longPress);
        this.gesture = { kind: "drag", start: g.start, moving: app.movableWith(g.ids) };
        app.viewport.classList.add("is-dragging");
      // falls through
      case "drag": {
        const d = this.gesture;
        const dx = p.wx - d.start.wx;
        const dy = p.wy - d.start.wy;
        d.dx = dx;
        d.dy = dy;
        const preview = new Map();
        for (const [id, box] of d.moving) preview.set(id, { x: Math.round(box.x + dx), y: Math.round(box.y + dy) });
        app.state.setPreview(preview);
        break;
      }
      case "resize": {
        const w = Math.max(40, Math.round(g.box.w + (p.wx - g.start.wx)));
        const h = Math.max(30, Math.round(g.box.h + (p.wy - g.start.wy)));
        g.w = w;
        g.h = h;
        app.state.setPreview(new Map([[g.id, { w, h }]]));
        break;
      }
      case "band": {
        app.drawBand(g.start.wx, g.start.wy, p.wx, p.wy);
        const inside = app.renderer.itemsInRect(g.start.wx, g.start.wy, p.wx, p.wy);
        app.select([...new Set([...g.base, ...inside])], { focus: false });
        break;
      }
      default:
        break;
    }
  }

  _up(event) {
    this.touches.delete(event.pointerId);
    clearTimeout(this.longPress);
    const app = this.app;
    const g = this.gesture;
    this.gesture = null;
    app.viewport.classList.remove("is-panning", "is-dragging", "is-linking");
    if (!g) return;
    if (g.kind === "pinch" && this.touches.size) return; // the other finger lifts next: nothing more
    if (g.kind === "link" || g.kind === "connect") {
      const p = this._point(event);
      const target = app.input?.handles.targetAt(p.wx, p.wy, g.from) ?? null;
      app.input?.handles.preview(null);
      if (g.kind === "link") {
        if (target && g.moved) app.linkItems(g.from, target);
      } else if (target && g.moved) {
        app.connectFrom(target); // the connector tool, dragged from card to card
      } else if (g.moved) {
        app.stopConnecting(); // dropped on nothing: no link, no line left behind
        app.setTool("select");
      }
      return;
    }
    if (g.kind === "pan" && g.tapCreate) {
      const size = DEFAULT_SIZES[app.tool];
      app.createAt(app.tool, g.tapCreate.wx - size.w / 2, g.tapCreate.wy - size.h / 2);
      return;
    }
    if (g.kind === "drag") {
      app.state.clearPreview();
      if (g.dx || g.dy) {
        const ops = [];
        for (const [id, box] of g.moving) {
          ops.push({ op: "update", id, fields: { x: Math.round(box.x + g.dx), y: Math.round(box.y + g.dy) } });
        }
        app.commit(ops);
      }
    } else if (g.kind === "resize") {
      app.state.clearPreview();
      if (g.w !== undefined) app.commit([{ op: "update", id: g.id, fields: { w: g.w, h: g.h } }]);
    } else if (g.kind === "band") {
      app.drawBand(null);
    } else if (g.kind === "maybe-drag") {
      // A plain click on an item: it is selected (and focused) already.
      const node = app.renderer.element(g.ids[0]);
      if (node && g.ids.length === 1) node.focus({ preventScroll: true });
    }
  }

  _cancelGesture() {
    clearTimeout(this.longPress);
    if (this.gesture?.kind === "drag" || this.gesture?.kind === "resize") this.app.state.clearPreview();
    if (this.gesture?.kind === "band") this.app.drawBand(null);
    if (this.gesture?.kind === "link") this.app.input?.handles.preview(null);
    if (this.gesture?.kind === "connect") this.app.previewConnector(null);
    this.gesture = null;
    this.app.viewport.classList.remove("is-panning", "is-dragging", "is-linking");
  }

  _cancel(event) {
    this.touches.delete(event.pointerId);
    this._cancelGesture();
  }

  /** Escape during a gesture puts everything back. */
  cancel() {
    if (!this.gesture) return false;
    this._cancelGesture();
    return true;
  }

  _doubleClick(event) {
    const app = this.app;
    const id = this._itemAt(event);
    if (id) {
      app.editor.open(id);
      return;
    }
    if (app.tool === "select" && app.canEdit() && !event.target.closest(".item-editor")) {
      const p = this._point(event);
      const size = DEFAULT_SIZES.sticky;
      app.createAt("sticky", p.wx - size.w / 2, p.wy - size.h / 2);
    }
  }

  _wheel(event) {
    event.preventDefault();
    const app = this.app;
    const p = this._point(event);
    if (event.ctrlKey || event.metaKey) {
      // Trackpad pinch arrives as ctrl+wheel with small deltas; a mouse wheel with larger ones.
      const factor = Math.exp(-event.deltaY * (event.deltaMode === 1 ? 0.05 : 0.0025));
      app.renderer.zoomAt(p.sx, p.sy, factor);
    } else {
      const scale = event.deltaMode === 1 ? 16 : 1;
      const dx = event.shiftKey && !event.deltaX ? event.deltaY : event.deltaX;
      const dy = event.shiftKey && !event.deltaX ? 0 : event.deltaY;
      app.renderer.panBy(-dx * scale, -dy * scale);
    }
  }
}
