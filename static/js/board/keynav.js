// Moving around the board by keyboard, like a listbox with a roving tab stop (WAI-ARIA APG):
// the board is one Tab stop (the card last focused, else the board itself); the arrow keys go
// from card to card in reading order (frame by frame, a11y-tree.js) without selecting what they
// pass; Space selects; Enter edits; with a selection the arrow keys move it (main.js), Escape
// leaves the selection and keeps the focus on the card. In a live session a few letters act on
// the focused card or on the person: V votes for it (in a vote), M raises or lowers the hand,
// D says "I'm done". Every key is listed in the "?" help (templates/boards/board.html).

import { t } from "./i18n.js";

const NAV_KEYS = new Set(["ArrowDown", "ArrowRight", "ArrowUp", "ArrowLeft", "Home", "End", "PageDown", "PageUp"]);

export class KeyNav {
  constructor(app, list) {
    this.app = app;
    this.list = list; // BoardList: the reading order
    app.viewport.addEventListener("focusin", (event) => {
      const node = event.target.closest?.("[data-id]");
      if (node && !node.closest(".board-layer-overlay")) this.setCurrent(node.dataset.id);
    });
    // The skip link ("Go to the board") lands on the board's one stop, without touching the URL.
    document.querySelector("[data-skip='board']")?.addEventListener("click", (event) => {
      event.preventDefault();
      this.enter();
    });
  }

  /** Focus the board's Tab stop: the current card, else the board itself. */
  enter() {
    const node = this.current && this.app.renderer.ensureNode(this.current);
    (node ?? this.app.viewport).focus({ preventScroll: true });
  }

  /** The card that is the board's Tab stop. */
  setCurrent(id) {
    this.current = id;
    this.app.renderer.setTabStop(id);
  }

  /** The state changed: a gone tab stop gives the stop back to the board. */
  changed(ids) {
    if (this.current && ids.has(this.current) && !this.app.state.has(this.current)) this.setCurrent(null);
  }

  focusItem(id) {
    if (!id) return false;
    this.setCurrent(id);
    this.app.renderer.ensureNode(id)?.focus({ preventScroll: true });
    this.app.renderer.reveal(id);
    return true;
  }

  /** The next card from `id` for the key, in reading order. */
  target(key, id) {
    const order = this.list.readingOrder();
    if (!order.length) return null;
    const at = id ? order.indexOf(id) : -1;
    const containers = order.filter((x) => this.list.kinds.isContainer(this.app.state.get(x)));
    switch (key) {
      case "Home":
        return order[0];
      case "End":
        return order.at(-1);
      case "ArrowDown":
      case "ArrowRight":
        return at < 0 ? order[0] : order[Math.min(order.length - 1, at + 1)];
      case "ArrowUp":
      case "ArrowLeft":
        return at < 0 ? order.at(-1) : order[Math.max(0, at - 1)];
      case "PageDown":
        return containers.find((x) => order.indexOf(x) > at) ?? order.at(-1);
      case "PageUp": {
        const before = containers.filter((x) => order.indexOf(x) < at);
        return before.at(-1) ?? order[0];
      }
      default:
        return null;
    }
  }

  /** The keys this module owns; true when one was handled. */
  onKey(event, focused) {
    const app = this.app;
    const key = event.key;
    const onBoard = focused || event.target === app.viewport;
    if (!onBoard || event.ctrlKey || event.metaKey || event.altKey) return false;
    const moving = app.selection.size > 0 && !app.connectSource;
    if (NAV_KEYS.has(key) && !event.shiftKey && !(moving && key.startsWith("Arrow"))) {
      const next = this.target(key, focused);
      if (!next) return false; // an empty board: the arrows pan it
      event.preventDefault();
      this.focusItem(next);
      return true;
    }
    if (key === " " && focused) {
      event.preventDefault();
      if (event.shiftKey) app.toggleSelected(focused);
      else app.select(app.selection.has(focused) && app.selection.size === 1 ? [] : [focused], { focus: false });
      app.announcer.say(app.selection.has(focused) ? t("Selected") : t("Not selected"));
      return true;
    }
    if ((key === "Delete" || key === "Backspace") && focused && !app.selection.size && app.canChange(app.state.get(focused))) {
      event.preventDefault();
      const order = this.list.readingOrder();
      const next = order[order.indexOf(focused) + 1] ?? order[order.indexOf(focused) - 1];
      app.select([focused], { focus: false });
      app.deleteSelection();
      if (next && app.state.has(next)) this.focusItem(next);
      return true;
    }
    const lower = key.length === 1 ? key.toLowerCase() : "";
    return this._sessionKey(lower, event, focused);
  }

  /** V (vote for the focused card, Shift+V takes it back), M (hand), D (done): live sessions only. */
  _sessionKey(lower, event, focused) {
    const rooms = this.app.rooms;
    if (!rooms?.room || !rooms.bar || rooms.bar.hidden) return false;
    const press = (button) => {
      if (!button || button.hidden || button.closest("[hidden]")) return false;
      event.preventDefault();
      button.click();
      return true;
    };
    if (lower === "v" && focused && rooms.voteBox && !rooms.voteBox.hidden) {
      this.app.select([focused], { focus: false });
      return press(rooms.voteBox.querySelector(`[data-rooms-action='${event.shiftKey ? "unvote" : "vote"}']`));
    }
    if (lower === "m" && !event.shiftKey) return press(rooms.hand);
    if (lower === "d" && !event.shiftKey) return press(rooms.done);
    return false;
  }
}
