// Client-side settings, with their units. The server's own numbers are in protocol.js.

export const ACK_TIMEOUT_MS = 10_000; // no ack by then: treat as lost, send again (same change_id)
export const JOIN_TIMEOUT_MS = 15_000;
export const RETRY_BASE_MS = 500; // retryable errors: 0.5 s, 1 s, 2 s ... up to RETRY_MAX_MS
export const RETRY_MAX_MS = 15_000;
// Broadcasts kept while a join's answer is on its way (a 5,000-item snapshot takes a while).
export const PRE_JOIN_BUFFER_CHANGES = 2_000;
export const GAP_RESYNC_MS = 1_000; // a seq gap open this long: re-join with since_seq
export const CURSOR_IDLE_HIDE_MS = 10_000; // a peer's cursor fades after this long still
export const ANNOUNCE_INTERVAL_MS = 2_500; // remote changes are summarised for screen readers
export const KEY_MOVE_COMMIT_MS = 400; // arrow-key moves are sent as one change after a pause
export const UNDO_DEPTH = 100;

export const MIN_ZOOM = 0.1;
// A card's words are legible from 12 px on screen (issue 15); cards' text is 16 px at 100%, so
// a board opens, and "fit" stops, at 75% at least. Below it the CSS draws titles as labels.
export const READABLE_TEXT_PX = 12;
export const CARD_TEXT_PX = 16;
export const READABLE_ZOOM = READABLE_TEXT_PX / CARD_TEXT_PX;
export const RECENT_CARDS = 12; // a board too big to read whole opens on its latest cards
export const MAX_ZOOM = 4;
export const ZOOM_STEP = 1.2;
export const ARROW_STEP = 10; // board units per arrow press
export const ARROW_STEP_LARGE = 50; // with Shift
export const PASTE_OFFSET = 24;

export const DEFAULT_SIZES = Object.freeze({
  sticky: { w: 200, h: 200 },
  text: { w: 240, h: 60 },
  shape: { w: 180, h: 120 },
  frame: { w: 640, h: 420 },
});
