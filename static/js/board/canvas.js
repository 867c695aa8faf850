// The typed canvas around the board: the palette of card types and the connector's edge type,
// the inspector (a form from the schema), the actions and templates menus with run_action,
// the check's findings, the project's other session boards watched on the same socket (names
// of project references, the actor registry), and the stakeholder views (salience, registry).
// Everything here reads the board schema (schema.js); no visible string is written here.

import { editableField } from "./editor.js";
import { excerpt, t } from "./i18n.js";
import { formatItalianNumber } from "./numbers.js";
import { CanvasSchema, formatNumber, parseValue } from "./schema.js";
import { BoardConnection } from "./socket.js";
import { SALIENCE_ATTRIBUTES, VENN, vennAnchor } from "./stakeholders.js";
import { BoardState } from "./state.js";

const SVG = "http://www.w3.org/2000/svg";
const SALIENCE_ORDER = ["definitive", "dominant", "dangerous", "dependent", "dormant", "discretionary", "demanding", "none"];
// Actions whose arguments come from the selection: {arg: type of the one selected item}.
const ACTION_ARGS = { promote_pestel_factor: { factor_id: "pestel_factor" } };
const REASONS = {
  number: "Write a number.",
  ambiguous: "Is the dot a thousands separator or the decimal point? Write 1234, or 1,234 with a comma for the decimals.",
  range: "The value is out of range (%(min)s to %(max)s).",
  whole: "Write a whole number.",
  required: "This field cannot be empty.",
  long: "The text is too long: your change was not saved.",
};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

/** One of the project's other boards, followed on our socket without presence. */
class WatchedBoard {
  constructor(app, kind, boardId, rawSchema, onChange) {
    this.kind = kind;
    this.boardId = boardId;
    this.schema = new CanvasSchema(rawSchema);
    this.mayEdit = false;
    this.state = new BoardState({ onChange });
    this.state.isEdgeType = (type) => this.schema.isEdgeType(type);
    this.connection = new BoardConnection({
      boardId,
      state: this.state,
      socket: app.connection.socket,
      watch: true,
      on: {
        joined: (ack) => {
          this.mayEdit = Boolean(ack.can_edit) && !ack.board?.locked;
          onChange(new Set());
        },
        refused: () => app.toasts.show(t("You are not allowed to make this change."), { tone: "error" }),
      },
    });
  }

  commit(ops) {
    if (!this.mayEdit) return null;
    const entry = this.state.change(ops);
    this.connection.flush();
    return entry;
  }
}

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
    this.panelMode = null; // "inspector" | "findings" | "salience" | "registry"
    this.sort = { key: "name", dir: 1 };
    this.findings = [];
    this.dirtyPanel = false;

    this.panel = this.root.querySelector("#canvas-panel");
    this.panelTitle = this.root.querySelector("#canvas-panel-title");
    this.panelBody = this.root.querySelector("#canvas-panel-body");
    this.menu = this.root.querySelector("#canvas-menu");
    this.menuButton = this.root.querySelector("[data-canvas='menu']");
    this.palette = this.root.querySelector("#canvas-palette");
    this.edgeSelect = this.root.querySelector("#canvas-edge-type");
    this._buildPalette();
    this._buildMenu();
    this.root.addEventListener("click", (event) => this._click(event));
    this.panel?.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.stopPropagation();
        this.closePanel();
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

  // --- the actions and templates menu ---------------------------------------------------------------

  _buildMenu() {
    if (!this.menu) return;
    const app = this.app;
    const groups = [];
    const actions = this.schema.actions({ mayConduct: app.mayConduct, mayEdit: app.canEdit() });
    if (actions.length) {
      groups.push([
        t("Actions"),
        actions.map((a) => {
          const b = this._menuItem(t(`action.${a.name}`), { canvas: "action", action: a.name });
          if (a.conductor_only) b.append(el("span", "menu-note", t("conductor")));
          return b;
        }),
      ]);
    }
    const templates = this.schema.templates({ mayConduct: app.mayConduct && app.canEdit() });
    if (templates.length) {
      groups.push([t("Templates"), templates.map((name) => this._menuItem(t(`template.${name}`), { canvas: "template", template: name }))]);
    }
    const views = [];
    if (this.registrySource()) {
      views.push(this._menuItem(t("Salience of the actors"), { canvas: "view", view: "salience" }));
      views.push(this._menuItem(t("Registry of the actors"), { canvas: "view", view: "registry" }));
    }
    if (views.length) groups.push([t("Views"), views]);
    this.menu.replaceChildren(
      ...groups.map(([label, items]) => {
        const section = el("div", "menu-group");
        section.setAttribute("role", "group");
        const id = nextId("menu-group");
        const heading = el("div", "menu-heading", label);
        heading.id = id;
        section.setAttribute("aria-labelledby", id);
        section.append(heading, ...items);
        return section;
      }),
    );
    if (this.menuButton) this.menuButton.hidden = groups.length === 0;
    this._updateActionButtons();
  }

  _menuItem(label, data) {
    const b = el("button", "menu-item");
    b.type = "button";
    b.setAttribute("role", "menuitem");
    for (const [k, v] of Object.entries(data)) b.dataset[k] = v;
    b.append(el("span", "", label));
    return b;
  }

  toggleMenu(open = this.menu.hidden) {
    this.menu.hidden = !open;
    this.menuButton.setAttribute("aria-expanded", String(open));
    if (open) this.menu.querySelector("button:not([disabled])")?.focus();
  }

  /** Actions needing a selected item of a type are usable only with one. */
  _updateActionButtons() {
    for (const b of this.menu?.querySelectorAll("[data-canvas='action']") ?? []) {
      b.disabled = Boolean(ACTION_ARGS[b.dataset.action]) && !this._actionArgs(b.dataset.action);
    }
  }

  _actionArgs(name) {
    const wanted = ACTION_ARGS[name];
    if (!wanted) return {};
    const [only] = this.app.selection.size === 1 ? this.app.selection : [];
    const item = only && this.app.state.get(only);
    const args = {};
    for (const [arg, type] of Object.entries(wanted)) {
      if (item?.type !== type) return null;
      args[arg] = item.id;
    }
    return args;
  }

  async runAction(name, args) {
    const app = this.app;
    const spec = (this.schema.raw.actions ?? []).find((a) => a.name === name);
    if (!spec) return null;
    args ??= this._actionArgs(name) ?? {};
    const busy = this.root.querySelectorAll(`[data-action="${CSS.escape(name)}"]`);
    for (const b of busy) b.setAttribute("aria-busy", "true");
    const label = name === "apply_template" ? t(`template.${args.name}`) : t(`action.${name}`);
    app.announcer.say(t("Running: %(name)s", { name: label }));
    const ack = await app.connection.runAction(name, args, { undoable: spec.changes_board });
    for (const b of busy) b.removeAttribute("aria-busy");
    if (!ack?.ok) {
      app._refused(null, ack?.error ?? {});
      return ack;
    }
    app._updateActions();
    const findings = ack.result?.findings;
    if (Array.isArray(findings)) this.showFindings(name, findings);
    else if (ack.ops?.length) app.toasts.show(t("Done: %(name)s", { name: label }));
    else app.toasts.show(t("Nothing to change: %(name)s", { name: label }));
    if (name === "apply_template" && ack.result?.created?.length) {
      app.renderer.flush();
      app.renderer.fitAll();
    }
    return ack;
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
    } else if (this.panelMode !== "findings") {
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

  // --- the inspector ----------------------------------------------------------------------------------

  inspect(sourceKey, id, { focus = false } = {}) {
    const src = this._source(sourceKey);
    const item = src?.state.get(id);
    if (!item) return;
    this.inspecting = { source: sourceKey, id };
    this.openPanel("inspector", t(`type.${item.type}`));
    this._renderInspector({ rebuild: true });
    if (focus) this.panelBody.querySelector("input, textarea, select, button")?.focus();
  }

  _renderInspector({ rebuild = false } = {}) {
    const src = this.inspecting && this._source(this.inspecting.source);
    const item = src?.state.get(this.inspecting.id);
    if (!item) {
      this.closePanel();
      return;
    }
    const canEdit = src.canEdit() && (src.key !== "board" || this.app.canChange(item));
    const form = src.schema.form(item.type, { mayEdit: canEdit, mayConduct: this.app.mayConduct });
    const key = `${src.key}:${item.id}:${canEdit}`;
    if (rebuild || this.panelBody.dataset.key !== key) {
      this.panelBody.dataset.key = key;
      const wrap = el("form", "inspector");
      wrap.noValidate = true;
      wrap.addEventListener("submit", (e) => e.preventDefault());
      if (src.key !== "board") wrap.append(el("p", "inspector-note", t("This item lives on another board of the project: changes are saved there.")));
      if (!canEdit) wrap.append(el("p", "inspector-note", t("Read only")));
      for (const field of form) wrap.append(this._fieldRow(src, item, field));
      this.panelBody.replaceChildren(wrap);
    }
    // Refresh values, leaving alone the field being typed in.
    for (const field of form) {
      const control = this.panelBody.querySelector(`[data-field="${CSS.escape(field.name)}"]`);
      if (!control || control.contains(document.activeElement)) continue;
      this._setValue(src, item, field, control);
    }
  }

  _fieldRow(src, item, field) {
    const row = el("div", `field-row field-${field.control}${field.derived ? " is-derived" : ""}`);
    const id = nextId("insp");
    const label = t(`field.${item.type}.${field.name}`);
    let control;
    switch (field.control) {
      case "textarea":
        control = el("textarea");
        control.rows = field.name === src.schema.type(item.type).title_field ? 3 : 2;
        if (field.maxLength) control.maxLength = field.maxLength;
        break;
      case "text":
      case "url":
        control = el("input");
        control.type = field.control === "url" ? "url" : "text";
        if (field.maxLength) control.maxLength = field.maxLength;
        break;
      case "number":
        control = el("input");
        control.type = "text";
        control.inputMode = "decimal";
        break;
      case "date":
        control = el("input");
        control.type = "date";
        break;
      case "colour":
      case "select":
      case "ref":
      case "project_ref":
        control = el("select");
        break;
      case "checkbox":
        control = el("input");
        control.type = "checkbox";
        break;
      case "ref_list":
      case "project_ref_list":
        control = el("select");
        control.multiple = true;
        control.size = 4;
        break;
      case "ends":
        control = el("output");
        break;
      default:
        control = el("input");
    }
    control.id = id;
    control.dataset.field = field.name;
    const labelNode = el(field.control === "ends" ? "span" : "label", "field-label", label);
    if (field.control !== "ends") labelNode.htmlFor = id;
    if (field.derived) labelNode.append(el("span", "field-derived", ` · ${t("computed")}`));
    if (field.readOnly && control.tagName !== "OUTPUT") {
      if ("readOnly" in control && control.tagName !== "SELECT" && control.type !== "checkbox") control.readOnly = true;
      else control.disabled = true;
    }
    const hint = el("p", "field-error");
    hint.id = `${id}-error`;
    hint.hidden = true;
    control.setAttribute("aria-describedby", hint.id);
    if (field.control === "checkbox") {
      row.append(control, labelNode, hint);
    } else {
      row.append(labelNode, control, hint);
    }
    if (field.number !== undefined || field.control === "number") {
      control.dataset.min = field.min;
      control.dataset.max = field.max;
    }
    if (!field.readOnly) {
      const commit = () => this._commitField(src, item.id, field, control, hint);
      control.addEventListener("change", commit);
      if (control.tagName === "TEXTAREA") {
        control.addEventListener("keydown", (e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) commit();
        });
      }
    }
    if ((field.control === "project_ref" || field.control === "ref") && !field.readOnly) {
      // nothing more: the select lists the allowed items
    }
    if (field.control === "project_ref" || field.control === "project_ref_list") {
      const open = el("button", "link-button field-open", t("Show"));
      open.type = "button";
      open.dataset.canvas = "open-ref";
      open.dataset.field = "";
      open.dataset.kind = field.boardKind;
      open.dataset.for = id;
      row.append(open);
    }
    return row;
  }

  _options(src, item, field) {
    const s = src.schema;
    if (field.control === "select") {
      const opts = field.options.map((v) => [v, t(`choice.${item.type}.${field.name}.${v}`)]);
      return field.nullable ? [["", t("(none)")], ...opts] : opts;
    }
    if (field.control === "colour") {
      return ["yellow", "orange", "red", "pink", "purple", "blue", "teal", "green", "grey", "white"].map((c) => [c, t(`colour.${c}`)]);
    }
    let pool;
    let schema = s;
    if (field.control.startsWith("project_ref")) {
      const w = this.watched.get(field.boardKind);
      pool = w ? [...w.state.items()] : [];
      schema = w?.schema ?? s;
    } else {
      pool = [...src.state.items()];
    }
    const allowed = field.types?.length ? new Set(field.types) : null;
    const items = pool
      .filter((it) => it.id !== item.id && (!allowed || allowed.has(it.type)) && !schema.isEdge(it))
      .map((it) => [it.id, this._name(it, schema)])
      .sort((a, b) => a[1].localeCompare(b[1]));
    const single = field.control === "ref" || field.control === "project_ref";
    return single ? [["", t("(none)")], ...items] : items;
  }

  _name(item, schema = this.schema) {
    const text = schema.title(item) || item.fields.text || item.fields.title || "";
    return excerpt(text || t(`type.${item.type}`), 40);
  }

  _setValue(src, item, field, control) {
    const value = item.fields[field.name];
    if (control.tagName === "SELECT") {
      const options = this._options(src, item, field);
      const wanted = Array.isArray(value) ? value : [value ?? ""];
      // A reference to an item gone elsewhere is shown as such (project refs do not cascade).
      for (const v of wanted) {
        if (v && !options.some(([id]) => id === v)) options.push([v, t("(deleted item)")]);
      }
      const key = JSON.stringify(options);
      if (control.dataset.options !== key) {
        control.dataset.options = key;
        control.replaceChildren(
          ...options.map(([v, text]) => {
            const o = el("option", "", text);
            o.value = v;
            return o;
          }),
        );
      }
      for (const o of control.options) o.selected = wanted.includes(o.value);
    } else if (control.type === "checkbox") {
      control.checked = Boolean(value);
    } else if (control.tagName === "OUTPUT") {
      const ref = src.state.get(value);
      control.textContent = ref ? this._name(ref, src.schema) : t("(deleted item)");
    } else if (field.kind === "number") {
      control.value = value === null || value === undefined ? "" : field.derived ? formatNumber(value, { integer: field.step === 1 }) : formatItalianNumber(value);
    } else {
      control.value = value ?? "";
    }
  }

  _commitField(src, id, field, control, hint) {
    let raw;
    if (control.tagName === "SELECT" && control.multiple) raw = [...control.selectedOptions].map((o) => o.value);
    else if (control.type === "checkbox") raw = control.checked;
    else raw = control.value;
    const parsed = parseValue(field, raw);
    if (!parsed.ok) {
      hint.hidden = false;
      hint.textContent = t(REASONS[parsed.reason], { min: field.min, max: field.max });
      control.setAttribute("aria-invalid", "true");
      return;
    }
    hint.hidden = true;
    control.removeAttribute("aria-invalid");
    const item = src.state.get(id);
    if (!item) return;
    const current = item.fields[field.name];
    if (JSON.stringify(current ?? null) === JSON.stringify(parsed.value)) return;
    src.commit([{ op: "update", id, fields: { [field.name]: parsed.value } }]);
    this.app.announcer.say(t("Saved: %(field)s", { field: t(`field.${item.type}.${field.name}`) }));
  }

  _openRef(button) {
    const select = this.panelBody.querySelector(`#${CSS.escape(button.dataset.for)}`);
    const value = select?.multiple ? select.selectedOptions[0]?.value : select?.value;
    if (!value || !this.watched.get(button.dataset.kind)?.state.has(value)) {
      this.app.toasts.show(t("Choose an item first."));
      return;
    }
    this.inspect(button.dataset.kind, value, { focus: true });
  }

  // --- the check's findings ---------------------------------------------------------------------------

  showFindings(action, findings) {
    this.findings = findings;
    this.openPanel("findings", t(`action.${action}`));
    const wrap = el("div", "findings");
    if (!findings.length) {
      wrap.append(el("p", "findings-ok", t("No problems found.")));
    } else {
      const list = el("ul", "findings-list");
      findings.forEach((f, index) => {
        const li = el("li", "finding");
        const b = el("button", "finding-button");
        b.type = "button";
        b.dataset.canvas = "finding";
        b.dataset.index = String(index);
        b.append(el("span", "finding-text", t(f.message_key ?? f.code ?? "")));
        const count = Array.isArray(f.item_ids) ? f.item_ids.length : 0;
        if (count) b.append(el("span", "finding-count", t("Items: %(count)s", { count })));
        li.append(b);
        list.append(li);
      });
      wrap.append(list);
    }
    this.panelBody.dataset.key = "";
    this.panelBody.replaceChildren(wrap);
    this.app.announcer.say(
      findings.length ? t("Findings: %(count)s", { count: findings.length }) : t("No problems found."),
    );
    this.panelBody.querySelector("button")?.focus();
  }

  _selectFinding(index) {
    const f = this.findings[index];
    const ids = (f?.item_ids ?? []).filter((id) => this.app.state.has(id));
    if (!ids.length) return;
    this.app.select(ids, { focus: false });
    this.app.renderer.reveal(ids[0]);
    this.app.announcer.say(t("Selected: %(count)s", { count: ids.length }));
  }

  // --- stakeholder views: salience and the registry ---------------------------------------------------

  _actors(src) {
    return [...src.state.items()].filter((it) => it.type === "actor");
  }

  showView(view) {
    const src = this.registrySource();
    if (!src) return;
    this.openPanel(view, view === "salience" ? t("Salience of the actors") : t("Registry of the actors"));
    this.panelBody.dataset.key = "";
    if (view === "salience") this._renderSalience();
    else this._renderRegistry();
    this.panel.querySelector(".panel-close")?.focus();
  }

  _renderSalience() {
    const src = this.registrySource();
    if (!src) return;
    const actors = this._actors(src);
    const byClass = new Map(SALIENCE_ORDER.map((c) => [c, []]));
    for (const a of actors) byClass.get(byClass.has(a.fields.salience_class) ? a.fields.salience_class : "none").push(a);
    const key = JSON.stringify([...byClass].map(([c, list]) => [c, list.map((a) => [a.id, a.fields.name])]));
    if (this.panelBody.dataset.key === key) return;
    this.panelBody.dataset.key = key;

    const figure = el("figure", "salience");
    const art = svg("svg", { viewBox: `0 0 ${VENN.width} ${VENN.height}`, class: "venn", role: "img" });
    art.setAttribute("aria-label", t("Three circles: power, legitimacy, urgency; the number of actors in each region."));
    for (const attr of SALIENCE_ATTRIBUTES) {
      const [cx, cy] = VENN.circles[attr];
      art.append(svg("circle", { cx, cy, r: VENN.r, class: `venn-circle venn-${attr}` }));
    }
    const labelAt = { power: [4, 16, "start"], legitimacy: [296, 16, "end"], urgency: [150, 272, "middle"] };
    for (const attr of SALIENCE_ATTRIBUTES) {
      const [x, y, anchor] = labelAt[attr];
      const text = svg("text", { x, y, class: "venn-label", "text-anchor": anchor });
      text.textContent = t(`field.actor.salience_${attr}`);
      art.append(text);
    }
    for (const cls of SALIENCE_ORDER) {
      const anchor = vennAnchor(cls);
      const n = byClass.get(cls).length;
      if (!anchor || !n) continue;
      const badge = svg("text", { x: anchor[0], y: anchor[1] + 5, class: "venn-count", "text-anchor": "middle" });
      badge.textContent = String(n);
      art.append(badge);
    }
    figure.append(art);
    const lists = el("div", "salience-lists");
    for (const cls of SALIENCE_ORDER) {
      const list = byClass.get(cls);
      if (!list.length) continue;
      const section = el("section", `salience-class class-${cls}`);
      const h = el("h3", "salience-heading", `${t(`choice.actor.salience_class.${cls}`)} (${list.length})`);
      const ul = el("ul", "salience-actors");
      for (const a of list.sort((x, y) => String(x.fields.name).localeCompare(String(y.fields.name)))) {
        const li = el("li");
        const b = el("button", "link-button", a.fields.name || t("untitled"));
        b.type = "button";
        b.dataset.canvas = "actor";
        b.dataset.id = a.id;
        b.dataset.source = src.key;
        li.append(b);
        ul.append(li);
      }
      section.append(h, ul);
      lists.append(section);
    }
    if (!actors.length) lists.append(el("p", "inspector-note", t("No actors yet.")));
    this.panelBody.replaceChildren(figure, lists);
  }

  _renderRegistry() {
    const src = this.registrySource();
    if (!src) return;
    const actors = this._actors(src);
    const { key: sortKey, dir } = this.sort;
    const value = (a, k) => {
      const v = a.fields[k];
      if (typeof v === "number") return v;
      if (k === "macro_type" || k === "engagement" || k === "quadrant" || k === "salience_class") return t(`choice.actor.${k}.${v}`);
      return String(v ?? "").toLocaleLowerCase();
    };
    actors.sort((a, b) => {
      const x = value(a, sortKey);
      const y = value(b, sortKey);
      return (x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : 1) * dir;
    });
    const canEdit = src.canEdit();
    const stamp = JSON.stringify([sortKey, dir, canEdit, actors.map((a) => [a.id, a.fields.name, a.fields.macro_type, a.fields.engagement, a.fields.power, a.fields.interest, a.fields.quadrant, a.fields.salience_class])]);
    if (this.panelBody.dataset.key === stamp) return;
    const active = document.activeElement;
    if (active && this.panelBody.contains(active) && active.matches("input, select")) {
      // Someone is typing in the table: redraw after they leave the field.
      active.addEventListener("blur", () => this._schedulePanel(), { once: true });
      return;
    }
    this.panelBody.dataset.key = stamp;
    const columns = [
      ["name", t(`field.actor.name`), "text"],
      ["macro_type", t(`field.actor.macro_type`), "select"],
      ["engagement", t(`field.actor.engagement`), "select"],
      ["power", t(`field.actor.power`), "number"],
      ["interest", t(`field.actor.interest`), "number"],
      ["quadrant", t(`field.actor.quadrant`), "derived"],
      ["salience_class", t(`field.actor.salience_class`), "derived"],
    ];
    const wrap = el("div", "registry");
    const links = this.root.querySelector("#canvas-registry-links");
    if (links && this.app.mayConduct) {
      const copy = links.cloneNode(true);
      copy.hidden = false;
      copy.removeAttribute("id");
      wrap.append(copy);
    }
    const scroller = el("div", "registry-scroll");
    scroller.tabIndex = 0;
    scroller.setAttribute("role", "region");
    scroller.setAttribute("aria-label", t("Registry of the actors"));
    const table = el("table", "registry-table");
    const caption = el("caption", "visually-hidden", t("Actors: %(count)s", { count: actors.length }));
    const thead = el("thead");
    const headRow = el("tr");
    for (const [k, label] of columns) {
      const th = el("th");
      th.scope = "col";
      th.setAttribute("aria-sort", k === sortKey ? (dir > 0 ? "ascending" : "descending") : "none");
      const b = el("button", "sort-button", label);
      b.type = "button";
      b.dataset.canvas = "sort";
      b.dataset.key = k;
      th.append(b);
      headRow.append(th);
    }
    thead.append(headRow);
    const tbody = el("tbody");
    const spec = src.schema.type("actor");
    for (const a of actors) {
      const tr = el("tr");
      tr.dataset.id = a.id;
      for (const [k, label, kind] of columns) {
        const cell = k === "name" ? el("th") : el("td");
        if (k === "name") cell.scope = "row";
        const v = a.fields[k];
        if (kind === "text" && canEdit) {
          const input = el("input", "registry-input");
          input.value = v ?? "";
          input.maxLength = spec.fields.name?.max_chars ?? 200;
          input.setAttribute("aria-label", `${label}: ${v ?? ""}`);
          input.dataset.canvas = "registry-edit";
          input.dataset.id = a.id;
          input.dataset.field = k;
          cell.append(input);
        } else if (kind === "select" && canEdit && spec.fields[k]) {
          const select = el("select", "registry-input");
          for (const opt of spec.fields[k].values) {
            const o = el("option", "", t(`choice.actor.${k}.${opt}`));
            o.value = opt;
            o.selected = opt === v;
            select.append(o);
          }
          select.setAttribute("aria-label", `${label}: ${a.fields.name ?? ""}`);
          select.dataset.canvas = "registry-edit";
          select.dataset.id = a.id;
          select.dataset.field = k;
          cell.append(select);
        } else if (kind === "number") {
          cell.textContent = formatNumber(v);
          cell.className = "num";
        } else if (kind === "select" || kind === "derived") {
          cell.textContent = v ? t(`choice.actor.${k}.${v}`) : "";
          if (kind === "derived") cell.className = "is-derived";
        } else {
          cell.textContent = v ?? "";
        }
        tr.append(cell);
      }
      tbody.append(tr);
    }
    table.append(caption, thead, tbody);
    scroller.append(table);
    wrap.append(scroller);
    if (!actors.length) wrap.append(el("p", "inspector-note", t("No actors yet.")));
    this.panelBody.replaceChildren(wrap);
    wrap.addEventListener("change", (e) => {
      const c = e.target.closest("[data-canvas='registry-edit']");
      if (!c) return;
      const cur = src.state.get(c.dataset.id);
      const value = c.dataset.field === "name" ? c.value.slice(0, 200) : c.value;
      if (!cur || cur.fields[c.dataset.field] === value) return;
      this._source(src.key).commit([{ op: "update", id: c.dataset.id, fields: { [c.dataset.field]: value } }]);
      this.app.announcer.say(t("Saved: %(field)s", { field: t(`field.actor.${c.dataset.field}`) }));
    });
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
      case "finding":
        this._selectFinding(Number(b.dataset.index));
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

  /** Escape closes the menu first. */
  onEscape() {
    if (this.menu && !this.menu.hidden) {
      this.toggleMenu(false);
      this.menuButton.focus();
      return true;
    }
    return false;
  }
}
