// The board's state on this client: pure, no DOM, no transport.
//
// confirmed  the items as of the last applied seq (server truth)
// pending    this client's own changes, sent or not, in order
// view       confirmed + pending (what the person sees), + a transient preview while dragging
//
// Changes are applied to `confirmed` strictly in seq order: early arrivals wait in a buffer and
// an open gap is reported so the transport can re-join. A pending change leaves the queue when
// the server's sequence contains it (by its change_id), whether that arrives as our ack, in a
// delta after a reconnect, or as a duplicate ack after a snapshot. Undo and redo only ever
// touch this client's own changes (docs/protocol.md, "Keeping a client right").

import { UNDO_DEPTH } from "./config.js";

export const CREATE = "create";
export const UPDATE = "update";
export const DELETE = "delete";
export const RESTORE = "restore";

const ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A random id of `length` letters and digits (ids and client ids are chosen by clients). */
export function randomId(length = 16) {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  let id = "";
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}

function clone(value) {
  return value === null || typeof value !== "object" ? value : structuredClone(value);
}

export function sameValue(a, b) {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** An op as it goes on the wire: restore ops carry their item only for the local preview. */
export function wireOp(op) {
  switch (op.op) {
    case CREATE:
      return { op: CREATE, id: op.id, type: op.type, fields: op.fields };
    case UPDATE:
      return { op: UPDATE, id: op.id, fields: op.fields };
    default:
      return { op: op.op, id: op.id };
  }
}

/** Apply ops to a map of items in place; returns the ids touched. Deleting a missing item and
 * updating a deleted one change nothing, so pending ops replay safely on any base. */
export function applyOps(items, ops, seq = null) {
  const touched = new Set();
  for (const op of ops) {
    touched.add(op.id);
    const current = items.get(op.id);
    switch (op.op) {
      case CREATE:
      case RESTORE:
        if (op.fields) {
          items.set(op.id, {
            id: op.id,
            type: op.type ?? current?.type,
            // `local` holds what the server adds itself (a sticky's author): shown, never sent.
            fields: clone(op.local ? { ...op.fields, ...op.local } : op.fields),
            created_by: current?.created_by ?? op.created_by ?? null,
            seq: seq ?? current?.seq ?? null,
          });
        }
        break;
      case UPDATE:
        if (current) {
          items.set(op.id, {
            ...current,
            fields: { ...current.fields, ...clone(op.fields) },
            seq: seq ?? current.seq,
          });
        }
        break;
      case DELETE:
        items.delete(op.id);
        break;
      default:
        break;
    }
  }
  return touched;
}

export class BoardState {
  /**
   * @param {object} options
   * @param {string} options.clientId  this page's id, prefix of its change ids
   * @param {(ids: Set<string>) => void} [options.onChange]  items whose view changed
   * @param {(change: object) => void} [options.onRemote]  someone else's change was applied
   * @param {() => number} [options.now]
   */
  constructor({ clientId, onChange = () => {}, onRemote = () => {}, now = () => Date.now() } = {}) {
    this.clientId = clientId ?? randomId(12);
    this.onChange = onChange;
    this.onRemote = onRemote;
    this.now = now;
    this.confirmed = new Map();
    this.view = new Map();
    this.seq = 0;
    this.loaded = false;
    this.pending = []; // {changeId, ops}
    this.early = new Map(); // seq -> change, waiting for the gap before it to fill
    this.gapSince = null;
    this.preview = new Map(); // id -> fields shown while dragging, never sent as such
    this.undoStack = [];
    this.redoStack = [];
    this.counter = 0;
    this.author = null; // {name}: shown on own stickies until the server's copy arrives
    // Which types are lines between two items (connectors and a canvas's typed edges): they
    // die with an end. main.js sets it from the board schema.
    this.isEdgeType = (type) => type === "connector";
    this.undoableChanges = new Set(); // change ids of own actions: undoable once applied
  }

  // --- reading ----------------------------------------------------------------------------

  /** The item as the person should see it, or undefined. */
  get(id) {
    const item = this.view.get(id);
    const preview = this.preview.get(id);
    if (!item || !preview) return item;
    return { ...item, fields: { ...item.fields, ...preview } };
  }

  has(id) {
    return this.view.has(id);
  }

  *items() {
    for (const id of this.view.keys()) yield this.get(id);
  }

  get size() {
    return this.view.size;
  }

  /** Changes not yet confirmed by the server (what "N unsent changes" counts). */
  get unsentCount() {
    return this.pending.length;
  }

  /** True when a seq gap has stayed open longer than `ms`. */
  gapOlderThan(ms) {
    return this.gapSince !== null && this.now() - this.gapSince >= ms;
  }

  // --- server side --------------------------------------------------------------------------

  /** Forget this board entirely (a move to another room's board): nothing of it may leak into
   * the next one, neither items nor pending changes nor undo history. */
  reset() {
    const ids = new Set(this.view.keys());
    this.confirmed = new Map();
    this.view = new Map();
    this.seq = 0;
    this.loaded = false;
    this.pending = [];
    this.early = new Map();
    this.gapSince = null;
    this.preview = new Map();
    this.undoStack = [];
    this.redoStack = [];
    this.onChange(ids);
  }

  /** A join answered with mode "snapshot": every live item at `seq`. */
  loadSnapshot(items, seq) {
    const before = new Set(this.view.keys());
    this.confirmed = new Map();
    for (const item of items) {
      this.confirmed.set(item.id, {
        id: item.id,
        type: item.type,
        fields: clone(item.fields),
        created_by: item.created_by ?? null,
        seq: item.seq ?? null,
      });
    }
    this.seq = seq;
    this.loaded = true;
    for (const key of [...this.early.keys()]) if (key <= seq) this.early.delete(key);
    this._drain();
    const ids = new Set([...before, ...this.confirmed.keys()]);
    for (const p of this.pending) for (const op of p.ops) ids.add(op.id);
    this._recompute(ids);
  }

  /** A join answered with mode "delta": the changes after our seq, oldest first. */
  loadDelta(changes, seq) {
    this.loaded = true;
    for (const change of changes) this.receive(change);
    // The board's head can only be ahead of what we applied if changes are still in flight.
    if (seq > this.seq && this.early.size === 0 && changes.length === 0) this.gapSince ??= this.now();
  }

  /** A committed change (broadcast, or our own ack turned into a change). */
  receive(change) {
    if (typeof change?.seq !== "number" || change.seq <= this.seq) return false;
    if (change.seq > this.seq + 1) {
      this.early.set(change.seq, change);
      this.gapSince ??= this.now();
      return false;
    }
    this._applyConfirmed(change);
    this._drain();
    return true;
  }

  /** The ack of our own change: {seq, duplicate, ops}. */
  acknowledge(changeId, ack) {
    this.receive({ seq: ack.seq, change_id: changeId, client_id: this.clientId, ops: ack.ops ?? [] });
    // A duplicate already inside our confirmed state (a snapshot after a reconnect included it):
    // the change is done, whatever its seq.
    if (ack.seq <= this.seq) this._dropPending(changeId);
  }

  /** A final refusal: the change disappears from the screen and from the undo history. */
  rollback(changeId) {
    const dropped = this._dropPending(changeId);
    this.undoStack = this.undoStack.filter((entry) => entry.changeId !== changeId);
    this.redoStack = this.redoStack.filter((entry) => entry.changeId !== changeId);
    return dropped;
  }

  _drain() {
    while (this.early.has(this.seq + 1)) {
      const next = this.early.get(this.seq + 1);
      this.early.delete(this.seq + 1);
      this._applyConfirmed(next);
    }
    if (this.early.size === 0) this.gapSince = null;
  }

  _applyConfirmed(change) {
    if (this.undoableChanges.delete(change.change_id) && change.client_id === this.clientId) {
      // An action's change: its ops are known only now, so its undo step is made now, against
      // the state the server applied it to.
      this._push(this.undoStack, this._inverse(change.ops ?? [], this.confirmed));
      this.redoStack = [];
    }
    const touched = applyOps(this.confirmed, change.ops ?? [], change.seq);
    this.seq = change.seq;
    const own = change.client_id === this.clientId;
    const index = own ? this.pending.findIndex((p) => p.changeId === change.change_id) : -1;
    if (index >= 0) {
      for (const op of this.pending[index].ops) touched.add(op.id);
      this.pending.splice(index, 1);
    }
    this._recompute(touched);
    if (!own) this.onRemote(change);
  }

  _dropPending(changeId) {
    const index = this.pending.findIndex((p) => p.changeId === changeId);
    if (index < 0) return null;
    const [dropped] = this.pending.splice(index, 1);
    this._recompute(new Set(dropped.ops.map((op) => op.id)));
    return dropped;
  }

  /** Rebuild the view of `ids`: confirmed, then every pending op on them, in order. */
  _recompute(ids) {
    if (ids.size === 0) return;
    const scratch = new Map();
    for (const id of ids) {
      const item = this.confirmed.get(id);
      if (item) scratch.set(id, item);
    }
    for (const p of this.pending) {
      const ops = p.ops.filter((op) => ids.has(op.id));
      if (ops.length) applyOps(scratch, ops);
    }
    for (const id of ids) {
      const item = scratch.get(id);
      if (item) this.view.set(id, item);
      else this.view.delete(id);
    }
    this.onChange(ids);
  }

  // --- this person's changes ----------------------------------------------------------------

  nextChangeId() {
    this.counter += 1;
    return `${this.clientId}:${this.counter}`;
  }

  /**
   * Make a change of our own: shown at once, queued for the server, recorded for undo.
   * Returns the pending entry {changeId, ops} (send `ops.map(wireOp)`), or null if empty.
   * history: "undo" (a new change), "none" (part of the previous undo step), or "redo" /
   * "redo-source" when undo() and redo() call it.
   */
  change(ops, { history = "undo" } = {}) {
    ops = ops.filter(Boolean);
    if (ops.length === 0) return null;
    const prepared = this._withCascades(ops.map((op) => this._prepare(op)));
    const entry = { changeId: this.nextChangeId(), ops: prepared };
    const undo = this._inverse(prepared);
    undo.changeId = entry.changeId;
    if (history === "none") {
      this.redoStack = [];
      const top = this.undoStack.at(-1);
      if (top) top.sealed = true; // it took its one follow-up: later changes are steps of their own
    } else if (history === "undo" || history === "redo-source") {
      this._push(this.undoStack, undo);
      if (history === "undo") this.redoStack = [];
    } else if (history === "redo") {
      this._push(this.redoStack, undo);
    }
    this.pending.push(entry);
    this._recompute(new Set(prepared.map((op) => op.id)));
    return entry;
  }

  _prepare(op) {
    if (op.op === CREATE && op.type === "sticky" && this.author && !("author" in (op.fields ?? {}))) {
      // The server writes the author; show it now so the note does not jump.
      return { ...op, local: { author: this.author.name } };
    }
    return op;
  }

  _push(stack, entry) {
    if (entry.inverse.length === 0) return;
    stack.push(entry);
    if (stack.length > UNDO_DEPTH) stack.shift();
  }

  /** What would undo `ops` against the current view, and the values they set. */
  _inverse(ops, base = this.view) {
    const scratch = new Map();
    const lookup = (id) => (scratch.has(id) ? scratch.get(id) : base.get(id));
    const inverse = [];
    const after = {};
    for (const op of ops) {
      const current = lookup(op.id);
      if (op.op === CREATE) {
        inverse.unshift({ op: DELETE, id: op.id });
        scratch.set(op.id, { id: op.id, type: op.type, fields: op.fields });
      } else if (op.op === RESTORE) {
        inverse.unshift({ op: DELETE, id: op.id });
        scratch.set(op.id, { id: op.id, type: op.type, fields: op.fields });
      } else if (op.op === DELETE) {
        if (!current) continue;
        inverse.unshift({ op: RESTORE, id: op.id, type: current.type, fields: clone(current.fields) });
        scratch.set(op.id, null);
      } else if (op.op === UPDATE) {
        if (!current) continue;
        const before = {};
        for (const name of Object.keys(op.fields)) {
          if (current.fields[name] !== undefined) before[name] = clone(current.fields[name]);
        }
        inverse.unshift({ op: UPDATE, id: op.id, fields: before });
        after[op.id] = { ...(after[op.id] ?? {}), ...clone(op.fields) };
        scratch.set(op.id, { ...current, fields: { ...current.fields, ...op.fields } });
      }
    }
    // A connector can only come back after both its ends: restores of other items go first.
    const rank = (op) => (op.op !== RESTORE ? 2 : this.isEdgeType(op.type) ? 1 : 0);
    inverse.sort((a, b) => rank(a) - rank(b));
    return { inverse, after };
  }

  /** Deleting an item deletes the connectors that lose an end (the server does the same):
   * saying so in the change keeps the view right and lets undo restore them. */
  _withCascades(ops) {
    const out = [];
    const gone = new Set();
    const created = new Map();
    const alive = (id) => !gone.has(id) && (created.has(id) || this.view.has(id));
    const queue = [...ops];
    while (queue.length) {
      const op = queue.shift();
      out.push(op);
      if (op.op === CREATE || op.op === RESTORE) {
        gone.delete(op.id);
        created.set(op.id, op);
      } else if (op.op === DELETE && alive(op.id)) {
        gone.add(op.id);
        const candidates = [...this.view.values(), ...created.values()];
        for (const other of candidates) {
          const f = other.fields ?? {};
          if (this.isEdgeType(other.type) && alive(other.id) && (f.from === op.id || f.to === op.id)) {
            queue.unshift({ op: DELETE, id: other.id });
          }
        }
      }
    }
    // Drop repeated deletes of one id (two ends of a connector both deleted).
    const seen = new Set();
    return out.filter((op) => {
      if (op.op !== DELETE) return true;
      if (seen.has(op.id)) return false;
      seen.add(op.id);
      return true;
    });
  }

  /** The ops that undo `entry` now: own fields someone else changed since are left alone. */
  _opsToReverse(entry) {
    const ops = [];
    for (const op of entry.inverse) {
      const current = this.view.get(op.id);
      if (op.op === DELETE) {
        if (current) ops.push(op);
      } else if (op.op === RESTORE) {
        if (!current) ops.push(op);
      } else if (op.op === UPDATE) {
        if (!current) continue;
        const mine = entry.after[op.id] ?? {};
        const fields = {};
        for (const [name, value] of Object.entries(op.fields)) {
          if (name in mine && !sameValue(current.fields[name], mine[name])) continue; // someone else's now
          fields[name] = value;
        }
        if (Object.keys(fields).length) ops.push({ op: UPDATE, id: op.id, fields });
      }
    }
    return ops;
  }

  get canUndo() {
    return this.undoStack.length > 0;
  }

  get canRedo() {
    return this.redoStack.length > 0;
  }

  /** Undo our latest change that still has an effect; the pending entry to send, or null. */
  undo() {
    while (this.undoStack.length) {
      const entry = this.undoStack.pop();
      const ops = this._opsToReverse(entry);
      if (ops.length) return this.change(ops, { history: "redo" });
    }
    return null;
  }

  redo() {
    while (this.redoStack.length) {
      const entry = this.redoStack.pop();
      const ops = this._opsToReverse(entry);
      if (ops.length) return this.change(ops, { history: "redo-source" });
    }
    return null;
  }

  /** Make the change `changeId` (an action we run: the server plans its ops) undoable by us
   * once it is applied. */
  expectUndoable(changeId) {
    this.undoableChanges.add(changeId);
  }

  /** True when our latest undo step is the creation of `id` (its first text joins that step). */
  justCreated(id) {
    const top = this.undoStack.at(-1);
    return Boolean(
      top && !top.sealed && top.inverse.length === 1 && top.inverse[0].op === DELETE && top.inverse[0].id === id,
    );
  }

  // --- preview while dragging ----------------------------------------------------------------

  setPreview(fieldsById) {
    const ids = new Set([...this.preview.keys(), ...fieldsById.keys()]);
    this.preview = new Map(fieldsById);
    this.onChange(ids);
  }

  clearPreview() {
    if (this.preview.size === 0) return;
    const ids = new Set(this.preview.keys());
    this.preview = new Map();
    this.onChange(ids);
  }

  // --- helpers for the UI ------------------------------------------------------------------------

  /** The highest and lowest z of the spatial items seen. */
  zRange() {
    let top = null;
    let bottom = null;
    for (const item of this.view.values()) {
      const z = item.fields.z;
      if (typeof z !== "string") continue;
      if (top === null || z > top) top = z;
      if (bottom === null || z < bottom) bottom = z;
    }
    return { top, bottom };
  }

  /** Confirmed items as plain data, sorted by id (to compare with another client or a server). */
  confirmedSnapshot() {
    return [...this.confirmed.values()]
      .map((item) => ({ id: item.id, type: item.type, fields: item.fields }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
