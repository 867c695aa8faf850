// Editing text in place: a textarea laid over the item, in board coordinates so it zooms with
// it. Enter commits (Shift+Enter starts a new line), Escape leaves and keeps the text, a click
// elsewhere commits too. One edit is one change.

import { t } from "./i18n.js";
import { boxOf, isSpatial } from "./render.js";

const FIELD_BY_TYPE = { sticky: "text", text: "text", shape: "text", frame: "title", connector: "label" };
const LIMITS = { sticky: 2000, text: 5000, shape: 300, frame: 200, connector: 300 };

let schema = null; // a CanvasSchema (schema.js): typed cards edit their title field in place

export function useSchema(canvasSchema) {
  schema = canvasSchema;
}

export function editableField(item) {
  if (!item) return null;
  if (FIELD_BY_TYPE[item.type]) return FIELD_BY_TYPE[item.type];
  const spec = schema?.type(item.type);
  if (!spec || schema.isZone(item.type)) return null;
  const name = spec.title_field ?? (spec.edge && spec.fields.label ? "label" : null);
  return name && spec.fields[name]?.kind === "text" ? name : null;
}

function limitOf(item, field) {
  return LIMITS[item.type] ?? schema?.type(item.type)?.fields?.[field]?.max_chars ?? 2000;
}

export class TextEditor {
  constructor(app) {
    this.app = app;
    this.id = null;
    this.area = null;
  }

  get active() {
    return this.id !== null;
  }

  open(id) {
    const { state, renderer } = this.app;
    const item = state.get(id);
    const field = editableField(item);
    if (!field || !this.app.canChange(item)) return false;
    this.close(true);
    this.id = id;
    this.field = field;
    this.original = item.fields[field] ?? "";
    const area = document.createElement("textarea");
    area.className = `item-editor item-editor-${item.type}`;
    area.value = this.original;
    area.maxLength = limitOf(item, field);
    area.setAttribute("aria-label", t("Edit the text. Enter saves, Shift+Enter starts a new line, Escape leaves."));
    area.spellcheck = true;
    this._place(area, item);
    area.addEventListener("keydown", (event) => this._onKey(event));
    area.addEventListener("blur", () => this.close(true));
    renderer.overlay.append(area);
    renderer.setHidden(item.type === "connector" ? [] : [id]);
    this.area = area;
    area.focus({ preventScroll: true });
    area.setSelectionRange(area.value.length, area.value.length);
    return true;
  }

  _place(area, item) {
    if (isSpatial(item)) {
      const box = boxOf(item);
      area.style.transform = `translate(${box.x}px, ${box.y}px)`;
      area.style.width = `${Math.max(box.w, 120)}px`;
      area.style.height = `${item.type === "frame" ? 44 : Math.max(box.h, 48)}px`;
    } else {
      const from = this.app.state.get(item.fields.from);
      const to = this.app.state.get(item.fields.to);
      const a = from ? boxOf(from) : { x: 0, y: 0, w: 0, h: 0 };
      const b = to ? boxOf(to) : a;
      const x = (a.x + a.w / 2 + b.x + b.w / 2) / 2;
      const y = (a.y + a.h / 2 + b.y + b.h / 2) / 2;
      area.style.transform = `translate(${x - 110}px, ${y - 22}px)`;
      area.style.width = "220px";
      area.style.height = "44px";
    }
  }

  _onKey(event) {
    event.stopPropagation(); // board shortcuts do not apply while typing
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.close(true);
    } else if (event.key === "Escape") {
      event.preventDefault();
      this.close(true);
    }
  }

  /** Leave the editor; with `commit`, send the new text as one change if it differs. */
  close(commit) {
    if (this.id === null) return;
    const { id, field, original, area } = this;
    this.id = null;
    this.area = null;
    const value = area.value;
    area.remove();
    this.app.renderer.setHidden([]);
    if (commit && value !== original && this.app.state.has(id)) {
      // The first words of a note just made belong to its creation: one undo removes both.
      const history = this.app.state.justCreated(id) ? "none" : undefined;
      this.app.commit([{ op: "update", id, fields: { [field]: value } }], history);
    }
    const node = this.app.renderer.element(id);
    if (node) node.focus({ preventScroll: true });
    else this.app.viewport.focus({ preventScroll: true });
  }
}
