// The typed canvas around the board: the palette of card types and the connector's edge type,
// the side panel, and the clicks of its controls. Its other concerns live in a module each and
// are mixed into CanvasUI: the "Method" menu and findings (method_menu.js), the inspector
// (inspector.js), the stakeholder views (stakeholder_views.js); the project's other boards are
// followed by watched.js. Everything here reads the board schema (schema.js); no visible string
// is written here.

import { editableField } from "./editor.js";
import { t } from "./i18n.js";
import { Inspector } from "./inspector.js";
import { MethodMenu } from "./method_menu.js";
import { el, mixin } from "./panel_dom.js";
import { StakeholderViews } from "./stakeholder_views.js";
import { WatchedBoard } from "./watched.js";

export class CanvasUI {
  constructor(app, { schema, projectBoards, projectSchemas }) {
    this.app = app;
    this.schema = schema;
    this.root = app.root;
    this.projectBoards = projectBoards ?? {};
    this.projectSchemas = projectSchemas ?? {};
    this.watched = new Map(); // kind -> WatchedBoard
    this.edgeType = "connector";
    this.inspecting = null; // {source: "board" | kind, id}
    this.panelMode = null; // "inspector" | "salience" | "registry"
    this.sort = { key: "name", dir: 1 };
    this.findings = [];
    this.dirtyPanel = false;

    this.panel = this.root.querySelector("#canvas-panel");
    this.panelTitle = this.root.querySelector("#canvas-panel-title");
    this.panelBody = this.root.querySelector("#canvas-panel-body");
    // The check's findings and the candidates have a panel of their own (method_menu.js).
    this.findingsPanel = this.root.querySelector("#canvas-findings");
    this.findingsTitle = this.root.querySelector("#canvas-findings-title");
    this.findingsBody = this.root.querySelector("#canvas-findings-body");
    this.menu = this.root.querySelector("#canvas-menu");
    this.menuButton = this.root.querySelector("[data-canvas='menu']");
    this.palette = this.root.querySelector("#canvas-palette");
    this.edgeSelect = this.root.querySelector("#canvas-edge-type");
    this._buildPalette();
    this._buildMenu();
    this.menu?.setAttribute("role", "menu");
    this.menu?.addEventListener("keydown", (event) => this._menuKey(event));
    this.menuButton?.addEventListener("keydown", (event) => {
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
      event.preventDefault();
      event.stopPropagation();
      this.toggleMenu(true);
      if (event.key === "ArrowUp") this._menuItems().at(-1)?.focus();
    });
    this.root.addEventListener("click", (event) => this._click(event));
    this.panel?.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.stopPropagation();
        this.closePanel();
      }
    });
    this.findingsPanel?.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.stopPropagation();
        this.closeFindings();
      }
    });
  }

  get typed() {
    return this.schema.cardTypes().length > 0 || this.schema.edgeTypes().length > 0;
  }

  // --- watching the project's other boards --------------------------------------------------------

  /** After our own join: follow the boards our project references point to, and the registry. */
  startWatching() {
    const wanted = new Set();
    for (const spec of Object.values(this.schema.types)) {
      for (const f of Object.values(spec.fields ?? {})) if (f.board_kind) wanted.add(f.board_kind);
    }
    if (this.schema.kind !== "stakeholders" && this.projectBoards.stakeholders) wanted.add("stakeholders");
    for (const kind of wanted) {
      const boardId = this.projectBoards[kind];
      if (!boardId || kind === this.schema.kind || this.watched.has(kind)) continue;
      this.watched.set(
        kind,
        new WatchedBoard(this.app, kind, boardId, this.projectSchemas[kind], (ids) => this._watchedChanged(kind, ids)),
      );
    }
    this._buildMenu();
  }

  _watchedChanged(kind, ids) {
    // Names of project references on our cards follow the watched board.
    if (ids.size) this.app.renderer.invalidate(new Set([...this.app.state.view.keys()].filter((id) => this._refersTo(id, ids))));
    if (this.inspecting?.source === kind && ids.has(this.inspecting.id)) this._schedulePanel();
    if (this.panelMode === "salience" || this.panelMode === "registry" || this.panelMode === "inspector") this._schedulePanel();
  }

  _refersTo(id, ids) {
    const item = this.app.state.get(id);
    const spec = this.schema.type(item?.type);
    if (!spec) return false;
    return Object.entries(spec.fields).some(([name, f]) => {
      if (!f.board_kind) return false;
      const v = item.fields[name];
      return Array.isArray(v) ? v.some((x) => ids.has(x)) : ids.has(v);
    });
  }

  /** Where the actors live: this board, or the watched stakeholder board. */
  registrySource() {
    if (this.schema.type("actor")) return { key: "board", state: this.app.state, schema: this.schema, canEdit: () => this.app.canEdit() };
    const w = this.watched.get("stakeholders");
    if (w?.schema.type("actor")) return { key: "stakeholders", state: w.state, schema: w.schema, canEdit: () => w.mayEdit };
    return null;
  }

  _source(key) {
    if (key === "board") {
      return { key, state: this.app.state, schema: this.schema, canEdit: () => this.app.canEdit(), commit: (ops) => this.app.commit(ops) };
    }
    const w = this.watched.get(key);
    return w ? { key, state: w.state, schema: w.schema, canEdit: () => w.mayEdit, commit: (ops) => w.commit(ops) } : null;
  }

  // --- the palette and the connector's edge type ------------------------------------------------------

  _buildPalette() {
    if (!this.palette) return;
    const types = this.schema.cardTypes();
    this.palette.hidden = types.length === 0 && this.schema.edgeTypes().length === 0;
    const list = this.palette.querySelector(".palette-cards");
    list.replaceChildren(
      ...types.map((type) => {
        const b = el("button", "palette-button");
        b.type = "button";
        b.dataset.canvas = "add";
        b.dataset.type = type;
        b.dataset.needsEdit = "";
        const dot = el("span", `palette-dot tone-${this.schema.tone({ type, fields: this.schema.defaults(type) })}`);
        dot.setAttribute("aria-hidden", "true");
        b.append(dot, el("span", "palette-label", t(`type.${type}`)));
        b.title = t("Add: %(type)s", { type: t(`type.${type}`) });
        return b;
      }),
    );
    const edges = this.schema.edgeTypes();
    const field = this.palette.querySelector(".palette-edge");
    field.hidden = edges.length === 0;
    this.edgeSelect.replaceChildren(
      ...["connector", ...edges].map((type) => {
        const o = el("option", "", t(`type.${type}`));
        o.value = type;
        return o;
      }),
    );
    if (edges.length) this.edgeType = edges[0];
    this.edgeSelect.value = this.edgeType;
    this.edgeSelect.addEventListener("change", () => {
      this.edgeType = this.edgeSelect.value;
    });
  }

  /** Add a typed card in the free spot nearest the middle of the view and edit its title. */
  addCard(type) {
    const app = this.app;
    if (!app.canCreate()) {
      if (app.phaseReason) app.toasts.show(app.phaseReason, { key: "refused" });
      return null;
    }
    const size = { w: 240, h: 140 };
    const [x, y] = app.freeSpot(type, size);
    const fields = { ...this.schema.defaults(type), ...this.refsFromSelection(type) };
    const id = app.createAt(type, x, y, { edit: false, size, fields });
    if (id && editableField(app.state.get(id))) app.editor.open(id);
    app.announcer.say(t("Added: %(type)s", { type: t(`type.${type}`) }));
    return id;
  }

  /** A new card's references filled from the one selected item when it fits: an indicator
   * added while an outcome is selected measures that outcome. */
  refsFromSelection(type) {
    const [only] = this.app.selection.size === 1 ? this.app.selection : [];
    const selected = only ? this.app.state.get(only) : null;
    const fields = {};
    if (!selected) return fields;
    for (const [name, f] of Object.entries(this.schema.type(type)?.fields ?? {})) {
      if (f.kind === "ref" && !f.derived && (f.types ?? []).includes(selected.type)) {
        fields[name] = selected.id;
        break;
      }
    }
    return fields;
  }

  /** The edge to create between two items: the chosen type if it fits their types, else the
   * first typed edge that does, else a plain connector. */
  edgeFor(fromId, toId) {
    const a = this.app.state.get(fromId);
    const b = this.app.state.get(toId);
    const fitting = this.schema.edgeTypesBetween(a?.type, b?.type);
    if (this.edgeType !== "connector" && fitting.includes(this.edgeType)) return this.edgeType;
    if (this.edgeType !== "connector" && fitting.length) return fitting[0];
    return "connector";
  }

  // --- the side panel ---------------------------------------------------------------------------------

  openPanel(mode, title) {
    this.panelMode = mode;
    this.panel.hidden = false;
    this.panel.dataset.mode = mode;
    this.panelTitle.textContent = title;
    this.root.classList.add("has-panel");
  }

  closePanel() {
    if (!this.panel || this.panel.hidden) return;
    this.panel.hidden = true;
    this.panelMode = null;
    this.inspecting = null;
    this.root.classList.remove("has-panel");
    const [only] = this.app.selection;
    if (only) this.app.renderer.element(only)?.focus({ preventScroll: true });
    else this.app.viewport.focus({ preventScroll: true });
  }

  /** The findings' panel: `mode` "findings" (the check's) or "candidates". */
  openFindings(mode, title) {
    this.findingsPanel.hidden = false;
    this.findingsPanel.dataset.mode = mode;
    this.findingsTitle.textContent = title;
  }

  closeFindings() {
    if (!this.findingsPanel || this.findingsPanel.hidden) return;
    this.findingsPanel.hidden = true;
    this.app.viewport.focus({ preventScroll: true });
  }

  _schedulePanel() {
    if (this.dirtyPanel) return;
    this.dirtyPanel = true;
    requestAnimationFrame(() => {
      this.dirtyPanel = false;
      this.refreshPanel();
    });
  }

  refreshPanel() {
    if (this.panel?.hidden) return;
    if (this.panelMode === "inspector") this._renderInspector();
    else if (this.panelMode === "salience") this._renderSalience();
    else if (this.panelMode === "registry") this._renderRegistry();
  }

  /** The board's items changed: keep what the panel shows current (cheaply). */
  changed(ids) {
    if (!this.panelMode || this.panel.hidden) return;
    if (this.panelMode === "inspector") {
      if (this.inspecting?.source === "board" && ids.has(this.inspecting.id)) this._schedulePanel();
    } else {
      const src = this.registrySource();
      if (src?.key === "board") this._schedulePanel();
    }
  }

  /** The selection changed: the inspector follows a single typed item. */
  selectionChanged() {
    this._updateActionButtons();
    const [only] = this.app.selection.size === 1 ? this.app.selection : [];
    const item = only && this.app.state.get(only);
    if (item && this.schema.isTyped(item.type)) {
      if (this.panelMode === "inspector" && this.inspecting?.id === only) return;
      if (!this.panelMode || this.panelMode === "inspector") this.inspect("board", only);
    } else if (this.panelMode === "inspector" && this.inspecting?.source === "board") {
      this.closePanel();
    }
  }

  // --- clicks ---------------------------------------------------------------------------------------

  _click(event) {
    const b = event.target.closest("[data-canvas]");
    if (!b || !this.root.contains(b) || b.tagName === "INPUT" || b.tagName === "SELECT") {
      if (this.menu && !this.menu.hidden && !event.target.closest("#canvas-menu, [data-canvas='menu']")) this.toggleMenu(false);
      return;
    }
    switch (b.dataset.canvas) {
      case "add":
        this.addCard(b.dataset.type);
        break;
      case "menu":
        this.toggleMenu();
        break;
      case "action":
        this.toggleMenu(false);
        this.runAction(b.dataset.action);
        break;
      case "template":
        this.toggleMenu(false);
        this.runAction("apply_template", { name: b.dataset.template });
        break;
      case "view":
        this.toggleMenu(false);
        this.showView(b.dataset.view);
        break;
      case "close-panel":
        this.closePanel();
        break;
      case "close-findings":
        this.closeFindings();
        break;
      case "finding":
        this._selectFinding(Number(b.dataset.index));
        break;
      case "pick":
        this._pickCandidate(b.dataset.source, b.dataset.kind);
        break;
      case "sort": {
        const key = b.dataset.key;
        this.sort = { key, dir: this.sort.key === key ? -this.sort.dir : 1 };
        this._renderRegistry();
        this.panelBody.querySelector(`[data-canvas='sort'][data-key='${key}']`)?.focus();
        break;
      }
      case "actor":
        if (b.dataset.source === "board") {
          this.app.select([b.dataset.id], { focus: false });
          this.app.renderer.reveal(b.dataset.id);
        }
        this.inspect(b.dataset.source, b.dataset.id, { focus: true });
        break;
      case "open-ref":
        this._openRef(b);
        break;
      default:
        break;
    }
  }
}

mixin(CanvasUI, MethodMenu);
mixin(CanvasUI, Inspector);
mixin(CanvasUI, StakeholderViews);
