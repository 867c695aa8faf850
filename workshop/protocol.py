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

SERVER_EVENTS = (
    CHANGE_APPLIED,
    PEER_JOINED,
    PEER_LEFT,
    CURSORS_MOVED,
    BOARD_ACCESS_LOST,
    SESSION_ENDED,
)

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
PHASE_FORBIDS = "phase_forbids"  # the room's phase does not let participants do this now

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
    PHASE_FORBIDS,  # rooms and the conductor, below
)
# A connection refused because its person has MAX_SOCKETS_PER_PERSON open already (the
# `connect_error` message, like UNAUTHORIZED; not an ack code).
TOO_MANY_SOCKETS = "too_many_sockets"
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
# Sockets one person (a login, or a participant's join) may hold on one process. A tab holds
# one socket, so 8 covers a laptop and a projector with a few tabs each; without a cap every
# per-socket budget below multiplies by the sockets a person opens (100 sockets and a burst of
# re-joins stalled a bystander for seconds). The 9th is refused with TOO_MANY_SOCKETS.
MAX_SOCKETS_PER_PERSON = 8

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
# The server sends each board's cursors as one batch every 40 ms (25 Hz), on a fixed cadence: a
# move waits at most that long, so with the batch's own sending a cursor arrives within 50 ms.
CURSOR_FLUSH_INTERVAL_MS = 40
CURSOR_SEND_INTERVAL_MS = 50  # a client sends its pointer at most this often (20 Hz), when moved
AUTH_RECHECK_INTERVAL_S = 5  # every open socket's login or join is re-checked this often
# Engine.IO heartbeats: the server queues a ping every PING_INTERVAL_S and closes a socket whose
# pong has not come back PING_TIMEOUT_S after the ping was queued; the client gives up on a
# server silent for both together. The ping waits in the socket's queue behind the broadcasts
# already there, so on a loaded host (a 2-core machine whose server core is shared with other
# processes) the timeout must outlast the queue's worst backlog, not the network's round trip:
# at 10 / 10, other processes taking 2/3 of the server's core dropped 20 to 60 of 60 clients of
# a 60 x 2 writes/s plenary (issue 18). 25 / 20 are Socket.IO's own defaults: a backlog of up to
# 20 s is ridden out, and a client whose network died is still noticed within 45 s (a closed
# tab says goodbye at once). The proxy's read timeout must exceed the sum (docs/deploy.md).
PING_INTERVAL_S = 25
PING_TIMEOUT_S = 20


# === rooms and the conductor (docs/rooms.md) ====================================================
# A live session runs on a board (the plenary) and may open small-group rooms, each on a board of
# its own. Controls are conductor-only (`forbidden` otherwise) and stored on the room.

# --- events a client sends (each acked {ok, ...} or {ok: false, error}) ---
ROOM_STATE = "room_state"  # {board_id} -> ack {ok, live}: also sent by the server (below)
# live (join ack, room_state ack): {board_id, session, room, signals, mine, tally, can_conduct,
#   join? (conductors: {code, link} of the project's invite), my_room_id? (participants)}
# session: {id, meeting_id, meeting: {id, title, date}|null, plenary_board_id, choosing, rooms}
# room: {..., locked, locked_frames: [frame ids], present: distinct people on the board,
#   harvested? (plenary only: {item_id: group name} of the copies harvested from groups)}
OPEN_LIVE_SESSION = "open_live_session"  # {board_id, meeting_id?} -> ack {ok, session}; meeting of
# a lab holding the project, else `forbidden` (field meeting_id) and nothing opens
CLOSE_LIVE_SESSION = "close_live_session"  # {session_id, keep_locks?}: locks set during it end
# with it unless keep_locks is true
CREATE_GROUPS = "create_groups"  # {session_id, count | names: [..], seed?: {frame_id|null}}: each
# group board starts with the plenary's frames and texts, and with frame_id every item inside
# that frame and the edges between them
ASSIGN_GROUPS = "assign_groups"  # {session_id, mode: "random" | "choice" | "hand"}
MOVE_TO_ROOM = "move_to_room"  # {session_id, identity, room_id}: a conductor moves someone
BACK_TO_PLENARY = "back_to_plenary"  # {session_id}: everyone back
CHOOSE_ROOM = (
    "choose_room"  # {session_id, room_id}: a participant picks a group while choosing is on
)
SET_TIMER = "set_timer"  # {session_id, room_id|null, action: start|pause|reset, duration_s?}
SEND_ROOM_MESSAGE = "send_room_message"  # {session_id, room_id|null, text}
SET_FOLLOW = "set_follow"  # {session_id, room_id|null, on, view?}
FOLLOW_VIEW = "follow_view"  # {session_id, view: {x, y, zoom}}: the followed conductor's view
SUMMON = "summon"  # {session_id, room_id|null, view}
LOCK_BOARD = "lock_board"  # {board_id, locked}: in or out of a session; locked:false always lifts
LOCK_FRAME = "lock_frame"  # {board_id, item_id, locked}: likewise, for one frame
START_PRIVATE_WRITING = "start_private_writing"  # {board_id, anonymous}
REVEAL_NOTES = "reveal_notes"  # {board_id}
SET_PHASE = (
    "set_phase"  # {session_id, room_id|null, phase: write|cluster|vote|discuss|null, votes?}
)
CAST_VOTE = "cast_vote"  # {board_id, item_id} -> ack {ok, mine, left}: any card (not an edge/frame)
RETRACT_VOTE = "retract_vote"  # {board_id, item_id}
RAISE_SIGNAL = "raise_signal"  # {board_id, kind: hand|done, on}
ROOM_OVERVIEW = "room_overview"  # {session_id} -> ack {ok, session, rooms: [room + members,
# present (names), present_count, signals, tally, items]}
HARVEST = "harvest"  # {session_id, items: [{board_id, item_id}]} -> ack {ok, board_id, changes:
# [{room_id, seq, created: {group id: plenary id}}]}: any card, with the edges between them
ATTENDANCE = "attendance"  # {session_id} -> ack {ok, rows}
# Decisions and dissent for the verbale (docs/verbale.md); conductors only, `forbidden` otherwise.
MARK_CARD = "mark_card"  # {board_id, item_id, kind: decision|minority|null} -> ack {ok, entries}:
# any card of a room's board (null takes the mark off); room.marks {item_id: kind} tells everyone
LOG_DECISION = "log_decision"  # {session_id, kind: decision|minority|next_step, text} -> ack
# {ok, entries}: an entry of the decision log, no card
REMOVE_MARK = "remove_mark"  # {session_id, mark_id} -> ack {ok, entries}
DECISION_LOG = "decision_log"  # {session_id} -> ack {ok, entries: [{id, kind, text, board_id,
# item_id, by, at}]}

ROOM_CLIENT_EVENTS = (
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
)

# --- events the server sends ---
# ROOM_STATE {board_id, session, room}: a control of the room changed (timer, phase, lock...);
# {board_id, session: null, room: null, locked, locked_frames}: no session (ended) on the board
ROOM_MESSAGE = (
    "room_message"  # {board_id, text, at}: the conductor's message (a polite live region)
)
MOVED_TO_ROOM = "moved_to_room"  # {session_id, room_id, board_id, name, is_plenary}: join this
# board (a move out of a group has already taken the sockets off the group's board)
VIEW_FOLLOWED = "view_followed"  # {board_id, view}: the followed view moved
SUMMONED = "summoned"  # {board_id, view}: go to this view now
NOTES_REVEALED = "notes_revealed"  # {board_id}: re-join without since_seq for the revealed notes
VOTES_CHANGED = "votes_changed"  # {board_id, tally: {item_id: n}}: results (conductors: always)
SIGNALS_CHANGED = "signals_changed"  # {board_id, hands, done, names?}: names to conductors only
THUMBNAIL_CHANGED = (
    "thumbnail_changed"  # {session_id, room_id, board_id, items, present}: conductors
)
PRESENT_CHANGED = "present_changed"  # {session_id, rooms: [{room_id, board_id, present}]}: people
# on each room's board after a join or leave, to the session's conductors and its boards' sockets

ROOM_SERVER_EVENTS = (
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
)

# --- phases and signals ---
PHASE_WRITE = "write"  # participants create and edit notes
PHASE_CLUSTER = "cluster"  # participants move and edit, but create nothing new
PHASE_VOTE = "vote"  # participants only vote; the board is theirs to look at
PHASE_DISCUSS = "discuss"  # participants look and talk: the conductor writes
PHASES = (PHASE_WRITE, PHASE_CLUSTER, PHASE_VOTE, PHASE_DISCUSS)
SIGNAL_HAND = "hand"
SIGNAL_DONE = "done"
SIGNAL_KINDS = (SIGNAL_HAND, SIGNAL_DONE)

# --- limits ---
MAX_GROUPS = 24
MAX_ROOM_NAME_CHARS = 80
MAX_ROOM_MESSAGE_CHARS = 500
MAX_VOTES_PER_PERSON = 20
MAX_TIMER_S = 4 * 60 * 60  # four hours: a whole lab meeting
MAX_DECISION_TEXT_CHARS = 2000  # a decision log entry, and a marked card's words as kept
MAX_HARVEST_ITEMS = 100  # one harvest is one change on the plenary, within MAX_OPS_PER_CHANGE
MAX_THUMBNAIL_ITEMS = 400  # the compact rendering keeps the largest items past this
ROOM_EVENTS_PER_SECOND = 10  # per socket; follow_view is counted apart
FOLLOW_VIEWS_PER_SECOND = 5

# --- timings ---
THUMBNAIL_INTERVAL_MS = 1000  # a group's thumbnail reaches the conductors at most once a second
PRESENT_INTERVAL_MS = 1000  # a session's presence counts go out at most once a second
PRESENT_SETTLE_MS = 150  # the first count waits this long: a burst of joins goes out as one

# === calls: camera and microphone in every room (docs/calls.md) ===================================
# A call is the room's board: only sockets that joined that board (and may be in that room) join
# its call, and a signal reaches only a peer of the same call. Peers are named by opaque ids.

# --- events a client sends ---
CALL_JOIN = (
    "call_join"  # {board_id, cam, mic} -> ack {ok, peer_id, mode, sfu_url, peers[], floor[]}
)
CALL_LEAVE = "call_leave"  # {board_id} -> ack {ok}
CALL_SIGNAL = "call_signal"  # {board_id, to, description?|candidate?}: to one peer of the same call
CALL_MEDIA = "call_media"  # {board_id, cam, mic, speaking}: what this peer sends now
CALL_MUTE_ALL = (
    "call_mute_all"  # {board_id}: a conductor asks every participant to turn the mic off
)
CALL_FLOOR = (
    "call_floor"  # {board_id, peer_id, on}: a conductor gives or takes the floor (broadcast)
)

CALL_CLIENT_EVENTS = (CALL_JOIN, CALL_LEAVE, CALL_SIGNAL, CALL_MEDIA, CALL_MUTE_ALL, CALL_FLOOR)

# --- events the server sends ---
CALL_PEER_JOINED = "call_peer_joined"  # {board_id, peer}: connect to it (if the mode says so)
CALL_PEER_LEFT = "call_peer_left"  # {board_id, peer_id}: close its connection
CALL_SIGNALLED = "call_signalled"  # {board_id, from, description?|candidate?}
CALL_MEDIA_CHANGED = "call_media_changed"  # {board_id, peer}: cam, mic, speaking, floor
CALL_MODE = "call_mode"  # {board_id, mode, floor[]}: mesh, broadcast or external
CALL_MUTED = "call_muted"  # {board_id}: the conductor muted everyone; turn the mic off
CALL_ENDED = "call_ended"  # {board_id, reason}: moved to another room, or left the board

CALL_SERVER_EVENTS = (
    CALL_PEER_JOINED,
    CALL_PEER_LEFT,
    CALL_SIGNALLED,
    CALL_MEDIA_CHANGED,
    CALL_MODE,
    CALL_MUTED,
    CALL_ENDED,
)

CALL_MESH = "mesh"
CALL_BROADCAST = "broadcast"
CALL_EXTERNAL = "external"

# --- limits ---
MAX_CALL_SIGNAL_BYTES = 16_384  # an SDP offer with audio, video and candidates is 3-8 KB
CALL_SIGNALS_PER_SECOND = 40  # per socket: a burst of ICE candidates at connection time
