// The board page: wires the state (state.js), the transport (socket.js), the drawing
// (render.js) and the controls together. The editing verbs live in editing.js and the keyboard
// in keyboard.js; both are mixed into BoardApp, so other modules keep calling `app.select(...)`.

import { CanvasUI } from "./canvas.js";
import { CardPainter } from "./cards.js";
import { Announcer, Presence, StatusIndicator, Toasts } from "./chrome.js";
import { CURSOR_IDLE_HIDE_MS, ZOOM_STEP } from "./config.js";
import { TextEditor, editableField, useSchema } from "./editor.js";
import { errorText } from "./errors.js";
import { loadStrings, t } from "./i18n.js";
import { EditingMethods } from "./editing.js";
import { PointerControls } from "./pointer.js";
import * as P from "./protocol.js";
import { KeyboardMethods } from "./keyboard.js";
import { LayoutManager } from "./layout.js";
import { phaseRule } from "./phases.js";
import { firstHint, isCard } from "./hint.js";
import { BoardRenderer, describe, linkDescription, shortName, useCards } from "./render.js";
import { loadSchema } from "./schema.js";
import { BoardConnection, STATUS } from "./socket.js";
import { BoardState, randomId } from "./state.js";
import { RoomsClient } from "./rooms.js";
import { CallClient } from "./call.js";
import { ViewMethods } from "./viewport.js";
import { KeyGate } from "./shortcuts.js";
import { InputExtras } from "./input.js";
import { BoardList } from "./a11y-tree.js";
import { KeyNav } from "./keynav.js";

const TOOLS = ["select", "hand", "sticky", "text", "shape", "frame", "connector"];

class BoardApp {
  constructor(root) {
    loadStrings();
    this.root = root;
    this.boardId = Number(root.dataset.boardId);
    this.mayEdit = root.dataset.canEdit === "true";
    this.mayConduct = root.dataset.canConduct === "true";
    this.locked = false;
    this.ended = false;
    this.phase = null; // the live room's phase (rooms.js): what participants may do now
    this.tool = "select";
    this.colour = "yellow";
    this.selection = new Set();
    this.connectSource = null;
    this.keyMove = null;
    this.cursors = new Map();

    this.viewport = root.querySelector("#board-viewport");
    this.layout = new LayoutManager(root); // every panel in its own region (layout.js)
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
    this.renderer = new BoardRenderer({
      viewport: this.viewport,
      state: this.state,
      onCamera: (c) => this._cameraChanged(c),
      bands: () => this._bandReach(),
    });
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
    this.keys = new KeyGate(this); // which key presses are the board's (shortcuts.js)
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
    this.conductor = null;
    if (this.mayConduct) this._loadConductor();
    this.call = new CallClient(this); // camera and microphone (call.js)
    this.input = new InputExtras(this); // link handles, link labels, the card menu (input.js)
    // Tests and the measuring harness read the client's state here; nothing else uses it.
    window.tavoloBoard = this;
  }

  /** The conductor's panel and its modules come to conductors only: a participant's phone
   * does not download them. Drawn from the session's current state once loaded. */
  async _loadConductor() {
    let module;
    try {
      module = await import("./conductor.js");
    } catch {
      // The panel could not be fetched (the network dropped as the page opened): say so; a
      // reload brings it.
      this.toasts.show(t("The server did not answer: try again."), { tone: "error", key: "conductor" });
      return;
    }
    this.conductor = new module.ConductorPanel(this, this.rooms);
    this.conductor.syncFrameButton();
  }

  // --- rights --------------------------------------------------------------------------------

  canEdit() {
    return this.mayEdit && !this.ended && (!this.locked || this.mayConduct) && this.phaseRule.edit;
  }

  /** May this person add items now (a phase may allow editing but not creating)? */
  canCreate() {
    return this.canEdit() && this.phaseRule.create;
  }

  get phaseRule() {
    return phaseRule(this.phase, this.mayConduct);
  }

  /** The sentence that says why the phase turns tools off ("" when it does not). */
  get phaseReason() {
    return this.phaseRule.reason;
  }

  /** The room's phase changed (rooms.js): turn the tools it forbids off, and say why. */
  setPhase(phase) {
    if ((phase ?? null) === this.phase) return;
    this.phase = phase ?? null;
    // The last refusal spoke of the phase that ended: it goes with it.
    for (const toast of this.toasts.node.querySelectorAll('.toast[data-key="refused"]')) toast.remove();
    this._applyRights();
    this.canvas?._schedulePanel(); // the inspector's read-only state follows the phase
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
    // Tools that add items: off when the phase lets people edit but not add (cluster).
    const creatable = this.canCreate();
    const phaseOff = Boolean(this.phaseReason) && !this.ended && this.mayEdit && !(this.locked && !this.mayConduct);
    for (const button of this.root.querySelectorAll('.tool-button[data-tool]:not([data-tool="select"]):not([data-tool="hand"]), .palette-button')) {
      button.disabled = !creatable;
      if (phaseOff) button.setAttribute("aria-describedby", "board-notice");
      else button.removeAttribute("aria-describedby");
    }
    this.root.classList.toggle("is-phase-limited", phaseOff);
    let message = "";
    if (this.ended) message = "";
    else if (!this.mayEdit) message = t("You are observing: you can look at the board but not change it.");
    else if (this.locked && !this.mayConduct) message = t("The conductor has locked this board: you can look but not change it.");
    else if (this.locked) message = t("This board is locked for participants. As a conductor you can still change it.");
    else if (phaseOff) message = this.phaseReason;
    this.rightsMessage = message;
    this._showNotice();
    if (!creatable && !["select", "hand"].includes(this.tool)) this.setTool("select");
    this._updateActions();
  }

  /** The notice above the board: what the rights or the phase say, else the first hint. */
  _showNotice() {
    const message = this.rightsMessage || this._firstHint();
    this.notice.hidden = !message;
    if (this.notice.textContent !== message) this.notice.textContent = message;
  }

  /** An empty board tells the person what to do now (hint.js). */
  _firstHint() {
    if (this.ended || !this.joinedOnce) return "";
    this.hasCards ??= [...this.state.view.values()].some((item) => isCard(item, this.schema));
    return firstHint({
      hasCards: this.hasCards,
      canCreate: this.canCreate(),
      firstType: this.schema.cardTypes()[0] ?? null,
      phase: this.phase,
      private: this.root.classList.contains("is-private-writing"),
    });
  }

  /** Keep the hint true as cards come and go: a full count only when one may have gone. */
  _updateHint(ids) {
    const before = this.hasCards;
    if (before === true) {
      if ([...ids].some((id) => !this.state.has(id))) this.hasCards = undefined;
    } else if (before === false) {
      if ([...ids].some((id) => isCard(this.state.get(id), this.schema))) this.hasCards = true;
    }
    if (this.hasCards !== before) this._showNotice();
  }

  // --- joining and remote events ----------------------------------------------------------------

  _joined(ack) {
    performance.mark("board:joined");
    this.mayEdit = Boolean(ack.can_edit);
    this.mayConduct = Boolean(ack.can_conduct);
    this.locked = Boolean(ack.board?.locked);
    this.state.author = ack.me ? { name: ack.me.name } : null;
    this.presence.reset(ack.me, ack.peers ?? []);
    this.joinedOnce = true;
    this.hasCards = undefined; // counted afresh from the joined board's items
    this._applyRights();
    this.canvas.startWatching();
    this.renderer.flush();
    if (this.firstLoad) {
      this.firstLoad = false;
      // Words a person can read, on the part that matters (viewport.js), never a field of dots.
      this.fitReadable();
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
    // One message at a time (toasts replace the last refusal), and never a raw code (errors.js).
    const phase = code === P.PHASE_FORBIDS ? this.phaseReason : "";
    this.toasts.show(phase || messages[code] || errorText(code), { tone: "error", key: "refused" });
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
    this.conductor?.syncFrameButton();
    this.input?.changed(ids);
    this._updateHint(ids);
  }

  /** Make a change of our own: shown at once, sent in order. */
  commit(ops, history) {
    if (!this.canEdit()) return null;
    const entry = this.state.change(ops, history ? { history } : undefined);
    this.connection.flush();
    this._updateActions();
    return entry;
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
        "zoom-reset": () => this.fitReadable(),
        "zoom-whole": () => this.fitWhole(),
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
    // Only when it changes: a pan must not touch the page outside the board (layout.js watches).
    const label = `${Math.round(camera.zoom * 100)}%`;
    if (this.zoomLabel && this.zoomLabel.textContent !== label) this.zoomLabel.textContent = label;
    this.rooms?.cameraChanged(camera);
    if (camera.zoom !== this.handlesZoom) {
      this.handlesZoom = camera.zoom;
      this.input?.handles.zoomed();
    }
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
    this.hasCards = undefined;
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

}

/** Copy a methods class's methods onto the app (editing.js, keyboard.js). */
function mixin(target, source) {
  for (const name of Object.getOwnPropertyNames(source.prototype)) {
    if (name !== "constructor") Object.defineProperty(target.prototype, name, Object.getOwnPropertyDescriptor(source.prototype, name));
  }
}
mixin(BoardApp, EditingMethods);
mixin(BoardApp, KeyboardMethods);
mixin(BoardApp, ViewMethods);

function start() {
  const root = document.getElementById("board-root");
  if (root && !root.dataset.started) {
    root.dataset.started = "true";
    new BoardApp(root);
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
