// The controls of the conductor's panel, shared by its sections (conductor.js, decisions.js):
// a button carries its action in a data attribute (`data-conduct` by default), a field is a
// labelled input, a section has its heading.

import { el } from "./panel_dom.js";

export { el };

export function button(label, action, extra = {}, attribute = "conduct") {
  const node = el("button", "board-button conductor-button", label);
  node.type = "button";
  node.dataset[attribute] = action;
  Object.assign(node.dataset, extra);
  return node;
}

let fieldCounter = 0;

export function field(labelText, input) {
  const id = `conductor-field-${++fieldCounter}`;
  input.id = id;
  const label = el("label", "conductor-label", labelText);
  label.htmlFor = id;
  const wrap = el("div", "conductor-field");
  wrap.append(label, input);
  return wrap;
}

export function section(title, className = "") {
  const node = el("section", `conductor-section ${className}`.trim());
  node.append(el("h3", "conductor-heading", title));
  return node;
}
