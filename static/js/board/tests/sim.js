// A tiny stand-in for the server's sequencer (workshop/boards/service.py and state.py), enough
// to test the client's state against: one seq per accepted change, all-or-nothing changes, last
// writer wins per field, tombstones, connector cascades and duplicate change ids.

export class SimServer {
  constructor() {
    this.seq = 0;
    this.items = new Map(); // id -> {id, type, fields, created_by, deleted}
    this.log = []; // applied changes, in seq order
    this.byChangeId = new Map();
  }

  /** Apply a change; returns an ack like the real one. */
  apply(change, author = "u:1") {
    const earlier = this.byChangeId.get(change.change_id);
    if (earlier) return { ok: true, seq: earlier.seq, duplicate: true, ops: earlier.ops };
    const work = new Map([...this.items].map(([id, it]) => [id, structuredClone(it)]));
    const applied = [];
    try {
      for (const op of change.ops) this._op(work, op, applied, author);
    } catch (code) {
      return { ok: false, error: { code, message: code } };
    }
    this.items = work;
    this.seq += 1;
    const record = { seq: this.seq, change_id: change.change_id, client_id: change.client_id, ops: applied };
    this.log.push(record);
    this.byChangeId.set(change.change_id, record);
    return { ok: true, seq: this.seq, duplicate: false, ops: applied };
  }

  _op(work, op, applied, author) {
    const item = work.get(op.id);
    if (op.op === "create") {
      if (item) throw "item_exists";
      for (const ref of ["from", "to"]) {
        if (op.type === "connector" && !(work.get(op.fields[ref]) && !work.get(op.fields[ref]).deleted)) {
          throw "invalid_op";
        }
      }
      const fields = { ...structuredClone(op.fields) };
      if (op.type === "sticky") fields.author = author;
      work.set(op.id, { id: op.id, type: op.type, fields, created_by: author, deleted: false });
      applied.push({ op: "create", id: op.id, type: op.type, fields: structuredClone(fields) });
    } else if (op.op === "update") {
      if (!item) throw "not_found";
      if (item.deleted) throw "item_deleted";
      Object.assign(item.fields, structuredClone(op.fields));
      applied.push({ op: "update", id: op.id, fields: structuredClone(op.fields) });
    } else if (op.op === "delete") {
      if (!item) throw "not_found";
      if (item.deleted) return;
      this._delete(work, item, applied);
    } else if (op.op === "restore") {
      if (!item) throw "not_found";
      if (!item.deleted) return;
      if (item.type === "connector") {
        for (const ref of ["from", "to"]) {
          const end = work.get(item.fields[ref]);
          if (!end || end.deleted) throw "invalid_op";
        }
      }
      item.deleted = false;
      applied.push({ op: "restore", id: op.id, type: item.type, fields: structuredClone(item.fields) });
    }
  }

  _delete(work, item, applied) {
    item.deleted = true;
    applied.push({ op: "delete", id: item.id });
    const dependants = [...work.values()]
      .filter((it) => !it.deleted && it.type === "connector" && (it.fields.from === item.id || it.fields.to === item.id))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const dependant of dependants) if (!dependant.deleted) this._delete(work, dependant, applied);
  }

  join(sinceSeq) {
    if (sinceSeq !== null && sinceSeq !== undefined && sinceSeq <= this.seq) {
      return { mode: "delta", seq: this.seq, changes: this.log.filter((c) => c.seq > sinceSeq) };
    }
    return { mode: "snapshot", seq: this.seq, items: this.liveItems() };
  }

  liveItems() {
    return [...this.items.values()]
      .filter((it) => !it.deleted)
      .map((it) => ({ id: it.id, type: it.type, fields: structuredClone(it.fields), created_by: it.created_by }));
  }

  snapshot() {
    return this.liveItems()
      .map(({ id, type, fields }) => ({ id, type, fields }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

/** A small deterministic random generator (mulberry32), so a failing seed can be pinned. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
