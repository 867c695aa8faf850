// The board page: wires the state (state.js), the transport (socket.js), the drawing
// (render.js) and the controls (pointer.js, editor.js, the keyboard below) together.

import { CanvasUI } from "./canvas.js";
import { CardPainter } from "./cards.js";
import { Announcer, Presence, StatusIndicator, Toasts } from "./chrome.js";
import { ARROW_STEP, ARROW_STEP_LARGE, CURSOR_IDLE_HIDE_MS, DEFAULT_SIZES, KEY_MOVE_COMMIT_MS, ZOOM_STEP } from "./config.js";
import { TextEditor, editableField, useSchema } from "./editor.js";
import { loadStrings, t } from "./i18n.js";
import { keyAbove, keyBelow, keysBetween } from "./order.js";
import { PointerControls } from "./pointer.js";
import * as P from "./protocol.js";
import { BoardRenderer, boxOf, describe, isSpatial, linkDescription, shortName, useCards } from "./render.js";
import { loadSchema } from "./schema.js";
import { BoardConnection, STATUS } from "./socket.js";
import { BoardState, randomId } from "./state.js";
import { ConductorPanel } from "./conductor.js";
import { RoomsClient } from "./rooms.js";
import { CallClient } from "./call.js";
import { BoardList } from "./a11y-tree.js";
import { KeyNav } from "./keynav.js";

const TOOLS = ["select", "hand", "sticky", "text", "shape", "frame", "connector"];
const TOOL_KEYS = { v: "select", h: "hand" };
const CREATE_KEYS = { n: "sticky", t: "text", r: "shape", f: "frame" }; // new item at the centre

class BoardApp {
  constructor(root) {
    loadStrings();
    this.root = root;
    this.boardId = Number(root.dataset.boardId);
    this.mayEdit = root.dataset.canEdit === "true";
    this.mayConduct = root.dataset.canConduct === "true";
    this.locked = false;
    this.ended = false;
    this.tool = "select";
    this.colour = "yellow";
    this.selection = new Set();
    this.connectSource = null;
    this.keyMove = null;
    this.cursors = new Map();

    this.viewport = root.querySelector("#board-viewport");
    const { schema, projectBoards } = loadSchema();
    this.schema = schema;
    useSchema(schema);
    useCards(new CardPainter(schema));
    this.state = new BoardState({
      clientId: randomId(12),
      onChange: (ids) => this._changed(ids),
      onRemote: (change) => this.announcer.remote(change),
    });
    this.state.isEdgeType = (type) => schema.isEdgeType(type);
    this.renderer = new BoardRenderer({ viewport: this.viewport, state: this.state, onCamera: (c) => this._cameraChanged(c) });
    this.editor = new TextEditor(this);
    // The board for screen readers and its reading order for the keyboard (a11y-tree.js, keynav.js).
    this.boardList = new BoardList(root.querySelector("#board-list"), {
      state: this.state,
      isContainer: (item) => item.type === "frame" || schema.isZone(item.type),
      isEdge: (item) => item.type === "connector" || schema.isEdge(item),
      describe: (item) => describe(item, this.state),
      shortName,
      onWritten: (id) => {
        const node = this.renderer.element(id);
        if (node) linkDescription(node, id);
      },
    });
    this.keynav = new KeyNav(this, this.boardList);
    this.pointer = new PointerControls(this);
    this.presence = new Presence(root.querySelector("#board-presence"));
    this.status = new StatusIndicator(root.querySelector("#board-status"));
    this.toasts = new Toasts(root.querySelector("#board-toasts"));
    this.announcer = new Announcer(root.querySelector("#board-announcer"), this.state);
    this.notice = root.querySelector("#board-notice");
    this.helpDialog = root.querySelector("#board-help");
    this.zoomLabel = root.querySelector("#board-zoom-level");

    this._bindToolbar();
    this._bindKeyboard();
    this._applyRights();
    this.renderer.setCamera({ x: this.viewport.clientWidth / 2, y: this.viewport.clientHeight / 2 });
    this.firstLoad = true;

    this.connection = new BoardConnection({
      boardId: this.boardId,
      state: this.state,
      on: {
        joined: (ack) => this._joined(ack),
        status: (status) => this.status.show(status, this.state.unsentCount),
        refused: (entry, error) => this._refused(entry, error),
        peerJoined: (peer) => this.presence.add(peer),
        peerLeft: (peerId) => this._peerLeft(peerId),
        cursors: (cursors) => this._cursorsMoved(cursors),
        ended: (kind, code) => this._ended(kind, code),
      },
    });
    let projectSchemas = {};
    try {
      projectSchemas = JSON.parse(root.querySelector("#project-schemas")?.textContent ?? "{}");
    } catch {
      projectSchemas = {};
    }
    this.canvas = new CanvasUI(this, { schema, projectBoards, projectSchemas });
    setInterval(() => this._ageCursors(), 1000);
    // Rooms and the conductor (rooms.js, conductor.js): the live session around this board.
    this.rooms = new RoomsClient(this);
    this.conductor = this.mayConduct ? new ConductorPanel(this, this.rooms) : null;
    this.call = new CallClient(this); // camera and microphone (call.js)
    // Tests and the measuring harness read the client's state here; nothing else uses it.
    window.tavoloBoard = this;
  }

  // --- rights --------------------------------------------------------------------------------

  canEdit() {
    return this.mayEdit && !this.ended && (!this.locked || this.mayConduct);
  }

  /** May this person change this item (a locked frame is for conductors)? */
  canChange(item) {
    if (!this.canEdit() || !item) return false;
    return !(item.type === "frame" && item.fields.locked && !this.mayConduct);
  }

  _applyRights() {
    const editable = this.canEdit();
    this.root.classList.toggle("is-read-only", !editable);
    for (const button of this.root.querySelectorAll("[data-needs-edit]:not([data-action])")) button.disabled = !editable;
    let message = "";
    if (this.ended) message = "";
    else if (!this.mayEdit) message = t("You are observing: you can look at the board but not change it.");
    else if (this.locked && !this.mayConduct) message = t("The conductor has locked this board: you can look but not change it.");
    else if (this.locked) message = t("This board is locked for participants. As a conductor you can still change it.");
    this.notice.hidden = !message;
    this.notice.textContent = message;
    if (!editable && !["select", "hand"].includes(this.tool)) this.setTool("select");
    this._updateActions();
  }

  // --- joining and remote events ----------------------------------------------------------------

  _joined(ack) {
    performance.mark("board:joined");
    this.mayEdit = Boolean(ack.can_edit);
    this.mayConduct = Boolean(ack.can_conduct);
    this.locked = Boolean(ack.board?.locked);
    this.state.author = ack.me ? { name: ack.me.name } : null;
    this.presence.reset(ack.me, ack.peers ?? []);
    this._applyRights();
    this.canvas.startWatching();
    this.renderer.flush();
    if (this.firstLoad) {
      this.firstLoad = false;
      // A big board opens readable, around its middle, rather than as a field of dots.
      // On a phone, words stay readable: the person pans rather than squints.
      this.renderer.fitAll({ minZoom: this.viewport.clientWidth < 640 ? 0.5 : 0.25 });
      this.renderer.flush();
      performance.mark("board:rendered");
      this.root.dataset.ready = "true";
      this.root.dispatchEvent(new CustomEvent("board:ready"));
    }
    // After the first fit: a followed view (rooms) wins over it.
    this.rooms?.joined(ack);
    this.call?.joined(ack);
  }

  _refused(entry, error) {
    const code = error?.code;
    if (code === P.BOARD_LOCKED && !error.field) {
      this.locked = true;
      this._applyRights();
    }
    const messages = {
      [P.BOARD_LOCKED]: t("The board or frame is locked: your change was not saved."),
      [P.FORBIDDEN]: t("You are not allowed to make this change."),
      [P.ITEM_DELETED]: t("Someone deleted this item in the meantime: your change was not saved."),
      [P.NOT_FOUND]: t("This item no longer exists: your change was not saved."),
      [P.LIMIT_REACHED]: t("The board is full: remove some items before adding new ones."),
      [P.TOO_LARGE]: t("The text is too long: your change was not saved."),
    };
    this.toasts.show(messages[code] ?? t("Your change could not be saved (%(code)s).", { code }), { tone: "error" });
  }

  _ended(kind, code) {
    this.ended = true;
    this.editor.close(false);
    this._applyRights();
    const dialog = this.root.querySelector("#board-ended");
    const title = dialog.querySelector(".ended-title");
    const text = dialog.querySelector(".ended-text");
    const links = dialog.querySelector(".ended-actions");
    links.replaceChildren();
    const link = (href, label) => {
      const a = document.createElement("a");
      a.href = href;
      a.className = "button";
      a.textContent = label;
      links.append(a);
    };
    const here = window.location.pathname;
    if (kind === "session") {
      title.textContent = t("Your session has ended");
      text.textContent = t("You logged out in another window, or your invitation was withdrawn. Log in or join again to go on.");
      link(`${this.root.dataset.loginUrl}?next=${encodeURIComponent(here)}`, t("Log in"));
      link(this.root.dataset.joinUrl, t("Join with a code"));
    } else if (kind === "protocol") {
      title.textContent = t("Tavolo has been updated");
      text.textContent = t("Reload the page to go on working.");
      link(here, t("Reload"));
    } else {
      title.textContent = t("You no longer have access to this board");
      text.textContent = t("Ask the person who runs the lab if you think this is a mistake.");
      link(this.root.dataset.homeUrl, t("Back to the start"));
    }
    dialog.hidden = false;
    links.querySelector("a")?.focus();
    const unsent = this.state.unsentCount;
    if (unsent) this.toasts.show(t("Unsent changes: %(count)s", { count: unsent }), { tone: "error", ms: 60000 });
  }

  _peerLeft(peerId) {
    this.presence.remove(peerId);
    this.cursors.delete(peerId);
    this.renderer.drawCursors(this.cursors);
  }

  _cursorsMoved(cursors) {
    const now = Date.now();
    for (const [peerId, [x, y]] of Object.entries(cursors)) {
      const peer = this.presence.peers.get(peerId);
      if (!peer) continue;
      this.cursors.set(peerId, { x, y, name: peer.name, colour: peer.colour, seen: now, idle: false });
    }
    this.renderer.drawCursors(this.cursors);
  }

  _ageCursors() {
    const now = Date.now();
    let changed = false;
    for (const cursor of this.cursors.values()) {
      const idle = now - cursor.seen > CURSOR_IDLE_HIDE_MS;
      if (idle !== cursor.idle) {
        cursor.idle = idle;
        changed = true;
      }
    }
    if (changed) this.renderer.drawCursors(this.cursors);
  }

  // --- state changes ------------------------------------------------------------------------------

  _changed(ids) {
    this.renderer.invalidate(ids);
    this.boardList.changed(ids);
    this.keynav.changed(ids);
    let selectionChanged = false;
    for (const id of ids) {
      if (this.selection.has(id) && !this.state.has(id)) {
        this.selection.delete(id);
        selectionChanged = true;
      }
    }
    if (selectionChanged) this.renderer.setSelection(this.selection);
    if (this.editor.active && ids.has(this.editor.id) && !this.state.has(this.editor.id)) this.editor.close(false);
    this.status.show(this.connection?.status ?? STATUS.CONNECTING, this.state.unsentCount);
    this._updateActions();
    this.canvas?.changed(ids);
  }

  /** Make a change of our own: shown at once, sent in order. */
  commit(ops, history) {
    if (!this.canEdit()) return null;
    const entry = this.state.change(ops, history ? { history } : undefined);
    this.connection.flush();
    this._updateActions();
    return entry;
  }

  // --- creating -------------------------------------------------------------------------------

  createAt(type, x, y, { edit = true, size = null, fields: extra = {} } = {}) {
    if (!this.canEdit()) return null;
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
    if (!this.canEdit()) return;
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
    const connector = randomId(16);
    const type = this.canvas.edgeFor(source, id);
    this.commit([{ op: "create", id: connector, type, fields: { ...this.schema.defaults(type), from: source, to: id } }]);
    this.setTool("select");
    this.announcer.say(t("Connected."));
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

  // --- toolbar ------------------------------------------------------------------------------------

  setTool(tool) {
    if (!TOOLS.includes(tool)) return;
    if (tool !== "connector") this.stopConnecting();
    this.tool = tool;
    this.root.dataset.tool = tool;
    for (const button of this.root.querySelectorAll("[data-tool]")) {
      button.setAttribute("aria-pressed", String(button.dataset.tool === tool));
    }
  }

  _bindToolbar() {
    this.root.addEventListener("click", (event) => {
      const button = event.target.closest("button");
      if (!button || !this.root.contains(button)) return;
      if (button.dataset.tool) {
        const tool = button.dataset.tool;
        if (tool === "connector" && this.selection.size === 1) {
          this.setTool("connector");
          this.connectFrom([...this.selection][0]);
        } else {
          this.setTool(tool);
        }
        return;
      }
      if (button.dataset.colour) {
        this.setColour(button.dataset.colour);
        return;
      }
      const actions = {
        undo: () => this.undo(),
        redo: () => this.redo(),
        delete: () => this.deleteSelection(),
        front: () => this.reorder(true),
        back: () => this.reorder(false),
        edit: () => this.selection.size === 1 && this.editor.open([...this.selection][0]),
        "zoom-in": () => this.renderer.zoomCentre(ZOOM_STEP),
        "zoom-out": () => this.renderer.zoomCentre(1 / ZOOM_STEP),
        "zoom-reset": () => this.renderer.fitAll(),
        help: () => this.openHelp(),
        "close-help": () => this.helpDialog.close(),
      };
      actions[button.dataset.action]?.();
    });
    this.setTool("select");
    this.setColour("yellow");
  }

  _updateActions() {
    const hasSelection = this.selection.size > 0;
    const editable = this.canEdit();
    const set = (action, enabled) => {
      const button = this.root.querySelector(`[data-action="${action}"]`);
      if (button) button.disabled = !enabled;
    };
    set("undo", editable && this.state.canUndo);
    set("redo", editable && this.state.canRedo);
    set("delete", editable && hasSelection);
    set("front", editable && hasSelection);
    set("back", editable && hasSelection);
    set("edit", editable && this.selection.size === 1 && Boolean(editableField(this.state.get([...this.selection][0]))));
    this.root.classList.toggle("has-selection", hasSelection);
  }

  _cameraChanged(camera) {
    if (this.zoomLabel) this.zoomLabel.textContent = `${Math.round(camera.zoom * 100)}%`;
    this.rooms?.cameraChanged(camera);
  }

  // --- rooms: moving to another room's board ------------------------------------------------------

  /** Show another board on the same socket (a move between rooms): leave this one, forget its
   * items and history, join the new one. The address follows, so a reload lands there too. */
  switchBoard(boardId) {
    if (boardId === this.boardId || this.ended) return;
    this.commitNudge();
    this.editor.close(false);
    this.stopConnecting();
    this.select([], { focus: false });
    this.boardId = boardId;
    this.root.dataset.boardId = String(boardId);
    this.state.reset();
    this.boardList.reset();
    this.keynav.setCurrent(null);
    this.cursors.clear();
    this.renderer.drawCursors(this.cursors);
    this.presence.reset(null, []);
    this.firstLoad = true;
    this.call?.boardChanged();
    this.connection.switchBoard(boardId);
    const url = new URL(window.location.href);
    url.pathname = url.pathname.replace(/\/boards\/\d+/, `/boards/${boardId}`);
    window.history.replaceState(null, "", url);
  }

  openHelp() {
    if (!this.helpDialog.open) this.helpDialog.showModal();
  }

  // --- keyboard ------------------------------------------------------------------------------------

  _bindKeyboard() {
    document.addEventListener("keydown", (event) => this._onKey(event));
    document.addEventListener("keyup", (event) => {
      if (event.key === " ") {
        this.pointer.spaceHeld = false;
        this.viewport.classList.remove("is-space-held");
      }
    });
    this.viewport.addEventListener("focusin", (event) => {
      const node = event.target.closest?.("[data-id]");
      if (!node || node.closest(".board-layer-overlay")) return;
      // Focus is not selection: the keyboard passes cards without selecting them (keynav.js).
      this.renderer.reveal(node.dataset.id);
    });
  }

  _focusedItem() {
    const node = document.activeElement?.closest?.("[data-id]");
    return node && this.viewport.contains(node) ? node.dataset.id : null;
  }

  _onKey(event) {
    if (this.ended) return;
    const target = event.target;
    if (this.helpDialog.open) return; // the dialog handles its own keys (Escape closes)
    const typing = target.closest?.("input, textarea, select, [contenteditable='true']");
    if (typing) return;
    const inBoard = this.root.contains(target) || target === document.body;
    if (!inBoard) return;
    const mod = event.ctrlKey || event.metaKey;
    const key = event.key;
    const lower = key.length === 1 ? key.toLowerCase() : key;
    const onButton = target.closest?.("button, a") && !target.closest("#board-viewport");

    if (mod && lower === "z") {
      event.preventDefault();
      if (event.shiftKey) this.redo();
      else this.undo();
      return;
    }
    if (mod && lower === "y") {
      event.preventDefault();
      this.redo();
      return;
    }
    if (mod && lower === "a" && !onButton) {
      event.preventDefault();
      this.select([...this.state.view.keys()], { focus: false });
      this.announcer.say(t("Selected: %(count)s", { count: this.selection.size }));
      return;
    }
    if (mod || event.altKey && !key.startsWith("Arrow")) return;
    if (onButton && (key === "Enter" || key === " ")) return; // let buttons work
    if (this.keynav.onKey(event, this._focusedItem())) return;

    switch (key) {
      case "Escape":
        if (this.canvas.onEscape()) {
          event.preventDefault();
          return;
        }
        if (this.pointer.cancel()) break;
        if (this.connectSource || this.tool !== "select") {
          this.stopConnecting();
          this.setTool("select");
        } else if (this.selection.size) {
          this.select([], { focus: false }); // the focus stays where it is: on the card
        }
        event.preventDefault();
        return;
      case "Enter": {
        const id = this._focusedItem() ?? (this.selection.size === 1 ? [...this.selection][0] : null);
        if (!id) return;
        event.preventDefault();
        if (this.connectSource) this.connectFrom(id);
        else this.editor.open(id);
        return;
      }
      case "Delete":
      case "Backspace":
        if (this.selection.size && this.canEdit()) {
          event.preventDefault();
          this.deleteSelection();
        }
        return;
      case "ArrowLeft":
      case "ArrowRight":
      case "ArrowUp":
      case "ArrowDown": {
        if (!this.selection.size || !this.canEdit()) {
          if (target === this.viewport) {
            const step = event.shiftKey ? 200 : 60;
            const d = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] }[key];
            this.renderer.panBy(...d);
            event.preventDefault();
          }
          return;
        }
        event.preventDefault();
        const step = event.shiftKey ? ARROW_STEP_LARGE : ARROW_STEP;
        const [dx, dy] = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[key];
        this.nudge(dx, dy, event.altKey);
        return;
      }
      case " ":
        if (target === this.viewport || this._focusedItem()) {
          this.pointer.spaceHeld = true;
          this.viewport.classList.add("is-space-held");
          event.preventDefault();
        }
        return;
      case "+":
      case "=":
        this.renderer.zoomCentre(ZOOM_STEP);
        event.preventDefault();
        return;
      case "-":
      case "_":
        this.renderer.zoomCentre(1 / ZOOM_STEP);
        event.preventDefault();
        return;
      case "0":
        this.renderer.setCamera({ zoom: 1 });
        this.renderer.fitAll();
        event.preventDefault();
        return;
      case "?":
        this.openHelp();
        event.preventDefault();
        return;
      case "]":
        this.reorder(true);
        return;
      case "[":
        this.reorder(false);
        return;
      default:
        break;
    }
    if (!this.canEdit() && lower !== "v" && lower !== "h" && lower !== "i") return;
    if (lower === "i") {
      const id = this._focusedItem() ?? (this.selection.size === 1 ? [...this.selection][0] : null);
      if (id && this.schema.isTyped(this.state.get(id)?.type)) {
        event.preventDefault();
        this.canvas.inspect("board", id, { focus: true });
      }
    } else if (lower === "c") {
      event.preventDefault();
      const id = this._focusedItem() ?? (this.selection.size === 1 ? [...this.selection][0] : null);
      this.setTool("connector");
      if (id && isSpatial(this.state.get(id))) this.connectFrom(id);
    } else if (CREATE_KEYS[lower]) {
      event.preventDefault();
      this.createAtCentre(CREATE_KEYS[lower]);
    } else if (TOOL_KEYS[lower]) {
      event.preventDefault();
      this.setTool(TOOL_KEYS[lower]);
    }
  }
}

function start() {
  const root = document.getElementById("board-root");
  if (root && !root.dataset.started) {
    root.dataset.started = "true";
    new BoardApp(root);
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
