// Small DOM helpers shared by the typed canvas's panels (canvas.js and its parts).

const SVG = "http://www.w3.org/2000/svg";

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

let uid = 0;
export const nextId = (prefix) => `${prefix}-${++uid}`;

/** Copy a part's methods onto the class that owns the state (the canvas is one object whose
 * methods live in a module per concern). */
export function mixin(target, part) {
  for (const name of Object.getOwnPropertyNames(part.prototype)) {
    if (name !== "constructor") Object.defineProperty(target.prototype, name, Object.getOwnPropertyDescriptor(part.prototype, name));
  }
}
