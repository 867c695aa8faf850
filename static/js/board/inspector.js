// The inspector: a form from the schema for one typed card (of this board or of a watched
// one). Methods of CanvasUI (canvas.js mixes them in); they read its state.

import { excerpt, t } from "./i18n.js";
import { formatItalianNumber } from "./numbers.js";
import { formatNumber, parseValue } from "./schema.js";
import { el, nextId } from "./panel_dom.js";

const REASONS = {
  number: "Write a number.",
  ambiguous: "Is the dot a thousands separator or the decimal point? Write 1234, or 1,234 with a comma for the decimals.",
  range: "The value is out of range (%(min)s to %(max)s).",
  whole: "Write a whole number.",
  required: "This field cannot be empty.",
  long: "The text is too long: your change was not saved.",
};

export class Inspector {
  // --- the inspector ----------------------------------------------------------------------------------

  inspect(sourceKey, id, { focus = false } = {}) {
    const src = this._source(sourceKey);
    const item = src?.state.get(id);
    if (!item) return;
    this.inspecting = { source: sourceKey, id };
    this.openPanel("inspector", t(`type.${item.type}`));
    this._renderInspector({ rebuild: true });
    // On a phone the inspector opens as a sheet over the board's lower half: the card moves
    // into what is left, clear of the buttons floating there.
    if (sourceKey === "board") this.app.renderer.reveal(id);
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
}
