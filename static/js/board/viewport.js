// Where the board opens and what "fit" means (issue 15), mixed into the board app (main.js);
// `this` is the BoardApp. A person first sees words they can read: never a 10% overview.
//  - The whole board when it fits at a readable zoom (READABLE_ZOOM, 12 px text on screen).
//  - Else the part that matters now: the latest cards (the ones changed last, by seq), at a
//    readable zoom. A group's board is its own board (rooms.js moves the page there), and a
//    conductor's follow-me or summon comes after the first view and wins over it (rooms.js).
// "Fit" (0 and its button) does the same; "the whole board" (Shift+0 and its button) fits
// everything however small, where the cards' titles still show as labels (board.css).

import { READABLE_ZOOM, RECENT_CARDS } from "./config.js";
import { boundsOf, FIT_BOTTOM_PX, FIT_TOP_PX, isSpatial } from "./render.js";

const FIT_GAP_PX = 12; // between a band and the first card fitted under (or above) it

export class ViewMethods {
  /** The cards of this board: spatial items that are neither frames nor zones. */
  _cards() {
    const out = [];
    for (const item of this.state.items()) {
      if (isSpatial(item) && item.type !== "frame" && !this.schema.isZone(item.type)) out.push(item);
    }
    return out;
  }

  /** The view a person opens the board on; also "fit" (key 0). */
  fitReadable() {
    const renderer = this.renderer;
    const all = boundsOf(this.state.items());
    if (!all) {
      renderer.fitAll();
      return;
    }
    const clear = this._clearArea(); // read once: each read measures the bands
    if (renderer.zoomToFit(all, clear) >= READABLE_ZOOM) {
      renderer.fitAll({ minZoom: READABLE_ZOOM, ...clear });
      return;
    }
    // Too big to read whole: the latest cards, at least readable.
    // Latest first: by the seq of their last change. Within one change (a group's board laid
    // out at once from the plenary's zones, a paste) in reading order from the top left: a
    // group opened on its last zone, "Legali", and not on its first.
    const recent = this._cards()
      .sort((a, b) => (b.seq ?? 0) - (a.seq ?? 0) || a.fields.y - b.fields.y || a.fields.x - b.fields.x)
      .slice(0, RECENT_CARDS);
    const focus = boundsOf(recent) ?? all;
    const focusZoom = renderer.zoomToFit(focus, clear);
    const zoom = Math.max(READABLE_ZOOM, focusZoom);
    const latest = recent.length ? boundsOf([recent[0]]) : focus;
    // Centre the latest cards if they fit at this zoom, else the very latest one.
    const target = focusZoom >= READABLE_ZOOM ? focus : latest;
    const r = this.viewport.getBoundingClientRect();
    // Centred in what the bands leave clear; a target taller than that shows its top.
    const height = (target.maxY - target.minY) * zoom;
    const room = r.height - clear.top - clear.bottom;
    renderer.setCamera({
      zoom,
      x: r.width / 2 - ((target.minX + target.maxX) / 2) * zoom,
      y: height > room ? clear.top - target.minY * zoom : clear.top + room / 2 - ((target.minY + target.maxY) / 2) * zoom,
    });
  }

  /** Everything in view, however small (Shift+0, "Show the whole board"). */
  fitWhole() {
    this.renderer.fitAll(this._clearArea());
  }

  /**
   * How far the floating bands reach into the board from its top and bottom edges, with a
   * margin: a view is fitted into what they leave clear, and a card panned into view
   * (renderer.reveal) stays out from under them. On a phone the call's button and the phase's
   * sentence sit over the board's top, and the first card opened under them.
   */
  _bandReach() {
    const r = this.viewport.getBoundingClientRect();
    const reach = (band, fromTop) => {
      let edge = 0;
      for (const child of band?.children ?? []) {
        const c = child.getBoundingClientRect();
        if (c.width && c.height) edge = Math.max(edge, fromTop ? c.bottom - r.top : r.bottom - c.top);
      }
      return edge + FIT_GAP_PX;
    };
    return {
      top: reach(this.root.querySelector("#board-band-top"), true),
      bottom: reach(this.root.querySelector("#board-band-bottom"), false),
    };
  }

  /** What a fit leaves clear at the board's top and bottom: the bands, and never less than
   * the fit's own margins. */
  _clearArea() {
    const bands = this._bandReach();
    return { top: Math.max(FIT_TOP_PX, bands.top), bottom: Math.max(FIT_BOTTOM_PX, bands.bottom) };
  }
}
