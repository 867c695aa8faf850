import assert from "node:assert/strict";
import { test } from "node:test";

import { formatDay, formatEuros, formatItalianNumber, parseItalianNumber } from "../numbers.js";
import { CanvasSchema, parseValue } from "../schema.js";

// The same corpus as tests/unit/test_numbers.py reads with workshop.numbers.
const READ = [
  ["120000,50", 120000.5],
  ["120.000,50", 120000.5],
  ["€ 120.000", 120000],
  ["120000.50", 120000.5],
  ["1.250.000", 1250000],
  ["3,5", 3.5],
  ["2.5", 2.5],
  ["-3", -3],
  ["1 250,00 €", 1250],
];
const REFUSED = [
  ["1.234", "ambiguous"],
  ["480.000", "ambiguous"],
  ["abc", "number"],
  ["1,2,3", "number"],
  ["120,000.50", "number"],
  [",5", "number"],
  ["NaN", "number"],
  ["1e5", "number"],
];

test("Italian numbers: read the way an office writes them", () => {
  for (const [text, value] of READ) assert.deepEqual(parseItalianNumber(text), { ok: true, value }, text);
  for (const [text, reason] of REFUSED) assert.deepEqual(parseItalianNumber(text), { ok: false, reason }, text);
});

test("Italian numbers in a field: a comma for decimals, and always read back the same", () => {
  assert.equal(formatItalianNumber(120000.5), "120000,5");
  assert.equal(formatItalianNumber(3.5), "3,5");
  assert.equal(formatItalianNumber(-1250000), "-1250000");
  assert.equal(formatItalianNumber(null), "");
  for (const [, value] of READ) assert.deepEqual(parseItalianNumber(formatItalianNumber(value)), { ok: true, value });
});

test("an inspector's number field: 120.000,50 is 120000.5, never 120 or 12000050; 1.234 is refused", () => {
  const schema = new CanvasSchema({
    board_kind: "stakeholders",
    types: {
      budget_line: {
        spatial: true, edge: false, core: false, title_field: "description", summary: [],
        fields: { amount: { kind: "number", default: 0, min: 0, max: 1e9, integer: false } },
      },
    },
  });
  const field = Object.fromEntries(schema.form("budget_line").map((f) => [f.name, f])).amount;
  assert.deepEqual(parseValue(field, "120.000,50"), { ok: true, value: 120000.5 });
  assert.deepEqual(parseValue(field, "120000,50"), { ok: true, value: 120000.5 });
  assert.deepEqual(parseValue(field, "1.234"), { ok: false, reason: "ambiguous" });
});

test("an amount reads the Italian office way, or the English way on an English page", () => {
  assert.equal(formatEuros(120000.5, "it").replace(/\u00a0/g, " "), "120.000,50 €");
  assert.equal(formatEuros(120000.5, "en"), "€120,000.50");
  assert.equal(formatEuros(1234, "it").replace(/\u00a0/g, " "), "1.234,00 €");
  assert.equal(formatEuros(Number.NaN, "it"), "");
});

test("a day reads as the office writes it, in the page's language", () => {
  assert.equal(formatDay("2026-09-01", "it"), "1 settembre 2026");
  assert.equal(formatDay("2026-03-12", "en"), "12 March 2026");
  assert.equal(formatDay("not a day", "it"), "not a day");
});
