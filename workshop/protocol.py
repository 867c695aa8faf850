"""The wire protocol, in one place: event names, error codes, limits and timings.

Mirrored by static/js/board/protocol.js and documented in docs/protocol.md; a test checks the
three agree. Bump PROTOCOL_VERSION whenever a payload changes shape.
"""

from __future__ import annotations

PROTOCOL_VERSION = 1

# --- events a client sends -----------------------------------------------------------------
JOIN_BOARD = "join_board"  # {protocol, board_id, since_seq?, watch?} -> ack {ok, seq, mode, items|changes, peers, me}
LEAVE_BOARD = "leave_board"  # {board_id} -> ack {ok}
APPLY_CHANGE = "apply_change"  # {board_id, change_id, client_id, ops[]} -> ack {ok, seq, duplicate}
MOVE_CURSOR = "move_cursor"  # {board_id, x, y} (no ack; coalesced and batched by the server)
# A canvas action (lay out the tree, convert it, apply a template, check the method):
# {board_id, change_id, client_id, action, args} -> ack {ok, seq, duplicate, ops, result}
RUN_ACTION = "run_action"

CLIENT_EVENTS = (JOIN_BOARD, LEAVE_BOARD, APPLY_CHANGE, MOVE_CURSOR, RUN_ACTION)

# --- events the server sends ---------------------------------------------------------------
CHANGE_APPLIED = "change_applied"  # {board_id, seq, change_id, client_id, author, ops[]}
PEER_JOINED = "peer_joined"  # {board_id, peer}
PEER_LEFT = "peer_left"  # {board_id, peer_id}
CURSORS_MOVED = "cursors_moved"  # {board_id, cursors: {peer_id: [x, y]}}
BOARD_ACCESS_LOST = "board_access_lost"  # {board_id, code}: the socket left that board's room
SESSION_ENDED = "session_ended"  # {code}: logged out or invite revoked; the socket is closed next

SERVER_EVENTS = (CHANGE_APPLIED, PEER_JOINED, PEER_LEFT, CURSORS_MOVED, BOARD_ACCESS_LOST, SESSION_ENDED)

# --- error codes (in acks: {ok: false, error: {code, message, field?}}) ----------------------
BAD_REQUEST = "bad_request"  # the payload is not the documented shape
PROTOCOL_MISMATCH = "protocol_mismatch"  # the client speaks another PROTOCOL_VERSION: reload
INVALID_OP = "invalid_op"  # unknown item type or field, or a value of the wrong kind
TOO_LARGE = "too_large"  # a text, a change or a message over its limit
LIMIT_REACHED = "limit_reached"  # the board holds MAX_LIVE_ITEMS_PER_BOARD items already
NOT_FOUND = "not_found"  # no such board, or no such item on it
ITEM_EXISTS = "item_exists"  # create with an id that is taken (or tombstoned: use restore)
ITEM_DELETED = "item_deleted"  # update of an item someone deleted
UNAUTHORIZED = "unauthorized"  # no live login or join behind this socket
FORBIDDEN = "forbidden"  # the principal may not see, or may not change, this board or field
NOT_JOINED = "not_joined"  # an event for a board this socket has not joined
BOARD_LOCKED = "board_locked"  # a conductor locked the board, or the frame, against changes
RATE_LIMITED = "rate_limited"  # over the socket's budget: slow down and retry later
UNAVAILABLE = "unavailable"  # storage is down: nothing was applied, retry later
INTERNAL = "internal"  # an unexpected failure: nothing was applied, it was logged

ERROR_CODES = (
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
)
# A client may retry these with the same change_id: nothing was applied.
RETRYABLE_ERRORS = frozenset({RATE_LIMITED, UNAVAILABLE, INTERNAL})

# --- limits ----------------------------------------------------------------------------------
MAX_MESSAGE_BYTES = 64 * 1024  # one Socket.IO frame; larger ones drop only their own socket
MAX_OPS_PER_CHANGE = 200  # a multi-select drag of 200 items is one change
# An action's change may be larger: turning a 300-card problem tree into an objective tree
# makes a card and a link per card.
MAX_OPS_PER_ACTION = 2_000
MAX_ACTION_ARGS_BYTES = 16 * 1024  # an action's arguments, as JSON
MAX_LIVE_ITEMS_PER_BOARD = 10_000
MAX_ITEM_ID_CHARS = 40
MAX_CHANGE_ID_CHARS = 80
MAX_CLIENT_ID_CHARS = 40
MAX_DELTA_CHANGES = 2_000  # further behind than this, a joining client gets a snapshot

# Per socket token buckets: a sustained rate and a burst.
CHANGES_PER_SECOND = 20
CHANGE_BURST = 40
# A join answers with a whole board's snapshot or history; a client re-joins on reconnect and
# at most once a second to close a seq gap, so a burst covers a flaky network.
JOINS_PER_SECOND = 1
JOIN_BURST = 10
CURSOR_MOVES_PER_SECOND = 30  # moves past this are dropped silently: cursors are ephemeral
# A socket refused this many times for its rate within guards.FLOOD_WINDOW_S is disconnected.
FLOOD_STRIKES_BEFORE_DISCONNECT = 200

# --- timings ---------------------------------------------------------------------------------
CURSOR_FLUSH_INTERVAL_MS = 50  # the server sends each board's cursors as one batch, at most 20 Hz
AUTH_RECHECK_INTERVAL_S = 5  # every open socket's login or join is re-checked this often
PING_INTERVAL_S = 10
PING_TIMEOUT_S = 10
