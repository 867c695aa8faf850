// The board for a screen reader, and its reading order for the keyboard.
//
// The canvas draws only what is near the view (render.js culls), so it cannot be the list a
// screen reader walks. This module keeps a second, plain HTML picture of the whole board in a
// visually hidden section: one heading and one list per frame (or zone), frames in reading
// order, each card as a list entry saying its type, its text, its author when it has one and
// its links in words ("cause of: Rents too high"). It follows the state: a change touches the
// entries of the items it changed (and of the cards at the ends of a changed link); only a
// frame's move or resize re-sorts every card into its frame. Card nodes point at their entry
// with aria-describedby, so a focused card also says its links.
//
// `readingOrder` is pure: frames top to bottom and left to right (a row is frames whose tops lie
// within half the first one's height), each followed by the cards inside it in the same order,
// then the cards in no frame. The keyboard walks the board in this order (keynav.js).

import { excerpt, t } from "./i18n.js";

const FLUSH_DELAY_MS = 150; // a burst of changes (typing, a drag's end, a template) is one update
const ROW_SHARE = 0.5; // boxes whose tops differ by less than this share of a height are one row

/** Links in words, by edge type: [what the start card says, what the end card says]. */
const LINK_WORDS = {
  causal_link: ["cause of: %(name)s", "caused by: %(name)s"],
  toc_link: ["leads to: %(name)s", "comes from: %(name)s"],
  relation: ["related to: %(name)s", "related to: %(name)s"],
  connector: ["linked to: %(name)s", "linked from: %(name)s"],
};

function num(value, fallback) {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

function boxOf(item) {
  const f = item.fields;
  return { x: num(f.x, 0), y: num(f.y, 0), w: num(f.w, 200), h: num(f.h, 200) };
}

/** Sort boxes in reading order: rows top to bottom, left to right within a row. */
export function sortReading(entries) {
  const sorted = [...entries].sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x || (a.id < b.id ? -1 : 1));
  const rows = [];
  for (const entry of sorted) {
    const row = rows.at(-1);
    if (row && entry.box.y - row.top < row.height * ROW_SHARE) row.entries.push(entry);
    else rows.push({ top: entry.box.y, height: Math.max(1, entry.box.h), entries: [entry] });
  }
  return rows.flatMap((row) => row.entries.sort((a, b) => a.box.x - b.box.x || (a.id < b.id ? -1 : 1)));
}

/** The frame (or zone) a card belongs to: the smallest one holding the card's centre. */
export function containerOf(box, containers) {
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  let best = null;
  for (const c of containers) {
    const b = c.box;
    if (cx < b.x || cy < b.y || cx > b.x + b.w || cy > b.y + b.h) continue;
    if (!best || b.w * b.h < best.box.w * best.box.h) best = c;
  }
  return best;
}

/**
 * Items in reading order, grouped: [{container: id | null, cards: [id]}], frames first.
 * items: [{id, type, fields}]; kinds: {isContainer(item), isEdge(item)}.
 */
export function readingGroups(items, { isContainer, isEdge }) {
  const containers = [];
  const cards = [];
  for (const item of items) {
    if (isEdge(item) || typeof item.fields?.x !== "number") continue;
    (isContainer(item) ? containers : cards).push({ id: item.id, box: boxOf(item) });
  }
  const groups = new Map(sortReading(containers).map((c) => [c.id, []]));
  const loose = [];
  for (const card of cards) {
    const home = containerOf(card.box, containers);
    (home ? groups.get(home.id) : loose).push(card);
  }
  const result = [...groups].map(([id, list]) => ({ container: id, cards: sortReading(list).map((c) => c.id) }));
  if (loose.length) result.push({ container: null, cards: sortReading(loose).map((c) => c.id) });
  return result;
}

/**
 * Every item the keyboard walks, in reading order: each frame, then its cards, each card
 * followed by the links that start from it (so a link can be reached, read and deleted);
 * then the cards in no frame.
 */
export function readingOrder(items, kinds) {
  const list = [...items];
  const linksFrom = new Map();
  for (const item of list) {
    if (!kinds.isEdge(item)) continue;
    if (!linksFrom.has(item.fields.from)) linksFrom.set(item.fields.from, []);
    linksFrom.get(item.fields.from).push(item.id);
  }
  const withLinks = (id) => [id, ...(linksFrom.get(id) ?? []).sort()];
  return readingGroups(list, kinds).flatMap((g) => [...(g.container ? [g.container] : []), ...g.cards.flatMap(withLinks)]);
}

export class BoardList {
  /**
   * node: the (visually hidden) section to fill; state: the board's state; isContainer and
   * isEdge sort items; describe(item) is a card's name, shortName(item) a link's other end.
   */
  constructor(node, { state, isContainer, isEdge, describe, shortName, onWritten }) {
    this.node = node;
    this.onWritten = onWritten; // (id): the card's words changed (its node points at its links)
    this.state = state;
    this.kinds = { isContainer, isEdge };
    this.describe = describe;
    this.shortName = shortName;
    this.entries = new Map(); // card id -> <li>
    this.sections = new Map(); // container id (or "") -> {section, heading, list}
    this.home = new Map(); // card id -> container id (or "")
    this.boxes = new Map(); // card id -> its box when last placed
    this.dirty = new Set();
    this.regroup = true;
    this.timer = null;
    this.order = [];
    this.orderStale = true;
    this.title = document.createElement("h2");
    this.title.id = "board-list-title";
    this.title.textContent = t("The board as a list");
    this.body = document.createElement("div");
    node.setAttribute("aria-labelledby", this.title.id);
    node.replaceChildren(this.title, this.body);
  }

  /** The state changed these ids: update their entries soon (once for a burst). */
  changed(ids) {
    for (const id of ids) {
      this.dirty.add(id);
      const item = this.state.get(id);
      // A frame moved, grew or went: cards may change frame. A card moved: its order may change.
      if (!item || this.kinds.isContainer(item) || !this.home.has(id)) this.regroup = true;
    }
    this.orderStale = true;
    if (this.timer === null) this.timer = setTimeout(() => this.flush(), FLUSH_DELAY_MS);
  }

  /** Forget everything (another board is shown). */
  reset() {
    this.entries.clear();
    this.sections.clear();
    this.home.clear();
    this.boxes.clear();
    this.body.replaceChildren();
    this.regroup = true;
    this.orderStale = true;
  }

  /** Spatial ids in reading order (computed on demand, cached until the next change). */
  readingOrder() {
    if (this.orderStale) {
      this.order = readingOrder(this.state.items(), this.kinds);
      this.orderStale = false;
    }
    return this.order;
  }

  flush() {
    clearTimeout(this.timer);
    this.timer = null;
    const before = this.edgeEnds ?? new Map();
    this._indexEdges();
    const touched = new Set();
    for (const id of this.dirty) {
      touched.add(id);
      // A link changed, came or went: both its ends say it.
      for (const end of [...(before.get(id) ?? []), ...(this.edgeEnds.get(id) ?? [])]) touched.add(end);
      // A card renamed: the cards linked to it name it.
      for (const other of this._linkedTo(id)) touched.add(other);
    }
    this.dirty.clear();
    if (!this.regroup) {
      // A card that moved into another frame: regroup (rare; a move inside a frame is not).
      const containers = [];
      for (const item of this.state.items()) {
        if (this.kinds.isContainer(item) && typeof item.fields.x === "number") containers.push({ id: item.id, box: boxOf(item) });
      }
      for (const id of touched) {
        const item = this.state.get(id);
        if (!item || this.kinds.isEdge(item) || this.kinds.isContainer(item) || typeof item.fields.x !== "number") continue;
        if ((containerOf(boxOf(item), containers)?.id ?? "") !== this.home.get(id)) this.regroup = true;
      }
    }
    if (this.regroup) {
      this.regroup = false;
      this._regroup();
    } else {
      for (const id of touched) this._place(id);
    }
    for (const id of touched) this._write(id);
  }

  /** Card id -> the links touching it, once per update (a card's words need its links). */
  _indexEdges() {
    this.edgesByEnd = new Map();
    this.edgeEnds = new Map();
    for (const item of this.state.items()) {
      if (!this.kinds.isEdge(item)) continue;
      this.edgeEnds.set(item.id, [item.fields.from, item.fields.to]);
      for (const end of [item.fields.from, item.fields.to]) {
        if (!this.edgesByEnd.has(end)) this.edgesByEnd.set(end, []);
        this.edgesByEnd.get(end).push(item);
      }
    }
  }

  _linkedTo(id) {
    return (this.edgesByEnd.get(id) ?? []).map((e) => (e.fields.from === id ? e.fields.to : e.fields.from));
  }

  /** Rebuild which card sits in which frame, moving only the nodes whose place changed. */
  _regroup() {
    const groups = readingGroups(this.state.items(), this.kinds);
    const wanted = new Set(groups.map((g) => g.container ?? ""));
    for (const [key, parts] of this.sections) {
      if (!wanted.has(key)) {
        parts.section.remove();
        this.sections.delete(key);
      }
    }
    const seen = new Set();
    let previous = null;
    for (const group of groups) {
      const key = group.container ?? "";
      const parts = this._section(key);
      if (parts.section.previousSibling !== previous || parts.section.parentNode !== this.body) {
        this.body.insertBefore(parts.section, previous ? previous.nextSibling : this.body.firstChild);
      }
      previous = parts.section;
      this._writeHeading(key);
      let before = null;
      for (const id of group.cards) {
        seen.add(id);
        this.home.set(id, key);
        this.boxes.set(id, boxOf(this.state.get(id)));
        const li = this._entry(id);
        const wantedPrev = before;
        if (li.parentNode !== parts.list || li.previousSibling !== wantedPrev) {
          parts.list.insertBefore(li, wantedPrev ? wantedPrev.nextSibling : parts.list.firstChild);
        }
        before = li;
        if (!li.dataset.key) this._write(id);
      }
    }
    for (const [id, li] of this.entries) {
      if (!seen.has(id)) {
        li.remove();
        this.entries.delete(id);
        this.home.delete(id);
        this.boxes.delete(id);
      }
    }
  }

  /** Keep one card at its place in its frame's list after it moved or changed. */
  _place(id) {
    const item = this.state.get(id);
    if (!item || this.kinds.isEdge(item)) return;
    if (this.kinds.isContainer(item)) {
      this._writeHeading(id);
      return;
    }
    // Only a move can change a card's place; its words are rewritten by _write.
    const box = boxOf(item);
    const last = this.boxes.get(id);
    this.boxes.set(id, box);
    if (last && last.x === box.x && last.y === box.y && last.h === box.h) return;
    const key = this.home.get(id);
    const parts = this.sections.get(key);
    if (!parts) return;
    const ids = readingGroups(
      [...[...parts.list.children].map((li) => this.state.get(li.dataset.item)).filter(Boolean), ...(key ? [this.state.get(key)] : [])],
      this.kinds,
    ).flatMap((g) => g.cards);
    ids.forEach((cardId, i) => {
      const li = this.entries.get(cardId);
      if (li && parts.list.children[i] !== li) parts.list.insertBefore(li, parts.list.children[i] ?? null);
    });
  }

  _section(key) {
    let parts = this.sections.get(key);
    if (!parts) {
      const section = document.createElement("section");
      const heading = document.createElement("h3");
      heading.id = `board-list-group-${key || "loose"}`;
      const list = document.createElement("ul");
      list.setAttribute("aria-labelledby", heading.id);
      section.append(heading, list);
      parts = { section, heading, list };
      this.sections.set(key, parts);
    }
    return parts;
  }

  _writeHeading(key) {
    const parts = this.sections.get(key);
    if (!parts) return;
    const item = key ? this.state.get(key) : null;
    const text = item ? this.describe(item) : t("Cards in no frame");
    if (parts.heading.textContent !== text) parts.heading.textContent = text;
  }

  _entry(id) {
    let li = this.entries.get(id);
    if (!li) {
      li = document.createElement("li");
      li.id = `board-list-${id}`;
      li.dataset.item = id; // not data-id: that names the canvas nodes
      this.entries.set(id, li);
    }
    return li;
  }

  /** One card's words: its name (type, text, author), then its links. */
  _write(id) {
    const li = this.entries.get(id);
    const item = this.state.get(id);
    if (!li || !item) return;
    const name = this.describe(item);
    const links = this.links(id).join("; ");
    const key = `${name}\n${links}`;
    if (li.dataset.key === key) return;
    li.dataset.key = key;
    const parts = [document.createElement("span")];
    parts[0].textContent = name;
    if (links) {
      const said = document.createElement("span");
      said.id = `board-list-links-${id}`;
      said.textContent = `. ${links}`;
      parts.push(said);
    }
    li.replaceChildren(...parts);
    this.onWritten?.(id);
  }

  /** The card's links in words, as its end of each link reads them. */
  links(id) {
    const words = [];
    if (!this.edgesByEnd) this._indexEdges();
    for (const edge of this.edgesByEnd.get(id) ?? []) {
      const outgoing = edge.fields.from === id;
      const other = this.state.get(outgoing ? edge.fields.to : edge.fields.from);
      const name = other ? excerpt(this.shortName(other), 60) : t("(deleted item)");
      const pair = LINK_WORDS[edge.type];
      words.push(
        pair
          ? t(pair[outgoing ? 0 : 1], { name })
          : t(outgoing ? "%(link)s to: %(name)s" : "%(link)s from: %(name)s", { link: t(`type.${edge.type}`), name }),
      );
    }
    return words;
  }
}
