// Issue 14 on the client, pure parts: what a phase turns off and why, no raw error code in a
// message, and a required date defaulting to today.

import assert from "node:assert/strict";
import { test } from "node:test";

import { errorText } from "../errors.js";
import { phaseRule } from "../phases.js";
import * as P from "../protocol.js";
import { CanvasSchema, localDay } from "../schema.js";

test("a phase binds participants, never the conductor", () => {
  assert.deepEqual(
    P.PHASES.map((phase) => [phase, phaseRule(phase).create, phaseRule(phase).edit]),
    [["write", true, true], ["cluster", false, true], ["vote", false, false], ["discuss", false, false]],
  );
  for (const phase of P.PHASES) assert.deepEqual(phaseRule(phase, true), { create: true, edit: true, reason: "" });
  assert.equal(phaseRule(null).reason, "");
  for (const phase of ["cluster", "vote", "discuss"]) assert.ok(phaseRule(phase).reason.length > 20, phase);
});

test("every error code reads as a sentence key, never as the code", () => {
  for (const code of P.ERROR_CODES) assert.equal(errorText(code), `error.${code}`); // no strings loaded: the key
  assert.equal(errorText("something_new"), "That did not work.");
  assert.equal(errorText(undefined), "That did not work.");
});

test("a required date with no default is today, in local time", () => {
  const schema = new CanvasSchema({
    board_kind: "social_reporting",
    types: {
      measurement: {
        spatial: true, edge: false, core: false, title_field: null, summary: [],
        fields: {
          date: { kind: "day", default: null, required: true },
          note: { kind: "day", default: null, nullable: true },
          value: { kind: "number", default: 0, required: true },
        },
      },
    },
  });
  const late = new Date(2026, 2, 12, 23, 59);
  assert.deepEqual(schema.defaults("measurement", late), { date: "2026-03-12", value: 0 });
  assert.equal(localDay(new Date(2026, 0, 5, 0, 30)), "2026-01-05");
});
