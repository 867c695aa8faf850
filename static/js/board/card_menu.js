// The card menu: a card's actions in one place, for touch (long press), the mouse (right
// click) and the keyboard (Shift+F10 or the menu key on a card). A real menu: arrow keys,
// Home and End move, Enter runs, Escape and Tab close and give the focus back to the card.

import { editableField } from "./editor.js";
import { t } from "./i18n.js";
import { describe } from "./render.js";

export class CardMenu {
  constructor(app) {
    this.app = app;
    this.id = null;
    this.node = document.createElement("div");
    this.node.className = "card-menu";
    this.node.setAttribute("role", "menu");
    this.node.hidden = true;
    app.root.append(this.node);
    this.node.addEventListener("keydown", (e) => this._key(e));
    // After a long press the browser sends the lifted finger's click to whatever lies under it,
    // which is now this menu: only a click pressed inside the open menu (or a key) counts.
    this.armed = false;
    this.node.addEventListener("pointerdown", () => {
      this.armed = true;
    });
    this.node.addEventListener("click", (e) => {
      const b = e.target.closest("[data-card-action]");
      if (b && (this.armed || e.detail === 0)) this._run(b.dataset.cardAction);
    });
    document.addEventListener("pointerdown", (e) => {
      if (!this.node.hidden && !this.node.contains(e.target)) this.close(false);
    });
  }

  get open() {
    return !this.node.hidden;
  }

  /** The actions this person may take on this card now. */
  actions(id) {
    const app = this.app;
    const item = app.state.get(id);
    if (!item) return [];
    const may = app.canChange(item);
    const list = [];
    if (may && editableField(item)) list.push(["edit", t("Edit the text")]);
    if (may && item.type !== "frame") list.push(["link", t("Link to another card")]);
    if (app.schema.isTyped(item.type)) list.push(["fields", t("Show the fields")]);
    const vote = app.rooms?.voteBox;
    if (vote && vote.checkVisibility()) {
      // Only while the room votes (its bar shows the vote buttons).
      list.push(["vote", t("Vote for the selected note")]);
      list.push(["unvote", t("Take back a vote")]);
    }
    if (may) {
      list.push(["front", t("Bring to front")]);
      list.push(["back", t("Send to back")]);
      list.push(["delete", t("Delete")]);
    }
    return list;
  }

  /** Open for card `id` at client point (x, y) (by default next to the card). */
  show(id, x = null, y = null) {
    const app = this.app;
    const actions = this.actions(id);
    if (!actions.length) return false;
    if (!app.selection.has(id) || app.selection.size !== 1) app.select([id], { focus: false });
    this.id = id;
    this.armed = false;
    this.node.setAttribute("aria-label", t("Menu of %(name)s", { name: describe(app.state.get(id), app.state) }));
    this.node.replaceChildren(
      ...actions.map(([action, label]) => {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "card-menu-item";
        b.setAttribute("role", "menuitem");
        b.tabIndex = -1;
        b.dataset.cardAction = action;
        b.textContent = label;
        return b;
      }),
    );
    this.node.hidden = false;
    const card = app.renderer.element(id)?.getBoundingClientRect();
    const px = x ?? (card ? card.right : 0);
    const py = y ?? (card ? card.top : 0);
    const menu = this.node.getBoundingClientRect();
    const room = document.documentElement;
    this.node.style.left = `${Math.max(4, Math.min(px, room.clientWidth - menu.width - 4))}px`;
    this.node.style.top = `${Math.max(4, Math.min(py, room.clientHeight - menu.height - 4))}px`;
    this.node.querySelector("button")?.focus();
    return true;
  }

  close(focusCard = true) {
    if (this.node.hidden) return;
    this.node.hidden = true;
    const id = this.id;
    this.id = null;
    if (focusCard) this.app.renderer.element(id)?.focus({ preventScroll: true });
  }

  _key(event) {
    event.stopPropagation(); // the board's shortcuts do not apply inside the menu
    const items = [...this.node.querySelectorAll("[role='menuitem']")];
    const at = items.indexOf(document.activeElement);
    const go = (i) => items[(i + items.length) % items.length]?.focus();
    switch (event.key) {
      case "ArrowDown":
        go(at + 1);
        break;
      case "ArrowUp":
        go(at - 1);
        break;
      case "Home":
        go(0);
        break;
      case "End":
        go(items.length - 1);
        break;
      case "Escape":
      case "Tab":
        this.close(true);
        break;
      default:
        if (event.key.length === 1) {
          // Type-ahead: the next item starting with this letter.
          const lower = event.key.toLocaleLowerCase();
          const next = items.findIndex((b, i) => i > at && b.textContent.toLocaleLowerCase().startsWith(lower));
          const first = items.findIndex((b) => b.textContent.toLocaleLowerCase().startsWith(lower));
          if (next >= 0 || first >= 0) go(next >= 0 ? next : first);
          break;
        }
        return; // Enter and Space reach the button
    }
    event.preventDefault();
  }

  _run(action) {
    const app = this.app;
    const id = this.id;
    this.close(action !== "edit" && action !== "fields" && action !== "link");
    if (!id || !app.state.has(id)) return;
    switch (action) {
      case "edit":
        app.editor.open(id);
        break;
      case "link":
        app.setTool("connector");
        app.connectFrom(id);
        app.renderer.element(id)?.focus({ preventScroll: true });
        break;
      case "fields":
        app.canvas.inspect("board", id, { focus: true });
        break;
      case "vote":
      case "unvote":
        app.rooms.voteBox.querySelector(`[data-rooms-action="${action}"]`)?.click();
        break;
      case "front":
        app.reorder(true);
        break;
      case "back":
        app.reorder(false);
        break;
      case "delete":
        app.deleteSelection();
        break;
      default:
        break;
    }
  }
}
