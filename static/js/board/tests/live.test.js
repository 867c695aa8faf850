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

test("the live facts are read under the server's own names, and nothing else", async () => {
  const { joinOf, meetingOf, presentIn, choosingOpen } = await import("../live.js");
  // People present: the room state's and each session room's integer `present`; no guess.
  assert.equal(presentIn({ present: 4 }), 4);
  assert.equal(presentIn({ present: 0 }), 0);
  assert.equal(presentIn({ present_count: 4, people: [1, 2] }), null);
  assert.equal(presentIn({ present: ["Bea", "Dario"] }), null); // the overview's names are no count
  assert.equal(presentIn(undefined), null);
  // The join code: the conductors' live.join {code, link}, else the page's (the same fields).
  const link = "https://tavolo.example/j/abc";
  assert.deepEqual(joinOf({ join: { code: "ABCD-EFGH", link } }), { code: "ABCD-EFGH", link });
  assert.deepEqual(joinOf(null, { join: { code: "WXYZ-1234", link } }), { code: "WXYZ-1234", link });
  assert.equal(joinOf({ join_code: "ABCD", join_url: link }), null);
  assert.equal(joinOf({ join: { url: link } }), null);
  // The meeting: the session's own, with the page's label when the page lists it.
  const meeting = { id: 7, title: "Contesto", date: "2026-03-12" };
  assert.deepEqual(meetingOf({ session: { meeting_id: 7, meeting } }), meeting);
  const listed = { ...meeting, label: "12 marzo 2026 · Contesto", today: true };
  assert.deepEqual(meetingOf({ session: { meeting_id: 7, meeting } }, { meetings: [listed] }), listed);
  assert.equal(meetingOf({ session: { meeting_id: null, meeting: null } }, { meetings: [listed] }), null);
  assert.equal(meetingOf({ meeting }), null);
  // Choosing a group: the session's flag, for participants only.
  const live = { session: { choosing: true, rooms: [{ id: 1, is_plenary: true }, { id: 2, is_plenary: false }] } };
  assert.equal(choosingOpen(live, false), true);
  assert.equal(choosingOpen(live, true), false);
  assert.equal(choosingOpen({ ...live, session: { ...live.session, choosing: false }, room: { choosing: true } }, false), false);
});
