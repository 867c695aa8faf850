// The "Method" menu of a typed board (actions, templates, views) with run_action, and the
// check's findings panel. Methods of CanvasUI (canvas.js mixes them in); they read its state.

import { t } from "./i18n.js";
import { el, nextId } from "./panel_dom.js";

// Actions whose arguments come from the selection: {arg: type of the one selected item}.
const ACTION_ARGS = { promote_pestel_factor: { factor_id: "pestel_factor" } };
// Actions run from a panel, not from the menu: picking a candidate assumption needs the candidate.
const PANEL_ACTIONS = new Set(["pick_assumption"]);

export class MethodMenu {
  // --- the actions and templates menu ---------------------------------------------------------------

  _buildMenu() {
    if (!this.menu) return;
    const app = this.app;
    const groups = [];
    const actions = this.schema
      .actions({ mayConduct: app.mayConduct, mayEdit: app.canEdit() })
      .filter((a) => !PANEL_ACTIONS.has(a.name));
    if (actions.length) {
      groups.push([
        t("Actions"),
        actions.map((a) => {
          const b = this._menuItem(t(`action.${a.name}`), { canvas: "action", action: a.name });
          if (a.conductor_only) b.append(el("span", "menu-note", t("conductor")));
          return b;
        }),
      ]);
    }
    const templates = this.schema.templates({ mayConduct: app.mayConduct && app.canEdit() });
    if (templates.length) {
      groups.push([t("Templates"), templates.map((name) => this._menuItem(t(`template.${name}`), { canvas: "template", template: name }))]);
    }
    const views = [];
    if (this.registrySource()) {
      views.push(this._menuItem(t("Salience of the actors"), { canvas: "view", view: "salience" }));
      views.push(this._menuItem(t("Registry of the actors"), { canvas: "view", view: "registry" }));
    }
    if (views.length) groups.push([t("Views"), views]);
    this.menu.replaceChildren(
      ...groups.map(([label, items]) => {
        const section = el("div", "menu-group");
        section.setAttribute("role", "group");
        const id = nextId("menu-group");
        const heading = el("div", "menu-heading", label);
        heading.id = id;
        section.setAttribute("aria-labelledby", id);
        section.append(heading, ...items);
        return section;
      }),
    );
    if (this.menuButton) this.menuButton.hidden = groups.length === 0;
    this._updateActionButtons();
  }

  _menuItem(label, data) {
    const b = el("button", "menu-item");
    b.type = "button";
    b.setAttribute("role", "menuitem");
    b.tabIndex = -1; // the menu's arrow keys move between items; Tab leaves the menu
    for (const [k, v] of Object.entries(data)) b.dataset[k] = v;
    b.append(el("span", "", label));
    return b;
  }

  toggleMenu(open = this.menu.hidden) {
    this.menu.hidden = !open;
    this.menuButton.setAttribute("aria-expanded", String(open));
    if (open) this._menuItems()[0]?.focus();
  }

  _menuItems() {
    return [...this.menu.querySelectorAll("[role='menuitem']:not([disabled])")];
  }

  /** A menu's keys (WAI-ARIA menu button): arrows, Home/End, Escape back to the button, Tab leaves. */
  _menuKey(event) {
    const items = this._menuItems();
    const at = items.indexOf(document.activeElement);
    const go = (i) => items[(i + items.length) % items.length]?.focus();
    const moves = { ArrowDown: () => go(at + 1), ArrowUp: () => go(at < 0 ? -1 : at - 1), Home: () => go(0), End: () => go(-1) };
    if (moves[event.key]) {
      event.preventDefault();
      event.stopPropagation();
      moves[event.key]();
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      this.onEscape();
    } else if (event.key === "Tab") {
      // Tab goes on from the button: the hidden item would drop the focus to the page's start.
      this.toggleMenu(false);
      this.menuButton.focus();
    }
  }

  /** Actions needing a selected item of a type are usable only with one. */
  _updateActionButtons() {
    for (const b of this.menu?.querySelectorAll("[data-canvas='action']") ?? []) {
      b.disabled = Boolean(ACTION_ARGS[b.dataset.action]) && !this._actionArgs(b.dataset.action);
    }
  }

  _actionArgs(name) {
    const wanted = ACTION_ARGS[name];
    if (!wanted) return {};
    const [only] = this.app.selection.size === 1 ? this.app.selection : [];
    const item = only && this.app.state.get(only);
    const args = {};
    for (const [arg, type] of Object.entries(wanted)) {
      if (item?.type !== type) return null;
      args[arg] = item.id;
    }
    return args;
  }

  async runAction(name, args) {
    const app = this.app;
    const spec = (this.schema.raw.actions ?? []).find((a) => a.name === name);
    if (!spec) return null;
    args ??= this._actionArgs(name) ?? {};
    const busy = this.root.querySelectorAll(`[data-action="${CSS.escape(name)}"]`);
    for (const b of busy) b.setAttribute("aria-busy", "true");
    const label = name === "apply_template" ? t(`template.${args.name}`) : t(`action.${name}`);
    app.announcer.say(t("Running: %(name)s", { name: label }));
    const ack = await app.connection.runAction(name, args, { undoable: spec.changes_board });
    for (const b of busy) b.removeAttribute("aria-busy");
    if (!ack?.ok) {
      app._refused(null, ack?.error ?? {});
      return ack;
    }
    app._updateActions();
    const findings = ack.result?.findings;
    const candidates = ack.result?.candidates;
    if (Array.isArray(findings)) this.showFindings(name, findings);
    else if (Array.isArray(candidates)) this.showCandidates(candidates);
    else if (name === "pick_assumption") app.toasts.show(t("Done: %(name)s", { name: label }));
    else if (ack.ops?.length) app.toasts.show(t("Done: %(name)s", { name: label }));
    else app.toasts.show(t("Nothing to change: %(name)s", { name: label }));
    if (name === "apply_template" && ack.result?.created?.length) {
      app.renderer.flush();
      app.renderer.fitAll();
    }
    return ack;
  }

  // --- the check's findings ---------------------------------------------------------------------------

  showFindings(action, findings) {
    this.findings = findings;
    this.openFindings("findings", t(`action.${action}`));
    const wrap = el("div", "findings");
    if (!findings.length) {
      wrap.append(el("p", "findings-ok", t("No problems found.")));
    } else {
      const list = el("ul", "findings-list");
      findings.forEach((f, index) => {
        const li = el("li", "finding");
        const b = el("button", "finding-button");
        b.type = "button";
        b.dataset.canvas = "finding";
        b.dataset.index = String(index);
        b.append(el("span", "finding-text", t(f.message_key ?? f.code ?? "")));
        const count = Array.isArray(f.item_ids) ? f.item_ids.length : 0;
        if (count) b.append(el("span", "finding-count", t("Items: %(count)s", { count })));
        li.append(b);
        list.append(li);
      });
      wrap.append(list);
    }
    this.findingsBody.dataset.key = "";
    this.findingsBody.replaceChildren(wrap);
    this.app.announcer.say(
      findings.length ? t("Findings: %(count)s", { count: findings.length }) : t("No problems found."),
    );
    this.findingsBody.querySelector("button")?.focus();
  }

  // --- candidate assumptions and risks from the context (PESTEL, SWOT) --------------------------------

  /** The context's factors, each with a choice: an assumption (a condition believed to hold) or a
   * risk. A card is made only when someone picks it, on the selected outcome or link if any. */
  showCandidates(candidates) {
    this.openFindings("candidates", t("action.list_assumption_candidates"));
    const wrap = el("div", "findings");
    wrap.append(el("p", "panel-hint", t("Picked on the selected outcome or causal link, if one is selected.")));
    if (!candidates.length) wrap.append(el("p", "findings-ok", t("No PESTEL factor or external SWOT item yet.")));
    const list = el("ul", "findings-list");
    for (const c of candidates) {
      const li = el("li", "finding candidate");
      li.append(el("span", "finding-text", c.text));
      li.append(el("span", "finding-count", t(`choice.assumption.kind.${c.suggested_kind}`)));
      if (c.picked) {
        li.append(el("span", "muted", t("Already on the board")));
      } else if (this.app.canEdit()) {
        for (const kind of ["assumption", "risk"]) {
          const b = el("button", "button button-small", t(kind === "risk" ? "As a risk" : "As an assumption"));
          b.type = "button";
          b.dataset.canvas = "pick";
          b.dataset.source = c.source_id;
          b.dataset.kind = kind;
          li.append(b);
        }
      }
      list.append(li);
    }
    wrap.append(list);
    this.findingsBody.dataset.key = "";
    this.findingsBody.replaceChildren(wrap);
    this.app.announcer.say(t("Items: %(count)s", { count: candidates.length }));
    this.findingsBody.querySelector("button")?.focus();
  }

  async _pickCandidate(sourceId, kind) {
    const [only] = this.app.selection.size === 1 ? this.app.selection : [];
    const target = only && this.app.state.get(only);
    const args = { source_id: sourceId, kind };
    if (target && (target.type === "outcome" || target.type === "toc_link")) args.attached_to = target.id;
    const ack = await this.runAction("pick_assumption", args);
    if (ack?.ok) await this.runAction("list_assumption_candidates", {});
  }

  _selectFinding(index) {
    const f = this.findings[index];
    const ids = (f?.item_ids ?? []).filter((id) => this.app.state.has(id));
    if (!ids.length) return;
    this.app.select(ids, { focus: false });
    this.app.renderer.reveal(ids[0]);
    this.app.announcer.say(t("Selected: %(count)s", { count: ids.length }));
  }

  /** Escape closes the menu first. */
  onEscape() {
    if (this.menu && !this.menu.hidden) {
      this.toggleMenu(false);
      this.menuButton.focus();
      return true;
    }
    return false;
  }
}
