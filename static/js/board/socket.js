// The transport: a thin wrapper over Socket.IO (like excalidraw's Portal). It knows the
// protocol's events and the rules for sending, and nothing of the DOM: main.js wires it to the
// state (state.js) and to the screen.
//
// - join_board on every (re)connect, with since_seq once we hold a state; broadcasts that arrive
//   before the join's answer are kept and applied after it (the server enters us into the board's
//   room before it reads what it answers, so a change committed in between comes only that way);
// - own changes leave one at a time, in order, each with its change_id; after a reconnect the
//   queue is sent again with the same ids (the server acks what it already had as duplicates);
// - retryable refusals and lost acks are retried with backoff; final refusals roll back;
// - cursors leave at most every P.CURSOR_SEND_INTERVAL_MS, and only when they moved.

import { io } from "../../vendor/socket.io.esm.min.js";
import {
  ACK_TIMEOUT_MS,
  GAP_RESYNC_MS,
  JOIN_TIMEOUT_MS,
  PRE_JOIN_BUFFER_CHANGES,
  RETRY_BASE_MS,
  RETRY_MAX_MS,
} from "./config.js";
import * as P from "./protocol.js";
import { wireOp } from "./state.js";

export const STATUS = Object.freeze({
  CONNECTING: "connecting",
  ONLINE: "online",
  RECONNECTING: "reconnecting",
  OFFLINE: "offline",
  ENDED: "ended",
});

export class BoardConnection {
  /**
   * @param {object} options
   * @param {number} options.boardId
   * @param {import("./state.js").BoardState} options.state
   * @param {object} options.on  callbacks: joined(ack), status(status), refused(change, error),
   *   peerJoined(peer), peerLeft(peerId), cursors(map), ended(kind, code)
   * @param {Function} [options.connect]  io() replacement, for tests
   * @param {object} [options.socket]  share another connection's socket (a watched board)
   * @param {boolean} [options.watch]  follow the board without being present on it
   */
  constructor({ boardId, state, on = {}, connect = io, socket = null, watch = false }) {
    this.boardId = boardId;
    this.watch = watch;
    this.shared = Boolean(socket);
    this.state = state;
    this.on = on;
    this.joined = false;
    this.ended = false;
    this.inFlight = null; // changeId of the change awaiting its ack
    this.retryTimer = null;
    this.attempts = 0;
    this.me = null;
    this.status = STATUS.CONNECTING;
    this.cursor = null;
    this.cursorSent = null;
    this.beforeJoin = []; // change_applied received while the join's answer is on its way
    this.socket =
      socket ??
      connect({
        // Same origin; the session cookie goes with the handshake.
        withCredentials: true,
        // The proxy keeps each board's sockets on one process by hashing this (docs/deploy.md).
        query: { board: String(boardId) },
        // A WebSocket first: the browser closes it when the page goes, so the server stops
        // counting a reloaded page at once. Long-polling (where a proxy refuses WebSockets)
        // went on being counted until its ping timed out: a reload showed one person twice.
        transports: ["websocket", "polling"],
        tryAllTransports: true,
        closeOnBeforeunload: true, // and a polling page says it is going
        reconnectionDelay: 500,
        reconnectionDelayMax: 5000,
      });
    this._bind();
    if (this.shared && this.socket.connected) this._join();
    this.cursorTimer = setInterval(() => this._flushCursor(), P.CURSOR_SEND_INTERVAL_MS);
    this.gapTimer = setInterval(() => this._checkGap(), GAP_RESYNC_MS / 2);
    this._onOnline = () => this._setStatus(this._currentStatus());
    globalThis.addEventListener?.("online", this._onOnline);
    globalThis.addEventListener?.("offline", this._onOnline);
  }

  _bind() {
    const s = this.socket;
    this._onConnect = () => {
      performance.mark("board:connected");
      this.beforeJoin = [];
      this._join();
    };
    s.on("connect", this._onConnect);
    s.on("disconnect", (reason) => {
      this.joined = false;
      this.beforeJoin = [];
      this.inFlight = null;
      this._setStatus(this._currentStatus());
      if (reason === "io server disconnect" && !this.ended) {
        // The server closed us without session_ended (e.g. flooding): try again.
        s.connect();
      }
    });
    s.on("connect_error", (error) => {
      if (error?.message === P.UNAUTHORIZED) {
        this._end("session", P.UNAUTHORIZED);
        return;
      }
      this._setStatus(this._currentStatus());
    });
    s.on(P.CHANGE_APPLIED, (change) => {
      if (change?.board_id !== this.boardId || this.ended) return;
      if (this.joined) {
        this.state.receive(change);
        return;
      }
      // Past the cap, the oldest go: the gap they leave is repaired by a re-join.
      if (this.beforeJoin.length >= PRE_JOIN_BUFFER_CHANGES) this.beforeJoin.shift();
      this.beforeJoin.push(change);
    });
    s.on(P.PEER_JOINED, (payload) => {
      if (payload?.board_id === this.boardId) this.on.peerJoined?.(payload.peer);
    });
    s.on(P.PEER_LEFT, (payload) => {
      if (payload?.board_id === this.boardId) this.on.peerLeft?.(payload.peer_id);
    });
    s.on(P.CURSORS_MOVED, (payload) => {
      if (payload?.board_id !== this.boardId || !payload.cursors) return;
      const others = { ...payload.cursors };
      if (this.me) delete others[this.me.id];
      this.on.cursors?.(others);
    });
    s.on(P.BOARD_ACCESS_LOST, (payload) => {
      if (payload?.board_id === this.boardId) this._end("access", payload.code);
    });
    s.on(P.SESSION_ENDED, (payload) => this._end("session", payload?.code));
  }

  _currentStatus() {
    if (this.ended) return STATUS.ENDED;
    if (this.joined) return STATUS.ONLINE;
    if (globalThis.navigator && globalThis.navigator.onLine === false) return STATUS.OFFLINE;
    return this.state.loaded ? STATUS.RECONNECTING : STATUS.CONNECTING;
  }

  _setStatus(status) {
    this.status = status;
    this.on.status?.(status);
  }

  /** Tell the screen how many changes wait (call after every local change). */
  refreshStatus() {
    this._setStatus(this._currentStatus());
  }

  // --- joining -----------------------------------------------------------------------------

  _join() {
    const payload = { protocol: P.PROTOCOL_VERSION, board_id: this.boardId };
    if (this.state.loaded) payload.since_seq = this.state.seq;
    if (this.watch) payload.watch = true;
    const boardId = this.boardId;
    this.socket.timeout(JOIN_TIMEOUT_MS).emit(P.JOIN_BOARD, payload, (err, ack) => {
      if (boardId !== this.boardId) return; // answered for a board we have since left (rooms)
      if (err) {
        // No answer: the connection is probably dead; a fresh one re-joins.
        if (this.socket.connected) this._join();
        return;
      }
      if (!ack?.ok) {
        const code = ack?.error?.code;
        if (code === P.FORBIDDEN || code === P.NOT_FOUND) this._end("access", code);
        else if (code === P.PROTOCOL_MISMATCH) this._end("protocol", code);
        else if (code === P.UNAUTHORIZED) this._end("session", code);
        else setTimeout(() => this.socket.connected && this._join(), this._backoff());
        return;
      }
      this.me = ack.me;
      if (ack.mode === "snapshot") this.state.loadSnapshot(ack.items ?? [], ack.seq);
      else this.state.loadDelta(ack.changes ?? [], ack.seq);
      // What was broadcast while the answer travelled: the answer already holds seq <= ack.seq.
      const buffered = this.beforeJoin;
      this.beforeJoin = [];
      for (const change of buffered) if (change.seq > ack.seq) this.state.receive(change);
      this.joined = true;
      this.attempts = 0;
      this.inFlight = null;
      this.on.joined?.(ack);
      this._setStatus(STATUS.ONLINE);
      this._pump();
    });
  }

  // --- rooms: another board on the same socket ----------------------------------------------

  /** Leave this board and join `boardId` (a move between rooms), without a new connection.
   * The caller resets the state first. */
  switchBoard(boardId) {
    if (this.joined) this.socket.emit(P.LEAVE_BOARD, { board_id: this.boardId }, () => {});
    this.boardId = boardId;
    this.joined = false;
    this.beforeJoin = []; // early broadcasts of the old board are no use on the new one
    this.inFlight = null;
    this.sendToken = (this.sendToken ?? 0) + 1; // an ack of the old board's change is ignored
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.attempts = 0;
    this.me = null;
    this.cursorSent = null;
    this._setStatus(this._currentStatus());
    if (this.socket.connected) this._join();
  }

  /** Join again for a full snapshot (notes revealed after private writing): our pending
   * changes stay and are re-applied on top of it. */
  resync() {
    this.state.loaded = false;
    if (this.socket.connected) this._join();
  }

  _checkGap() {
    if (this.joined && this.state.gapOlderThan(GAP_RESYNC_MS)) {
      this.state.gapSince = this.state.now(); // one re-join per gap period
      this._join();
    }
  }

  // --- changes -------------------------------------------------------------------------------

  /** Send what the state holds pending (call after state.change / undo / redo). */
  flush() {
    this._pump();
    this.refreshStatus();
  }

  _backoff() {
    const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** this.attempts);
    this.attempts += 1;
    return delay * (0.75 + Math.random() * 0.5);
  }

  _pump() {
    if (!this.joined || this.inFlight || this.retryTimer || this.ended) return;
    const entry = this.state.pending[0];
    if (!entry) {
      this.refreshStatus();
      return;
    }
    this.inFlight = entry.changeId;
    const token = (this.sendToken = (this.sendToken ?? 0) + 1);
    const payload = {
      board_id: this.boardId,
      change_id: entry.changeId,
      client_id: this.state.clientId,
      ops: entry.ops.map(wireOp),
    };
    this.socket.timeout(ACK_TIMEOUT_MS).emit(P.APPLY_CHANGE, payload, (err, ack) => {
      // An answer to a send that a reconnect superseded (the change went again since): ignore.
      if (token !== this.sendToken || this.inFlight !== entry.changeId) return;
      this.inFlight = null;
      if (err) {
        this._retryLater(); // no ack: send again, the change_id makes it safe
        return;
      }
      if (ack?.ok) {
        this.attempts = 0;
        this.state.acknowledge(entry.changeId, ack);
        this._pump();
        this.refreshStatus();
        return;
      }
      const code = ack?.error?.code ?? P.INTERNAL;
      if (P.RETRYABLE_ERRORS.has(code)) {
        this._retryLater();
      } else if (code === P.NOT_JOINED) {
        this._join(); // the server forgot us (restart): join again, then the queue follows
      } else {
        this.state.rollback(entry.changeId);
        this.on.refused?.(entry, ack?.error ?? { code });
        this._pump();
        this.refreshStatus();
      }
    });
  }

  /**
   * Run a canvas action: resolves with the ack ({ok, seq, ops, result} or {ok: false, error}).
   * Its change is applied in seq order like a broadcast, after our own queued changes have
   * left (the server plans it from the board as it stands). `undoable`: make the change an undo
   * step of ours. Lost acks are retried with the same change_id (applied once).
   */
  runAction(action, args = {}, { undoable = false } = {}) {
    const changeId = this.state.nextChangeId();
    if (undoable) this.state.expectUndoable(changeId);
    const payload = { board_id: this.boardId, change_id: changeId, client_id: this.state.clientId, action, args };
    return new Promise((resolve) => {
      let attempts = 0;
      const send = () => {
        if (this.ended) {
          resolve({ ok: false, error: { code: P.UNAVAILABLE } });
          return;
        }
        if (!this.joined || this.state.pending.length || this.inFlight) {
          setTimeout(send, 100); // our own changes first, and only once joined
          return;
        }
        this.socket.timeout(ACK_TIMEOUT_MS).emit(P.RUN_ACTION, payload, (err, ack) => {
          const code = err ? P.UNAVAILABLE : ack?.ok ? null : (ack?.error?.code ?? P.INTERNAL);
          if (code && (err || P.RETRYABLE_ERRORS.has(code)) && attempts < 4) {
            attempts += 1;
            setTimeout(send, this._backoff());
            return;
          }
          if (code) {
            this.state.undoableChanges.delete(changeId);
            resolve(ack ?? { ok: false, error: { code } });
            return;
          }
          if (ack.seq > 0) {
            this.state.receive({ seq: ack.seq, change_id: changeId, client_id: this.state.clientId, ops: ack.ops ?? [] });
          }
          resolve(ack);
        });
      };
      send();
    });
  }

  _retryLater() {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this._pump();
    }, this._backoff());
  }

  // --- cursors ---------------------------------------------------------------------------------

  moveCursor(x, y) {
    this.cursor = [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
  }

  _flushCursor() {
    if (!this.joined || !this.cursor) return;
    if (this.cursorSent && this.cursorSent[0] === this.cursor[0] && this.cursorSent[1] === this.cursor[1]) return;
    this.cursorSent = this.cursor;
    // Volatile: a cursor lost on a busy line is replaced by the next one.
    this.socket.volatile.emit(P.MOVE_CURSOR, { board_id: this.boardId, x: this.cursor[0], y: this.cursor[1] });
  }

  // --- the end ---------------------------------------------------------------------------------

  _end(kind, code) {
    if (this.ended) return;
    this.ended = true;
    this.joined = false;
    this.close();
    this._setStatus(STATUS.ENDED);
    this.on.ended?.(kind, code);
  }

  close() {
    clearInterval(this.cursorTimer);
    clearInterval(this.gapTimer);
    clearTimeout(this.retryTimer);
    globalThis.removeEventListener?.("online", this._onOnline);
    globalThis.removeEventListener?.("offline", this._onOnline);
    if (this.shared) {
      this.socket.off("connect", this._onConnect);
      return;
    }
    this.socket.io.opts.reconnection = false;
    this.socket.disconnect();
  }
}
