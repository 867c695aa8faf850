// The wire protocol, in one place: event names, error codes, limits and timings.
//
// Mirrors workshop/protocol.py constant for constant (tests/unit/test_protocol_mirror.py
// compares them) and docs/protocol.md. Client-only settings live in config.js, not here.

export const PROTOCOL_VERSION = 1;

// --- events a client sends ------------------------------------------------------------------
export const JOIN_BOARD = "join_board";
export const LEAVE_BOARD = "leave_board";
export const APPLY_CHANGE = "apply_change";
export const MOVE_CURSOR = "move_cursor";
export const RUN_ACTION = "run_action";

export const CLIENT_EVENTS = Object.freeze([JOIN_BOARD, LEAVE_BOARD, APPLY_CHANGE, MOVE_CURSOR, RUN_ACTION]);

// --- events the server sends ----------------------------------------------------------------
export const CHANGE_APPLIED = "change_applied";
export const PEER_JOINED = "peer_joined";
export const PEER_LEFT = "peer_left";
export const CURSORS_MOVED = "cursors_moved";
export const BOARD_ACCESS_LOST = "board_access_lost";
export const SESSION_ENDED = "session_ended";

export const SERVER_EVENTS = Object.freeze([
  CHANGE_APPLIED,
  PEER_JOINED,
  PEER_LEFT,
  CURSORS_MOVED,
  BOARD_ACCESS_LOST,
  SESSION_ENDED,
]);

// --- error codes (in acks: {ok: false, error: {code, message, field?}}) ----------------------
export const BAD_REQUEST = "bad_request";
export const PROTOCOL_MISMATCH = "protocol_mismatch";
export const INVALID_OP = "invalid_op";
export const TOO_LARGE = "too_large";
export const LIMIT_REACHED = "limit_reached";
export const NOT_FOUND = "not_found";
export const ITEM_EXISTS = "item_exists";
export const ITEM_DELETED = "item_deleted";
export const UNAUTHORIZED = "unauthorized";
export const FORBIDDEN = "forbidden";
export const NOT_JOINED = "not_joined";
export const BOARD_LOCKED = "board_locked";
export const RATE_LIMITED = "rate_limited";
export const UNAVAILABLE = "unavailable";
export const INTERNAL = "internal";

export const ERROR_CODES = Object.freeze([
  BAD_REQUEST,
  PROTOCOL_MISMATCH,
  INVALID_OP,
  TOO_LARGE,
  LIMIT_REACHED,
  NOT_FOUND,
  ITEM_EXISTS,
  ITEM_DELETED,
  UNAUTHORIZED,
  FORBIDDEN,
  NOT_JOINED,
  BOARD_LOCKED,
  RATE_LIMITED,
  UNAVAILABLE,
  INTERNAL,
]);
// A client may retry these with the same change_id: nothing was applied.
export const RETRYABLE_ERRORS = new Set([RATE_LIMITED, UNAVAILABLE, INTERNAL]);

// --- limits ---------------------------------------------------------------------------------
export const MAX_MESSAGE_BYTES = 64 * 1024;
export const MAX_OPS_PER_CHANGE = 200;
export const MAX_OPS_PER_ACTION = 2_000;
export const MAX_ACTION_ARGS_BYTES = 16 * 1024;
export const MAX_LIVE_ITEMS_PER_BOARD = 10_000;
export const MAX_ITEM_ID_CHARS = 40;
export const MAX_CHANGE_ID_CHARS = 80;
export const MAX_CLIENT_ID_CHARS = 40;
export const MAX_DELTA_CHANGES = 2_000;

export const CHANGES_PER_SECOND = 20;
export const CHANGE_BURST = 40;
export const JOINS_PER_SECOND = 1;
export const JOIN_BURST = 10;
export const CURSOR_MOVES_PER_SECOND = 30;
export const FLOOD_STRIKES_BEFORE_DISCONNECT = 200;

// --- timings --------------------------------------------------------------------------------
export const CURSOR_FLUSH_INTERVAL_MS = 50;
export const AUTH_RECHECK_INTERVAL_S = 5;
export const PING_INTERVAL_S = 10;
export const PING_TIMEOUT_S = 10;
