// What the board's kind means: the `board-schema` data block (workshop/boards/canvas.py,
// describe_board_kind) read once. Pure, no DOM: which types are typed cards or typed edges,
// how a field is edited (the inspector's form rules), the chips a card shows, the tone a card
// takes from its type and role, and how a typed edge is drawn. Labels are looked up by key
// (type.<t>, field.<t>.<f>, choice.<t>.<f>.<v>): no visible text here.

import { formatDay, formatEuros, parseItalianNumber } from "./numbers.js";

const CORE = new Set(["sticky", "text", "shape", "connector", "frame"]);
const GEOMETRY = new Set(["x", "y", "w", "h", "z"]);
// A Text this long or shorter is a one-line input; longer ones get a text area.
const SHORT_TEXT_CHARS = 300;
// Zones a template lays out once: drawn under the cards, never offered in the palette.
export const ZONE_TYPES = new Set(["pi_grid"]);

// The tone (one of the board palette's names) of a card, by type and the field that decides it.
const TONES = {
  problem: ["role", { core: "red", cause: "orange", effect: "purple", constraint: "grey" }],
  objective: ["role", { purpose: "green", means: "teal", end: "blue", other: "grey" }],
  swot_item: ["quadrant", { strength: "green", weakness: "orange", opportunity: "blue", threat: "red" }],
  tows_strategy: ["kind", { so: "green", wo: "teal", st: "blue", wt: "orange" }],
  pestel_factor: [
    "category",
    { political: "purple", economic: "yellow", social: "pink", technological: "blue", environmental: "green", legal: "grey" },
  ],
  actor: [
    "macro_type",
    { public: "blue", third_sector: "green", non_third_sector: "teal", private: "yellow", civil_society: "pink", target_group: "purple" },
  ],
  budget_line: ["source", { public: "blue", third_sector: "green", private: "yellow" }],
  outcome: ["tier", { impact: "purple", long_term: "teal", intermediate: "blue", early: "green" }],
  assumption: ["status", { to_check: "yellow", confirmed: "green", refuted: "red" }],
  communication_action: ["status", { planned: "blue", done: "green", cancelled: "grey" }],
  // On the pink stories zone: a story that may be published stands out in white.
  story: ["consent", { true: "white", false: "grey" }],
};
const TYPE_TONES = {
  tavolo: "white",
  proposal: "white",
  proposal_activity: "teal",
  pi_grid: "white",
  intervention: "orange",
  output: "yellow",
  indicator: "yellow",
  narrative: "white",
  measurement: "green",
  report_section: "white",
};

// Typed edges: the line's tone and dash by a choice field.
const EDGE_TONES = {
  causal_link: ["kind", { vertical: "red", joint: "red" }],
  means_end_link: ["", {}],
  relation: [
    "type",
    { collaboration: "blue", funding: "green", agreement: "teal", information: "grey", network: "purple", conflict: "red" },
  ],
};
const EDGE_DEFAULT_TONE = { causal_link: "red", means_end_link: "green", relation: "blue", toc_link: "teal" };
const DASHED = { causal_link: { kind: ["joint"] }, relation: { type: ["conflict", "information"] } };

export class CanvasSchema {
  /** raw: the parsed board-schema block (or null for an old page: core types only). */
  constructor(raw) {
    this.raw = raw ?? { board_kind: "free", types: {}, actions: [], templates: [] };
    this.kind = this.raw.board_kind ?? "free";
    this.types = this.raw.types ?? {};
  }

  type(name) {
    return this.types[name] ?? null;
  }

  /** A type a session canvas declares (not sticky, text, shape, connector or frame). */
  isTyped(name) {
    return Boolean(this.types[name]) && !CORE.has(name) && !this.types[name].core;
  }

  isEdgeType(name) {
    if (name === "connector") return true;
    return Boolean(this.types[name]?.edge);
  }

  /** Drawn as a line between two items: a connector or a typed edge. */
  isEdge(item) {
    return Boolean(item) && this.isEdgeType(item.type);
  }

  isZone(name) {
    return ZONE_TYPES.has(name) && this.isTyped(name);
  }

  /** The typed card types a person may add from the palette, in the schema's order. */
  cardTypes() {
    return Object.keys(this.types).filter((n) => this.isTyped(n) && this.types[n].spatial && !ZONE_TYPES.has(n));
  }

  /** The typed edge types, for the connector tool's choice. */
  edgeTypes() {
    return Object.keys(this.types).filter((n) => this.isTyped(n) && this.types[n].edge);
  }

  /** Which edge types may join these two item types (their from/to refs allow them). */
  edgeTypesBetween(fromType, toType) {
    return this.edgeTypes().filter((name) => {
      const f = this.types[name].fields;
      const ok = (spec, type) => !spec?.types?.length || spec.types.includes(type);
      return ok(f.from, fromType) && ok(f.to, toType);
    });
  }

  /** The actions this person is offered (conductor-only ones only to conductors), templates
   * aside: apply_template has its own menu. */
  actions({ mayConduct = false, mayEdit = true } = {}) {
    return (this.raw.actions ?? []).filter(
      (a) => a.name !== "apply_template" && (!a.conductor_only || mayConduct) && (!a.changes_board || mayEdit),
    );
  }

  templates({ mayConduct = false } = {}) {
    const apply = (this.raw.actions ?? []).find((a) => a.name === "apply_template");
    if (!apply || (apply.conductor_only && !mayConduct)) return [];
    return [...(this.raw.templates ?? [])];
  }

  /** The text a typed item shows as its title ("" when it has none). */
  title(item) {
    const spec = this.types[item?.type];
    const name = spec?.title_field;
    const value = name ? item.fields?.[name] : undefined;
    return typeof value === "string" ? value : "";
  }

  /** The fields of a new card of this type: its schema defaults (derived ones left to the server).
   * A required date with no default is today (a new measurement is taken today), so every
   * palette entry makes a card the server accepts. */
  defaults(typeName, now = new Date()) {
    const spec = this.types[typeName];
    const fields = {};
    for (const [name, f] of Object.entries(spec?.fields ?? {})) {
      if (f.derived) continue;
      if (f.required && f.kind === "day" && (f.default === null || f.default === undefined)) {
        fields[name] = localDay(now);
        continue;
      }
      if (f.default === null || f.default === undefined) continue;
      fields[name] = Array.isArray(f.default) ? [...f.default] : f.default;
    }
    return fields;
  }

  /**
   * The inspector's form for a type: one control per field, in declaration order.
   * Each: {name, kind, control, readOnly, required, nullable, options?, min?, max?, step?,
   *   maxLength?, types?, boardKind?, derived}
   */
  form(typeName, { mayEdit = true, mayConduct = false } = {}) {
    const spec = this.types[typeName];
    if (!spec) return [];
    const out = [];
    for (const [name, f] of Object.entries(spec.fields ?? {})) {
      if (GEOMETRY.has(name) || f.kind === "order_key") continue;
      if (spec.edge && (name === "from" || name === "to")) {
        out.push({ name, kind: f.kind, control: "ends", readOnly: true, derived: false });
        continue;
      }
      const control = controlFor(f, name === spec.title_field);
      const readOnly = !mayEdit || Boolean(f.derived) || (Boolean(f.conductor_only) && !mayConduct);
      const field = {
        name,
        kind: f.kind,
        control,
        readOnly,
        derived: Boolean(f.derived),
        required: Boolean(f.required),
        nullable: Boolean(f.nullable),
      };
      if (f.kind === "choice") field.options = [...(f.values ?? [])];
      if (f.kind === "number") {
        field.min = f.min;
        field.max = f.max;
        field.step = numberStep(f);
      }
      if (f.kind === "text") field.maxLength = f.max_chars;
      if (f.types) field.types = [...f.types];
      if (f.board_kind) field.boardKind = f.board_kind;
      out.push(field);
    }
    return out;
  }

  /** The chips under a card's title: [{field, kind, value, derived, key?, text?, euros?}]. Empty
   * and false values are left out; choices carry their label key, numbers their text. */
  chips(item) {
    const spec = this.types[item?.type];
    if (!spec) return [];
    const chips = [];
    for (const name of spec.summary ?? []) {
      const f = spec.fields?.[name];
      const value = item.fields?.[name];
      if (!f || value === null || value === undefined || value === "" || value === false) continue;
      const chip = { field: name, kind: f.kind, value, derived: Boolean(f.derived) };
      if (f.kind === "choice") chip.key = `choice.${item.type}.${name}.${value}`;
      else if (f.kind === "number") {
        chip.text = f.euros ? formatEuros(value) : formatNumber(value, f);
        if (f.euros) chip.euros = true;
      }
      else if (f.kind === "flag") chip.key = `field.${item.type}.${name}`;
      else if (f.kind === "day") chip.text = formatDay(value);
      else chip.text = String(value);
      chips.push(chip);
    }
    return chips;
  }

  /** The palette name a card is tinted with, from its type and role. */
  tone(item) {
    const rule = TONES[item?.type];
    if (rule) {
      const [field, map] = rule;
      return map[item.fields?.[field]] ?? "white";
    }
    const colour = item?.fields?.color;
    if (typeof colour === "string" && colour) return colour;
    return TYPE_TONES[item?.type] ?? "white";
  }

  /** How a typed edge is drawn: {arrow: end|both|none, dashed, tone, width, label}. */
  edgeStyle(item) {
    const f = item.fields ?? {};
    const [field, map] = EDGE_TONES[item.type] ?? ["", {}];
    const tone = (field && map[f[field]]) || EDGE_DEFAULT_TONE[item.type] || "grey";
    const dashedBy = DASHED[item.type] ?? {};
    const dashed = Object.entries(dashedBy).some(([name, values]) => values.includes(f[name]));
    let arrow = "end";
    if (f.direction === "mutual") arrow = "both";
    else if (f.direction === "undirected") arrow = "none";
    const strength = typeof f.strength === "number" ? Math.min(5, Math.max(1, f.strength)) : 2;
    return { arrow, dashed, tone, width: 1 + strength * 0.75, label: typeof f.label === "string" ? f.label : "" };
  }
}

/** The control a field is edited with. */
export function controlFor(f, isTitle = false) {
  switch (f.kind) {
    case "text":
      return (f.max_chars ?? Infinity) <= SHORT_TEXT_CHARS && !isTitle ? "text" : "textarea";
    case "number":
      return "number";
    case "choice":
      return "select";
    case "flag":
      return "checkbox";
    case "day":
      return "date";
    case "colour":
      return "colour";
    case "link":
      return "url";
    case "ref":
    case "ref_list":
    case "project_ref":
    case "project_ref_list":
      return f.kind;
    default:
      return "text";
  }
}

function numberStep(f) {
  if (f.integer) return 1;
  const span = (f.max ?? Infinity) - (f.min ?? -Infinity);
  return span <= 100 ? 0.1 : "any";
}

export function formatNumber(value, f = {}) {
  if (typeof value !== "number" || !Number.isFinite(value)) return "";
  if (f.integer) return String(Math.round(value));
  return String(Math.round(value * 10) / 10);
}

/**
 * Turn what a person typed into a field's value: {ok: true, value} or {ok: false, reason}.
 * reason: "number" (not a number), "ambiguous" (1.234: thousands or decimals?), "range" (outside
 * min..max), "whole" (not whole),
 * "required" (empty but required), "long" (over max_chars).
 */
export function parseValue(field, raw) {
  switch (field.kind) {
    case "number": {
      const text = String(raw ?? "").trim();
      if (text === "") return field.nullable ? { ok: true, value: null } : { ok: false, reason: "required" };
      // Written the Italian way (numbers.js): "120.000,50" is 120000.5, "1.234" is ambiguous.
      const read = parseItalianNumber(text);
      if (!read.ok) return read;
      const value = read.value;
      if (field.step === 1 && !Number.isInteger(value)) return { ok: false, reason: "whole" };
      if ((field.min !== undefined && value < field.min) || (field.max !== undefined && value > field.max)) {
        return { ok: false, reason: "range" };
      }
      return { ok: true, value };
    }
    case "flag":
      return { ok: true, value: Boolean(raw) };
    case "choice":
    case "ref":
    case "project_ref":
    case "day":
      if (raw === "" || raw === null || raw === undefined) {
        return field.nullable ? { ok: true, value: null } : { ok: false, reason: "required" };
      }
      return { ok: true, value: String(raw) };
    case "ref_list":
    case "project_ref_list":
      return { ok: true, value: Array.isArray(raw) ? [...new Set(raw.map(String))] : [] };
    case "text": {
      const value = String(raw ?? "");
      if (field.maxLength !== undefined && value.length > field.maxLength) return { ok: false, reason: "long" };
      return { ok: true, value };
    }
    default:
      return { ok: true, value: raw };
  }
}

/** Read the board-schema and project-boards blocks of the page. */
export function loadSchema(doc = document) {
  const read = (id) => {
    const node = doc.getElementById(id);
    try {
      return node ? JSON.parse(node.textContent) : null;
    } catch {
      return null;
    }
  };
  return { schema: new CanvasSchema(read("board-schema")), projectBoards: read("project-boards") ?? {} };
}

/** YYYY-MM-DD of a moment in the browser's own time zone (not UTC: at 00:30 in Rome it is today). */
export function localDay(moment) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`;
}
