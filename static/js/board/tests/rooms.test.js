import assert from "node:assert/strict";
import { test } from "node:test";

import { clock } from "../rooms.js";
import { BoardState } from "../state.js";

test("the timer reads minutes and seconds, rounded up so 0:00 means time is up", () => {
  assert.equal(clock(300_000), "5:00");
  assert.equal(clock(299_001), "5:00");
  assert.equal(clock(298_999), "4:59");
  assert.equal(clock(999), "0:01");
  assert.equal(clock(0), "0:00");
  assert.equal(clock(-5_000), "0:00");
  assert.equal(clock(3_725_000), "1:02:05");
});

test("a reset forgets the board: items, pending changes, undo history, and the view says so", () => {
  const changed = [];
  const state = new BoardState({ clientId: "me", onChange: (ids) => changed.push(...ids) });
  state.loadSnapshot([{ id: "a", type: "sticky", fields: { text: "old board" }, seq: 3 }], 3);
  state.change([{ op: "create", id: "b", type: "sticky", fields: { text: "unsent" } }]);
  assert.equal(state.unsentCount, 1);
  changed.length = 0;
  state.reset();
  assert.equal(state.size, 0);
  assert.equal(state.unsentCount, 0);
  assert.equal(state.seq, 0);
  assert.equal(state.loaded, false);
  assert.equal(state.canUndo, false);
  assert.deepEqual(new Set(changed), new Set(["a", "b"]));
  // The next board's snapshot starts clean.
  state.loadSnapshot([{ id: "g", type: "frame", fields: { title: "Gruppo 1" }, seq: 1 }], 1);
  assert.deepEqual([...state.items()].map((i) => i.id), ["g"]);
});
