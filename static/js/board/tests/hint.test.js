// The first hint of an empty board (issue 15): one sentence, from the board's kind and the phase.

import assert from "node:assert/strict";
import { test } from "node:test";

import { firstHint, isCard } from "../hint.js";
import { CanvasSchema } from "../schema.js";

const base = { hasCards: false, canCreate: true, firstType: null, phase: null, private: false };

test("an empty board says what to add; a board with a card, or a person who may not add, says nothing", () => {
  assert.match(firstHint(base), /sticky note/);
  assert.match(firstHint({ ...base, firstType: "problem" }), /«problem»/); // no strings loaded: the type key's name
  assert.match(firstHint({ ...base, phase: "write" }), /Now we write/);
  assert.match(firstHint({ ...base, private: true, firstType: "cause" }), /Only you and the conductor/);
  assert.equal(firstHint({ ...base, hasCards: true }), "");
  assert.equal(firstHint({ ...base, canCreate: false }), ""); // the phase's own sentence is shown instead
});

test("frames, zones and links a template lays out are not cards", () => {
  const schema = new CanvasSchema({
    board_kind: "stakeholders",
    types: {
      actor: { typed: true, spatial: true, fields: {} },
      pi_grid: { typed: true, spatial: true, fields: {} },
      relation: { typed: true, edge: true, fields: {} },
    },
  });
  assert.equal(isCard({ type: "frame", fields: {} }, schema), false);
  assert.equal(isCard({ type: "connector", fields: {} }, schema), false);
  assert.equal(isCard({ type: "relation", fields: { from: "a", to: "b" } }, schema), false);
  assert.equal(isCard({ type: "pi_grid", fields: {} }, schema), false);
  assert.equal(isCard({ type: "actor", fields: {} }, schema), true);
  assert.equal(isCard({ type: "sticky", fields: {} }, schema), true);
  assert.equal(isCard(undefined, schema), false);
});
