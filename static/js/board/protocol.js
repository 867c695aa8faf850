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
// A connect refused because the person holds MAX_SOCKETS_PER_PERSON sockets already.
export const TOO_MANY_SOCKETS = "too_many_sockets";
export const FORBIDDEN = "forbidden";
export const NOT_JOINED = "not_joined";
export const BOARD_LOCKED = "board_locked";
export const RATE_LIMITED = "rate_limited";
export const UNAVAILABLE = "unavailable";
export const INTERNAL = "internal";
export const PHASE_FORBIDS = "phase_forbids";

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
  PHASE_FORBIDS,
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
// The 9th socket of one person is refused: connect_error with TOO_MANY_SOCKETS.
export const MAX_SOCKETS_PER_PERSON = 8;

export const CHANGES_PER_SECOND = 20;
export const CHANGE_BURST = 40;
export const JOINS_PER_SECOND = 1;
export const JOIN_BURST = 10;
export const CURSOR_MOVES_PER_SECOND = 30;
export const FLOOD_STRIKES_BEFORE_DISCONNECT = 200;

// --- timings --------------------------------------------------------------------------------
export const CURSOR_FLUSH_INTERVAL_MS = 40;
export const CURSOR_SEND_INTERVAL_MS = 50;
export const AUTH_RECHECK_INTERVAL_S = 5;
// Heartbeats: long enough to ride out a loaded server's send backlog (workshop/protocol.py says why).
export const PING_INTERVAL_S = 25;
export const PING_TIMEOUT_S = 20;

// === rooms and the conductor (docs/rooms.md) ================================================
// Mirrors the rooms section of workshop/protocol.py.
// --- events a client sends (each acked) ---
// ack {ok, live}; live.room: locked, locked_frames, present, harvested?; live.join (conductors)
export const ROOM_STATE = "room_state";
// {board_id, meeting_id?}
export const OPEN_LIVE_SESSION = "open_live_session";
// {session_id, keep_locks?}
export const CLOSE_LIVE_SESSION = "close_live_session";
// {session_id, count | names, seed?: {frame_id}}
export const CREATE_GROUPS = "create_groups";
export const ASSIGN_GROUPS = "assign_groups";
export const MOVE_TO_ROOM = "move_to_room";
export const BACK_TO_PLENARY = "back_to_plenary";
export const CHOOSE_ROOM = "choose_room";
export const SET_TIMER = "set_timer";
export const SEND_ROOM_MESSAGE = "send_room_message";
export const SET_FOLLOW = "set_follow";
export const FOLLOW_VIEW = "follow_view";
export const SUMMON = "summon";
// in or out of a session
export const LOCK_BOARD = "lock_board";
export const LOCK_FRAME = "lock_frame";
export const START_PRIVATE_WRITING = "start_private_writing";
export const REVEAL_NOTES = "reveal_notes";
export const SET_PHASE = "set_phase";
// any card, not an edge or a frame
export const CAST_VOTE = "cast_vote";
export const RETRACT_VOTE = "retract_vote";
export const RAISE_SIGNAL = "raise_signal";
export const ROOM_OVERVIEW = "room_overview";
// any card, with the edges between them
export const HARVEST = "harvest";
export const ATTENDANCE = "attendance";
// decisions and dissent (docs/verbale.md): {board_id, item_id, kind|null}
export const MARK_CARD = "mark_card";
// {session_id, kind, text}
export const LOG_DECISION = "log_decision";
export const REMOVE_MARK = "remove_mark";
export const DECISION_LOG = "decision_log";
export const ROOM_CLIENT_EVENTS = Object.freeze([
  ROOM_STATE,
  OPEN_LIVE_SESSION,
  CLOSE_LIVE_SESSION,
  CREATE_GROUPS,
  ASSIGN_GROUPS,
  MOVE_TO_ROOM,
  BACK_TO_PLENARY,
  CHOOSE_ROOM,
  SET_TIMER,
  SEND_ROOM_MESSAGE,
  SET_FOLLOW,
  FOLLOW_VIEW,
  SUMMON,
  LOCK_BOARD,
  LOCK_FRAME,
  START_PRIVATE_WRITING,
  REVEAL_NOTES,
  SET_PHASE,
  CAST_VOTE,
  RETRACT_VOTE,
  RAISE_SIGNAL,
  ROOM_OVERVIEW,
  HARVEST,
  ATTENDANCE,
  MARK_CARD,
  LOG_DECISION,
  REMOVE_MARK,
  DECISION_LOG,
]);

// --- events the server sends (and ROOM_STATE) ---
export const ROOM_MESSAGE = "room_message";
// the old group board is already left
export const MOVED_TO_ROOM = "moved_to_room";
export const VIEW_FOLLOWED = "view_followed";
export const SUMMONED = "summoned";
export const NOTES_REVEALED = "notes_revealed";
export const VOTES_CHANGED = "votes_changed";
export const SIGNALS_CHANGED = "signals_changed";
// {..., items, present}
export const THUMBNAIL_CHANGED = "thumbnail_changed";
// {session_id, rooms: [{room_id, board_id, present}]}
export const PRESENT_CHANGED = "present_changed";
export const ROOM_SERVER_EVENTS = Object.freeze([
  ROOM_STATE,
  ROOM_MESSAGE,
  MOVED_TO_ROOM,
  VIEW_FOLLOWED,
  SUMMONED,
  NOTES_REVEALED,
  VOTES_CHANGED,
  SIGNALS_CHANGED,
  THUMBNAIL_CHANGED,
  PRESENT_CHANGED,
]);

// --- phases and signals ---
export const PHASE_WRITE = "write";
export const PHASE_CLUSTER = "cluster";
export const PHASE_VOTE = "vote";
export const PHASE_DISCUSS = "discuss";
export const PHASES = Object.freeze([PHASE_WRITE, PHASE_CLUSTER, PHASE_VOTE, PHASE_DISCUSS]);
export const SIGNAL_HAND = "hand";
export const SIGNAL_DONE = "done";
export const SIGNAL_KINDS = Object.freeze([SIGNAL_HAND, SIGNAL_DONE]);

// --- limits ---
export const MAX_GROUPS = 24;
export const MAX_ROOM_NAME_CHARS = 80;
export const MAX_ROOM_MESSAGE_CHARS = 500;
export const MAX_VOTES_PER_PERSON = 20;
export const MAX_TIMER_S = 4 * 60 * 60;
export const MAX_DECISION_TEXT_CHARS = 2000;
export const MAX_HARVEST_ITEMS = 100;
export const MAX_THUMBNAIL_ITEMS = 400;
export const ROOM_EVENTS_PER_SECOND = 10;
export const FOLLOW_VIEWS_PER_SECOND = 5;

// --- timings ---
export const THUMBNAIL_INTERVAL_MS = 1000;
export const PRESENT_INTERVAL_MS = 1000;
export const PRESENT_SETTLE_MS = 150;

// === calls: camera and microphone in every room (docs/calls.md) ===
export const CALL_JOIN = "call_join";
export const CALL_LEAVE = "call_leave";
export const CALL_SIGNAL = "call_signal";
export const CALL_MEDIA = "call_media";
export const CALL_MUTE_ALL = "call_mute_all";
export const CALL_FLOOR = "call_floor";
export const CALL_CLIENT_EVENTS = Object.freeze([CALL_JOIN, CALL_LEAVE, CALL_SIGNAL, CALL_MEDIA, CALL_MUTE_ALL, CALL_FLOOR]);

export const CALL_PEER_JOINED = "call_peer_joined";
export const CALL_PEER_LEFT = "call_peer_left";
export const CALL_SIGNALLED = "call_signalled";
export const CALL_MEDIA_CHANGED = "call_media_changed";
export const CALL_MODE = "call_mode";
export const CALL_MUTED = "call_muted";
export const CALL_ENDED = "call_ended";
export const CALL_SERVER_EVENTS = Object.freeze([
  CALL_PEER_JOINED,
  CALL_PEER_LEFT,
  CALL_SIGNALLED,
  CALL_MEDIA_CHANGED,
  CALL_MODE,
  CALL_MUTED,
  CALL_ENDED,
]);

export const CALL_MESH = "mesh";
export const CALL_BROADCAST = "broadcast";
export const CALL_EXTERNAL = "external";

export const MAX_CALL_SIGNAL_BYTES = 16_384;
export const CALL_SIGNALS_PER_SECOND = 40;
