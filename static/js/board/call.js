// Camera and microphone in every room (docs/calls.md): a WebRTC call between the people on this
// board, signalled over the board's own socket. The server forwards signals only between peers
// of one room's call; a move to another room ends this call (call_ended "moved") and, once the
// new board is joined, the client joins that board's call without a reload.
//
// Each pair of peers follows the "perfect negotiation" pattern: the peer with the smaller id is
// polite (it rolls back its own offer when offers cross), the other ignores the crossing offer.

import { el, PeerLink, Tile } from "./call_peers.js";
import { t } from "./i18n.js";
import * as P from "./protocol.js";

const ACK_TIMEOUT_MS = 10_000;
const SPEAKING_POLL_MS = 100; // the analyser is read ten times a second
const SPEAKING_LEVEL = 0.04; // RMS of the microphone's samples (0..1) above which one speaks
const SPEAKING_HOLD_MS = 600; // stays "speaking" this long after the level drops (no flicker)
const VIDEO_CONSTRAINTS = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 15 } };

function readSettings(doc) {
  try {
    return JSON.parse(doc.getElementById("call-settings")?.textContent ?? "{}");
  } catch {
    return {};
  }
}

export class CallClient {
  constructor(app) {
    this.app = app;
    this.settings = readSettings(app.root.ownerDocument);
    this.wanted = false; // the person chose to be in the call; moves keep them in it
    this.boardId = null; // the board whose call we are in
    this.peerId = null;
    this.sid = null; // the socket our peer belongs to (a reconnect makes a new socket)
    this.joining = null; // the join asked and not yet answered: { boardId, sid, done }
    this.early = []; // its call's events that came before the answer, replayed after it
    this.mode = P.CALL_MESH;
    this.floor = new Set();
    this.peers = new Map(); // peer id -> peer (wire form)
    this.links = new Map(); // peer id -> PeerLink
    this.tiles = new Map(); // peer id -> Tile
    this.localStream = null;
    this.me = { cam: false, mic: false, speaking: false, floor: false, conducts: false };
    this._build();
    this._listen(app.connection.socket);
  }

  get conducts() {
    return Boolean(this.app.mayConduct);
  }

  emit(event, payload) {
    return new Promise((resolve) => {
      this.app.connection.socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (err, ack) => {
        resolve(err ? { ok: false, error: { code: P.UNAVAILABLE } } : ack);
      });
    });
  }

  // --- the panel ------------------------------------------------------------------------------------

  _build() {
    const panel = el("section", { class: "call-panel", id: "call-panel", "aria-label": t("Call") });
    const bar = el("div", { class: "call-bar" });
    this.joinButton = el("button", { type: "button", class: "board-button call-join" }, t("Join the call"));
    this.joinButton.addEventListener("click", () => (this.wanted ? this.hangUp() : this.start()));
    this.camButton = el("button", { type: "button", class: "board-button call-cam", "aria-pressed": "false" }, t("Camera"));
    this.camButton.addEventListener("click", () => this.toggle("video"));
    this.micButton = el("button", { type: "button", class: "board-button call-mic", "aria-pressed": "false" }, t("Microphone"));
    this.micButton.addEventListener("click", () => this.toggle("audio"));
    this.muteAllButton = el("button", { type: "button", class: "board-button call-mute-all" }, t("Mute everyone"));
    this.muteAllButton.addEventListener("click", () => this.muteAll());
    this.hideButton = el("button", { type: "button", class: "board-button call-hide", "aria-expanded": "true" }, t("Hide videos"));
    this.hideButton.addEventListener("click", () => {
      const hidden = this.panel.classList.toggle("is-collapsed");
      this.hideButton.setAttribute("aria-expanded", String(!hidden));
      this.hideButton.textContent = hidden ? t("Show videos") : t("Hide videos");
    });
    this.devices = el("details", { class: "call-devices" });
    this.devices.append(el("summary", {}, t("Devices")));
    this.camSelect = this._picker(t("Camera"), "videoinput");
    this.micSelect = this._picker(t("Microphone"), "audioinput");
    bar.append(this.joinButton, this.camButton, this.micButton, this.muteAllButton, this.devices, this.hideButton);
    this.notice = el("p", { class: "call-notice", role: "status" });
    this.external = el("a", { class: "call-external", target: "_blank", rel: "noopener" }, t("Open this room's video call"));
    this.list = el("ul", { class: "call-tiles", "aria-label": t("People in the call") });
    panel.append(bar, this.notice, this.external, this.list);
    this.panel = panel;
    this.app.root.append(panel);
    this._render();
  }

  _picker(label, kind) {
    const wrap = el("label", { class: "call-device" });
    const select = el("select", { "data-kind": kind });
    select.addEventListener("change", () => this.useDevice(kind, select.value));
    wrap.append(el("span", {}, label), select);
    this.devices.append(wrap);
    return select;
  }

  _render() {
    const inCall = this.wanted && this.peerId !== null;
    this.panel.dataset.state = inCall ? "in-call" : "idle";
    this.panel.dataset.mode = this.mode;
    this.joinButton.textContent = this.wanted ? t("Leave the call") : t("Join the call");
    const hasVideo = Boolean(this.localStream?.getVideoTracks().length);
    const hasAudio = Boolean(this.localStream?.getAudioTracks().length);
    this.camButton.hidden = !inCall || !hasVideo;
    this.micButton.hidden = !inCall || !hasAudio;
    this.camButton.setAttribute("aria-pressed", String(this.me.cam));
    this.micButton.setAttribute("aria-pressed", String(this.me.mic));
    this.camButton.textContent = this.me.cam ? t("Turn camera off") : t("Turn camera on");
    this.micButton.textContent = this.me.mic ? t("Turn microphone off") : t("Turn microphone on");
    this.muteAllButton.hidden = !inCall || !this.conducts;
    this.devices.hidden = !inCall || !this.localStream;
    this.external.hidden = !(inCall && this.mode === P.CALL_EXTERNAL && this.externalUrl);
    if (this.externalUrl) this.external.href = this.externalUrl;
    this.list.hidden = !inCall;
  }

  say(message) {
    this.notice.textContent = message;
  }

  // --- joining and leaving ------------------------------------------------------------------------

  /** The person asks to join: camera and microphone if the browser lets us, else less. */
  async start() {
    this.wanted = true;
    this._render();
    await this._openMedia();
    if (this.app.connection.joined) await this._join(this.app.boardId);
  }

  async _openMedia() {
    if (this.localStream || !navigator.mediaDevices?.getUserMedia) {
      if (!navigator.mediaDevices?.getUserMedia) this.say(t("This browser cannot use a camera here: you are in the call without camera or microphone. The board works as before."));
      return;
    }
    try {
      this.localStream = await navigator.mediaDevices.getUserMedia({ video: VIDEO_CONSTRAINTS, audio: true });
    } catch (error) {
      try {
        this.localStream = await navigator.mediaDevices.getUserMedia({ audio: true });
        this.say(t("The browser did not allow the camera: you are in the call with the microphone only. The board works as before."));
      } catch {
        this.say(t("The browser did not allow the camera or the microphone: you can see and hear the others, they cannot see or hear you. The board works as before."));
      }
      console.info("call: media refused", error?.name);
    }
    this.me.cam = Boolean(this.localStream?.getVideoTracks().length);
    this.me.mic = Boolean(this.localStream?.getAudioTracks().length);
    if (this.localStream) {
      const tile = this._localTile();
      tile.attach(this.localStream);
      this._watchSpeaking();
      this._fillDevices();
    }
  }

  _localTile() {
    if (!this.localTile) {
      this.localTile = new Tile(this, { peer_id: "me", ...this.me }, { local: true });
      this.list.prepend(this.localTile.node);
    }
    return this.localTile;
  }

  /** Where our peer is or is about to be: the join under way, else the call we are in. */
  get _place() {
    if (this.joining) return this.joining;
    return this.peerId !== null ? { boardId: this.boardId, sid: this.sid } : null;
  }

  /** Ask to join a board's call. One join at a time per board and socket: the server keeps one
   * peer per socket, so a second join while the first answer is on its way (a reveal re-joins
   * the board) would replace that peer, and the first answer would leave us a ghost of it. */
  _join(boardId) {
    const sid = this.app.connection.socket.id;
    if (this.joining?.boardId === boardId && this.joining.sid === sid) return this.joining.done;
    const attempt = { boardId, sid };
    this.joining = attempt;
    this.early = [];
    attempt.done = this.emit(P.CALL_JOIN, { board_id: boardId, cam: this.me.cam, mic: this.me.mic })
      .then((ack) => this._answered(attempt, ack));
    return attempt.done;
  }

  _answered(attempt, ack) {
    if (this.joining !== attempt) {
      // A hang-up or a move overtook the answer. A later join on the same socket replaced this
      // peer on the server; with none, the peer would stay in the call with nobody behind it.
      if (ack?.ok && this._place?.sid !== attempt.sid) this.emit(P.CALL_LEAVE, { board_id: attempt.boardId });
      return;
    }
    const early = this.early;
    this.joining = null;
    this.early = [];
    if (!ack?.ok) {
      this.say(ack?.error?.code === P.FORBIDDEN ? t("You are in another room now.") : t("Could not join the call; try again."));
      return;
    }
    this.boardId = attempt.boardId;
    this.sid = attempt.sid;
    this.peerId = ack.peer_id;
    this.externalUrl = ack.sfu_url;
    this.floor = new Set(ack.floor);
    this._setMode(ack.mode);
    for (const peer of ack.peers) this._peerJoined(peer);
    this._render();
    this._localUpdate();
    for (const replay of early) replay();
  }

  /** Leave the call of the board we are leaving (a move), keeping the wish to be in calls. */
  _drop() {
    for (const link of this.links.values()) link.close();
    for (const [id, tile] of this.tiles) if (id !== "me") tile.node.remove();
    this.links.clear();
    this.tiles.clear();
    this.peers.clear();
    this.floor.clear();
    this.boardId = null;
    this.peerId = null;
    this.joining = null;
    this.early = [];
    this._render();
  }

  async hangUp() {
    const boardId = this.boardId;
    this.wanted = false;
    this._drop();
    if (boardId !== null) await this.emit(P.CALL_LEAVE, { board_id: boardId });
    for (const track of this.localStream?.getTracks() ?? []) track.stop();
    this.localStream = null;
    this.localTile?.node.remove();
    this.localTile = null;
    clearInterval(this.speakingTimer);
    this.audioContext?.close();
    this.audioContext = null;
    this.say("");
    this._render();
  }

  /** The board client joined a board (first load, reconnect, or a move): be in its call. */
  joined() {
    if (!this.wanted) return;
    // A re-join of the same board on the same socket (a seq gap, a reveal) keeps the call, or the
    // join under way; after a reconnect the server has forgotten the old socket's peer, and a
    // move changes the board.
    const place = this._place;
    if (place?.boardId === this.app.boardId && place.sid === this.app.connection.socket.id) return;
    this._drop();
    this._join(this.app.boardId);
  }

  /** The board client is switching boards: our call ends with the old board. */
  boardChanged() {
    if (this.boardId !== null) this._drop();
  }

  // --- peers -----------------------------------------------------------------------------------------

  _publishes(peer) {
    return this.mode === P.CALL_MESH || Boolean(peer.conducts) || this.floor.has(peer.peer_id);
  }

  get _iPublish() {
    return this._publishes({ peer_id: this.peerId, conducts: this.conducts });
  }

  _shouldConnect(peer) {
    return this.mode !== P.CALL_EXTERNAL && (this._iPublish || this._publishes(peer));
  }

  tileFor(peer) {
    let tile = this.tiles.get(peer.peer_id);
    if (!tile) {
      tile = new Tile(this, peer);
      this.tiles.set(peer.peer_id, tile);
      this.list.append(tile.node);
    }
    return tile;
  }

  _link(peer) {
    let link = this.links.get(peer.peer_id);
    if (!link) {
      link = new PeerLink(this, peer);
      this.links.set(peer.peer_id, link);
    }
    return link;
  }

  _peerJoined(peer) {
    this.peers.set(peer.peer_id, peer);
    this.tileFor(peer).update(peer);
    this._arrange(peer);
  }

  /** Connect, disconnect, start or stop sending to one peer, as the mode and the floor say. */
  _arrange(peer) {
    const link = this.links.get(peer.peer_id);
    if (!this._shouldConnect(peer)) {
      link?.close();
      this.links.delete(peer.peer_id);
      return;
    }
    this._link(peer).publish(this._iPublish);
  }

  _setMode(mode) {
    this.mode = mode;
    this.panel.dataset.mode = mode;
    if (mode === P.CALL_BROADCAST && !this._iPublish) this.say(t("Many people are here: you see and hear the conductor, and speak when given the floor."));
    for (const peer of this.peers.values()) {
      peer.floor = this.floor.has(peer.peer_id);
      this.tileFor(peer).update(peer);
      this._arrange(peer);
    }
    this._localUpdate();
  }

  _listen(socket) {
    // The server tells the others that we joined before it answers us, so a peer's offer (or
    // another arrival) can overtake that answer: what comes for the call we are joining waits
    // for it, else the offer would be lost and that peer's link never start.
    const on = (event, handle) =>
      socket.on(event, (payload) => {
        if (payload?.board_id === this.boardId && this.peerId !== null) handle(payload);
        else if (payload?.board_id != null && payload.board_id === this.joining?.boardId) this.early.push(() => handle(payload));
      });
    // A join that replaces an earlier one of ours is announced to that earlier peer too: never
    // a tile or a link of our own.
    on(P.CALL_PEER_JOINED, (payload) => payload.peer.peer_id !== this.peerId && this._peerJoined(payload.peer));
    on(P.CALL_PEER_LEFT, (payload) => {
      this.links.get(payload.peer_id)?.close();
      this.links.delete(payload.peer_id);
      this.tiles.get(payload.peer_id)?.node.remove();
      this.tiles.delete(payload.peer_id);
      this.peers.delete(payload.peer_id);
    });
    on(P.CALL_SIGNALLED, (payload) => {
      if (payload.from === this.peerId) return;
      const peer = this.peers.get(payload.from) ?? { peer_id: payload.from, name: "", cam: true, mic: true };
      if (!this.peers.has(peer.peer_id)) this._peerJoined(peer);
      this._link(peer).signalled(payload);
    });
    on(P.CALL_MEDIA_CHANGED, (payload) => {
      if (payload.peer.peer_id === this.peerId) return;
      const peer = { ...this.peers.get(payload.peer.peer_id), ...payload.peer };
      this.peers.set(peer.peer_id, peer);
      this.tileFor(peer).update(peer);
    });
    on(P.CALL_MODE, (payload) => {
      this.floor = new Set(payload.floor);
      this._setMode(payload.mode);
    });
    on(P.CALL_MUTED, (payload) => {
      this._setTrack("audio", false);
      this.app.toasts?.show(t("The conductor turned everyone's microphone off."));
    });
    socket.on(P.CALL_ENDED, (payload) => {
      if (payload?.board_id !== this.boardId) return;
      this._drop(); // a move: joined() brings us into the new room's call
    });
  }

  // --- our own media ----------------------------------------------------------------------------------

  toggle(kind) {
    this._setTrack(kind, !(kind === "video" ? this.me.cam : this.me.mic));
  }

  _setTrack(kind, on) {
    for (const track of this.localStream?.getTracks() ?? []) if (track.kind === kind) track.enabled = on;
    if (kind === "video") this.me.cam = on && Boolean(this.localStream?.getVideoTracks().length);
    else this.me.mic = on && Boolean(this.localStream?.getAudioTracks().length);
    this._sendMedia();
  }

  _localUpdate() {
    this.me.floor = this.floor.has(this.peerId);
    this.localTile?.update({ peer_id: "me", ...this.me }, true);
    this._render();
  }

  _sendMedia() {
    this._localUpdate();
    if (this.peerId === null) return;
    const { cam, mic, speaking } = this.me;
    this.emit(P.CALL_MEDIA, { board_id: this.boardId, cam, mic, speaking });
  }

  async useDevice(kind, deviceId) {
    const constraints = kind === "videoinput" ? { video: { ...VIDEO_CONSTRAINTS, deviceId: { exact: deviceId } } } : { audio: { deviceId: { exact: deviceId } } };
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia(constraints);
    } catch {
      this.say(t("That device could not be opened."));
      return;
    }
    const track = stream.getTracks()[0];
    const old = this.localStream.getTracks().find((each) => each.kind === track.kind);
    track.enabled = track.kind === "video" ? this.me.cam : this.me.mic;
    await Promise.all([...this.links.values()].map((link) => link.replace(track)));
    if (old) {
      this.localStream.removeTrack(old);
      old.stop();
    }
    this.localStream.addTrack(track);
    if (track.kind === "audio") this._watchSpeaking();
  }

  async _fillDevices() {
    const devices = (await navigator.mediaDevices.enumerateDevices?.()) ?? [];
    for (const select of [this.camSelect, this.micSelect]) {
      const kind = select.dataset.kind;
      const current = this.localStream?.getTracks().find((track) => `${track.kind}input` === kind)?.getSettings?.().deviceId;
      select.replaceChildren(
        ...devices
          .filter((device) => device.kind === kind)
          .map((device, index) => {
            const option = el("option", { value: device.deviceId }, device.label || `${kind === "videoinput" ? t("Camera") : t("Microphone")} ${index + 1}`);
            option.selected = device.deviceId === current;
            return option;
          }),
      );
    }
  }

  /** Who is speaking: our own microphone's level, sent to the others when it changes. */
  _watchSpeaking() {
    const track = this.localStream?.getAudioTracks()[0];
    const Context = globalThis.AudioContext ?? globalThis.webkitAudioContext;
    if (!track || !Context) return;
    clearInterval(this.speakingTimer);
    this.audioContext?.close();
    this.audioContext = new Context();
    const analyser = this.audioContext.createAnalyser();
    analyser.fftSize = 512;
    this.audioContext.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let lastLoud = 0;
    this.speakingTimer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      const now = performance.now();
      if (this.me.mic && Math.sqrt(sum / samples.length) > SPEAKING_LEVEL) lastLoud = now;
      const speaking = now - lastLoud < SPEAKING_HOLD_MS;
      if (speaking !== this.me.speaking) {
        this.me.speaking = speaking;
        this._sendMedia();
      }
    }, SPEAKING_POLL_MS);
  }

  // --- the conductor's controls ----------------------------------------------------------------------

  async muteAll() {
    const ack = await this.emit(P.CALL_MUTE_ALL, { board_id: this.boardId });
    if (ack?.ok) this.app.toasts?.show(t("Everyone's microphone is off."));
  }

  async setFloor(peerId, on) {
    await this.emit(P.CALL_FLOOR, { board_id: this.boardId, peer_id: peerId, on });
  }
}
