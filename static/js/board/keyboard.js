// The board's keyboard: shortcuts, arrow keys, Escape and Enter, mixed into the board app
// (main.js). `this` is the BoardApp. The keys are listed in the "?" help (board.html).

import { ARROW_STEP, ARROW_STEP_LARGE, ZOOM_STEP } from "./config.js";
import { t } from "./i18n.js";
import { isSpatial } from "./render.js";

const TOOL_KEYS = { v: "select", h: "hand" };
// A letter chooses a tool and creates nothing (shortcuts.js): Enter, or a click, places the item.
const CREATE_KEYS = { n: "sticky", t: "text", r: "shape", f: "frame" };

export class KeyboardMethods {
  // --- keyboard ------------------------------------------------------------------------------------

  _bindKeyboard() {
    document.addEventListener("keydown", (event) => this._onKey(event));
    document.addEventListener("keyup", (event) => {
      if (event.key === " ") {
        this.pointer.spaceHeld = false;
        this.viewport.classList.remove("is-space-held");
      }
    });
    this.viewport.addEventListener("focusin", (event) => {
      const node = event.target.closest?.("[data-id]");
      if (!node || node.closest(".board-layer-overlay")) return;
      // Focus is not selection: the keyboard passes cards without selecting them (keynav.js).
      // Connectors too are brought into view: focus never lands off screen.
      this.renderer.scrollItemIntoView(node.dataset.id);
    });
  }

  _focusedItem() {
    const node = document.activeElement?.closest?.("[data-id]");
    return node && this.viewport.contains(node) ? node.dataset.id : null;
  }

  _onKey(event) {
    if (this.ended) return;
    const target = event.target;
    // An open dialog (help, join code, closing the session) handles its own keys (Escape closes).
    if (this.helpDialog.open || target.closest?.("dialog[open]")) return;
    if (this.keys.intent(event) !== "shortcut") return; // typing, or typing into a card
    const mod = event.ctrlKey || event.metaKey;
    const key = event.key;
    const lower = key.length === 1 ? key.toLowerCase() : key;
    const onButton = target.closest?.("button, a") && !target.closest("#board-viewport");

    if (mod && lower === "z") {
      event.preventDefault();
      if (event.shiftKey) this.redo();
      else this.undo();
      return;
    }
    if (mod && lower === "y") {
      event.preventDefault();
      this.redo();
      return;
    }
    if (mod && lower === "a" && !onButton) {
      event.preventDefault();
      this.select([...this.state.view.keys()], { focus: false });
      this.announcer.say(t("Selected: %(count)s", { count: this.selection.size }));
      return;
    }
    if (mod || event.altKey && !key.startsWith("Arrow")) return;
    if (onButton && (key === "Enter" || key === " ")) return; // let buttons work
    if (this.keynav.onKey(event, this._focusedItem())) return;

    // Shift+0 by the key's place: it reads ")" on a US keyboard and "=" on an Italian one.
    if (event.code === "Digit0" && event.shiftKey) {
      this.fitWhole();
      event.preventDefault();
      return;
    }
    switch (key) {
      case "Escape":
        if (this.canvas.onEscape()) {
          event.preventDefault();
          return;
        }
        if (this.pointer.cancel()) break;
        if (this.connectSource || this.tool !== "select") {
          this.stopConnecting();
          this.setTool("select");
        } else if (this.selection.size) {
          this.select([], { focus: false }); // the focus stays where it is: on the card
        }
        event.preventDefault();
        return;
      case "Enter": {
        const id = this._focusedItem() ?? (this.selection.size === 1 ? [...this.selection][0] : null);
        // A tool just chosen (placing resets it to select) wins over the card that keeps the
        // focus after the last edit: N then Enter is always a new note, never that card's editor.
        if (Object.values(CREATE_KEYS).includes(this.tool) && !onButton) {
          event.preventDefault();
          this.createAtCentre(this.tool); // a tool chosen by its letter: Enter places the item
          return;
        }
        if (!id) return;
        event.preventDefault();
        if (this.connectSource || this.tool === "connector") this.connectFrom(id);
        else this.editor.open(id);
        return;
      }
      case "Delete":
      case "Backspace":
        if (this.selection.size && this.canEdit()) {
          event.preventDefault();
          this.deleteSelection();
        }
        return;
      case "ArrowLeft":
      case "ArrowRight":
      case "ArrowUp":
      case "ArrowDown": {
        if (!this.selection.size || !this.canEdit()) {
          if (target === this.viewport) {
            const step = event.shiftKey ? 200 : 60;
            const d = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] }[key];
            this.renderer.panBy(...d);
            event.preventDefault();
          }
          return;
        }
        event.preventDefault();
        const step = event.shiftKey ? ARROW_STEP_LARGE : ARROW_STEP;
        const [dx, dy] = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[key];
        this.nudge(dx, dy, event.altKey);
        return;
      }
      case " ":
        if (target === this.viewport || this._focusedItem()) {
          this.pointer.spaceHeld = true;
          this.viewport.classList.add("is-space-held");
          event.preventDefault();
        }
        return;
      case "+":
      case "=":
        this.renderer.zoomCentre(ZOOM_STEP);
        event.preventDefault();
        return;
      case "-":
      case "_":
        this.renderer.zoomCentre(1 / ZOOM_STEP);
        event.preventDefault();
        return;
      case "0":
        this.fitReadable(); // not below a readable zoom (viewport.js)
        event.preventDefault();
        return;
      case "?":
        this.openHelp();
        event.preventDefault();
        return;
      case "]":
        this.reorder(true);
        return;
      case "[":
        this.reorder(false);
        return;
      default:
        break;
    }
    if (!this.canEdit() && lower !== "v" && lower !== "h" && lower !== "i") return;
    if (lower === "i") {
      const id = this._focusedItem() ?? (this.selection.size === 1 ? [...this.selection][0] : null);
      if (id && this.schema.isTyped(this.state.get(id)?.type)) {
        event.preventDefault();
        this.canvas.inspect("board", id, { focus: true });
      }
    } else if (lower === "c") {
      event.preventDefault();
      const id = this._focusedItem() ?? (this.selection.size === 1 ? [...this.selection][0] : null);
      this.setTool("connector");
      if (id && isSpatial(this.state.get(id))) this.connectFrom(id);
    } else if (CREATE_KEYS[lower]) {
      event.preventDefault();
      this.setTool(CREATE_KEYS[lower]);
      this.announcer.say(t("%(tool)s: press Enter to place it in the middle of the view, or click where you want it.", { tool: t(`type.${CREATE_KEYS[lower]}`) }));
    } else if (TOOL_KEYS[lower]) {
      event.preventDefault();
      this.setTool(TOOL_KEYS[lower]);
    }
  }
}
