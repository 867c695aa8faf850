// Where the board opens and what "fit" means (issue 15), mixed into the board app (main.js);
// `this` is the BoardApp. A person first sees words they can read: never a 10% overview.
//  - The whole board when it fits at a readable zoom (READABLE_ZOOM, 12 px text on screen).
//  - Else the part that matters now: the latest cards (the ones changed last, by seq), at a
//    readable zoom. A group's board is its own board (rooms.js moves the page there), and a
//    conductor's follow-me or summon comes after the first view and wins over it (rooms.js).
// "Fit" (0 and its button) does the same; "the whole board" (Shift+0 and its button) fits
// everything however small, where the cards' titles still show as labels (board.css).

import { READABLE_ZOOM, RECENT_CARDS } from "./config.js";
import { boundsOf, isSpatial } from "./render.js";

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
    if (this._fitZoom(all) >= READABLE_ZOOM) {
      renderer.fitAll({ minZoom: READABLE_ZOOM });
      return;
    }
    // Too big to read whole: the latest cards, at least readable.
    // Latest first: by the seq of their last change, and within one change the last made.
    const recent = this._cards()
      .map((item, index) => ({ item, index }))
      .sort((a, b) => (b.item.seq ?? 0) - (a.item.seq ?? 0) || b.index - a.index)
      .slice(0, RECENT_CARDS)
      .map(({ item }) => item);
    const focus = boundsOf(recent) ?? all;
    const zoom = Math.min(1, Math.max(READABLE_ZOOM, this._fitZoom(focus)));
    const latest = recent.length ? boundsOf([recent[0]]) : focus;
    // Centre the latest cards if they fit at this zoom, else the very latest one.
    const target = this._fitZoom(focus) >= READABLE_ZOOM ? focus : latest;
    const r = this.viewport.getBoundingClientRect();
    renderer.setCamera({
      zoom,
      x: r.width / 2 - ((target.minX + target.maxX) / 2) * zoom,
      y: r.height / 2 - ((target.minY + target.maxY) / 2) * zoom,
    });
  }

  /** Everything in view, however small (Shift+0, "Show the whole board"). */
  fitWhole() {
    this.renderer.fitAll();
  }

  /** The zoom at which `box` fills the board, with the same margins as renderer.fitAll. */
  _fitZoom(box) {
    const r = this.viewport.getBoundingClientRect();
    const pad = 60;
    const topAndBottom = 170;
    return Math.min(1, (r.width - pad * 2) / (box.maxX - box.minX || 1), (r.height - topAndBottom) / (box.maxY - box.minY || 1));
  }
}
