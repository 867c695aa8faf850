// Everything around the canvas: who is here, the connection's state, notices, short messages,
// and the polite announcements of others' changes for screen readers.

import { ANNOUNCE_INTERVAL_MS } from "./config.js";
import { excerpt, t } from "./i18n.js";
import { STATUS } from "./socket.js";

export function initials(name) {
  const words = String(name ?? "").trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return "?";
  const first = [...words[0]][0] ?? "";
  const last = words.length > 1 ? [...words.at(-1)][0] ?? "" : "";
  return (first + last).toUpperCase();
}

export class Presence {
  constructor(list) {
    this.list = list;
    this.peers = new Map();
    this.me = null;
  }

  reset(me, peers) {
    this.me = me;
    this.peers = new Map(peers.map((p) => [p.id, p]));
    this.draw();
  }

  add(peer) {
    if (!peer || peer.id === this.me?.id) return;
    this.peers.set(peer.id, peer);
    this.draw();
  }

  remove(peerId) {
    this.peers.delete(peerId);
    this.draw();
  }

  draw() {
    const people = [...(this.me ? [{ ...this.me, isMe: true }] : []), ...this.peers.values()];
    // One avatar per person: the same identity may have two tabs open.
    const seen = new Set();
    const unique = people.filter((p) => (seen.has(p.identity) ? false : seen.add(p.identity)));
    this.list.replaceChildren(
      ...unique.map((peer) => {
        const item = document.createElement("li");
        item.className = "avatar";
        item.style.setProperty("--peer-colour", peer.colour);
        const badge = document.createElement("span");
        badge.className = "avatar-initials";
        badge.setAttribute("aria-hidden", "true");
        badge.textContent = initials(peer.name);
        const name = document.createElement("span");
        name.className = "avatar-name";
        name.textContent = peer.isMe ? t("%(name)s (you)", { name: peer.name }) : peer.name;
        item.title = name.textContent;
        item.append(badge, name);
        return item;
      }),
    );
    this.list.setAttribute("aria-label", t("People on this board: %(count)s", { count: unique.length }));
  }
}

export class StatusIndicator {
  constructor(node) {
    this.node = node;
    this.dot = node.querySelector(".status-dot");
    this.text = node.querySelector(".status-text");
    this.status = STATUS.CONNECTING;
    this.unsent = 0;
  }

  show(status, unsent) {
    if (status === this.status && unsent === this.unsent) return;
    this.status = status;
    this.unsent = unsent;
    const label = {
      [STATUS.CONNECTING]: t("Connecting…"),
      [STATUS.ONLINE]: t("Online"),
      [STATUS.RECONNECTING]: t("Reconnecting…"),
      [STATUS.OFFLINE]: t("Offline"),
      [STATUS.ENDED]: t("Disconnected"),
    }[status];
    const parts = [label];
    if (unsent > 0) parts.push(t("Unsent changes: %(count)s", { count: unsent }));
    else if (status === STATUS.ONLINE) parts.push(t("All changes saved"));
    this.text.textContent = parts.join(" · ");
    this.node.dataset.status = status;
    this.node.dataset.unsent = String(unsent);
  }
}

const FLASH_MS = 8_000; // a message the page came with stays this long

/** Short messages that fade (a refused change, a copy...). */
export class Toasts {
  constructor(node) {
    this.node = node;
    // The page's own messages (a flash such as the welcome after joining) came with it: they
    // fade like the others, given a little longer since the page was still loading.
    for (const flash of node.querySelectorAll(".toast[data-flash]")) setTimeout(() => flash.remove(), FLASH_MS);
  }

  /** One toast per message (and per `key`: a new refusal replaces the last), never a stack. */
  show(message, { tone = "info", ms = 5000, key = null } = {}) {
    for (const old of this.node.querySelectorAll(".toast")) {
      if (old.textContent === message || (key && old.dataset.key === key)) old.remove();
    }
    const toast = document.createElement("p");
    toast.className = `toast toast-${tone}`;
    toast.textContent = message;
    if (key) toast.dataset.key = key;
    this.node.append(toast);
    setTimeout(() => toast.remove(), ms);
  }
}

/**
 * Others' changes, told politely and in aggregate for screen readers, at most every
 * ANNOUNCE_INTERVAL_MS: per person, what they added, changed, moved or removed, named by the
 * card's type and words as the state holds them then ("Anna added Cause: Rents too high").
 */
export class Announcer {
  constructor(node, state) {
    this.node = node;
    this.state = state;
    this.queue = [];
    this.timer = null;
  }

  remote(change) {
    this.queue.push(change);
    if (this.timer === null) this.timer = setTimeout(() => this._flush(), ANNOUNCE_INTERVAL_MS);
  }

  say(message) {
    // Re-setting the same text is not announced again: clear first.
    this.node.textContent = "";
    setTimeout(() => {
      this.node.textContent = message;
    }, 50);
  }

  _flush() {
    this.timer = null;
    const changes = this.queue;
    this.queue = [];
    const sentences = summarise(changes, this.state);
    if (sentences.length) this.say(sentences.join(". "));
  }
}

const PLACE_FIELDS = new Set(["x", "y", "w", "h", "z"]);

/** Sentences for a batch of others' changes: one per person and kind of change. */
export function summarise(changes, state) {
  const people = new Map(); // name -> {added, changed, moved, removed: Set of ids}
  for (const change of changes) {
    const name = change.author?.name || t("Someone");
    if (!people.has(name)) people.set(name, { added: new Set(), changed: new Set(), moved: new Set(), removed: new Set() });
    const did = people.get(name);
    for (const op of change.ops ?? []) {
      if (op.op === "create" || op.op === "restore") did.added.add(op.id);
      else if (op.op === "delete") did.removed.add(op.id);
      else if (op.op === "update") {
        const placeOnly = Object.keys(op.fields ?? {}).every((f) => PLACE_FIELDS.has(f));
        (placeOnly ? did.moved : did.changed).add(op.id);
      }
    }
  }
  const sentences = [];
  for (const [name, did] of people) {
    // What was added and then written counts as added; what was removed counts only as removed.
    for (const id of [...did.added, ...did.removed]) {
      did.changed.delete(id);
      did.moved.delete(id);
    }
    for (const id of did.changed) did.moved.delete(id);
    const said = (ids, one, many) => {
      const live = [...ids].map((id) => state.get(id)).filter(Boolean);
      if (ids.size === 1 && live.length === 1) sentences.push(t(one, { name, what: whatIs(live[0]) }));
      else if (ids.size) sentences.push(t(many, { name, count: ids.size }));
    };
    for (const id of [...did.added]) if (!state.get(id)) did.added.delete(id);
    said(did.added, "%(name)s added %(what)s", "%(name)s added %(count)s items");
    said(did.changed, "%(name)s changed %(what)s", "%(name)s changed %(count)s items");
    said(did.moved, "%(name)s moved %(what)s", "%(name)s moved %(count)s items");
    if (did.removed.size === 1) sentences.push(t("%(name)s removed %(what)s", { name, what: t("an item") }));
    else if (did.removed.size) sentences.push(t("%(name)s removed %(count)s items", { name, count: did.removed.size }));
  }
  return sentences;
}

function whatIs(item) {
  const f = item.fields;
  const text = excerpt(f.text || f.title || f.name || f.description || f.what || f.note || f.label || "", 60);
  const kind = t(`type.${item.type}`);
  return text ? t("%(type)s: %(text)s", { type: kind, text }) : kind;
}
