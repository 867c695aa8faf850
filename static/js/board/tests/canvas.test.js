// The typed-canvas pure modules: schema parsing and form rules (schema.js), grid geometry and
// salience regions (stakeholders.js).

import assert from "node:assert/strict";
import { test } from "node:test";

import { CanvasSchema, controlFor, parseValue } from "../schema.js";
import {
  QUADRANTS,
  circlesAt,
  gridPoint,
  gridValues,
  quadrantBox,
  quadrantOf,
  salienceCircles,
  salienceClass,
  vennAnchor,
} from "../stakeholders.js";

const core = (name, spatial = true, edge = false) => ({
  spatial, edge, core: true, authored: false, lockable: false, title_field: null, summary: [], fields: {},
});
const RAW = {
  board_kind: "stakeholders",
  types: {
    connector: core("connector", false, true),
    frame: core("frame"),
    sticky: core("sticky"),
    actor: {
      spatial: true, edge: false, core: false, title_field: "name", summary: ["macro_type", "quadrant", "runts", "power"],
      fields: {
        name: { kind: "text", default: "", max_chars: 200 },
        macro_type: { kind: "choice", default: "third_sector", values: ["public", "third_sector"] },
        runts: { kind: "flag", default: false },
        interests: { kind: "text", default: "", max_chars: 5000 },
        power: { kind: "number", default: 1, min: 1, max: 5, integer: false },
        strength: { kind: "number", default: 3, min: 1, max: 5, integer: true },
        quadrant: { kind: "choice", default: "monitor", values: ["monitor", "manage_closely"], derived: true },
        onion_layer: { kind: "number", default: null, min: 0, max: 4, integer: true, nullable: true },
        contact: { kind: "text", default: "", max_chars: 300, conductor_only: true },
        partners: { kind: "ref_list", default: [], types: ["actor"] },
        need_problem: { kind: "project_ref", default: null, nullable: true, board_kind: "context", types: ["problem"] },
        start: { kind: "day", default: null, nullable: true },
      },
    },
    pi_grid: { spatial: true, edge: false, core: false, title_field: "title", summary: [], fields: { title: { kind: "text", default: "" } } },
    relation: {
      spatial: false, edge: true, core: false, title_field: null, summary: [],
      fields: {
        from: { kind: "ref", default: null, required: true, types: ["actor"] },
        to: { kind: "ref", default: null, required: true, types: ["actor"] },
        type: { kind: "choice", default: "collaboration", values: ["collaboration", "conflict", "funding"] },
        direction: { kind: "choice", default: "directed", values: ["directed", "mutual", "undirected"] },
        strength: { kind: "number", default: 3, min: 1, max: 5, integer: true },
      },
    },
  },
  actions: [
    { name: "apply_template", conductor_only: true, changes_board: true },
    { name: "check", conductor_only: false, changes_board: false },
    { name: "convert", conductor_only: true, changes_board: true },
    { name: "tidy", conductor_only: false, changes_board: true },
  ],
  templates: ["power_interest_grid"],
};

test("the schema tells typed cards, zones and typed edges apart from the core types", () => {
  const s = new CanvasSchema(RAW);
  assert.deepEqual(s.cardTypes(), ["actor"]);
  assert.deepEqual(s.edgeTypes(), ["relation"]);
  assert.ok(s.isEdge({ type: "connector" }) && s.isEdge({ type: "relation" }));
  assert.ok(!s.isEdge({ type: "actor" }));
  assert.ok(s.isZone("pi_grid") && !s.isZone("actor"));
  assert.ok(!s.isTyped("sticky") && s.isTyped("actor"));
  assert.deepEqual(s.edgeTypesBetween("actor", "actor"), ["relation"]);
  assert.deepEqual(s.edgeTypesBetween("sticky", "actor"), []);
});

test("a page without a schema block still works with the core types", () => {
  const s = new CanvasSchema(null);
  assert.deepEqual(s.cardTypes(), []);
  assert.ok(s.isEdge({ type: "connector" }));
  assert.deepEqual(s.templates({ mayConduct: true }), []);
});

test("actions: conductor-only ones for conductors, changing ones for editors; templates apart", () => {
  const s = new CanvasSchema(RAW);
  const names = (list) => list.map((a) => a.name);
  assert.deepEqual(names(s.actions({ mayConduct: true, mayEdit: true })), ["check", "convert", "tidy"]);
  assert.deepEqual(names(s.actions({ mayConduct: false, mayEdit: true })), ["check", "tidy"]);
  assert.deepEqual(names(s.actions({ mayConduct: false, mayEdit: false })), ["check"]);
  assert.deepEqual(s.templates({ mayConduct: true }), ["power_interest_grid"]);
  assert.deepEqual(s.templates({ mayConduct: false }), []);
});

test("form rules: one control per field, derived and conductor-only read-only, edge ends fixed", () => {
  const s = new CanvasSchema(RAW);
  const form = Object.fromEntries(s.form("actor", { mayEdit: true, mayConduct: false }).map((f) => [f.name, f]));
  assert.equal(form.name.control, "textarea"); // the title field
  assert.equal(form.interests.control, "textarea");
  assert.equal(form.contact.control, "text");
  assert.equal(form.contact.readOnly, true); // conductor-only
  assert.equal(form.macro_type.control, "select");
  assert.deepEqual(form.macro_type.options, ["public", "third_sector"]);
  assert.equal(form.runts.control, "checkbox");
  assert.equal(form.power.control, "number");
  assert.equal(form.power.step, 0.1);
  assert.equal(form.strength.step, 1);
  assert.equal(form.quadrant.readOnly, true);
  assert.equal(form.quadrant.derived, true);
  assert.equal(form.partners.control, "ref_list");
  assert.deepEqual(form.partners.types, ["actor"]);
  assert.equal(form.need_problem.control, "project_ref");
  assert.equal(form.need_problem.boardKind, "context");
  assert.equal(form.start.control, "date");
  const conductor = Object.fromEntries(s.form("actor", { mayEdit: true, mayConduct: true }).map((f) => [f.name, f]));
  assert.equal(conductor.contact.readOnly, false);
  const observer = s.form("actor", { mayEdit: false });
  assert.ok(observer.every((f) => f.readOnly));
  const edge = s.form("relation", { mayEdit: true });
  assert.deepEqual(edge.filter((f) => f.control === "ends").map((f) => f.name), ["from", "to"]);
  assert.equal(controlFor({ kind: "link" }), "url");
});

test("parsing typed values: commas, ranges, whole numbers, empty nullable fields", () => {
  const s = new CanvasSchema(RAW);
  const form = Object.fromEntries(s.form("actor").map((f) => [f.name, f]));
  assert.deepEqual(parseValue(form.power, "3,5"), { ok: true, value: 3.5 });
  assert.deepEqual(parseValue(form.power, "9"), { ok: false, reason: "range" });
  assert.deepEqual(parseValue(form.power, "abc"), { ok: false, reason: "number" });
  assert.deepEqual(parseValue(form.power, ""), { ok: false, reason: "required" });
  assert.deepEqual(parseValue(form.onion_layer, ""), { ok: true, value: null });
  assert.deepEqual(parseValue(form.strength, "2.5"), { ok: false, reason: "whole" });
  assert.deepEqual(parseValue(form.need_problem, ""), { ok: true, value: null });
  assert.deepEqual(parseValue(form.partners, ["a", "b", "a"]), { ok: true, value: ["a", "b"] });
  assert.deepEqual(parseValue(form.contact, "x".repeat(301)), { ok: false, reason: "long" });
  assert.deepEqual(parseValue(form.runts, 1), { ok: true, value: true });
});

test("chips: choices by label key, numbers as text, true flags only, derived marked", () => {
  const s = new CanvasSchema(RAW);
  const chips = s.chips({ type: "actor", fields: { macro_type: "public", quadrant: "monitor", runts: false, power: 3.25 } });
  assert.deepEqual(chips.map((c) => c.field), ["macro_type", "quadrant", "power"]);
  assert.equal(chips[0].key, "choice.actor.macro_type.public");
  assert.equal(chips[1].derived, true);
  assert.equal(chips[2].text, "3.3");
  const flagged = s.chips({ type: "actor", fields: { runts: true } });
  assert.deepEqual(flagged.map((c) => c.key), ["field.actor.runts"]);
  assert.equal(s.title({ type: "actor", fields: { name: "Comune di Lecco" } }), "Comune di Lecco");
  assert.equal(s.defaults("actor").macro_type, "third_sector");
  assert.ok(!("quadrant" in s.defaults("actor")));
  assert.ok(!("onion_layer" in s.defaults("actor")));
});

test("tones and edge styles follow the method", () => {
  const s = new CanvasSchema(RAW);
  assert.equal(s.tone({ type: "problem", fields: { role: "core" } }), "red");
  assert.equal(s.tone({ type: "problem", fields: { role: "effect" } }), "purple");
  assert.equal(s.tone({ type: "actor", fields: { macro_type: "public" } }), "blue");
  assert.equal(s.tone({ type: "unknown", fields: { color: "teal" } }), "teal");
  const conflict = s.edgeStyle({ type: "relation", fields: { type: "conflict", direction: "mutual", strength: 5 } });
  assert.deepEqual([conflict.tone, conflict.dashed, conflict.arrow], ["red", true, "both"]);
  const funding = s.edgeStyle({ type: "relation", fields: { type: "funding", direction: "undirected", strength: 1 } });
  assert.deepEqual([funding.tone, funding.dashed, funding.arrow], ["green", false, "none"]);
  assert.ok(conflict.width > funding.width);
  assert.equal(s.edgeStyle({ type: "causal_link", fields: { kind: "joint" } }).dashed, true);
});

test("grid geometry: values from a point and back, one decimal, outside is null", () => {
  const grid = { x: 100, y: 50, w: 800, h: 600 };
  assert.deepEqual(gridValues(grid, 100, 650), { power: 1, interest: 1 });
  assert.deepEqual(gridValues(grid, 900, 50), { power: 5, interest: 5 });
  assert.deepEqual(gridValues(grid, 500, 350), { power: 3, interest: 3 });
  assert.equal(gridValues(grid, 99, 300), null);
  for (const [p, i] of [[1, 1], [2.5, 4.2], [5, 1.3]]) {
    const pt = gridPoint(grid, p, i);
    assert.deepEqual(gridValues(grid, pt.x, pt.y), { power: p, interest: i });
  }
});

test("quadrants: the server's rule, and each box lies where its name says", () => {
  assert.equal(quadrantOf(3, 3), "manage_closely");
  assert.equal(quadrantOf(4, 2.9), "keep_satisfied");
  assert.equal(quadrantOf(2.9, 5), "keep_informed");
  assert.equal(quadrantOf(1, 1), "monitor");
  const grid = { x: 0, y: 0, w: 400, h: 400 };
  for (const q of QUADRANTS) {
    const b = quadrantBox(grid, q.name);
    const v = gridValues(grid, b.x + b.w / 2, b.y + b.h / 2);
    assert.equal(quadrantOf(v.power, v.interest), q.name);
  }
});

test("salience: the class of three flags, and each class's anchor lies in exactly its circles", () => {
  assert.equal(salienceClass(true, true, true), "definitive");
  assert.equal(salienceClass(false, false, false), "none");
  assert.equal(salienceClass(true, false, true), "dangerous");
  for (const cls of ["dormant", "discretionary", "demanding", "dominant", "dangerous", "dependent", "definitive"]) {
    const [x, y] = vennAnchor(cls);
    assert.deepEqual(circlesAt(x, y), salienceCircles(cls), cls);
  }
  assert.equal(vennAnchor("none"), null);
  assert.equal(salienceCircles("bogus"), null);
});

test("an action's change is undoable by the one who ran it; typed edges die with an end", async () => {
  const { BoardState } = await import("../state.js");
  const state = new BoardState({ clientId: "me" });
  state.isEdgeType = (type) => type === "connector" || type === "causal_link";
  state.loadSnapshot(
    [
      { id: "p1", type: "problem", fields: { x: 0, y: 0, w: 100, h: 100, text: "A", role: "cause" } },
      { id: "p2", type: "problem", fields: { x: 300, y: 0, w: 100, h: 100, text: "B", role: "core" } },
      { id: "l1", type: "causal_link", fields: { from: "p1", to: "p2" } },
    ],
    5,
  );
  // Someone else's action is not ours to undo.
  state.receive({ seq: 6, change_id: "other:1", client_id: "other", ops: [{ op: "update", id: "p1", fields: { x: 10 } }] });
  assert.equal(state.canUndo, false);
  // Ours: a layout moved p1 and made a card.
  const changeId = state.nextChangeId();
  state.expectUndoable(changeId);
  state.acknowledge(changeId, {
    seq: 7,
    ops: [
      { op: "update", id: "p1", fields: { x: 0, y: 200 } },
      { op: "create", id: "o1", type: "objective", fields: { x: 0, y: 400, w: 100, h: 100, text: "" } },
    ],
  });
  assert.equal(state.get("p1").fields.y, 200);
  assert.ok(state.canUndo);
  const undo = state.undo();
  const ops = undo.ops.map((op) => [op.op, op.id]);
  assert.deepEqual(ops.sort(), [["delete", "o1"], ["update", "p1"]]);
  assert.equal(state.get("p1").fields.x, 10);
  assert.equal(state.get("p1").fields.y, 0);
  assert.equal(state.has("o1"), false);
  // Deleting a problem deletes its causal link in the same change, and undo brings both back.
  const del = state.change([{ op: "delete", id: "p2" }]);
  assert.deepEqual(del.ops.map((op) => op.id).sort(), ["l1", "p2"]);
  const back = state.undo();
  assert.deepEqual(back.ops.map((op) => op.id), ["p2", "l1"]);
});
