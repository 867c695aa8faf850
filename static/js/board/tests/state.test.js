import assert from "node:assert/strict";
import { test } from "node:test";

import { BoardState, wireOp } from "../state.js";
import { SimServer, seededRandom } from "./sim.js";

function sticky(id, fields = {}) {
  return { op: "create", id, type: "sticky", fields: { x: 0, y: 0, text: "", ...fields } };
}

function remote(seq, ops, clientId = "other") {
  return { seq, change_id: `${clientId}:${seq}`, client_id: clientId, ops };
}

function fields(state, id) {
  return state.get(id)?.fields;
}

test("a snapshot fills the view, and changes apply in seq order only", () => {
  const state = new BoardState({ clientId: "me" });
  state.loadSnapshot([{ id: "a", type: "sticky", fields: { text: "one" }, created_by: "u:1", seq: 3 }], 3);
  assert.equal(state.seq, 3);
  assert.equal(fields(state, "a").text, "one");

  assert.equal(state.receive(remote(3, [{ op: "update", id: "a", fields: { text: "old" } }])), false);
  assert.equal(fields(state, "a").text, "one", "a seq already applied is ignored");

  state.receive(remote(5, [{ op: "update", id: "a", fields: { text: "five" } }]));
  assert.equal(fields(state, "a").text, "one", "an early change waits for the gap to fill");
  assert.equal(state.seq, 3);
  assert.ok(state.gapSince !== null);

  state.receive(remote(4, [{ op: "update", id: "a", fields: { text: "four" } }]));
  assert.equal(state.seq, 5);
  assert.equal(fields(state, "a").text, "five");
  assert.equal(state.gapSince, null);
});

test("a gap is reported once it has been open long enough", () => {
  let now = 1000;
  const state = new BoardState({ clientId: "me", now: () => now });
  state.loadSnapshot([], 0);
  state.receive(remote(2, [sticky("b")]));
  assert.equal(state.gapOlderThan(1000), false);
  now += 1000;
  assert.equal(state.gapOlderThan(1000), true);
});

test("own changes show at once and leave the queue when acknowledged", () => {
  const state = new BoardState({ clientId: "me" });
  state.loadSnapshot([], 0);
  const entry = state.change([sticky("n1", { text: "hi" })]);
  assert.equal(entry.changeId, "me:1");
  assert.equal(fields(state, "n1").text, "hi");
  assert.equal(state.unsentCount, 1);
  assert.equal(state.confirmed.has("n1"), false);

  state.acknowledge(entry.changeId, { seq: 1, duplicate: false, ops: [{ ...sticky("n1", { text: "hi" }), fields: { text: "hi", author: "Ada" } }] });
  assert.equal(state.unsentCount, 0);
  assert.equal(state.confirmed.get("n1").fields.author, "Ada");
  assert.equal(state.seq, 1);
});

test("an ack ahead of a missing broadcast waits, and the change stays pending until then", () => {
  const state = new BoardState({ clientId: "me" });
  state.loadSnapshot([], 0);
  const entry = state.change([sticky("n1")]);
  state.acknowledge(entry.changeId, { seq: 2, duplicate: false, ops: [sticky("n1")] });
  assert.equal(state.unsentCount, 1);
  assert.equal(state.seq, 0);
  state.receive(remote(1, [sticky("x")]));
  assert.equal(state.seq, 2);
  assert.equal(state.unsentCount, 0);
  assert.ok(state.has("x") && state.has("n1"));
});

test("pending changes are rebased on top of others' changes (last writer wins per field)", () => {
  const state = new BoardState({ clientId: "me" });
  state.loadSnapshot([{ id: "a", type: "sticky", fields: { text: "t", x: 0, y: 0 } }], 1);
  state.change([{ op: "update", id: "a", fields: { x: 50 } }]);
  state.receive(remote(2, [{ op: "update", id: "a", fields: { x: 10, text: "theirs" } }]));
  assert.equal(fields(state, "a").x, 50, "our pending value shows until the server orders it");
  assert.equal(fields(state, "a").text, "theirs", "their other fields show at once");
});

test("a final refusal rolls the change back and forgets it for undo", () => {
  const state = new BoardState({ clientId: "me" });
  state.loadSnapshot([{ id: "a", type: "sticky", fields: { text: "t" } }], 1);
  const entry = state.change([{ op: "update", id: "a", fields: { text: "mine" } }]);
  assert.equal(fields(state, "a").text, "mine");
  state.rollback(entry.changeId);
  assert.equal(fields(state, "a").text, "t");
  assert.equal(state.unsentCount, 0);
  assert.equal(state.canUndo, false);
});

test("a snapshot after a reconnect keeps pending changes on top; a duplicate ack retires them", () => {
  const state = new BoardState({ clientId: "me" });
  state.loadSnapshot([], 0);
  const entry = state.change([sticky("n1", { text: "kept" })]);
  // The server had applied it (seq 1) but the ack was lost; the rejoin comes as a snapshot.
  state.loadSnapshot([{ id: "n1", type: "sticky", fields: { text: "kept", author: "Ada" } }, { id: "o", type: "sticky", fields: {} }], 2);
  assert.equal(state.unsentCount, 1);
  assert.equal(fields(state, "n1").text, "kept");
  state.acknowledge(entry.changeId, { seq: 1, duplicate: true, ops: [sticky("n1")] });
  assert.equal(state.unsentCount, 0);
  assert.equal(state.seq, 2);
});

test("a delta after a reconnect that holds our change retires it by change id", () => {
  const state = new BoardState({ clientId: "me" });
  state.loadSnapshot([], 0);
  const entry = state.change([sticky("n1")]);
  state.loadDelta([{ seq: 1, change_id: entry.changeId, client_id: "me", ops: [sticky("n1")] }], 1);
  assert.equal(state.unsentCount, 0);
  assert.ok(state.confirmed.has("n1"));
});

test("undo reverts only our own fields, skipping those someone else changed since", () => {
  const state = new BoardState({ clientId: "me" });
  state.loadSnapshot([{ id: "a", type: "sticky", fields: { text: "t", x: 0, y: 0, color: "yellow" } }], 1);
  const mine = state.change([{ op: "update", id: "a", fields: { x: 100, color: "blue" } }]);
  state.acknowledge(mine.changeId, { seq: 2, ops: [{ op: "update", id: "a", fields: { x: 100, color: "blue" } }] });
  state.receive(remote(3, [{ op: "update", id: "a", fields: { color: "red", text: "theirs" } }]));

  const undo = state.undo();
  assert.deepEqual(undo.ops.map(wireOp), [{ op: "update", id: "a", fields: { x: 0 } }]);
  assert.equal(fields(state, "a").x, 0);
  assert.equal(fields(state, "a").color, "red", "their colour stays");
  assert.equal(fields(state, "a").text, "theirs");

  const redo = state.redo();
  assert.deepEqual(redo.ops.map(wireOp), [{ op: "update", id: "a", fields: { x: 100 } }]);
});

test("undo of a create deletes it; undo of a delete restores it and its connectors", () => {
  const state = new BoardState({ clientId: "me" });
  state.loadSnapshot(
    [
      { id: "a", type: "sticky", fields: { text: "a" } },
      { id: "b", type: "sticky", fields: { text: "b" } },
      { id: "c", type: "connector", fields: { from: "a", to: "b" } },
    ],
    3,
  );
  state.change([sticky("n")]);
  assert.deepEqual(state.undo().ops.map(wireOp), [{ op: "delete", id: "n" }]);
  assert.equal(state.has("n"), false);

  state.change([{ op: "delete", id: "a" }]);
  const undo = state.undo();
  assert.deepEqual(
    undo.ops.map(wireOp),
    [
      { op: "restore", id: "a" },
      { op: "restore", id: "c" },
    ],
  );
  assert.equal(fields(state, "a").text, "a", "the restored item shows before the server answers");
});

test("undo never touches someone else's change, and a new change clears redo", () => {
  const state = new BoardState({ clientId: "me" });
  state.loadSnapshot([], 0);
  state.receive(remote(1, [sticky("theirs")]));
  assert.equal(state.undo(), null);
  assert.ok(state.has("theirs"));

  state.change([sticky("x")]);
  state.undo();
  assert.equal(state.canRedo, true);
  state.change([sticky("y")]);
  assert.equal(state.canRedo, false);
});

test("undo skips a change whose item someone else deleted, and tries the one before", () => {
  const state = new BoardState({ clientId: "me" });
  state.loadSnapshot([{ id: "a", type: "sticky", fields: { x: 0 } }, { id: "b", type: "sticky", fields: { x: 0 } }], 2);
  const first = state.change([{ op: "update", id: "a", fields: { x: 5 } }]);
  const second = state.change([{ op: "update", id: "b", fields: { x: 5 } }]);
  state.acknowledge(first.changeId, { seq: 3, ops: first.ops.map(wireOp) });
  state.acknowledge(second.changeId, { seq: 4, ops: second.ops.map(wireOp) });
  state.receive(remote(5, [{ op: "delete", id: "b" }]));
  const undo = state.undo();
  assert.deepEqual(undo.ops.map(wireOp), [{ op: "update", id: "a", fields: { x: 0 } }]);
});

test("a drag preview shows without touching the queue", () => {
  const changed = [];
  const state = new BoardState({ clientId: "me", onChange: (ids) => changed.push([...ids]) });
  state.loadSnapshot([{ id: "a", type: "sticky", fields: { x: 0, y: 0 } }], 1);
  state.setPreview(new Map([["a", { x: 40 }]]));
  assert.equal(fields(state, "a").x, 40);
  assert.equal(state.unsentCount, 0);
  state.clearPreview();
  assert.equal(fields(state, "a").x, 0);
  assert.deepEqual(changed.at(-1), ["a"]);
});

// --- a seeded fuzz: several clients, a sequencer, random disconnects (like tldraw's syncFuzz) ---

class FuzzClient {
  constructor(name, server, random) {
    this.name = name;
    this.server = server;
    this.random = random;
    this.state = new BoardState({ clientId: name });
    this.inbox = []; // messages in flight to this client, in order
    this.online = true;
    this.inFlight = null; // one change at a time, as socket.js sends them
    this.join();
  }

  join() {
    const answer = this.server.join(this.state.loaded ? this.state.seq : null);
    if (answer.mode === "snapshot") this.state.loadSnapshot(answer.items, answer.seq);
    else this.state.loadDelta(answer.changes, answer.seq);
    this.inFlight = null;
  }

  sendNext(clients) {
    if (!this.online || this.inFlight || this.state.pending.length === 0) return;
    const entry = this.state.pending[0];
    this.inFlight = entry.changeId;
    const ack = this.server.apply({ change_id: entry.changeId, client_id: this.name, ops: entry.ops.map(wireOp) }, this.name);
    if (ack.ok && !ack.duplicate) {
      const record = this.server.log.at(-1);
      for (const other of clients) if (other !== this && other.online) other.inbox.push({ kind: "change", record });
    }
    this.inbox.push({ kind: "ack", changeId: entry.changeId, ack });
  }

  deliver(count) {
    for (let i = 0; i < count && this.inbox.length; i++) {
      const message = this.inbox.shift();
      if (message.kind === "change") {
        this.state.receive(message.record);
      } else {
        this.inFlight = null;
        if (message.ack.ok) this.state.acknowledge(message.changeId, message.ack);
        else this.state.rollback(message.changeId);
      }
    }
    if (this.state.gapOlderThan(0) && this.online) this.join();
  }

  disconnect() {
    this.online = false;
    this.inbox = []; // whatever was on the wire is lost
    this.inFlight = null;
  }

  reconnect() {
    this.online = true;
    this.join();
  }

  act(ids) {
    const r = this.random();
    const live = [...this.state.view.keys()].filter((id) => this.state.get(id).type === "sticky");
    const pick = () => live[Math.floor(this.random() * live.length)];
    if (r < 0.3 || live.length < 2) {
      const id = `${this.name}-${ids.next++}`;
      this.state.change([sticky(id, { x: Math.floor(this.random() * 100) })]);
    } else if (r < 0.6) {
      this.state.change([{ op: "update", id: pick(), fields: { x: Math.floor(this.random() * 1000), text: this.name } }]);
    } else if (r < 0.7) {
      this.state.change([{ op: "delete", id: pick() }]);
    } else if (r < 0.8) {
      const [from, to] = [pick(), pick()];
      if (from !== to) {
        this.state.change([{ op: "create", id: `${this.name}-${ids.next++}`, type: "connector", fields: { from, to } }]);
      }
    } else if (r < 0.9) {
      this.state.undo();
    } else {
      this.state.redo();
    }
  }
}

function runFuzz(seed, steps = 400) {
  const random = seededRandom(seed);
  const server = new SimServer();
  const ids = { next: 0 };
  const clients = ["A", "B", "C"].map((name) => new FuzzClient(name, server, random));
  for (let step = 0; step < steps; step++) {
    const client = clients[Math.floor(random() * clients.length)];
    const r = random();
    if (r < 0.35) client.act(ids);
    else if (r < 0.75) client.deliver(1 + Math.floor(random() * 3));
    else if (r < 0.82 && client.online) client.disconnect();
    else if (r < 0.9 && !client.online) client.reconnect();
    for (const c of clients) c.sendNext(clients);
  }
  // Quiesce: everyone back online, every message delivered, every pending change settled.
  for (let round = 0; round < 200; round++) {
    for (const c of clients) if (!c.online) c.reconnect();
    for (const c of clients) {
      c.sendNext(clients);
      c.deliver(1000);
    }
    if (clients.every((c) => c.state.pending.length === 0 && c.inbox.length === 0)) break;
  }
  return { server, clients };
}

for (const seed of [1, 2, 3, 7, 42, 1234, 9001, 31337]) {
  test(`fuzz seed ${seed}: every client converges on the server's items, nothing pending`, () => {
    const { server, clients } = runFuzz(seed);
    const expected = server.snapshot();
    for (const client of clients) {
      assert.equal(client.state.pending.length, 0, `${client.name} still has pending changes`);
      assert.equal(client.state.seq, server.seq, `${client.name} is behind`);
      assert.deepEqual(client.state.confirmedSnapshot(), expected, `${client.name} diverged`);
      const view = [...client.state.items()]
        .map(({ id, type, fields }) => ({ id, type, fields }))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      assert.deepEqual(view, expected, `${client.name}'s screen differs from the server`);
    }
  });
}

test("the first text of a new note joins its creation in one undo step", () => {
  const state = new BoardState({ clientId: "me" });
  state.loadSnapshot([], 0);
  state.change([sticky("n")]);
  assert.equal(state.justCreated("n"), true);
  state.change([{ op: "update", id: "n", fields: { text: "hello" } }], { history: "none" });
  assert.equal(state.undoStack.length, 1);
  assert.deepEqual(state.undo().ops.map(wireOp), [{ op: "delete", id: "n" }]);
  const redo = state.redo();
  assert.deepEqual(redo.ops.map(wireOp), [{ op: "restore", id: "n" }]);
  assert.equal(fields(state, "n").text, "hello", "redo brings the note back with its text");
});

test("only the first text joins the creation; a later edit is an undo step of its own", () => {
  const state = new BoardState({ clientId: "me" });
  state.loadSnapshot([], 0);
  state.change([sticky("n")]);
  state.change([{ op: "update", id: "n", fields: { text: "one" } }], { history: "none" });
  assert.equal(state.justCreated("n"), false);
  state.change([{ op: "update", id: "n", fields: { text: "two" } }]);
  assert.deepEqual(state.undo().ops.map(wireOp), [{ op: "update", id: "n", fields: { text: "one" } }]);
});
