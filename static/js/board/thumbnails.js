// The live thumbnails of the conductor's "Rooms" section: each group's board drawn small from
// the server's `thumbnail_changed` items ([type, x, y, w, h, colour] each).

const SVG_NS = "http://www.w3.org/2000/svg";
const THUMB_W = 240; // px: a thumbnail's drawing box
const THUMB_H = 150;

/** A compact drawing of a board: one rectangle per spatial item, fitted in the box. */
export function thumbnailSvg(items, label) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("class", "room-thumb");
  svg.setAttribute("width", String(THUMB_W));
  svg.setAttribute("height", String(THUMB_H));
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  if (!items.length) {
    svg.setAttribute("viewBox", `0 0 ${THUMB_W} ${THUMB_H}`);
    return svg;
  }
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [, x, y, w, h] of items) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x + w);
    maxY = Math.max(maxY, y + h);
  }
  const pad = 20;
  svg.setAttribute("viewBox", `${minX - pad} ${minY - pad} ${maxX - minX + pad * 2} ${maxY - minY + pad * 2}`);
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  // Frames first, under everything, as on the board.
  const ordered = [...items].sort((a, b) => (a[0] === "frame" ? 0 : 1) - (b[0] === "frame" ? 0 : 1));
  for (const [type, x, y, w, h, colour] of ordered) {
    const rect = document.createElementNS(SVG_NS, "rect");
    for (const [k, v] of Object.entries({ x, y, width: w, height: h, rx: type === "sticky" ? 4 : 2 })) rect.setAttribute(k, String(v));
    rect.setAttribute("class", `thumb-item thumb-${type}`);
    if (typeof colour === "string" && colour.startsWith("#")) rect.style.fill = colour;
    else rect.classList.add(`thumb-c-${colour}`);
    svg.append(rect);
  }
  return svg;
}
