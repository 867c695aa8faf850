// Which key presses belong to the board, and what a printable key means there.
//
// Typing must never turn into shortcuts: a person who types "Scritta offline" expects words,
// not a shape tool and a new item. So a one-letter shortcut fires only when the board itself
// has focus (its viewport, a card in it, or nothing at all on the page) and no text field,
// select, editor, dialog or menu is active; a printable character typed on the one selected
// card starts editing that card's text with that character; and no letter creates an item by
// itself (N, T, R, F choose a tool; Enter, or a click, places the item). Letters that come in a
// run, as when someone writes a word, are writing, not shortcuts: they choose no tool, and the
// tool the run's first letter chose is put back.
//
// `keyIntent` is pure (node tests); `KeyGate` reads the page and applies it for main.js.

import { editableField } from "./editor.js";
import { t } from "./i18n.js";

/** One-letter shortcuts: letter -> what it does (main.js acts on them). */
export const LETTER_SHORTCUTS = Object.freeze({
  v: "tool:select",
  h: "tool:hand",
  n: "tool:sticky",
  t: "tool:text",
  r: "tool:shape",
  f: "tool:frame",
  c: "connect",
  i: "inspect",
  // A live session's keys (keynav.js): raise or lower a hand, say you are done. V votes there.
  m: "session:hand",
  d: "session:done",
});
/** Printable keys that stay shortcuts even on a selected card (rarely a text's first character). */
export const ALWAYS_SHORTCUTS = new Set(["?", "[", "]"]);
/** Other printable shortcuts, for when no card is selected. */
export const SYMBOL_SHORTCUTS = new Set(["+", "=", "-", "_", "0", " "]);
const HINT_EVERY_MS = 8000; // the "select a card to write" hint, at most this often
// A printable key this soon after another (no other key between) is part of a word being
// written (people type a letter every 100-300 ms; a deliberate shortcut comes alone).
export const TYPING_RUN_MS = 700;

/** Is this key press a character someone is typing (not a shortcut with Ctrl, Cmd or Alt)? */
export function isPrintable({ key, ctrlKey = false, metaKey = false, altKey = false, altGraph = false }) {
  if (typeof key !== "string" || [...key].length !== 1) return false;
  if (altGraph) return true; // AltGr+è gives "[" on an Italian keyboard: still a character
  return !ctrlKey && !metaKey && !altKey;
}

/**
 * What a key press means on the board page.
 *   pass      the board does nothing (a field, an editor, a dialog or a menu has it; or a
 *             letter pressed on a toolbar button or a panel)
 *   edit      start editing the selected card's text with this character
 *   shortcut  the board's own keys (main.js): letters, symbols, Enter, arrows, Ctrl+Z...
 *   hint      a character typed on the board with nothing to write into: say how to write
 * `ctx`: {typing, dialog, menu, composing, inPage, onBoard, editableSelection, canEdit, inRun}
 * (`inRun`: another printable key came less than TYPING_RUN_MS ago).
 */
export function keyIntent(event, ctx) {
  if (ctx.composing || ctx.typing || ctx.dialog || !ctx.inPage) return "pass";
  // Enter, Escape, arrows, Delete, Ctrl+Z... go to main.js (Escape closes an open menu there).
  if (!isPrintable(event)) return "shortcut";
  if (ctx.menu) return "pass";
  if (!ctx.onBoard) return "pass";
  const lower = event.key.toLowerCase();
  if (ALWAYS_SHORTCUTS.has(event.key)) return "shortcut";
  if (ctx.editableSelection && event.key !== " ") return "edit";
  // Shift+0 by the key's place (")" on a US keyboard, "=" on an Italian one): the whole board.
  // A chord, not a word's character, so a run of keys does not make it writing.
  if (event.code === "Digit0" && event.shiftKey) return "shortcut";
  const shortcut = (LETTER_SHORTCUTS[lower] && event.key === lower) || SYMBOL_SHORTCUTS.has(event.key); // Shift+C types
  if (shortcut && !(ctx.inRun && event.key !== " ")) return "shortcut";
  return ctx.canEdit ? "hint" : "pass";
}

/** Is a modal dialog open (the help, a confirmation)? A non-modal one does not take the keys. */
function modalOpen() {
  return [...document.querySelectorAll("dialog[open]")].some((d) => {
    try {
      return d.matches(":modal");
    } catch {
      return true; // a browser without :modal: an open dialog counts as modal
    }
  });
}

/** The page side of keyIntent: reads focus, dialogs and menus, and starts typing on a card. */
export class KeyGate {
  constructor(app) {
    this.app = app;
    this.hintAt = 0;
    this.lastCharAt = -Infinity; // the last printable key on the board with nothing selected
    this.runTool = null; // the tool before the current run of letters
  }

  /** The one selected card whose text this person may edit, if any. */
  editableSelection() {
    const app = this.app;
    if (app.selection.size !== 1 || app.editor.active) return null;
    const [id] = app.selection;
    const item = app.state.get(id);
    return item && editableField(item) && app.canChange(item) ? id : null;
  }

  context(event) {
    const app = this.app;
    const target = event.target;
    const body = target === document.body || target === document.documentElement;
    const inViewport = target.closest?.("#board-viewport") && !target.closest(".item-editor");
    return {
      composing: event.isComposing || event.key === "Process",
      typing: Boolean(target.closest?.("input, textarea, select, [contenteditable=''], [contenteditable='true']")),
      dialog: modalOpen() || Boolean(target.closest?.("dialog, [role='dialog']")),
      menu: Boolean(target.closest?.("[role='menu'], [role='menubar'], [role='listbox']")),
      inPage: body || app.root.contains(target),
      onBoard: body || Boolean(inViewport),
      editableSelection: Boolean(this.editableSelection()),
      canEdit: app.canEdit(),
    };
  }

  /** keyIntent for this keydown; `edit` and `hint` are handled here. */
  intent(event) {
    const info = {
      key: event.key,
      code: event.code,
      shiftKey: event.shiftKey,
      ctrlKey: event.ctrlKey,
      metaKey: event.metaKey,
      altKey: event.altKey,
      altGraph: event.getModifierState?.("AltGraph") ?? false,
    };
    const ctx = this.context(event);
    const now = performance.now();
    const char = isPrintable(info) && ctx.onBoard && !ctx.editableSelection && !ctx.typing && !ctx.dialog;
    ctx.inRun = char && now - this.lastCharAt < TYPING_RUN_MS;
    if (char) {
      if (!ctx.inRun) this.runTool = this.app.tool;
      else if (this.runTool && this.app.tool !== this.runTool) this.app.setTool(this.runTool); // a word, not a tool
      this.lastCharAt = now;
    } else if (info.key !== "Shift" && info.key !== "AltGraph" && info.key !== "CapsLock") {
      this.lastCharAt = -Infinity; // Enter, Escape, a click's keys, typing in a field: the run ends
    }
    const intent = keyIntent(info, ctx);
    if (intent === "edit") {
      event.preventDefault();
      this.typeInto(this.editableSelection(), event.key);
    } else if (intent === "hint") {
      this.hint();
    }
    return intent;
  }

  /** Open the card's text editor and put the typed character at the end of its text. */
  typeInto(id, char) {
    const editor = this.app.editor;
    if (!id || !editor.open(id)) return false;
    const area = editor.area;
    const at = area.value.length;
    area.setRangeText(char, at, at, "end");
    area.dispatchEvent(new Event("input", { bubbles: true }));
    return true;
  }

  hint() {
    const now = Date.now();
    if (now - this.hintAt < HINT_EVERY_MS) return;
    this.hintAt = now;
    this.app.toasts.show(t("To write, select a card first (click it, or Tab to it), or press N and then Enter for a new note."));
  }
}
