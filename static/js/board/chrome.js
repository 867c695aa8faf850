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

/** Short messages that fade (a refused change, a copy...). */
export class Toasts {
  constructor(node) {
    this.node = node;
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

/** Others' changes, summarised for screen readers at most every ANNOUNCE_INTERVAL_MS. */
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
    if (changes.length === 0) return;
    const names = [...new Set(changes.map((c) => c.author?.name).filter(Boolean))];
    const who = names.join(", ") || t("Someone");
    if (changes.length === 1 && changes[0].ops?.length) {
      const op = changes[0].ops[0];
      const item = this.state.get(op.id);
      const what = item ? whatIs(item) : t("an item");
      const verb = { create: "%(name)s added %(what)s", update: "%(name)s changed %(what)s", delete: "%(name)s removed %(what)s", restore: "%(name)s brought back %(what)s" }[op.op];
      if (verb) {
        this.say(t(verb, { name: who, what }));
        return;
      }
    }
    this.say(t("%(names)s made %(count)s changes", { names: who, count: changes.length }));
  }
}

function whatIs(item) {
  const text = excerpt(item.fields.text || item.fields.title || item.fields.label || "", 40);
  const kind = t(`type.${item.type}`);
  return text ? `${kind} “${text}”` : kind;
}
