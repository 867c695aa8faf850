// The board's reading order (a11y-tree.js) and the aggregate announcement of others' changes
// (chrome.js): pure functions, no DOM.

import assert from "node:assert/strict";
import { test } from "node:test";

import { containerOf, readingGroups, readingOrder, sortReading } from "../a11y-tree.js";
import { summarise } from "../chrome.js";

const kinds = {
  isContainer: (item) => item.type === "frame" || item.type === "pi_grid",
  isEdge: (item) => item.type === "connector" || item.type === "causal_link",
};
const card = (id, x, y, w = 100, h = 80, type = "sticky") => ({ id, type, fields: { x, y, w, h } });
const frame = (id, x, y, w, h) => ({ id, type: "frame", fields: { x, y, w, h } });

test("cards read row by row, left to right, with a slightly lower neighbour in the same row", () => {
  const boxes = [card("c", 300, 10), card("a", 0, 0), card("b", 150, 30), card("d", 0, 200)].map((c) => ({
    id: c.id,
    box: c.fields,
  }));
  assert.deepEqual(sortReading(boxes).map((e) => e.id), ["a", "b", "c", "d"]);
});

test("frames come in reading order, each followed by its cards and their links; loose cards last", () => {
  const items = [
    card("loose", 0, 900),
    frame("right", 700, 0, 500, 500),
    frame("left", 0, 20, 500, 500),
    card("l2", 40, 300),
    card("l1", 40, 100),
    card("r1", 740, 100),
    { id: "link", type: "causal_link", fields: { from: "l1", to: "r1" } },
  ];
  assert.deepEqual(readingOrder(items, kinds), ["left", "l1", "link", "l2", "right", "r1", "loose"]);
  assert.deepEqual(readingGroups(items, kinds), [
    { container: "left", cards: ["l1", "l2"] },
    { container: "right", cards: ["r1"] },
    { container: null, cards: ["loose"] },
  ]);
});

test("a card in nested frames belongs to the smallest one holding its centre", () => {
  const big = { id: "big", box: { x: 0, y: 0, w: 1000, h: 1000 } };
  const small = { id: "small", box: { x: 100, y: 100, w: 300, h: 300 } };
  assert.equal(containerOf({ x: 150, y: 150, w: 100, h: 80 }, [big, small]).id, "small");
  assert.equal(containerOf({ x: 600, y: 600, w: 100, h: 80 }, [big, small]).id, "big");
  assert.equal(containerOf({ x: 2000, y: 0, w: 100, h: 80 }, [big, small]), null);
});

test("others' changes are told per person and kind, not as a count of changes", () => {
  const items = new Map([
    ["n1", { id: "n1", type: "sticky", fields: { text: "Affitti troppo alti" } }],
    ["n2", { id: "n2", type: "sticky", fields: { text: "Sfratti" } }],
    ["n3", { id: "n3", type: "sticky", fields: { text: "Lavoro precario" } }],
  ]);
  const state = { get: (id) => items.get(id) };
  const anna = { name: "Anna" };
  const said = summarise(
    [
      { author: anna, ops: [{ op: "create", id: "n1", type: "sticky", fields: {} }] },
      { author: anna, ops: [{ op: "update", id: "n1", fields: { text: "Affitti troppo alti" } }] },
      { author: { name: "Bruno" }, ops: [{ op: "update", id: "n2", fields: { x: 10, y: 20 } }] },
      { author: { name: "Bruno" }, ops: [{ op: "update", id: "n3", fields: { x: 10 } }] },
      { author: { name: "Bruno" }, ops: [{ op: "delete", id: "gone" }] },
    ],
    state,
  );
  // No strings are loaded here: the English msgids, filled in, are what is said.
  assert.deepEqual(said, [
    "Anna added sticky: Affitti troppo alti",
    "Bruno moved 2 items",
    "Bruno removed an item",
  ]);
});
