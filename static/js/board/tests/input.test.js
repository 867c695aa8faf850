// The board's input, pure parts: which key presses are shortcuts and which are typing
// (shortcuts.js), where a card's connection handles are and which card a link is dropped on
// (handles.js), and a typed link read in words from its start to its target (cards.js).

import assert from "node:assert/strict";
import { test } from "node:test";

import { CardPainter } from "../cards.js";
import { dropTarget, HANDLE_HIT_TOUCH_PX, handleAt, handlePoints, handlesFit, linkable } from "../handles.js";
import { loadStrings } from "../i18n.js";
import { CanvasSchema } from "../schema.js";
import { isPrintable, keyIntent } from "../shortcuts.js";

const ON_BOARD = { inPage: true, onBoard: true, canEdit: true };
const key = (k, mods = {}) => ({ key: k, ...mods });
const typed = (text, ctx) => [...text].map((ch) => keyIntent(key(ch), ctx));

test("typing 'Scritta offline' on the board with nothing selected fires no creating shortcut", () => {
  const intents = typed("Scritta offline", ON_BOARD);
  // Letters that are shortcuts choose tools (main.js); the others only hint how to write.
  assert.deepEqual(new Set(intents), new Set(["hint", "shortcut"]));
  assert.equal(keyIntent(key("S"), ON_BOARD), "hint"); // Shift+S is a capital, not a shortcut
  assert.equal(keyIntent(key("n"), ON_BOARD), "shortcut");
  assert.equal(keyIntent(key("N"), ON_BOARD), "hint");
});

test("Shift+0 (the whole board) passes the gate on any keyboard layout, even after another key", () => {
  for (const ctx of [ON_BOARD, { ...ON_BOARD, inRun: true }]) {
    assert.equal(keyIntent(key(")", { code: "Digit0", shiftKey: true }), ctx), "shortcut"); // US
    assert.equal(keyIntent(key("=", { code: "Digit0", shiftKey: true }), ctx), "shortcut"); // Italian
  }
  assert.equal(keyIntent(key(")", { code: "Digit9", shiftKey: true }), ON_BOARD), "hint"); // not Shift+0
});

test("a live session's keys (M a hand, D done, V a vote) reach the board, on its own as a shortcut", () => {
  for (const letter of "mdv") {
    assert.equal(keyIntent(key(letter), ON_BOARD), "shortcut", letter);
    assert.equal(keyIntent(key(letter), { ...ON_BOARD, canEdit: false }), "shortcut", letter); // a vote phase
    assert.equal(keyIntent(key(letter), { ...ON_BOARD, inRun: true }), "hint", letter); // in a word
  }
});

test("letters in a run are writing: no tool changes after the first, only hints", () => {
  const run = { ...ON_BOARD, inRun: true };
  for (const letter of "ncrtfvh") assert.equal(keyIntent(key(letter), run), "hint", letter);
  assert.equal(keyIntent(key("n"), { ...run, canEdit: false }), "pass");
  assert.equal(keyIntent(key("?"), run), "shortcut"); // the help still opens
  assert.equal(keyIntent(key(" "), run), "shortcut"); // and space still pans
  assert.equal(keyIntent(key("Enter"), run), "shortcut");
});

test("on a selected card every character starts editing, except the help and the layer keys", () => {
  const ctx = { ...ON_BOARD, editableSelection: true };
  const words = "Casa,3anni:sì!"; // spaces aside (space+drag pans): every character edits
  assert.deepEqual(new Set(typed(words, ctx)), new Set(["edit"]));
  for (const letter of "ncrtfvhi") assert.equal(keyIntent(key(letter), ctx), "edit", letter);
  for (const k of ["?", "[", "]"]) assert.equal(keyIntent(key(k), ctx), "shortcut", k);
  assert.equal(keyIntent(key(" "), ctx), "shortcut"); // space+drag pans
  assert.equal(keyIntent(key("Enter"), ctx), "shortcut");
  assert.equal(keyIntent(key("z", { ctrlKey: true }), ctx), "shortcut"); // undo
});

test("nothing is the board's while a field, an editor, a dialog or a composition has the keys", () => {
  for (const extra of [{ typing: true }, { dialog: true }, { composing: true }, { inPage: false }]) {
    const ctx = { ...ON_BOARD, editableSelection: true, ...extra };
    for (const k of ["n", "c", "?", "Enter", "Delete", "z"]) assert.equal(keyIntent(key(k), ctx), "pass", `${k} ${JSON.stringify(extra)}`);
  }
});

test("letters on a toolbar button or in a menu are not shortcuts; Escape still closes the menu", () => {
  const toolbar = { ...ON_BOARD, onBoard: false };
  assert.equal(keyIntent(key("r"), toolbar), "pass");
  assert.equal(keyIntent(key("Escape"), toolbar), "shortcut");
  const menu = { ...ON_BOARD, menu: true };
  assert.equal(keyIntent(key("n"), menu), "pass");
  assert.equal(keyIntent(key("Escape"), menu), "shortcut");
});

test("an observer gets no hint to write, and AltGr characters count as typing", () => {
  assert.equal(keyIntent(key("x"), { ...ON_BOARD, canEdit: false }), "pass");
  assert.equal(isPrintable(key("[", { ctrlKey: true, altKey: true, altGraph: true })), true);
  assert.equal(isPrintable(key("c", { ctrlKey: true })), false);
  assert.equal(isPrintable(key("ArrowLeft")), false);
  assert.equal(isPrintable(key("è")), true);
});

test("handles sit on the middles of a card's sides and are hit within half their screen size", () => {
  const box = { x: 100, y: 50, w: 200, h: 100 };
  assert.deepEqual(handlePoints(box), { top: [200, 50], right: [300, 100], bottom: [200, 150], left: [100, 100] });
  assert.equal(handleAt(box, 1, 200, 50), "top");
  assert.equal(handleAt(box, 1, 311, 100), "right"); // 11 px off: inside the 24 px target
  assert.equal(handleAt(box, 1, 314, 100), null);
  assert.equal(handleAt(box, 0.5, 222, 150), "bottom"); // at 50% zoom the target is 48 board px
  assert.equal(handleAt(box, 1, 200, 100), null); // the card's middle is the card: it drags
  assert.equal(handleAt(box, 1, 83, 100, 36), "left"); // a finger's wider target
});

test("a small card on screen shows no handles, so a click on it selects it", () => {
  const card = { x: 0, y: 0, w: 240, h: 120 };
  assert.equal(handlesFit(card, 1, 24), true); // 120 px tall: the handles leave 96 px free
  assert.equal(handlesFit(card, 0.6, 24), true); // 72 px: three targets
  assert.equal(handlesFit(card, 0.5, 24), false); // 60 px: the handles would cover most of it
  assert.equal(handlesFit(card, 0.75, HANDLE_HIT_TOUCH_PX), false); // a finger's targets are wider
  assert.equal(handlesFit(card, 1, HANDLE_HIT_TOUCH_PX), true);
});

test("a link goes to the topmost card under the drop point, never back to its start", () => {
  const boxes = [
    { id: "start", x: 0, y: 0, w: 100, h: 100, z: "a5" },
    { id: "under", x: 200, y: 0, w: 100, h: 100, z: "a1" },
    { id: "over", x: 250, y: 50, w: 100, h: 100, z: "a3" },
  ];
  assert.equal(dropTarget(boxes, 220, 20, "start"), "under");
  assert.equal(dropTarget(boxes, 280, 80, "start"), "over");
  assert.equal(dropTarget(boxes, 50, 50, "start"), null);
  assert.equal(dropTarget(boxes, 500, 500, "start"), null);
  const spatial = (it) => typeof it.fields.x === "number";
  const zone = (type) => type === "pi_grid";
  assert.equal(linkable({ type: "problem", fields: { x: 0 } }, { isSpatial: spatial, isZone: zone }), true);
  assert.equal(linkable({ type: "frame", fields: { x: 0 } }, { isSpatial: spatial, isZone: zone }), false);
  assert.equal(linkable({ type: "pi_grid", fields: { x: 0 } }, { isSpatial: spatial, isZone: zone }), false);
  assert.equal(linkable({ type: "causal_link", fields: { from: "a" } }, { isSpatial: spatial, isZone: zone }), false);
});

test("a typed link reads in words from its start card to its target", () => {
  const strings = {
    "type.causal_link": "Legame causale",
    "link.causal_link": "%(from)s è causa di %(to)s",
    "link.causal_link.joint": "%(from)s e %(to)s sono cause congiunte",
    "type.relation": "Relazione",
    "%(type)s from %(from)s to %(to)s": "%(type)s da %(from)s a %(to)s",
  };
  loadStrings({ getElementById: () => ({ textContent: JSON.stringify(strings) }) });
  const schema = new CanvasSchema({
    kind: "context",
    types: {
      causal_link: { edge: true, spatial: false, fields: { from: {}, to: {}, kind: {} } },
      relation: { edge: true, spatial: false, fields: { from: {}, to: {} } },
    },
  });
  const painter = new CardPainter(schema);
  const link = { id: "l", type: "causal_link", fields: { from: "a", to: "b", kind: "vertical" } };
  assert.equal(painter.describeEdge(link, "Trasporti scarsi", "Anziani soli"), "Legame causale: Trasporti scarsi è causa di Anziani soli");
  const joint = { ...link, fields: { ...link.fields, kind: "joint" } };
  assert.equal(painter.describeEdge(joint, "A", "B"), "Legame causale: A e B sono cause congiunte");
  // A type with no words keeps "from ... to ...".
  assert.equal(painter.describeEdge({ id: "r", type: "relation", fields: { from: "a", to: "b" } }, "A", "B"), "Relazione da A a B");
  loadStrings({ getElementById: () => null });
});
