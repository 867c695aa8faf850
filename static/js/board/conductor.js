// The conductor's panel on the board page: open a live session, make groups and move people,
// the room controls (timer, message, follow-me, summon, lock, private writing and reveal,
// phase and votes), every room at a glance with live thumbnails, and the harvest of selected
// group notes into the plenary. Shown only to conductors and organizers; the server checks
// every control again (participants get `forbidden`).

import { t, tn } from "./i18n.js";
import { askClose, joinButton, showFrameLock, joinOf, meetingOf, meetingSelect, pageFacts, presentIn, seedOf, seedSelect } from "./live.js";
import * as P from "./protocol.js";
import { DecisionLog } from "./decisions.js";
import { button, el, field, section } from "./conductor_dom.js";
import { PressGuard } from "./press_guard.js";
import { thumbnailSvg } from "./thumbnails.js";

const DEFAULT_TIMER_MIN = 10;

/** "People: 4" on a room's card: the server's count of people on its board (the conductor too). */
function peopleIn(room) {
  return t("People: %(count)s", { count: presentIn(room) ?? "—" });
}

/** What the phase fields show for a room: its phase and its votes per person. */
function phaseOf(room) {
  return `${room.phase ?? ""}|${room.votes_per_person ?? ""}`;
}

export class ConductorPanel {
  constructor(app, rooms) {
    this.app = app;
    this.rooms = rooms;
    this.overview = null; // the last room_overview ack
    this.thumbs = new Map(); // room_id -> items
    this.members = [];
    this.signalsByRoom = new Map();
    this.toggle = app.root.querySelector("#conductor-toggle");
    this.panel = app.root.querySelector("#conductor-panel");
    this.decisions = new DecisionLog(this); // the verbale's decisions and dissent: listens on the panel
    this.attendanceUrl = app.root.dataset.attendanceUrl ?? "";
    this.toggle.hidden = false;
    this.toggle.addEventListener("click", () => this.setOpen(this.panel.hidden));
    this.panel.addEventListener("click", (event) => {
      const target = event.target.closest("[data-conduct]");
      if (target) this._act(target.dataset.conduct, target);
    });
    this.pressGuard = new PressGuard(this.panel); // a redraw must not swallow a click
    this.panel.addEventListener("change", (event) => {
      const select = event.target.closest("select[data-move]");
      if (select) this._move(select.dataset.move, Number(select.value));
    });
    app.connection.socket.on(P.THUMBNAIL_CHANGED, (payload) => {
      if (payload?.session_id !== this.session?.id) return;
      this.thumbs.set(payload.room_id, payload.items);
      this._drawThumb(payload.room_id);
    });
    this.render();
  }

  get live() {
    return this.rooms.live;
  }

  get session() {
    return this.live?.session ?? null;
  }

  setOpen(open) {
    this.panel.hidden = !open;
    this.toggle.setAttribute("aria-expanded", String(open));
    this.app.root.classList.toggle("conductor-open", open);
    if (open) this.refresh();
  }

  joined() {
    this.render();
    if (!this.panel.hidden) this.refresh();
  }

  roomState() {
    this.render();
    if (!this.panel.hidden && this.session) this.refresh();
  }

  signals(payload) {
    if (payload.room_id) this.signalsByRoom.set(payload.room_id, payload);
    this._renderSignals();
  }

  /** Ask for the overview again: members, thumbnails, signals of every room. */
  async refresh() {
    if (!this.session) return;
    const ack = await this.rooms.emit(P.ROOM_OVERVIEW, { session_id: this.session.id });
    if (!ack.ok) return;
    this.overview = ack;
    this.members = ack.rooms.flatMap((room) => room.members.map((m) => ({ ...m, room_id: room.id })));
    for (const room of ack.rooms) {
      this.thumbs.set(room.id, room.items);
      this.signalsByRoom.set(room.id, { room_id: room.id, ...room.signals });
    }
    this.render();
  }

  // --- drawing -----------------------------------------------------------------------------------

  render() {
    if (this.pressGuard.hold(() => this.render())) return;
    const panel = this.panel;
    const focused = document.activeElement && panel.contains(document.activeElement) ? document.activeElement : null;
    // A field being typed in has no id: without its key a redraw (any room event) dropped the
    // focus, and the next keys went to the board while the field kept its old value.
    const focusKey =
      focused?.dataset?.conduct ??
      (focused?.dataset?.decide ? `decide:${focused.dataset.decide}` : null) ??
      (focused?.dataset?.input ? `input:${focused.dataset.input}` : null) ??
      focused?.id ??
      null;
    // Redrawn on every room event: what the conductor was typing must survive it.
    const typed = new Map([...panel.querySelectorAll("[data-input]")].map((n) => [n.dataset.input, n.type === "checkbox" ? n.checked : n.value]));
    panel.replaceChildren(el("h2", "conductor-title", t("Conductor")));
    if (!this.session) {
      const start = section(t("Live session"));
      start.append(el("p", "conductor-hint", t("Run this board live: groups, timer, messages, private writing and voting.")));
      const meetings = meetingSelect(pageFacts());
      if (meetings) start.append(field(t("Lab meeting"), meetings));
      start.append(button(t("Open a live session"), "open"));
      // Out of a session too, the board's lock is the conductor's to lift (or set).
      const lock = button(this.app.locked ? t("Unlock the board") : t("Lock the board"), this.app.locked ? "unlock" : "lock");
      lock.setAttribute("aria-pressed", String(Boolean(this.app.locked)));
      const join = joinOf(null, pageFacts());
      start.append(lock, ...(join?.code ? [joinButton(join, () => this.rooms.showJoin())] : []));
      panel.append(start);
      this._restoreFocus(focusKey);
      return;
    }
    const room = this.live.room;
    panel.append(this._roomsSection(), this._groupsSection(), this._timerSection(room), this._messageSection(),
      this._viewSection(room), this._writingSection(room), this._phaseSection(room), this.decisions.section(),
      this._signalsSection(), this._endSection());
    for (const [name, value] of typed) {
      const node = this._value(name);
      if (!node || name === "phase" || name === "votes") continue; // those show the room's state
      if (node.type === "checkbox") node.checked = value;
      else node.value = value;
    }
    this._restoreFocus(focusKey);
  }

  _restoreFocus(key) {
    if (!key) return;
    if (key.startsWith("input:")) {
      this._value(key.slice("input:".length))?.focus();
      return;
    }
    if (key.startsWith("decide:")) {
      // The Decisions section's buttons (decisions.js): marking a card redraws the panel.
      this.panel.querySelector(`[data-decide="${CSS.escape(key.slice("decide:".length))}"]`)?.focus();
      return;
    }
    const again = this.panel.querySelector(`[data-conduct="${CSS.escape(key)}"]`) ?? this.panel.querySelector(`#${CSS.escape(key)}`);
    again?.focus();
  }

  _target() {
    const choice = this.panel.querySelector("#conductor-target")?.value ?? "this";
    return choice === "all" ? null : this.live.room.id;
  }

  _roomsSection() {
    const node = section(t("Rooms"));
    const target = el("select");
    target.append(new Option(t("This room"), "this"), new Option(t("All rooms"), "all"));
    const kept = this.targetChoice ?? "this";
    target.value = kept;
    target.addEventListener("change", () => {
      this.targetChoice = target.value;
    });
    const targetField = field(t("Controls apply to"), target);
    target.id = "conductor-target";
    targetField.querySelector("label").htmlFor = "conductor-target";
    const grid = el("ul", "room-cards");
    for (const room of this.session.rooms) {
      const card = el("li", "room-card");
      card.dataset.roomId = String(room.id);
      if (room.board_id === this.app.boardId) card.classList.add("is-here");
      const name = room.is_plenary ? t("Plenary") : room.name;
      card.append(el("strong", "room-card-name", name), el("span", "room-card-count", peopleIn(room)));
      const thumb = el("div", "room-card-thumb");
      card.append(thumb);
      // The visible words are the whole name ("Apri Gruppo 1"): the label is in the name.
      const open = button(room.board_id === this.app.boardId ? t("You are here") : t("Open %(room)s", { room: name }), "goto", { boardId: String(room.board_id) });
      open.disabled = room.board_id === this.app.boardId;
      card.append(open);
      grid.append(card);
    }
    node.append(targetField, grid);
    queueMicrotask(() => this.session?.rooms.forEach((r) => this._drawThumb(r.id)));
    if (!this.live.room.is_plenary) {
      node.append(
        el("p", "conductor-hint", t("Select notes on this group's board, then bring them to the plenary.")),
        button(t("Bring selected notes to the plenary"), "harvest"),
      );
    }
    return node;
  }

  /** The counts of people present changed (present_changed): only the cards' counts are redrawn,
   * so a conductor choosing in the panel is not interrupted every second while people arrive. */
  presentChanged() {
    for (const room of this.session?.rooms ?? []) {
      const count = this.panel.querySelector(`.room-card[data-room-id="${room.id}"] .room-card-count`);
      if (count) count.textContent = peopleIn(room);
    }
  }

  _drawThumb(roomId) {
    const holder = this.panel.querySelector(`.room-card[data-room-id="${roomId}"] .room-card-thumb`);
    const room = this.session?.rooms.find((r) => r.id === roomId);
    if (!holder || !room) return;
    const items = this.thumbs.get(roomId) ?? [];
    const name = room.is_plenary ? t("Plenary") : room.name;
    holder.replaceChildren(thumbnailSvg(items, tn("Board of %(room)s: %(count)s items", items.length, { room: name })));
  }

  _groupsSection() {
    const node = section(t("Groups"));
    const count = el("input");
    count.type = "number";
    count.min = "1";
    count.max = String(P.MAX_GROUPS);
    count.value = "3";
    count.dataset.input = "group-count";
    const names = el("textarea");
    names.rows = 2;
    names.dataset.input = "group-names";
    names.placeholder = t("One name per line");
    const frames = [...this.app.state.items()].filter((it) => it.type === "frame");
    node.append(
      field(t("Each group starts with"), seedSelect(frames)),
      field(t("Number of groups"), count),
      button(t("Create groups"), "groups-count"),
      field(t("Or group names"), names),
      button(t("Create named groups"), "groups-names"),
    );
    const hasGroups = this.session.rooms.some((r) => !r.is_plenary);
    if (hasGroups) {
      const actions = el("div", "conductor-row");
      actions.append(
        button(t("Assign at random"), "assign-random"),
        button(this.session.choosing ? t("Stop choosing") : t("Let participants choose"), this.session.choosing ? "assign-hand" : "assign-choice"),
        button(t("Everyone back to plenary"), "back"),
      );
      node.append(actions);
    }
    if (this.members.length) {
      const list = el("ul", "member-list");
      for (const member of this.members) {
        const item = el("li", "member");
        const select = el("select");
        select.dataset.move = member.identity;
        for (const room of this.session.rooms) {
          select.append(new Option(room.is_plenary ? t("Plenary") : room.name, String(room.id)));
        }
        select.value = String(member.room_id);
        item.append(field(t("Room of %(name)s", { name: member.name }), select));
        list.append(item);
      }
      node.append(list);
    }
    return node;
  }

  _timerSection(room) {
    const node = section(t("Timer"));
    const minutes = el("input");
    minutes.type = "number";
    minutes.min = "1";
    minutes.max = String(P.MAX_TIMER_S / 60);
    minutes.value = String(Math.round((room.timer?.duration_ms || DEFAULT_TIMER_MIN * 60_000) / 60_000));
    minutes.dataset.input = "timer-minutes";
    const row = el("div", "conductor-row");
    row.append(button(t("Start"), "timer-start"), button(t("Pause"), "timer-pause"), button(t("Reset"), "timer-reset"));
    node.append(field(t("Minutes"), minutes), row);
    return node;
  }

  _messageSection() {
    const node = section(t("Message"));
    const text = el("textarea");
    text.rows = 2;
    text.maxLength = P.MAX_ROOM_MESSAGE_CHARS;
    text.dataset.input = "message";
    node.append(field(t("Message to the participants"), text), button(t("Send message"), "message"));
    return node;
  }

  _viewSection(room) {
    const node = section(t("Attention"));
    const me = this.app.connection.me?.identity;
    const followed = room.follow && room.follow.identity === me;
    const follow = button(followed ? t("Stop follow-me") : t("Follow me"), followed ? "unfollow" : "follow");
    follow.setAttribute("aria-pressed", String(Boolean(followed)));
    const lock = button(room.locked ? t("Unlock the board") : t("Lock the board"), room.locked ? "unlock" : "lock");
    lock.setAttribute("aria-pressed", String(Boolean(room.locked)));
    const row = el("div", "conductor-row");
    this.frameButton = button(t("Lock or unlock the selected frame"), "lock-frame");
    row.append(follow, button(t("Bring everyone here"), "summon"), lock, this.frameButton);
    node.append(row);
    showFrameLock(this.frameButton, this.app); // not in the page yet: said before it is shown
    return node;
  }

  /** The frame lock button says the selected frame's real state (main.js: selection, changes). */
  syncFrameButton() {
    if (this.frameButton?.isConnected) showFrameLock(this.frameButton, this.app);
  }

  _writingSection(room) {
    const node = section(t("Private writing"));
    if (room.private) {
      node.append(
        el("p", "conductor-hint", t("Participants see only what they write themselves, every kind of card. You see everything.")),
        button(t("Reveal what everyone wrote"), "reveal"),
      );
    } else {
      const anonymous = el("input");
      anonymous.type = "checkbox";
      anonymous.dataset.input = "anonymous";
      const label = el("label", "conductor-check");
      label.append(anonymous, document.createTextNode(` ${t("Anonymous: authors hidden from participants for good, visible only to whoever manages the project")}`));
      node.append(label, button(t("Start private writing"), "private"));
    }
    return node;
  }

  _phaseSection(room) {
    const node = section(t("Phase"));
    const phase = el("select");
    phase.dataset.input = "phase";
    phase.append(new Option(t("No phase"), ""));
    for (const name of P.PHASES) phase.append(new Option(t(`Phase: ${name}`), name));
    phase.value = room.phase ?? "";
    const votes = el("input");
    votes.type = "number";
    votes.min = "1";
    votes.max = String(P.MAX_VOTES_PER_PERSON);
    votes.value = String(room.votes_per_person ?? 3);
    votes.dataset.input = "votes";
    // The fields show the room's phase, but a phase chosen and not yet set survives a redraw (any
    // room event, someone joining): it once reverted between choosing and pressing "Set the
    // phase", and the room's old phase was set again. It gives way when the room's phase changes.
    const shown = phaseOf(room);
    const draft = this.phaseDraft;
    if (draft?.roomId === room.id && draft.shown === shown) {
      phase.value = draft.phase;
      votes.value = draft.votes;
    } else this.phaseDraft = null;
    const keepDraft = () => {
      this.phaseDraft = { roomId: room.id, shown, phase: phase.value, votes: votes.value };
    };
    phase.addEventListener("change", keepDraft);
    votes.addEventListener("input", keepDraft);
    node.append(field(t("Phase"), phase), field(t("Votes per person"), votes), button(t("Set the phase"), "phase"));
    const tally = this.live.tally ?? {};
    if (Object.keys(tally).length) {
      const list = el("ol", "conductor-tally");
      for (const [id, count] of Object.entries(tally).sort((a, b) => b[1] - a[1])) {
        const text = this.app.state.get(id)?.fields?.text || t("untitled");
        list.append(el("li", null, tn("%(text)s: %(count)s votes", count, { text: text.slice(0, 60) })));
      }
      node.append(el("h4", "conductor-subheading", t("Vote results")), list);
    }
    return node;
  }

  _signalsSection() {
    const node = section(t("Signals"));
    node.append(el("div", "conductor-signals"));
    queueMicrotask(() => this._renderSignals());
    return node;
  }

  _renderSignals() {
    const holder = this.panel.querySelector(".conductor-signals");
    if (!holder || !this.session) return;
    holder.replaceChildren();
    for (const room of this.session.rooms) {
      const s = this.signalsByRoom.get(room.id) ?? (room.id === this.live.room.id ? this.live.signals : null);
      if (!s) continue;
      const names = s.names ?? { hand: [], done: [] };
      const name = room.is_plenary ? t("Plenary") : room.name;
      const line = el("p", "conductor-signal-line");
      line.textContent = t("%(room)s: hands %(hands)s (%(who)s), done %(done)s", {
        room: name,
        hands: s.hands,
        who: names.hand.join(", ") || "—",
        done: s.done,
      });
      holder.append(line);
    }
  }

  _endSection() {
    const node = section(t("End"));
    const meeting = meetingOf(this.live, pageFacts());
    if (meeting) node.append(el("p", "conductor-hint", t("Lab meeting: %(meeting)s", { meeting: meeting.label ?? meeting.title })));
    const join = joinOf(this.live, pageFacts());
    if (join?.code) node.append(joinButton(join, () => this.rooms.showJoin()));
    if (this.attendanceUrl) {
      const link = el("a", "conductor-link", t("Download attendance (CSV)"));
      link.href = this.attendanceUrl.replace("/0/", `/${this.session.id}/`);
      node.append(link);
    }
    node.append(button(t("End the live session"), "close"));
    return node;
  }

  // --- acting ---------------------------------------------------------------------------------------

  _value(name) {
    return this.panel.querySelector(`[data-input="${name}"]`);
  }

  async _send(event, payload, done) {
    const ack = await this.rooms.emit(event, payload);
    if (!ack.ok) {
      this.rooms.refused(ack);
      return null;
    }
    if (done) this.app.announcer.say(done);
    return ack;
  }

  async _act(action, target) {
    const sid = this.session?.id;
    const board = this.app.boardId;
    const room = this.live ? this._target() : null;
    switch (action) {
      case "open": {
        const meeting = Number(this._value("meeting")?.value || 0);
        const payload = meeting ? { board_id: board, meeting_id: meeting } : { board_id: board };
        const ack = await this._send(P.OPEN_LIVE_SESSION, payload, t("The live session is open."));
        if (ack) {
          const state = await this.rooms.emit(P.ROOM_STATE, { board_id: board });
          if (state.ok) this.rooms.joined({ live: state.live });
        }
        return;
      }
      case "groups-count": {
        const count = Number(this._value("group-count").value);
        if (await this._send(P.CREATE_GROUPS, { session_id: sid, count, ...this._seed() }, t("Groups created."))) this.refresh();
        return;
      }
      case "groups-names": {
        const names = this._value("group-names").value.split("\n").map((n) => n.trim()).filter(Boolean);
        if (names.length && (await this._send(P.CREATE_GROUPS, { session_id: sid, names, ...this._seed() }, t("Groups created.")))) this.refresh();
        return;
      }
      case "assign-random":
      case "assign-choice":
      case "assign-hand": {
        const mode = action.slice("assign-".length);
        const ack = await this._send(P.ASSIGN_GROUPS, { session_id: sid, mode }, t("Done."));
        if (ack) this.refresh();
        return;
      }
      case "back":
        if (await this._send(P.BACK_TO_PLENARY, { session_id: sid }, t("Everyone is back in the plenary."))) this.refresh();
        return;
      case "goto":
        this.rooms.live = null;
        this.app.switchBoard(Number(target.dataset.boardId));
        return;
      case "harvest": {
        const items = [...this.app.selection].map((id) => ({ board_id: board, item_id: id }));
        if (!items.length) {
          this.app.announcer.say(t("Select notes first."));
          return;
        }
        const ack = await this._send(P.HARVEST, { session_id: sid, items });
        if (ack) {
          const count = ack.changes.reduce((n, c) => n + Object.keys(c.created).length, 0);
          this.app.toasts.show(t("Brought to the plenary: %(count)s", { count }));
          this.app.announcer.say(t("Brought to the plenary: %(count)s", { count }));
        }
        return;
      }
      case "timer-start": {
        const minutes = Number(this._value("timer-minutes").value);
        const running = this.live.room.timer?.running || this.live.room.timer?.left_ms;
        const payload = { session_id: sid, room_id: room, action: "start" };
        // A paused timer resumes; otherwise it starts with the minutes given.
        if (!running || this.live.room.timer.duration_ms !== minutes * 60_000) payload.duration_s = Math.round(minutes * 60);
        await this._send(P.SET_TIMER, payload, t("The timer has started."));
        return;
      }
      case "timer-pause":
        await this._send(P.SET_TIMER, { session_id: sid, room_id: room, action: "pause" }, t("The timer is paused."));
        return;
      case "timer-reset":
        await this._send(P.SET_TIMER, { session_id: sid, room_id: room, action: "reset" }, t("The timer is reset."));
        return;
      case "message": {
        const text = this._value("message").value;
        await this._send(P.SEND_ROOM_MESSAGE, { session_id: sid, room_id: room, text }, t("Message sent."));
        return;
      }
      case "follow":
      case "unfollow":
        await this._send(P.SET_FOLLOW, {
          session_id: sid,
          room_id: room,
          on: action === "follow",
          ...(action === "follow" ? { view: this.rooms.currentView() } : {}),
        });
        return;
      case "summon":
        await this._send(P.SUMMON, { session_id: sid, room_id: room, view: this.rooms.currentView() }, t("Everyone was brought to your view."));
        return;
      case "lock":
      case "unlock": {
        const ack = await this._send(P.LOCK_BOARD, { board_id: board, locked: action === "lock" });
        // Out of a session no room_state follows: the ack is the board's real state.
        if (ack && !this.session) {
          this.app.locked = typeof ack.locked === "boolean" ? ack.locked : action === "lock";
          this.app._applyRights();
          this.render();
        }
        return;
      }
      case "lock-frame": {
        const frame = [...this.app.selection].map((id) => this.app.state.get(id)).find((it) => it?.type === "frame");
        if (!frame) {
          this.app.announcer.say(t("Select a frame first."));
          return;
        }
        await this._send(P.LOCK_FRAME, { board_id: board, item_id: frame.id, locked: !frame.fields.locked });
        return;
      }
      case "private":
        await this._send(P.START_PRIVATE_WRITING, { board_id: board, anonymous: this._value("anonymous").checked },
          t("Private writing has started."));
        return;
      case "reveal":
        await this._send(P.REVEAL_NOTES, { board_id: board }, t("What everyone wrote is now visible."));
        return;
      case "phase": {
        const phase = this._value("phase").value || null;
        const votes = Number(this._value("votes").value);
        this.phaseDraft = null;
        await this._send(P.SET_PHASE, { session_id: sid, room_id: room, phase, votes_per_person: votes }, t("Done."));
        return;
      }
      case "close": {
        const answer = await askClose(this.app.root);
        if (!answer) return;
        // keep_locks is sent only when asked for: its default (false) lifts the session's locks.
        const payload = answer.keepLocks ? { session_id: sid, keep_locks: true } : { session_id: sid };
        await this._send(P.CLOSE_LIVE_SESSION, payload, t("The live session has ended."));
        return;
      }
      default:
        break;
    }
  }

  /** What new groups start with: only sent when a frame's cards are chosen (null is the default). */
  _seed() {
    const value = this._value("group-seed")?.value;
    return value ? { seed: seedOf(value) } : {};
  }

  async _move(identity, roomId) {
    if (await this._send(P.MOVE_TO_ROOM, { session_id: this.session.id, identity, room_id: roomId }, t("Moved."))) {
      this.refresh();
    }
  }
}
