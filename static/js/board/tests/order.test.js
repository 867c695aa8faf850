import assert from "node:assert/strict";
import { test } from "node:test";

import { compareOrder, isValidKey, keyAbove, keyBelow, keyBetween, keysBetween } from "../order.js";

const SERVER_KEY = /^[0-9A-Za-z]{1,64}$/;

test("the first key is a0, and keys go up and down from it", () => {
  assert.equal(keyBetween(null, null), "a0");
  assert.equal(keyBetween("a0", null), "a1");
  assert.equal(keyBetween(null, "a0"), "Zz");
  assert.equal(keyBetween("a0", "a1"), "a0V");
  assert.equal(keyBetween("az", null), "b00");
  assert.equal(keyBetween("Zz", "a0"), "ZzV");
});

test("a key between two keys sorts strictly between them, as strings", () => {
  const pairs = [
    [null, "a0"],
    ["a0", null],
    ["a0", "a1"],
    ["a0", "a0V"],
    ["a0V", "a1"],
    ["Zz", "a0"],
    ["a1", "b00"],
  ];
  for (const [a, b] of pairs) {
    const key = keyBetween(a, b);
    if (a !== null) assert.ok(a < key, `${a} < ${key}`);
    if (b !== null) assert.ok(key < b, `${key} < ${b}`);
    assert.ok(isValidKey(key));
  }
});

test("bringing to front 1,000 times keeps keys short and in order", () => {
  let top = "a0";
  for (let i = 0; i < 1000; i++) {
    const next = keyAbove(top);
    assert.ok(next > top);
    top = next;
  }
  assert.ok(top.length <= 4, top);
  let bottom = "a0";
  for (let i = 0; i < 1000; i++) {
    const next = keyBelow(bottom);
    assert.ok(next < bottom);
    bottom = next;
  }
  assert.ok(SERVER_KEY.test(bottom));
});

test("inserting again and again between the same neighbours stays within the server's limit", () => {
  let low = "a0";
  const high = "a1";
  for (let i = 0; i < 50; i++) {
    const key = keyBetween(low, high);
    assert.ok(low < key && key < high);
    assert.ok(SERVER_KEY.test(key), key);
    low = key;
  }
});

test("n keys between two keys are ordered and distinct", () => {
  const keys = keysBetween("a0", "a1", 20);
  assert.equal(keys.length, 20);
  for (let i = 1; i < keys.length; i++) assert.ok(keys[i - 1] < keys[i]);
  assert.ok("a0" < keys[0] && keys.at(-1) < "a1");
  assert.deepEqual(keysBetween(null, null, 3), ["a0", "a1", "a2"]);
});

test("malformed keys written by another client are refused by keyBetween, handled by keyAbove/Below", () => {
  assert.throws(() => keyBetween("a00", null)); // trailing zero
  assert.throws(() => keyBetween("a1", "a0")); // out of order
  assert.ok(!isValidKey("zz"));
  assert.ok(!isValidKey("a-1"));
  assert.ok(keyAbove("zz") > "zz");
  assert.ok(keyBelow("zz") < "zz");
  assert.equal(keyBelow("0"), null);
});

test("equal keys are ordered by id", () => {
  assert.equal(compareOrder("a0", "b", "a0", "a"), 1);
  assert.equal(compareOrder("a0", "z", "a1", "a"), -1);
  assert.equal(compareOrder("a0", "x", "a0", "x"), 0);
});
