// A call's peers (call.js): the connection to each peer, with its side of perfect negotiation,
// and each peer's video tile.

import { t } from "./i18n.js";
import * as P from "./protocol.js";

export function el(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

/** One peer connection, with its side of perfect negotiation. */
export class PeerLink {
  constructor(call, peer) {
    this.call = call;
    this.peer = peer;
    this.polite = call.peerId < peer.peer_id;
    this.makingOffer = false;
    this.ignoreOffer = false;
    // Candidates that came before the description they belong to, added once it is set: the
    // server forwards each signal on its own, and with the calls' registry in Redis a small
    // candidate can overtake the offer or answer sent before it (addIceCandidate refuses a
    // candidate without a remote description, and with every one lost the link never starts).
    this.earlyCandidates = [];
    this.senders = new Map(); // kind -> RTCRtpSender
    this.pc = new RTCPeerConnection({ iceServers: call.settings.ice_servers ?? [] });
    this.pc.onnegotiationneeded = async () => {
      try {
        this.makingOffer = true;
        await this.pc.setLocalDescription();
        this.send({ description: this.pc.localDescription.toJSON() });
      } catch (error) {
        console.warn("call: offer failed", error);
      } finally {
        this.makingOffer = false;
      }
    };
    this.pc.onicecandidate = ({ candidate }) => {
      if (candidate) this.send({ candidate: candidate.toJSON() });
    };
    this.pc.ontrack = ({ track }) => call.tileFor(peer).addTrack(track);
    this.pc.onconnectionstatechange = () => {
      call.tileFor(peer).node.dataset.connection = this.pc.connectionState;
    };
  }

  send(message) {
    this.call.emit(P.CALL_SIGNAL, { board_id: this.call.boardId, to: this.peer.peer_id, ...message });
  }

  /** Send our tracks to this peer, or stop sending them. The first negotiation has one offerer
   * (the polite peer, which also asks to receive what it does not send) so that two peers that
   * meet never start with crossing offers; perfect negotiation handles the later ones. */
  publish(on) {
    const tracks = on ? (this.call.localStream?.getTracks() ?? []) : [];
    if (!this.started) {
      this.started = true;
      this.wanted = on;
      if (!this.polite) return; // we answer the offer, and send our tracks with the answer
      for (const kind of ["audio", "video"]) {
        const track = tracks.find((each) => each.kind === kind);
        if (track) this.senders.set(kind, this.pc.addTrack(track, this.call.localStream));
        else this.pc.addTransceiver(kind, { direction: "recvonly" });
      }
      return;
    }
    this.wanted = on;
    for (const track of this.call.localStream?.getTracks() ?? []) {
      const sender = this.senders.get(track.kind);
      if (on && !sender) this.senders.set(track.kind, this.pc.addTrack(track, this.call.localStream));
      else if (!on && sender) {
        this.pc.removeTrack(sender);
        this.senders.delete(track.kind);
      }
    }
  }

  /** Answering an offer: send our tracks on the transceivers it opened. */
  _attachToOffer() {
    if (!this.wanted) return;
    for (const track of this.call.localStream?.getTracks() ?? []) {
      if (this.senders.has(track.kind)) continue;
      const transceiver = this.pc
        .getTransceivers()
        .find((each) => each.receiver.track.kind === track.kind && !each.sender.track && each.mid !== null);
      if (!transceiver) continue; // a kind the offer lacks: added after this negotiation
      transceiver.sender.replaceTrack(track);
      transceiver.sender.setStreams?.(this.call.localStream);
      transceiver.direction = "sendrecv";
      this.senders.set(track.kind, transceiver.sender);
    }
  }

  _addMissing() {
    if (!this.wanted) return;
    for (const track of this.call.localStream?.getTracks() ?? []) {
      if (!this.senders.has(track.kind)) this.senders.set(track.kind, this.pc.addTrack(track, this.call.localStream));
    }
  }

  async replace(track) {
    await this.senders.get(track.kind)?.replaceTrack(track);
  }

  async signalled({ description, candidate }) {
    try {
      if (description) {
        const collision = description.type === "offer" && (this.makingOffer || this.pc.signalingState !== "stable");
        this.ignoreOffer = !this.polite && collision;
        if (this.ignoreOffer) return;
        await this.pc.setRemoteDescription(description); // a polite peer's offer rolls back here
        for (const early of this.earlyCandidates.splice(0)) await this._addCandidate(early);
        if (description.type === "offer") {
          this._attachToOffer();
          await this.pc.setLocalDescription();
          this.send({ description: this.pc.localDescription.toJSON() });
        }
        if (description.type === "answer" || description.type === "offer") this._addMissing();
      } else if (candidate) {
        if (this.pc.remoteDescription) await this._addCandidate(candidate);
        else this.earlyCandidates.push(candidate);
      }
    } catch (error) {
      console.warn("call: signal failed", error);
    }
  }

  async _addCandidate(candidate) {
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (error) {
      if (!this.ignoreOffer) throw error;
    }
  }

  close() {
    this.pc.close();
  }
}

/** A video tile: the video, the name, the microphone and speaking marks, conductor buttons. */
export class Tile {
  constructor(call, peer, { local = false } = {}) {
    this.call = call;
    this.node = el("li", { class: "call-tile", "data-peer-id": peer.peer_id ?? "me" });
    this.video = el("video", { autoplay: "", playsinline: "" });
    this.video.muted = local; // never play one's own microphone back
    if (local) this.node.classList.add("call-tile-me");
    this.label = el("p", { class: "call-name" });
    this.node.append(this.video, this.label);
    if (!local && call.conducts) {
      this.floorButton = el("button", { type: "button", class: "call-floor" });
      this.floorButton.addEventListener("click", () => call.setFloor(this.peer.peer_id, !this.peer.floor));
      this.node.append(this.floorButton);
    }
    this.update(peer, local);
  }

  attach(stream) {
    if (this.video.srcObject !== stream) {
      this.video.srcObject = stream;
      this.video.play?.().catch(() => {});
    }
  }

  /** A remote track: audio and video may come without a stream; they share the tile's. */
  addTrack(track) {
    if (!(this.video.srcObject instanceof MediaStream)) this.attach(new MediaStream());
    const stream = this.video.srcObject;
    for (const old of stream.getTracks()) if (old.kind === track.kind && old !== track) stream.removeTrack(old);
    if (!stream.getTracks().includes(track)) stream.addTrack(track);
    this.video.play?.().catch(() => {});
  }

  update(peer, local = this.node.classList.contains("call-tile-me")) {
    this.peer = peer;
    const name = local ? t("You") : peer.name;
    const marks = [peer.mic ? "" : t("microphone off"), peer.cam ? "" : t("camera off")].filter(Boolean);
    this.label.textContent = marks.length ? `${name} (${marks.join(", ")})` : name;
    this.node.classList.toggle("is-speaking", Boolean(peer.speaking));
    this.node.classList.toggle("has-floor", Boolean(peer.floor));
    this.node.classList.toggle("no-camera", !peer.cam);
    if (peer.speaking) this.node.setAttribute("aria-label", t("%(name)s is speaking", { name }));
    else this.node.removeAttribute("aria-label");
    if (this.floorButton) {
      this.floorButton.hidden = this.call.mode !== P.CALL_BROADCAST || peer.conducts;
      this.floorButton.textContent = peer.floor ? t("Take the floor back") : t("Give the floor");
      // Each tile's button says whose floor it is (the visible words first: WCAG 2.5.3).
      this.floorButton.setAttribute("aria-label", `${this.floorButton.textContent}: ${name}`);
    }
  }
}
