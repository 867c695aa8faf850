// Fractional-index order keys for z-order, in the format of rocicorp's fractional-indexing
// (base 62, "a0" first): a key between two others never renumbers anyone else.
//
// A key is an integer part (its head letter gives its length: "a" = 2 chars, "b" = 3 ... and
// "Z" = 2, "Y" = 3 ... for the negatives) followed by a fraction without trailing zeros.
// Keys compare as plain strings, as the server compares them.

export const DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const ZERO = DIGITS[0];
const SMALLEST_INTEGER = "A" + ZERO.repeat(26);

function midpoint(a, b) {
  // A fraction strictly between a and b ("" and null stand for 0 and 1).
  if (b !== null && a >= b) throw new Error(`${a} >= ${b}`);
  if (a.slice(-1) === ZERO || (b && b.slice(-1) === ZERO)) throw new Error("trailing zero");
  if (b) {
    let n = 0;
    while ((a[n] || ZERO) === b[n]) n++;
    if (n > 0) return b.slice(0, n) + midpoint(a.slice(n), b.slice(n));
  }
  const digitA = a ? DIGITS.indexOf(a[0]) : 0;
  const digitB = b !== null ? DIGITS.indexOf(b[0]) : DIGITS.length;
  if (digitB - digitA > 1) return DIGITS[Math.round(0.5 * (digitA + digitB))];
  if (b && b.length > 1) return b.slice(0, 1);
  return DIGITS[digitA] + midpoint(a.slice(1), null);
}

function integerLength(head) {
  if (head >= "a" && head <= "z") return head.charCodeAt(0) - 97 + 2;
  if (head >= "A" && head <= "Z") return 90 - head.charCodeAt(0) + 2;
  throw new Error(`invalid order key head: ${head}`);
}

function integerPart(key) {
  const length = integerLength(key[0]);
  if (length > key.length) throw new Error(`invalid order key: ${key}`);
  return key.slice(0, length);
}

export function isValidKey(key) {
  if (typeof key !== "string" || !key || key === SMALLEST_INTEGER) return false;
  if ([...key].some((ch) => !DIGITS.includes(ch))) return false;
  try {
    const whole = integerPart(key);
    return key.slice(whole.length).slice(-1) !== ZERO;
  } catch {
    return false;
  }
}

function checkKey(key) {
  if (!isValidKey(key)) throw new Error(`invalid order key: ${key}`);
}

function incrementInteger(x) {
  const [head, ...digits] = x.split("");
  let carry = true;
  for (let i = digits.length - 1; carry && i >= 0; i--) {
    const d = DIGITS.indexOf(digits[i]) + 1;
    if (d === DIGITS.length) {
      digits[i] = ZERO;
    } else {
      digits[i] = DIGITS[d];
      carry = false;
    }
  }
  if (!carry) return head + digits.join("");
  if (head === "Z") return "a" + ZERO;
  if (head === "z") return null;
  const next = String.fromCharCode(head.charCodeAt(0) + 1);
  if (next > "a") digits.push(ZERO);
  else digits.pop();
  return next + digits.join("");
}

function decrementInteger(x) {
  const [head, ...digits] = x.split("");
  let borrow = true;
  for (let i = digits.length - 1; borrow && i >= 0; i--) {
    const d = DIGITS.indexOf(digits[i]) - 1;
    if (d === -1) {
      digits[i] = DIGITS.slice(-1);
    } else {
      digits[i] = DIGITS[d];
      borrow = false;
    }
  }
  if (!borrow) return head + digits.join("");
  if (head === "a") return "Z" + DIGITS.slice(-1);
  if (head === "A") return null;
  const next = String.fromCharCode(head.charCodeAt(0) - 1);
  if (next < "Z") digits.push(DIGITS.slice(-1));
  else digits.pop();
  return next + digits.join("");
}

/** A key strictly between a and b; null means "no bound" on that side. */
export function keyBetween(a, b) {
  if (a !== null) checkKey(a);
  if (b !== null) checkKey(b);
  if (a !== null && b !== null && a >= b) throw new Error(`${a} >= ${b}`);
  if (a === null) {
    if (b === null) return "a" + ZERO;
    const ib = integerPart(b);
    const fb = b.slice(ib.length);
    if (ib === SMALLEST_INTEGER) return ib + midpoint("", fb);
    if (ib < b) return ib;
    const lower = decrementInteger(ib);
    if (lower === null) throw new Error("cannot go lower");
    return lower;
  }
  if (b === null) {
    const ia = integerPart(a);
    const fa = a.slice(ia.length);
    const higher = incrementInteger(ia);
    return higher === null ? ia + midpoint(fa, null) : higher;
  }
  const ia = integerPart(a);
  const fa = a.slice(ia.length);
  const ib = integerPart(b);
  const fb = b.slice(ib.length);
  if (ia === ib) return ia + midpoint(fa, fb);
  const higher = incrementInteger(ia);
  if (higher === null) throw new Error("cannot go higher");
  if (higher < b) return higher;
  return ia + midpoint(fa, null);
}

/** n keys in order strictly between a and b, spread evenly. */
export function keysBetween(a, b, n) {
  if (n === 0) return [];
  if (n === 1) return [keyBetween(a, b)];
  if (b === null) {
    let key = keyBetween(a, b);
    const keys = [key];
    for (let i = 0; i < n - 1; i++) keys.push((key = keyBetween(key, b)));
    return keys;
  }
  if (a === null) {
    let key = keyBetween(a, b);
    const keys = [key];
    for (let i = 0; i < n - 1; i++) keys.push((key = keyBetween(a, key)));
    return keys.reverse();
  }
  const mid = Math.floor(n / 2);
  const key = keyBetween(a, b);
  return [...keysBetween(a, key, mid), key, ...keysBetween(key, b, n - mid - 1)];
}

/** A key above `top` (the highest key on the board, or null), even if `top` is malformed:
 * another client may have written any string of [0-9A-Za-z], and appending a digit to a
 * string always sorts it after that string. */
export function keyAbove(top) {
  if (top === null || top === undefined) return keyBetween(null, null);
  if (isValidKey(top)) return keyBetween(top, null);
  return top + "V";
}

/** A key below `bottom`, or null when none can be made (bottom is "0", or malformed and
 * starting with "0"). */
export function keyBelow(bottom) {
  if (bottom === null || bottom === undefined) return keyBetween(null, null);
  if (isValidKey(bottom)) {
    try {
      return keyBetween(null, bottom);
    } catch {
      return null;
    }
  }
  return bottom[0] > "0" ? "0" : null;
}

/** Compare two items' order: z as a string, then id, so equal keys still sort stably. */
export function compareOrder(za, ida, zb, idb) {
  if (za !== zb) return za < zb ? -1 : 1;
  if (ida === idb) return 0;
  return ida < idb ? -1 : 1;
}
