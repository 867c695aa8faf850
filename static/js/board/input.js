// Input around the cards that is neither a shortcut (shortcuts.js) nor a gesture (pointer.js):
// the connection handles shown on hover and on the selected card (handles.js), the words of a
// link shown on hover and focus ("Problema A è causa di Problema B"), and the card menu
// (card_menu.js) opened by right click, long press (pointer.js) or Shift+F10 / the menu key.

import { CardMenu } from "./card_menu.js";
import { LinkHandles } from "./handles.js";
import { boxOf, describe, isSpatial } from "./render.js";

export class InputExtras {
  constructor(app) {
    this.app = app;
    this.handles = new LinkHandles(app, { boxOf, isSpatial });
    this.menu = new CardMenu(app);
    this.tipFor = null;
    this.tip = document.createElement("div");
    this.tip.className = "link-tip";
    this.tip.setAttribute("aria-hidden", "true"); // the link's own aria-label says the same
    this.tip.hidden = true;
    app.viewport.append(this.tip); // in screen space, kept inside the board (phones too)
    const vp = app.viewport;
    vp.addEventListener("pointerover", (e) => this._over(e));
    vp.addEventListener("pointerleave", () => {
      this.handles.hover(null);
      if (!this._focusedLink()) this.showTip(null);
    });
    vp.addEventListener("focusin", (e) => {
      const link = e.target.closest?.(".connector[data-id]");
      if (link) this.showTip(link.dataset.id);
    });
    vp.addEventListener("focusout", (e) => {
      if (e.target.closest?.(".connector[data-id]")) this.showTip(null);
    });
    vp.addEventListener("contextmenu", (e) => {
      const node = e.target.closest?.("[data-id]");
      if (!node || node.closest(".board-layer-overlay") || node.matches(".connector")) return;
      e.preventDefault();
      app.pointer.cancel();
      this.menu.show(node.dataset.id, e.clientX, e.clientY);
    });
    vp.addEventListener("keydown", (e) => {
      if (!((e.key === "F10" && e.shiftKey) || e.key === "ContextMenu")) return;
      const node = e.target.closest?.("[data-id]");
      const id = node && !node.matches(".connector") ? node.dataset.id : app.selection.size === 1 ? [...app.selection][0] : null;
      if (id && this.menu.show(id)) {
        e.preventDefault();
        e.stopPropagation();
      }
    });
  }

  _over(event) {
    if (event.pointerType === "touch" || this.app.pointer.gesture) return;
    const handle = event.target.closest?.(".link-handle");
    const node = event.target.closest?.("[data-id]");
    const inItems = node && !node.closest(".board-layer-overlay");
    if (handle) this.handles.hover(handle.dataset.for);
    else if (inItems && !node.matches(".connector")) this.handles.hover(node.dataset.id);
    else if (!handle) this.handles.hover(null);
    const link = inItems && node.matches(".connector") ? node.dataset.id : null;
    if (link || !this._focusedLink()) this.showTip(link);
  }

  _focusedLink() {
    const active = document.activeElement?.closest?.(".connector[data-id]");
    return active && this.app.viewport.contains(active) ? active.dataset.id : null;
  }

  /** Show the words of link `id` at its middle (null hides them). */
  showTip(id) {
    const app = this.app;
    const item = id && app.state.get(id);
    const from = item && app.state.get(item.fields.from);
    const to = item && app.state.get(item.fields.to);
    if (!item || !isSpatial(from) || !isSpatial(to)) {
      this.tip.hidden = true;
      this.tipFor = null;
      return;
    }
    const a = boxOf(from);
    const b = boxOf(to);
    const text = describe(item, app.state);
    if (this.tip.textContent !== text) this.tip.textContent = text;
    this.tipFor = id;
    this.tip.hidden = false;
    // Beside the link's middle (its arrowheads stay visible), inside the board's edges.
    const [sx, sy] = app.renderer.worldToScreen((a.x + a.w / 2 + b.x + b.w / 2) / 2, (a.y + a.h / 2 + b.y + b.h / 2) / 2);
    const room = app.viewport.getBoundingClientRect();
    const gap = 12;
    const x = Math.max(8, Math.min(sx + gap, room.width - this.tip.offsetWidth - 8));
    const y = Math.max(8, Math.min(sy + gap, room.height - this.tip.offsetHeight - 8));
    this.tip.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
    // Follow pans and zooms while shown: measured again only when the camera moved.
    cancelAnimationFrame(this.tipFrame);
    const camera = app.renderer.camera;
    const follow = () => {
      if (this.tipFor !== id) return;
      if (app.renderer.camera !== camera) this.showTip(id);
      else this.tipFrame = requestAnimationFrame(follow);
    };
    this.tipFrame = requestAnimationFrame(follow);
  }

  /** The board's items changed (main.js): handles and the tip follow their cards. */
  changed(ids) {
    if (this.handles.shown.some((id) => ids.has(id)) || this.handles.hovered && !this.app.state.has(this.handles.hovered)) {
      if (this.handles.hovered && !this.app.state.has(this.handles.hovered)) this.handles.hovered = null;
      this.handles.draw();
    }
    if (this.tipFor) this.showTip(this.tipFor);
    if (this.menu.open && !this.app.state.has(this.menu.id)) this.menu.close(false);
  }

  selectionChanged() {
    this.handles.draw();
  }
}
