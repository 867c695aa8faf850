// What a room's phase lets a participant do on the board (docs/rooms.md, "Phases"), and the one
// plain sentence that says why a tool is off. The server refuses the same changes with
// `phase_forbids` (workshop/rooms/rules.py); the client turns the tools off first so nobody
// types into a refusal. Conductors are never bound by a phase. Pure: no DOM.

import { t } from "./i18n.js";

const RULES = {
  // Notes are moved into groups and edited; a new note waits for the next phase.
  cluster: { create: false, edit: true, reason: "Now we group the notes: you can move and edit them, new ones come in the next phase." },
  vote: { create: false, edit: false, reason: "Now we vote: the board is read-only, use your votes." },
  discuss: { create: false, edit: false, reason: "Now we discuss: writing resumes in the next phase." },
};
const FREE = Object.freeze({ create: true, edit: true, reason: "" });

/** {create, edit, reason} for a participant (or a conductor) in this phase; reason is "" when free. */
export function phaseRule(phase, conducts = false) {
  const rule = !conducts && RULES[phase];
  return rule ? { create: rule.create, edit: rule.edit, reason: t(rule.reason) } : FREE;
}
