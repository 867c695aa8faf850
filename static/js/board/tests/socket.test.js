import assert from "node:assert/strict";
import { test } from "node:test";

import * as P from "../protocol.js";
import { BoardConnection } from "../socket.js";
import { BoardState } from "../state.js";

// A stand-in for a socket.io-client Socket: records what the connection sends and lets a test
// deliver server events and answer acks in any order.
class FakeSocket {
  constructor(options) {
    this.options = options;
    this.handlers = new Map();
    this.sent = []; // {event, payload, ack}
    this.connected = true;
    this.io = { opts: {} };
    this.volatile = { emit: () => {} };
  }

  on(event, handler) {
    this.handlers.set(event, handler);
  }

  timeout() {
    return { emit: (event, payload, ack) => this.sent.push({ event, payload, ack }) };
  }

  deliver(event, payload) {
    this.handlers.get(event)?.(payload);
  }

  disconnect() {
    this.connected = false;
  }
}

function open(boardId = 7) {
  let socket;
  const state = new BoardState({ clientId: "me" });
  const connection = new BoardConnection({
    boardId,
    state,
    connect: (options) => (socket = new FakeSocket(options)),
  });
  return { connection, state, socket };
}

function sticky(id, text = "") {
  return { op: "create", id, type: "sticky", fields: { text } };
}

function broadcast(boardId, seq, ops) {
  return { board_id: boardId, seq, change_id: `other:${seq}`, client_id: "other", ops };
}

function joinAck(seq, items) {
  return { ok: true, mode: "snapshot", seq, items, me: { id: "me" }, peers: [] };
}

test("the socket names its board in the handshake query, for the proxy to route on", () => {
  const { connection, socket } = open(42);
  try {
    assert.deepEqual(socket.options.query, { board: "42" });
  } finally {
    connection.close();
  }
});

test("broadcasts that arrive before the join's answer are applied after it, once", () => {
  const { connection, state, socket } = open(7);
  try {
    socket.deliver("connect");
    const join = socket.sent.find((s) => s.event === P.JOIN_BOARD);
    assert.ok(join, "join_board is sent on connect");

    // The server entered us into the room, then read the board at seq 2; seq 2 was committed
    // just before that read and seq 3 just after it: both broadcasts come before the answer.
    socket.deliver(P.CHANGE_APPLIED, broadcast(7, 2, [sticky("b", "two")]));
    socket.deliver(P.CHANGE_APPLIED, broadcast(7, 3, [sticky("c", "three")]));
    socket.deliver(P.CHANGE_APPLIED, broadcast(8, 4, [sticky("x")])); // another board: ignored
    assert.equal(state.size, 0, "nothing is applied before the join's answer");

    join.ack(null, joinAck(2, [
      { id: "a", type: "sticky", fields: { text: "one" }, created_by: "u:1", seq: 1 },
      { id: "b", type: "sticky", fields: { text: "two" }, created_by: "u:1", seq: 2 },
    ]));

    assert.equal(state.seq, 3);
    assert.deepEqual([...state.items()].map((it) => it.id).sort(), ["a", "b", "c"]);
    assert.equal(state.early.size, 0, "no gap is left open");

    socket.deliver(P.CHANGE_APPLIED, broadcast(7, 4, [{ op: "update", id: "a", fields: { text: "four" } }]));
    assert.equal(state.get("a").fields.text, "four", "once joined, broadcasts apply directly");
  } finally {
    connection.close();
  }
});

test("a reconnect forgets what the previous connection had buffered", () => {
  const { connection, state, socket } = open(7);
  try {
    socket.deliver("connect");
    socket.deliver(P.CHANGE_APPLIED, broadcast(7, 5, [sticky("stale")]));
    socket.deliver("disconnect", "transport close");
    socket.deliver("connect");
    const join = socket.sent.filter((s) => s.event === P.JOIN_BOARD).at(-1);
    join.ack(null, joinAck(1, [{ id: "a", type: "sticky", fields: {}, created_by: "u:1", seq: 1 }]));
    assert.equal(state.seq, 1);
    assert.equal(state.has("stale"), false);
    assert.equal(state.early.size, 0);
  } finally {
    connection.close();
  }
});
