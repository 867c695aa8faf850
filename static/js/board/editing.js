// The board's editing verbs, mixed into the board app (main.js): creating items, connecting,
// the selection and what acts on it (delete, colour, order, undo/redo, arrow-key moves).
// `this` is the BoardApp.

import { DEFAULT_SIZES, KEY_MOVE_COMMIT_MS } from "./config.js";
import { t } from "./i18n.js";
import { keyAbove, keyBelow, keysBetween } from "./order.js";
import { boxOf, isSpatial } from "./render.js";
import { randomId } from "./state.js";

export class EditingMethods {
  // --- creating -------------------------------------------------------------------------------

  createAt(type, x, y, { edit = true, size = null, fields: extra = {} } = {}) {
    if (!this.canCreate()) {
      if (this.phaseReason) this.toasts.show(this.phaseReason, { key: "refused" });
      return null;
    }
    const id = randomId(16);
    size ??= DEFAULT_SIZES[type] ?? { w: 200, h: 200 };
    const { top, bottom } = this.state.zRange();
    const fields = { ...extra, x: Math.round(x), y: Math.round(y), w: size.w, h: size.h };
    // Frames go under everything, the rest on top.
    fields.z = type === "frame" ? keyBelow(bottom) ?? "a0" : keyAbove(top);
    if (type === "sticky") fields.color = this.colour;
    if (type === "frame") fields.title = "";
    this.commit([{ op: "create", id, type, fields }]);
    this.setTool("select");
    this.renderer.flush();
    this.select([id]);
    if (edit) this.editor.open(id);
    else this.renderer.element(id)?.focus({ preventScroll: true });
    return id;
  }

  createAtCentre(type) {
    const [x, y] = this.freeSpot(type);
    return this.createAt(type, x, y);
  }

  /** The free place nearest the middle of the view for a new item (notes never pile up). */
  freeSpot(type, size = DEFAULT_SIZES[type] ?? { w: 200, h: 200 }) {
    const [cx, cy] = this.renderer.centre();
    const gap = 24;
    const boxes = [];
    for (const item of this.state.items()) {
      if (isSpatial(item) && item.type !== "frame" && !this.schema.isZone(item.type)) boxes.push(boxOf(item));
    }
    const free = (x, y) =>
      !boxes.some((b) => x < b.x + b.w + 8 && x + size.w + 8 > b.x && y < b.y + b.h + 8 && y + size.h + 8 > b.y);
    const candidates = [];
    for (let i = -4; i <= 4; i++) {
      for (let j = -3; j <= 3; j++) {
        candidates.push([cx - size.w / 2 + i * (size.w + gap), cy - size.h / 2 + j * (size.h + gap)]);
      }
    }
    candidates.sort((a, b) => Math.hypot(a[0] + size.w / 2 - cx, a[1] + size.h / 2 - cy) - Math.hypot(b[0] + size.w / 2 - cx, b[1] + size.h / 2 - cy));
    const spot = candidates.find(([x, y]) => free(x, y));
    if (spot) return spot;
    const offset = (this.createdInARow = ((this.createdInARow ?? 0) + 1) % 6) * 16;
    return [cx - size.w / 2 + offset, cy - size.h / 2 + offset];
  }

  connectFrom(id) {
    if (!this.canCreate()) return;
    if (!this.connectSource) {
      this.connectSource = id;
      this.root.classList.add("is-connecting");
      this.renderer.element(id)?.classList.add("is-connect-source");
      this.announcer.say(t("Connecting: choose the item to connect to and press Enter, or Escape to stop."));
      return;
    }
    if (id === this.connectSource) return;
    const source = this.connectSource;
    this.stopConnecting();
    this.linkItems(source, id);
    this.setTool("select");
  }

  /** A link FROM `source` TO `target`: the palette's edge type when it fits (canvas.edgeFor). */
  linkItems(source, target) {
    if (!this.canEdit() || source === target || !this.state.has(source) || !this.state.has(target)) return null;
    const connector = randomId(16);
    const type = this.canvas.edgeFor(source, target);
    this.commit([{ op: "create", id: connector, type, fields: { ...this.schema.defaults(type), from: source, to: target } }]);
    this.announcer.say(t("Connected."));
    return connector;
  }

  stopConnecting() {
    if (!this.connectSource) return;
    this.renderer.element(this.connectSource)?.classList.remove("is-connect-source");
    this.connectSource = null;
    this.root.classList.remove("is-connecting");
    this.previewConnector(null);
  }

  previewConnector(x, y) {
    let line = this.renderer.links.querySelector(".connector-preview");
    const source = this.connectSource && this.state.get(this.connectSource);
    if (x === null || !isSpatial(source)) {
      line?.remove();
      return;
    }
    if (!line) {
      line = document.createElementNS("http://www.w3.org/2000/svg", "line");
      line.setAttribute("class", "connector-preview");
      this.renderer.links.append(line);
    }
    const b = boxOf(source);
    line.setAttribute("x1", b.x + b.w / 2);
    line.setAttribute("y1", b.y + b.h / 2);
    line.setAttribute("x2", x);
    line.setAttribute("y2", y);
  }

  // --- selection -------------------------------------------------------------------------------

  select(ids, { focus = true } = {}) {
    this.selection = new Set(ids.filter((id) => this.state.has(id)));
    this.renderer.setSelection(this.selection);
    if (focus && this.selection.size === 1) {
      const [only] = this.selection;
      this.renderer.ensureNode(only)?.focus({ preventScroll: true });
    }
    this._updateActions();
    this.canvas?.selectionChanged();
    this.conductor?.syncFrameButton();
    this.input?.selectionChanged();
  }

  toggleSelected(id) {
    const next = new Set(this.selection);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.select([...next], { focus: false });
  }

  /** The items that move with `ids`: frames carry what lies inside them. */
  movableWith(ids) {
    const moving = new Map();
    for (const id of ids) {
      const item = this.state.get(id);
      if (!isSpatial(item) || !this.canChange(item)) continue;
      moving.set(id, boxOf(item));
      if (item.type === "frame") {
        const f = boxOf(item);
        for (const other of this.state.items()) {
          if (!isSpatial(other) || other.id === id || moving.has(other.id) || !this.canChange(other)) continue;
          const b = boxOf(other);
          if (b.x >= f.x && b.y >= f.y && b.x + b.w <= f.x + f.w && b.y + b.h <= f.y + f.h) moving.set(other.id, b);
        }
      }
    }
    return moving;
  }

  drawBand(x1, y1, x2, y2) {
    let band = this.renderer.overlay.querySelector(".rubber-band");
    if (x1 === null) {
      band?.remove();
      return;
    }
    if (!band) {
      band = document.createElement("div");
      band.className = "rubber-band";
      this.renderer.overlay.append(band);
    }
    band.style.transform = `translate(${Math.min(x1, x2)}px, ${Math.min(y1, y2)}px)`;
    band.style.width = `${Math.abs(x2 - x1)}px`;
    band.style.height = `${Math.abs(y2 - y1)}px`;
  }

  // --- actions on the selection ------------------------------------------------------------------

  deleteSelection() {
    const ids = [...this.selection].filter((id) => this.canChange(this.state.get(id)));
    if (!ids.length) return;
    this.commit(ids.map((id) => ({ op: "delete", id })));
    this.select([]);
    this.viewport.focus({ preventScroll: true });
    this.announcer.say(t("Deleted: %(count)s", { count: ids.length }));
  }

  setColour(colour) {
    this.colour = colour;
    for (const swatch of this.root.querySelectorAll("[data-colour]")) {
      swatch.setAttribute("aria-pressed", String(swatch.dataset.colour === colour));
    }
    const ids = [...this.selection].filter((id) => {
      const item = this.state.get(id);
      return item && "color" in item.fields && this.canChange(item);
    });
    if (ids.length) this.commit(ids.map((id) => ({ op: "update", id, fields: { color: colour } })));
  }

  reorder(toFront) {
    const items = [...this.selection].map((id) => this.state.get(id)).filter((it) => isSpatial(it) && this.canChange(it));
    if (!items.length) return;
    items.sort((a, b) => (a.fields.z < b.fields.z ? -1 : a.fields.z > b.fields.z ? 1 : 0));
    const { top, bottom } = this.state.zRange();
    let keys;
    if (toFront) {
      const first = keyAbove(top);
      keys = [first];
      while (keys.length < items.length) keys.push(keyAbove(keys.at(-1)));
    } else {
      const first = keyBelow(bottom);
      if (first === null) return;
      keys = keysBetween(null, first, items.length - 1).concat([first]);
    }
    this.commit(items.map((item, i) => ({ op: "update", id: item.id, fields: { z: keys[i] } })));
  }

  undo() {
    if (!this.canEdit()) return;
    const entry = this.state.undo();
    if (entry) this.connection.flush();
    else this.announcer.say(t("Nothing to undo."));
    this._updateActions();
  }

  redo() {
    if (!this.canEdit()) return;
    const entry = this.state.redo();
    if (entry) this.connection.flush();
    else this.announcer.say(t("Nothing to redo."));
    this._updateActions();
  }

  /** Arrow keys: move (or with Alt resize) the selection; sent once the keys rest. */
  nudge(dx, dy, resize) {
    const ids = [...this.selection].filter((id) => isSpatial(this.state.get(id)) && this.canChange(this.state.get(id)));
    if (!ids.length) return;
    if (!this.keyMove || this.keyMove.resize !== resize) {
      this.commitNudge();
      const moving = resize ? new Map(ids.map((id) => [id, boxOf(this.state.get(id))])) : this.movableWith(ids);
      this.keyMove = { moving, dx: 0, dy: 0, resize };
    }
    const m = this.keyMove;
    m.dx += dx;
    m.dy += dy;
    const preview = new Map();
    for (const [id, box] of m.moving) {
      preview.set(
        id,
        resize
          ? { w: Math.max(40, box.w + m.dx), h: Math.max(30, box.h + m.dy) }
          : { x: box.x + m.dx, y: box.y + m.dy },
      );
    }
    this.state.setPreview(preview);
    this.renderer.reveal(ids[0]);
    clearTimeout(m.timer);
    m.timer = setTimeout(() => this.commitNudge(), KEY_MOVE_COMMIT_MS);
  }

  commitNudge() {
    const m = this.keyMove;
    if (!m) return;
    this.keyMove = null;
    clearTimeout(m.timer);
    const preview = this.state.preview;
    this.state.clearPreview();
    const ops = [...m.moving.keys()].filter((id) => preview.has(id)).map((id) => ({ op: "update", id, fields: preview.get(id) }));
    if (ops.length && (m.dx || m.dy)) this.commit(ops);
  }
}
