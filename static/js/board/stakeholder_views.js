// The stakeholder views: the salience Venn with its lists and the sortable actor registry.
// Methods of CanvasUI (canvas.js mixes them in); they read its state.

import { t } from "./i18n.js";
import { formatNumber } from "./schema.js";
import { el, svg } from "./panel_dom.js";
import { SALIENCE_ATTRIBUTES, VENN, vennAnchor } from "./stakeholders.js";

const SALIENCE_ORDER = ["definitive", "dominant", "dangerous", "dependent", "dormant", "discretionary", "demanding", "none"];

export class StakeholderViews {
  // --- stakeholder views: salience and the registry ---------------------------------------------------

  _actors(src) {
    return [...src.state.items()].filter((it) => it.type === "actor");
  }

  showView(view) {
    const src = this.registrySource();
    if (!src) return;
    this.openPanel(view, view === "salience" ? t("Salience of the actors") : t("Registry of the actors"));
    this.panelBody.dataset.key = "";
    if (view === "salience") this._renderSalience();
    else this._renderRegistry();
    this.panel.querySelector(".panel-close")?.focus();
  }

  _renderSalience() {
    const src = this.registrySource();
    if (!src) return;
    const actors = this._actors(src);
    const byClass = new Map(SALIENCE_ORDER.map((c) => [c, []]));
    for (const a of actors) byClass.get(byClass.has(a.fields.salience_class) ? a.fields.salience_class : "none").push(a);
    const key = JSON.stringify([...byClass].map(([c, list]) => [c, list.map((a) => [a.id, a.fields.name])]));
    if (this.panelBody.dataset.key === key) return;
    this.panelBody.dataset.key = key;

    const figure = el("figure", "salience");
    const art = svg("svg", { viewBox: `0 0 ${VENN.width} ${VENN.height}`, class: "venn", role: "img" });
    art.setAttribute("aria-label", t("Three circles: power, legitimacy, urgency; the number of actors in each region."));
    for (const attr of SALIENCE_ATTRIBUTES) {
      const [cx, cy] = VENN.circles[attr];
      art.append(svg("circle", { cx, cy, r: VENN.r, class: `venn-circle venn-${attr}` }));
    }
    const labelAt = { power: [4, 16, "start"], legitimacy: [296, 16, "end"], urgency: [150, 272, "middle"] };
    for (const attr of SALIENCE_ATTRIBUTES) {
      const [x, y, anchor] = labelAt[attr];
      const text = svg("text", { x, y, class: "venn-label", "text-anchor": anchor });
      text.textContent = t(`field.actor.salience_${attr}`);
      art.append(text);
    }
    for (const cls of SALIENCE_ORDER) {
      const anchor = vennAnchor(cls);
      const n = byClass.get(cls).length;
      if (!anchor || !n) continue;
      const badge = svg("text", { x: anchor[0], y: anchor[1] + 5, class: "venn-count", "text-anchor": "middle" });
      badge.textContent = String(n);
      art.append(badge);
    }
    figure.append(art);
    const lists = el("div", "salience-lists");
    for (const cls of SALIENCE_ORDER) {
      const list = byClass.get(cls);
      if (!list.length) continue;
      const section = el("section", `salience-class class-${cls}`);
      const h = el("h3", "salience-heading", `${t(`choice.actor.salience_class.${cls}`)} (${list.length})`);
      const ul = el("ul", "salience-actors");
      for (const a of list.sort((x, y) => String(x.fields.name).localeCompare(String(y.fields.name)))) {
        const li = el("li");
        const b = el("button", "link-button", a.fields.name || t("untitled"));
        b.type = "button";
        b.dataset.canvas = "actor";
        b.dataset.id = a.id;
        b.dataset.source = src.key;
        li.append(b);
        ul.append(li);
      }
      section.append(h, ul);
      lists.append(section);
    }
    if (!actors.length) lists.append(el("p", "inspector-note", t("No actors yet.")));
    this.panelBody.replaceChildren(figure, lists);
  }

  _renderRegistry() {
    const src = this.registrySource();
    if (!src) return;
    const actors = this._actors(src);
    const { key: sortKey, dir } = this.sort;
    const value = (a, k) => {
      const v = a.fields[k];
      if (typeof v === "number") return v;
      if (k === "macro_type" || k === "engagement" || k === "quadrant" || k === "salience_class") return t(`choice.actor.${k}.${v}`);
      return String(v ?? "").toLocaleLowerCase();
    };
    actors.sort((a, b) => {
      const x = value(a, sortKey);
      const y = value(b, sortKey);
      return (x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : 1) * dir;
    });
    const canEdit = src.canEdit();
    const stamp = JSON.stringify([sortKey, dir, canEdit, actors.map((a) => [a.id, a.fields.name, a.fields.macro_type, a.fields.engagement, a.fields.power, a.fields.interest, a.fields.quadrant, a.fields.salience_class])]);
    if (this.panelBody.dataset.key === stamp) return;
    const active = document.activeElement;
    if (active && this.panelBody.contains(active) && active.matches("input, select")) {
      // Someone is typing in the table: redraw after they leave the field.
      active.addEventListener("blur", () => this._schedulePanel(), { once: true });
      return;
    }
    this.panelBody.dataset.key = stamp;
    const columns = [
      ["name", t(`field.actor.name`), "text"],
      ["macro_type", t(`field.actor.macro_type`), "select"],
      ["engagement", t(`field.actor.engagement`), "select"],
      ["power", t(`field.actor.power`), "number"],
      ["interest", t(`field.actor.interest`), "number"],
      ["quadrant", t(`field.actor.quadrant`), "derived"],
      ["salience_class", t(`field.actor.salience_class`), "derived"],
    ];
    const wrap = el("div", "registry");
    const links = this.root.querySelector("#canvas-registry-links");
    if (links && this.app.mayConduct) {
      const copy = links.cloneNode(true);
      copy.hidden = false;
      copy.removeAttribute("id");
      wrap.append(copy);
    }
    const scroller = el("div", "registry-scroll");
    scroller.tabIndex = 0;
    scroller.setAttribute("role", "region");
    scroller.setAttribute("aria-label", t("Registry of the actors"));
    const table = el("table", "registry-table");
    const caption = el("caption", "visually-hidden", t("Actors: %(count)s", { count: actors.length }));
    const thead = el("thead");
    const headRow = el("tr");
    for (const [k, label] of columns) {
      const th = el("th");
      th.scope = "col";
      th.setAttribute("aria-sort", k === sortKey ? (dir > 0 ? "ascending" : "descending") : "none");
      const b = el("button", "sort-button", label);
      b.type = "button";
      b.dataset.canvas = "sort";
      b.dataset.key = k;
      th.append(b);
      headRow.append(th);
    }
    thead.append(headRow);
    const tbody = el("tbody");
    const spec = src.schema.type("actor");
    for (const a of actors) {
      const tr = el("tr");
      tr.dataset.id = a.id;
      for (const [k, label, kind] of columns) {
        const cell = k === "name" ? el("th") : el("td");
        if (k === "name") cell.scope = "row";
        const v = a.fields[k];
        if (kind === "text" && canEdit) {
          const input = el("input", "registry-input");
          input.value = v ?? "";
          input.maxLength = spec.fields.name?.max_chars ?? 200;
          input.setAttribute("aria-label", `${label}: ${v ?? ""}`);
          input.dataset.canvas = "registry-edit";
          input.dataset.id = a.id;
          input.dataset.field = k;
          cell.append(input);
        } else if (kind === "select" && canEdit && spec.fields[k]) {
          const select = el("select", "registry-input");
          for (const opt of spec.fields[k].values) {
            const o = el("option", "", t(`choice.actor.${k}.${opt}`));
            o.value = opt;
            o.selected = opt === v;
            select.append(o);
          }
          select.setAttribute("aria-label", `${label}: ${a.fields.name ?? ""}`);
          select.dataset.canvas = "registry-edit";
          select.dataset.id = a.id;
          select.dataset.field = k;
          cell.append(select);
        } else if (kind === "number") {
          cell.textContent = formatNumber(v);
          cell.className = "num";
        } else if (kind === "select" || kind === "derived") {
          cell.textContent = v ? t(`choice.actor.${k}.${v}`) : "";
          if (kind === "derived") cell.className = "is-derived";
        } else {
          cell.textContent = v ?? "";
        }
        tr.append(cell);
      }
      tbody.append(tr);
    }
    table.append(caption, thead, tbody);
    scroller.append(table);
    wrap.append(scroller);
    if (!actors.length) wrap.append(el("p", "inspector-note", t("No actors yet.")));
    this.panelBody.replaceChildren(wrap);
    wrap.addEventListener("change", (e) => {
      const c = e.target.closest("[data-canvas='registry-edit']");
      if (!c) return;
      const cur = src.state.get(c.dataset.id);
      const value = c.dataset.field === "name" ? c.value.slice(0, 200) : c.value;
      if (!cur || cur.fields[c.dataset.field] === value) return;
      this._source(src.key).commit([{ op: "update", id: c.dataset.id, fields: { [c.dataset.field]: value } }]);
      this.app.announcer.say(t("Saved: %(field)s", { field: t(`field.actor.${c.dataset.field}`) }));
    });
  }
}
