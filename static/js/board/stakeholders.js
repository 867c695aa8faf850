// Stakeholder geometry and salience, pure (no DOM): where on the power/interest grid a value
// lies and back, the quadrant a pair falls in, and which region of the three-circle salience
// Venn a class belongs to. The server derives the stored values; the client uses these to draw
// and to preview a drag.

export const SCALE_MIN = 1;
export const SCALE_MAX = 5;
export const HIGH = 3; // power or interest from here up is "high" (the contract)

// Quadrants as laid out on the grid: power grows upwards, interest to the right.
export const QUADRANTS = Object.freeze([
  { name: "keep_satisfied", high: { power: true, interest: false }, col: 0, row: 0 },
  { name: "manage_closely", high: { power: true, interest: true }, col: 1, row: 0 },
  { name: "monitor", high: { power: false, interest: false }, col: 0, row: 1 },
  { name: "keep_informed", high: { power: false, interest: true }, col: 1, row: 1 },
]);

const round1 = (v) => Math.round(v * 10) / 10;
const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

/** The quadrant of a power/interest pair (as the server derives it). */
export function quadrantOf(power, interest) {
  const p = power >= HIGH;
  const i = interest >= HIGH;
  if (p && i) return "manage_closely";
  if (p) return "keep_satisfied";
  if (i) return "keep_informed";
  return "monitor";
}

/** The power and interest a board point on the grid stands for (one decimal, 1 to 5), or null
 * when the point lies outside the grid. grid: {x, y, w, h}. */
export function gridValues(grid, px, py) {
  if (px < grid.x || px > grid.x + grid.w || py < grid.y || py > grid.y + grid.h) return null;
  const span = SCALE_MAX - SCALE_MIN;
  return {
    interest: clamp(round1(SCALE_MIN + (span * (px - grid.x)) / grid.w), SCALE_MIN, SCALE_MAX),
    power: clamp(round1(SCALE_MIN + (span * (grid.y + grid.h - py)) / grid.h), SCALE_MIN, SCALE_MAX),
  };
}

/** The board point of a power/interest pair on the grid (the inverse of gridValues). */
export function gridPoint(grid, power, interest) {
  const span = SCALE_MAX - SCALE_MIN;
  const p = clamp(power, SCALE_MIN, SCALE_MAX);
  const i = clamp(interest, SCALE_MIN, SCALE_MAX);
  return { x: grid.x + (grid.w * (i - SCALE_MIN)) / span, y: grid.y + grid.h - (grid.h * (p - SCALE_MIN)) / span };
}

/** The box of a quadrant inside the grid: the "high" line (3) splits each axis. */
export function quadrantBox(grid, quadrant) {
  const mid = gridPoint(grid, HIGH, HIGH);
  const q = QUADRANTS.find((entry) => entry.name === quadrant);
  const left = q.col === 0;
  const top = q.row === 0;
  return {
    x: left ? grid.x : mid.x,
    y: top ? grid.y : mid.y,
    w: left ? mid.x - grid.x : grid.x + grid.w - mid.x,
    h: top ? mid.y - grid.y : grid.y + grid.h - mid.y,
  };
}

// --- salience (Mitchell, Agle and Wood): three attributes, eight classes --------------------------

export const SALIENCE_ATTRIBUTES = Object.freeze(["power", "legitimacy", "urgency"]);
const CLASS_BY_KEY = {
  "000": "none",
  100: "dormant",
  "010": "discretionary",
  "001": "demanding",
  110: "dominant",
  101: "dangerous",
  "011": "dependent",
  111: "definitive",
};

/** The class of three flags (as the server derives it). */
export function salienceClass(power, legitimacy, urgency) {
  return CLASS_BY_KEY[`${power ? 1 : 0}${legitimacy ? 1 : 0}${urgency ? 1 : 0}`];
}

/** Which circles a class lies in: {power, legitimacy, urgency} booleans. */
export function salienceCircles(cls) {
  const key = Object.entries(CLASS_BY_KEY).find(([, name]) => name === cls)?.[0];
  if (key === undefined) return null;
  const k = String(key).padStart(3, "0");
  return { power: k[0] === "1", legitimacy: k[1] === "1", urgency: k[2] === "1" };
}

// The Venn drawn in a 300 x 280 box: power top left, legitimacy top right, urgency below.
export const VENN = Object.freeze({
  width: 300,
  height: 280,
  r: 78,
  circles: { power: [110, 100], legitimacy: [190, 100], urgency: [150, 170] },
});

/** The point inside the Venn where a class's actors are listed (null for "none": outside). */
export function vennAnchor(cls) {
  const circles = salienceCircles(cls);
  if (!circles || cls === "none") return null;
  const inside = SALIENCE_ATTRIBUTES.filter((a) => circles[a]);
  const outside = SALIENCE_ATTRIBUTES.filter((a) => !circles[a]);
  // The centroid of the circles it is in, pushed away from those it is not in.
  let x = 0;
  let y = 0;
  for (const a of inside) {
    x += VENN.circles[a][0];
    y += VENN.circles[a][1];
  }
  x /= inside.length;
  y /= inside.length;
  for (const a of outside) {
    const [cx, cy] = VENN.circles[a];
    const dx = x - cx;
    const dy = y - cy;
    const d = Math.hypot(dx, dy) || 1;
    x += (dx / d) * (inside.length === 1 ? 22 : 16);
    y += (dy / d) * (inside.length === 1 ? 22 : 16);
  }
  return [Math.round(x), Math.round(y)];
}

/** Which circles contain the point (to check an anchor really lies in its region). */
export function circlesAt(x, y) {
  const out = {};
  for (const a of SALIENCE_ATTRIBUTES) {
    const [cx, cy] = VENN.circles[a];
    out[a] = Math.hypot(x - cx, y - cy) <= VENN.r;
  }
  return out;
}
