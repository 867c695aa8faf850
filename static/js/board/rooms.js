// Rooms on the board page, as every participant sees them: the live session's room bar (the
// room's name, its phase, the timer counting down, hand raise and "I'm done", votes), the
// conductor's messages in a polite live region, follow-me with "step out", summons, and moves
// to another room's board without a reload. The conductor's own panel is conductor.js.
//
// The server is the authority: everything shown here comes from the join ack's `live` and the
// room events (docs/protocol.md, "Rooms and the conductor"); a refusal is shown, never guessed.

import { errorText } from "./errors.js";
import { excerpt, t, tn } from "./i18n.js";
import { GroupChooser, JoinCodeDialog, joinButton, joinOf, pageFacts } from "./live.js";
import * as P from "./protocol.js";
import { boxOf, isSpatial } from "./render.js";

const ROOM_ACK_TIMEOUT_MS = 8000; // a control without an answer by then is reported as failed
const TIMER_TICK_MS = 250; // the countdown redraws four times a second: seconds never skip
const BADGE_REFRESH_MS = 500; // vote badges follow items that move
const SWITCH_DRAIN_MS = 2000; // a move waits this long for our unsent changes to the old board
const FOLLOW_SEND_INTERVAL_MS = 1000 / P.FOLLOW_VIEWS_PER_SECOND;

const PHASE_LABELS = {
  write: () => t("Phase: write"),
  cluster: () => t("Phase: cluster"),
  vote: () => t("Phase: vote"),
  discuss: () => t("Phase: discuss"),
};

/** mm:ss (or h:mm:ss) of a duration in milliseconds, rounded up so 0:00 means time is up. */
export function clock(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(label, action, { pressed } = {}) {
  const node = el("button", "board-button rooms-button", label);
  node.type = "button";
  node.dataset.roomsAction = action;
  if (pressed !== undefined) node.setAttribute("aria-pressed", String(pressed));
  return node;
}

export class RoomsClient {
  constructor(app) {
    this.app = app;
    this.live = null; // the join ack's `live`, kept current by the room events
    this.receivedAt = 0; // when this.live.room.timer arrived (performance.now())
    this.following = true; // a participant may step out of follow-me
    this.timeUpSaid = false;
    this.mine = {};
    this.originalTitle = app.root.querySelector(".board-title")?.textContent ?? "";
    this.bar = app.root.querySelector("#rooms-bar");
    this.messageRegion = app.root.querySelector("#rooms-message");
    this._build();
    this._listen(app.connection.socket);
    setInterval(() => this._tick(), TIMER_TICK_MS);
    setInterval(() => this._drawBadges(), BADGE_REFRESH_MS);
    this.lastFollowSent = 0;
  }

  get conducts() {
    return Boolean(this.live?.can_conduct ?? this.app.mayConduct);
  }

  get room() {
    return this.live?.room ?? null;
  }

  /** Send a room event; resolves with the ack, or with a failure ack after a timeout. */
  emit(event, payload) {
    return new Promise((resolve) => {
      this.app.connection.socket.timeout(ROOM_ACK_TIMEOUT_MS).emit(event, payload, (err, ack) => {
        if (err) resolve({ ok: false, error: { code: P.UNAVAILABLE } });
        else resolve(ack ?? { ok: false, error: { code: P.INTERNAL } });
      });
    });
  }

  /** Say why a room event was refused, in the page's language. */
  refused(ack) {
    const code = ack?.error?.code;
    const messages = {
      [P.FORBIDDEN]: t("Only the conductor can do that."),
      [P.PHASE_FORBIDS]: this.app.phaseReason || t("Not in this phase of the activity."),
      [P.LIMIT_REACHED]: t("You have used all your votes."),
      [P.RATE_LIMITED]: t("Too fast: try again in a moment."),
      [P.UNAVAILABLE]: t("The server did not answer: try again."),
    };
    this.app.toasts.show(messages[code] ?? errorText(code), { tone: "error", key: "refused" });
  }

  // --- the session as the server tells it --------------------------------------------------

  joined(ack) {
    this.live = ack.live ?? null;
    this.receivedAt = performance.now();
    this.mine = this.live?.mine ?? {};
    this._applyRoom();
    this.app.conductor?.joined(ack);
    if (this.live?.room?.follow && this.following && !this.conducts) this.applyView(this.live.room.follow.view);
  }

  _listen(socket) {
    const here = (payload) => payload?.board_id === this.app.boardId;
    socket.on(P.ROOM_STATE, (payload) => {
      if (!here(payload)) return;
      if (!payload.session) {
        if (this.live) this.app.announcer.say(t("The live session has ended."));
        // Ending the session reveals what was still private: fetch everyone's items.
        if (this.live?.room?.private && !this.conducts) this.app.connection.resync();
        this.live = null;
        if (payload.locked !== undefined) this._setLocked(payload.locked);
      } else {
        const before = this.live?.room;
        // Every fact of the payload is kept: people present, the join code, the meeting (live.js).
        const { board_id: _board, ...facts } = payload;
        this.live = { ...(this.live ?? {}), ...facts };
        this.receivedAt = performance.now();
        this._announceChanges(before, payload.room);
        if (payload.room.follow && this.following && !this.conducts) this.applyView(payload.room.follow.view);
      }
      this._applyRoom();
      this.app.conductor?.roomState(payload);
    });
    socket.on(P.ROOM_MESSAGE, (payload) => {
      if (!here(payload)) return;
      this._showMessage(payload.text);
    });
    socket.on(P.MOVED_TO_ROOM, (payload) => this.moveTo(payload));
    socket.on(P.PRESENT_CHANGED, (payload) => this.presentChanged(payload));
    socket.on(P.VIEW_FOLLOWED, (payload) => {
      if (here(payload) && this.following && !this.conducts) this.applyView(payload.view);
    });
    socket.on(P.SUMMONED, (payload) => {
      if (!here(payload) || this.conducts) return;
      this.applyView(payload.view);
      this.app.announcer.say(t("The conductor brought everyone to this part of the board."));
    });
    socket.on(P.NOTES_REVEALED, (payload) => {
      if (!here(payload)) return;
      this.app.connection.resync();
      this.app.announcer.say(t("What everyone wrote is now visible."));
    });
    socket.on(P.VOTES_CHANGED, (payload) => {
      if (!here(payload) || !this.live) return;
      this.live.tally = payload.tally;
      this._renderVotes();
      this.app.conductor?.render();
    });
    socket.on(P.SIGNALS_CHANGED, (payload) => {
      if (!here(payload) || !this.live) return;
      const { hands, done, names } = payload;
      this.live.signals = { hands, done, ...(names ? { names } : {}) };
      this._renderSignals();
      this.app.conductor?.signals(payload);
    });
  }

  /** Harvested items carry their group's name (render.js draws it): only changed items are redrawn.
   * Kept when the session ends (the server has no room state then); a room's state replaces it. */
  _showOrigins(harvested) {
    const renderer = this.app.renderer;
    const before = renderer.origins ?? new Map();
    const after = new Map(Object.entries(harvested));
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((id) => before.get(id) !== after.get(id));
    renderer.origins = after;
    if (changed.length) renderer.invalidate(changed);
  }

  /** Marked cards show "Decisione" / "Minoranza" to everyone (the room state's `marks`). */
  _showMarks(marks) {
    const renderer = this.app.renderer;
    const before = renderer.marks ?? new Map();
    const after = new Map(Object.entries(marks));
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((id) => before.get(id) !== after.get(id));
    renderer.marks = after;
    if (changed.length) renderer.invalidate(changed);
  }

  /** Someone arrived on or left a board of the session: every room's count of people present. */
  presentChanged(payload) {
    const session = this.live?.session;
    if (!session || payload?.session_id !== session.id) return;
    const counts = new Map(payload.rooms.map((r) => [r.room_id, r.present]));
    for (const room of session.rooms) if (counts.has(room.id)) room.present = counts.get(room.id);
    if (this.live.room && counts.has(this.live.room.id)) this.live.room.present = counts.get(this.live.room.id);
    this.chooser.render(this.live, this.conducts);
    this.app.conductor?.presentChanged();
  }

  _announceChanges(before, room) {
    if (!before) return;
    if (before.phase !== room.phase && room.phase) this.app.announcer.say(PHASE_LABELS[room.phase]());
    if (!before.private && room.private) {
      this.app.announcer.say(t("Private writing: what you write now is visible only to you and the conductor."));
    }
    if (before.timer?.running !== room.timer?.running && room.timer?.running) {
      this.timeUpSaid = false;
      this.app.announcer.say(t("The timer has started: %(time)s", { time: clock(room.timer.left_ms) }));
    }
  }

  _setLocked(locked) {
    this.app.locked = Boolean(locked);
    this.app._applyRights();
  }

  _applyRoom() {
    const room = this.room;
    this.bar.hidden = !room;
    this.app.root.classList.toggle("in-live-session", Boolean(room));
    this.app.root.classList.toggle("is-private-writing", Boolean(room?.private));
    const title = this.app.root.querySelector(".board-title");
    if (title) title.textContent = room && !room.is_plenary ? `${room.name} · ${this.originalTitle}` : this.originalTitle;
    this.app.setPhase?.(room?.phase ?? null);
    this.app._showNotice?.(); // private writing changes the first hint of an empty board
    if (room) this._showOrigins(room.harvested ?? {});
    if (room) this._showMarks(room.marks ?? {});
    if (!room) return;
    this._setLocked(room.locked);
    this.roomName.textContent = room.is_plenary ? t("Plenary") : room.name;
    this.phase.textContent = room.phase ? PHASE_LABELS[room.phase]() : "";
    this.phase.hidden = !room.phase;
    this.privateBadge.hidden = !room.private;
    this.privateBadge.textContent = room.anonymous ? t("Private writing, anonymous") : t("Private writing");
    this.privateBadge.title = room.anonymous
      ? t("Anonymous: your name never appears to the other participants, only to whoever manages the project.")
      : t("Private writing: what you write now is visible only to you and the conductor.");
    this.followBox.hidden = !room.follow || this.conducts;
    this.followText.textContent = this.following ? t("Following the conductor's view") : t("Not following");
    this.followButton.textContent = this.following ? t("Step out") : t("Follow again");
    this.voteBox.hidden = room.phase !== P.PHASE_VOTE || this.conducts;
    this.chooser.render(this.live, this.conducts);
    this._renderJoin();
    // Signals are for participants: the conductor reads them in the panel.
    this.hand.hidden = this.done.hidden = this.conducts;
    if (room.message?.text) this.messageText.textContent = room.message.text;
    this.messageBox.hidden = !room.message?.text;
    this._tick();
    this._renderSignals();
    this._renderVotes();
  }

  _showMessage(text) {
    this.messageText.textContent = text;
    this.messageBox.hidden = false;
    // A polite live region, cleared first so the same words are read again.
    this.messageRegion.textContent = "";
    setTimeout(() => {
      this.messageRegion.textContent = t("Message from the conductor: %(text)s", { text });
    }, 50);
  }

  // --- moving between rooms ---------------------------------------------------------------------

  /** The server moved us (or we chose a group): leave this board, join the room's one. */
  async moveTo({ board_id: boardId, name, is_plenary: isPlenary }) {
    if (boardId === this.app.boardId) return;
    const started = performance.now();
    // Changes still unsent belong to the board we leave: give them a moment to land there.
    while (this.app.state.unsentCount && performance.now() - started < SWITCH_DRAIN_MS) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    this.live = null;
    this.app.switchBoard(boardId);
    this.app.announcer.say(isPlenary ? t("You are back in the plenary.") : t("You are now in %(room)s.", { room: name }));
    this.app.toasts.show(isPlenary ? t("You are back in the plenary.") : t("You are now in %(room)s.", { room: name }));
  }

  // --- follow-me -----------------------------------------------------------------------------------

  /** Show the board around the view's centre at its zoom. */
  applyView(view) {
    if (!view) return;
    const r = this.app.viewport.getBoundingClientRect();
    this.app.renderer.setCamera({ zoom: view.zoom, x: r.width / 2 - view.x * view.zoom, y: r.height / 2 - view.y * view.zoom });
  }

  /** The centre of what this page shows, and its zoom: what followers are sent. */
  currentView() {
    const [x, y] = this.app.renderer.centre();
    return { x: Math.round(x), y: Math.round(y), zoom: Math.round(this.app.renderer.camera.zoom * 1000) / 1000 };
  }

  cameraChanged() {
    const room = this.room;
    const me = this.app.connection.me?.identity;
    // Only the conductor who is followed sends their view.
    if (!room?.follow || !me || room.follow.identity !== me) return;
    const now = performance.now();
    if (now - this.lastFollowSent < FOLLOW_SEND_INTERVAL_MS) {
      clearTimeout(this.followTimer);
      this.followTimer = setTimeout(() => this.cameraChanged(), FOLLOW_SEND_INTERVAL_MS);
      return;
    }
    this.lastFollowSent = now;
    this.emit(P.FOLLOW_VIEW, { session_id: this.live.session.id, view: this.currentView() });
  }

  // --- the bar ---------------------------------------------------------------------------------------

  _build() {
    const bar = this.bar;
    bar.replaceChildren();
    this.roomName = el("strong", "rooms-name");
    this.phase = el("span", "rooms-chip rooms-phase");
    this.privateBadge = el("span", "rooms-chip rooms-private");
    this.timer = el("span", "rooms-timer");
    this.timer.setAttribute("role", "timer");
    this.timer.setAttribute("aria-label", t("Time left"));
    this.followBox = el("span", "rooms-follow");
    this.followText = el("span", "rooms-follow-text");
    this.followButton = button(t("Step out"), "follow");
    this.followBox.append(this.followText, this.followButton);
    this.hand = button(t("Raise hand"), "hand", { pressed: false });
    this.done = button(t("I'm done"), "done", { pressed: false });
    this.hand.setAttribute("aria-keyshortcuts", "M"); // keynav.js
    this.done.setAttribute("aria-keyshortcuts", "D");
    this.counts = el("span", "rooms-counts");
    this.voteBox = el("span", "rooms-votes");
    this.votesLeft = el("span", "rooms-votes-left");
    this.voteBox.append(
      button(t("Vote for the selected note"), "vote"),
      button(t("Take back a vote"), "unvote"),
      this.votesLeft,
    );
    this.messageBox = el("p", "rooms-message-box");
    this.messageText = el("span", "rooms-message-text");
    this.messageBox.append(el("span", "rooms-message-label", t("Message from the conductor")), this.messageText);
    this.results = el("details", "rooms-results");
    this.results.append(el("summary", null, t("Vote results")), el("ol", "rooms-results-list"));
    this.chooser = new GroupChooser((roomId) => this._choose(roomId));
    this.joinSlot = el("span", "live-join-slot");
    bar.append(this.roomName, this.phase, this.privateBadge, this.timer, this.chooser.node, this.followBox, this.voteBox,
      this.hand, this.done, this.counts, this.joinSlot, this.results, this.messageBox);
    bar.addEventListener("click", (event) => {
      const target = event.target.closest("[data-rooms-action]");
      if (target) this._action(target.dataset.roomsAction, target);
    });
  }

  /** A participant picks a group (choosing is on): the server moves us with `moved_to_room`. */
  async _choose(roomId) {
    const ack = await this.emit(P.CHOOSE_ROOM, { session_id: this.live?.session?.id, room_id: roomId });
    if (!ack.ok) this.refused(ack);
  }

  /** Conductors: the join code in the bar, one press from the big "read it aloud" dialog. */
  _renderJoin() {
    const join = this.conducts ? joinOf(this.live, pageFacts()) : null;
    const shown = this.joinSlot.dataset.code ?? "";
    if ((join?.code ?? "") === shown && this.joinSlot.childElementCount === (join ? 1 : 0)) return;
    this.joinSlot.dataset.code = join?.code ?? "";
    this.joinSlot.replaceChildren(...(join?.code ? [joinButton(join, () => this.showJoin())] : []));
  }

  showJoin() {
    const join = joinOf(this.live, pageFacts());
    if (!join) return;
    this.joinDialog ??= new JoinCodeDialog(this.app.root);
    this.joinDialog.open(join);
  }

  async _action(action, target) {
    const room = this.room;
    if (!room) return;
    if (action === "follow") {
      this.following = !this.following;
      if (this.following) this.applyView(room.follow?.view);
      this._applyRoom();
      this.app.announcer.say(this.following ? t("Following the conductor's view") : t("Not following"));
      return;
    }
    if (action === "hand" || action === "done") {
      const on = target.getAttribute("aria-pressed") !== "true";
      const ack = await this.emit(P.RAISE_SIGNAL, { board_id: this.app.boardId, kind: action, on });
      if (ack.ok) target.setAttribute("aria-pressed", String(on));
      else this.refused(ack);
      return;
    }
    if (action === "vote" || action === "unvote") {
      const [id] = this.app.selection;
      if (!id) {
        this.app.announcer.say(t("Select a note first."));
        return;
      }
      const ack = await this.emit(action === "vote" ? P.CAST_VOTE : P.RETRACT_VOTE, { board_id: this.app.boardId, item_id: id });
      if (!ack.ok) {
        this.refused(ack);
        return;
      }
      this.mine = ack.mine;
      this._renderVotes();
      this.app.announcer.say(t("Votes left: %(count)s", { count: ack.left }));
    }
  }

  _tick() {
    const timer = this.room?.timer;
    this.timer.hidden = !timer || (!timer.running && !timer.left_ms);
    if (this.timer.hidden) return;
    const left = timer.running ? timer.left_ms - (performance.now() - this.receivedAt) : timer.left_ms;
    this.timer.textContent = clock(left);
    this.timer.classList.toggle("is-paused", !timer.running);
    this.timer.classList.toggle("is-up", left <= 0);
    if (timer.running && left <= 0 && !this.timeUpSaid) {
      this.timeUpSaid = true;
      this.app.announcer.say(t("Time is up."));
    }
  }

  _renderSignals() {
    const s = this.live?.signals ?? { hands: 0, done: 0 };
    this.counts.textContent = t("Hands: %(hands)s · Done: %(done)s", { hands: s.hands, done: s.done });
  }

  _renderVotes() {
    const room = this.room;
    if (!room) return;
    const used = Object.values(this.mine).reduce((a, b) => a + b, 0);
    this.votesLeft.textContent = t("Votes left: %(count)s", { count: Math.max(0, room.votes_per_person - used) });
    const tally = this.live?.tally;
    this.results.hidden = !tally || !Object.keys(tally).length;
    const list = this.results.querySelector("ol");
    list.replaceChildren();
    for (const [id, count] of Object.entries(tally ?? {}).sort((a, b) => b[1] - a[1])) {
      const item = this.app.state.get(id);
      const label = excerpt(item?.fields?.text ?? "", 60) || t("untitled");
      list.append(el("li", null, tn("%(text)s: %(count)s votes", count, { text: label })));
    }
    this._drawBadges();
  }

  /** Dots on the items: the tally when results are shown, and one's own dots while voting. */
  _drawBadges() {
    const layer = this.app.renderer.overlay;
    const tally = this.live?.tally ?? {};
    const wanted = new Map();
    for (const id of new Set([...Object.keys(tally), ...Object.keys(this.mine)])) {
      const item = this.app.state.get(id);
      if (!this.room || !isSpatial(item)) continue;
      const text = tally[id] !== undefined ? String(tally[id]) : "●".repeat(this.mine[id] ?? 0);
      if (text && text !== "0") wanted.set(id, { box: boxOf(item), text });
    }
    for (const badge of layer.querySelectorAll(".vote-badge")) {
      if (!wanted.has(badge.dataset.for)) badge.remove();
    }
    for (const [id, { box, text }] of wanted) {
      let badge = layer.querySelector(`.vote-badge[data-for="${CSS.escape(id)}"]`);
      if (!badge) {
        badge = el("span", "vote-badge");
        badge.dataset.for = id;
        badge.setAttribute("aria-hidden", "true"); // the results list says it in words
        layer.append(badge);
      }
      badge.textContent = text;
      badge.style.transform = `translate(${box.x + box.w - 14}px, ${box.y - 14}px)`;
    }
  }
}
