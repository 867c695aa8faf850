// A panel redrawn on every room event (a hand raised, someone arriving) replaced the button under
// a finger or a mouse between its press and its release, and the click was lost: the conductor
// pressed "Start" and the timer did not start. A PressGuard holds such redraws until the release.

export class PressGuard {
  /** Presses inside `node` hold the redraws given to `hold` until the pointer is released. */
  constructor(node) {
    this.pressed = false;
    this.waiting = null; // the latest redraw held back
    node.addEventListener("pointerdown", () => (this.pressed = true));
    for (const release of ["pointerup", "pointercancel"]) window.addEventListener(release, () => this._released(), true);
    window.addEventListener("blur", () => this._released()); // the window lost the pointer
  }

  /** True when `redraw` must wait (it runs after the release); false when it may run now. */
  hold(redraw) {
    if (!this.pressed) return false;
    this.waiting = redraw;
    return true;
  }

  _released() {
    this.pressed = false;
    const redraw = this.waiting;
    this.waiting = null;
    // After the click, which the browser dispatches in the same task as the release.
    if (redraw) setTimeout(redraw, 0);
  }
}
