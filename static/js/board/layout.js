// The layout manager: every panel of the board page in its own region, none over another.
// css/layout.css draws the regions (a grid: tools | board | dock, or board / sheets / tools on a
// narrow screen, and two bands on the board); this module does what CSS cannot:
//  - the call panel, which call.js builds at the page's root, goes to its region: the dock once
//    in the call, and before that, a single button in the board's top band;
//  - the "Method" menu opens under its button but inside the board's column (never over the
//    dock) and ends above the bottom band;
//  - the bottom band's buttons lose their labels when the board is narrow (data-band);
//  - the toolbar says its orientation; `regions()` gives the rectangles to the tests.
// Everything is re-placed at most once a frame, when a size or a panel's visibility changes.

const NARROW_QUERY = "(max-width: 43.75rem)"; // = layout.css's narrow breakpoint (700 px)
const COMPACT_BAND_PX = 900; // a board narrower than this keeps the selection's buttons as icons
const MENU_GAP_PX = 8; // between the menu and the edges of the board's column
const MENU_MAX_WIDTH_PX = 360; // wider, a menu's lines get hard to follow
const MENU_MIN_HEIGHT_PX = 160; // a menu shorter than this would be useless: it may then reach lower

/** The panels the layout places, by name (what `regions()` reports). */
export const REGIONS = {
  bar: ".board-bar",
  rooms: "#rooms-bar",
  tools: ".board-toolbar",
  board: "#board-viewport",
  notice: "#board-notice",
  history: ".board-history",
  selection: ".board-selection-actions",
  zoom: ".board-zoom",
  toasts: "#board-toasts",
  conductor: "#conductor-panel",
  panel: "#canvas-panel",
  findings: "#canvas-findings",
  call: "#call-panel",
  menu: "#canvas-menu",
};

export class LayoutManager {
  constructor(root) {
    this.root = root;
    this.stage = root.querySelector("#board-stage");
    this.viewport = root.querySelector("#board-viewport");
    this.topBand = root.querySelector("#board-band-top");
    this.bottomBand = root.querySelector("#board-band-bottom");
    this.toolbar = root.querySelector(".board-toolbar");
    this.menu = root.querySelector("#canvas-menu");
    this.menuButton = root.querySelector("[data-canvas=menu]");
    this.narrow = window.matchMedia(NARROW_QUERY);
    this.pending = false;

    const schedule = () => this.schedule();
    this.narrow.addEventListener("change", schedule);
    window.addEventListener("resize", schedule);
    if ("ResizeObserver" in window) {
      const sizes = new ResizeObserver(schedule);
      for (const node of [this.stage, this.viewport, this.bottomBand, this.topBand]) if (node) sizes.observe(node);
    }
    // Panels open and close by their `hidden` attribute or a class; the call panel arrives later.
    // Changes inside the board itself (items, selection, panning) never move a region.
    const panelsChanged = (records) => {
      if (records.some((record) => !this.viewport.contains(record.target))) schedule();
    };
    new MutationObserver(panelsChanged).observe(root, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ["hidden", "class", "data-state"],
    });
    this.place();
  }

  get isNarrow() {
    return this.narrow.matches;
  }

  schedule() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.place();
    });
  }

  /** Put everything in its region now (also called by the tests through `regions()`). */
  place() {
    const narrow = this.isNarrow;
    this.root.dataset.layout = narrow ? "narrow" : "wide";
    this.toolbar?.setAttribute("aria-orientation", narrow ? "horizontal" : "vertical");
    this._placeCall();
    const boardWidth = this.viewport?.clientWidth ?? 0;
    const compact = boardWidth < COMPACT_BAND_PX ? "compact" : "full";
    if (this.root.dataset.band !== compact) this.root.dataset.band = compact;
    this._placeMenu();
  }

  /** The call panel: in the dock during a call; before joining, a button in the top band. */
  _placeCall() {
    const call = this.root.querySelector("#call-panel");
    if (!call) return;
    const idle = call.dataset.state !== "in-call";
    const target = idle ? this.topBand : this.stage;
    if (call.parentElement === target) return;
    const hadFocus = call.contains(document.activeElement) ? document.activeElement : null;
    if (target === this.stage) this.stage.insertBefore(call, this.root.querySelector("#canvas-findings")?.nextSibling ?? null);
    else target.append(call);
    hadFocus?.focus({ preventScroll: true });
  }

  /** The "Method" menu: under its button, inside the board's column, above the bottom band. */
  _placeMenu() {
    const menu = this.menu;
    if (!menu) return;
    if (menu.hidden) {
      if (menu.classList.contains("is-placed")) menu.classList.remove("is-placed");
      this._setMenuOver("");
      return;
    }
    // On a narrow screen the open menu is the one sheet: the others and the bands' buttons step
    // aside until it closes (layout.css), and it takes the board's height. On a wide screen it
    // drops from its button and ends above the bottom band; if the board is too short for
    // that, over the band's buttons, which then step aside (never over the messages).
    if (this.isNarrow) this._setMenuOver("sheets");
    const board = this.viewport.getBoundingClientRect();
    const button = (this.menuButton ?? menu.parentElement).getBoundingClientRect();
    let top;
    let bottom;
    if (this.isNarrow) {
      top = board.top + MENU_GAP_PX;
      bottom = this._bottomBandTop(true) - MENU_GAP_PX;
    } else {
      top = Math.max(button.bottom + 4, board.top + MENU_GAP_PX, this._topBandBottom() + MENU_GAP_PX);
      bottom = this._bottomBandTop(false) - MENU_GAP_PX;
      let over = "";
      if (bottom - top < MENU_MIN_HEIGHT_PX) {
        bottom = this._bottomBandTop(true) - MENU_GAP_PX;
        over = "band";
      }
      this._setMenuOver(over);
    }
    if (!menu.classList.contains("is-placed")) menu.classList.add("is-placed");
    menu.style.maxHeight = `${Math.max(MENU_MIN_HEIGHT_PX / 2, bottom - top)}px`;
    menu.style.maxWidth = `${Math.max(0, Math.min(MENU_MAX_WIDTH_PX, board.width - 2 * MENU_GAP_PX))}px`;
    const width = Math.min(menu.offsetWidth, board.width - 2 * MENU_GAP_PX);
    // Right-aligned with its button, then pulled inside the board's column.
    let left = button.right - width;
    left = Math.min(left, board.right - MENU_GAP_PX - width);
    left = Math.max(left, board.left + MENU_GAP_PX);
    menu.style.left = `${Math.round(left)}px`;
    menu.style.top = `${Math.round(top)}px`;
  }

  _setMenuOver(value) {
    if ((this.root.dataset.menuOver ?? "") !== value) this.root.dataset.menuOver = value;
  }

  _topBandBottom() {
    let bottom = -Infinity;
    for (const child of this.topBand?.children ?? []) {
      const r = child.getBoundingClientRect();
      if (r.height) bottom = Math.max(bottom, r.bottom);
    }
    return bottom;
  }

  /** The top of the bottom band's shown groups (only its messages when `toastsOnly`). */
  _bottomBandTop(toastsOnly) {
    let top = this.viewport.getBoundingClientRect().bottom;
    for (const child of this.bottomBand?.children ?? []) {
      if (toastsOnly && child.id !== "board-toasts") continue;
      const r = child.getBoundingClientRect();
      if (r.height) top = Math.min(top, r.top);
    }
    return top;
  }

  /** {name: {x, y, w, h}} of every region shown now (for tests and the measuring harness). */
  regions() {
    this.place();
    const out = {};
    for (const [name, selector] of Object.entries(REGIONS)) {
      const node = this.root.querySelector(selector);
      if (!node) continue;
      const r = node.getBoundingClientRect();
      const style = getComputedStyle(node);
      if (!r.width || !r.height || style.display === "none" || style.visibility === "hidden") continue;
      out[name] = { x: r.left, y: r.top, w: r.width, h: r.height };
    }
    return out;
  }
}
