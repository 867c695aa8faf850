import assert from "node:assert/strict";
import { test } from "node:test";

import { loadStrings, tn } from "../i18n.js";

const page = (strings) => ({ getElementById: () => ({ textContent: JSON.stringify(strings) }) });

test("a count takes its language's form: 1 voto, 0 and 2 voti", () => {
  loadStrings(
    page({
      "%(text)s: %(count)s votes|one": "%(text)s: %(count)s voto",
      "%(text)s: %(count)s votes|other": "%(text)s: %(count)s voti",
    }),
  );
  assert.equal(tn("%(text)s: %(count)s votes", 1, { text: "Spazi" }), "Spazi: 1 voto");
  assert.equal(tn("%(text)s: %(count)s votes", 2, { text: "Spazi" }), "Spazi: 2 voti");
  assert.equal(tn("%(text)s: %(count)s votes", 0, { text: "Spazi" }), "Spazi: 0 voti");
});

test("a count without its forms falls back to the key, filled", () => {
  loadStrings(page({}));
  assert.equal(tn("%(count)s notes", 1), "1 notes");
});
