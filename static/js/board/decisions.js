// Decisions and dissent for the verbale (docs/verbale.md): the short "Decisions" section of the
// conductor's panel: mark the selected card, take the mark off, and the decision log (a
// decision, a minority position or a next step, in words, with no card). The chip a marked
// card shows to everyone is drawn by marks.js.
// The server checks every request again: participants get `forbidden`.

import { t } from "./i18n.js";
import * as P from "./protocol.js";
import { button, el, field, section as panelSection } from "./conductor_dom.js";
import { MARK_WORDS } from "./marks.js";

const LOG_WORDS = {
  ...MARK_WORDS,
  next_step: () => t("Next step"),
};

/** The "Decisions" section of the conductor's panel. */
export class DecisionLog {
  constructor(panel) {
    this.panel = panel; // the ConductorPanel
    this.entries = [];
    this.sessionId = null;
    panel.panel.addEventListener("click", (event) => {
      const target = event.target.closest("[data-decide]");
      if (target) this._act(target.dataset.decide, target);
    });
  }

  /** Ask for the session's entries (when the panel opens or the session changes). */
  async refresh() {
    const session = this.panel.session;
    if (!session) return;
    const ack = await this.panel.rooms.emit(P.DECISION_LOG, { session_id: session.id });
    if (ack.ok) this._show(ack.entries, session.id);
  }

  _show(entries, sessionId) {
    this.entries = entries;
    this.sessionId = sessionId;
    const list = this.panel.panel.querySelector(".decision-log");
    if (list) list.replaceWith(this._list());
  }

  section() {
    const node = panelSection(t("Decisions"), "conductor-decisions");
    node.append(el("p", "conductor-hint", t("Select a card, then mark it for the verbale.")));
    const row = el("div", "conductor-row");
    row.append(
      button(t("Mark as decision"), "mark-decision", {}, "decide"),
      button(t("Mark as minority position"), "mark-minority", {}, "decide"),
      button(t("Remove the mark"), "unmark", {}, "decide"),
    );
    const kind = el("select");
    kind.dataset.input = "decision-kind";
    for (const [value, words] of Object.entries(LOG_WORDS)) kind.append(new Option(words(), value));
    const text = el("textarea");
    text.rows = 2;
    text.maxLength = P.MAX_DECISION_TEXT_CHARS;
    text.dataset.input = "decision-text";
    node.append(row, field(t("Kind"), kind), field(t("In words"), text), button(t("Add to the log"), "log", {}, "decide"));
    if (this.sessionId !== this.panel.session?.id) queueMicrotask(() => this.refresh());
    node.append(this._list());
    return node;
  }

  _list() {
    const list = el("ul", "decision-log");
    list.setAttribute("aria-label", t("Decision log"));
    for (const entry of this.entries) {
      const item = el("li", `decision-entry decision-${entry.kind}`);
      const words = (LOG_WORDS[entry.kind] ?? (() => entry.kind))();
      item.append(el("strong", null, `${words}: `), document.createTextNode(entry.text || t("untitled")), " ");
      item.append(button(t("Remove"), "remove", { markId: String(entry.id) }, "decide"));
      item.lastChild.setAttribute("aria-label", t("Remove: %(text)s", { text: (entry.text || "").slice(0, 60) }));
      list.append(item);
    }
    return list;
  }

  async _send(event, payload, done) {
    const ack = await this.panel.rooms.emit(event, payload);
    if (!ack.ok) {
      this.panel.rooms.refused(ack);
      return;
    }
    this._show(ack.entries, this.panel.session?.id ?? null);
    if (done) this.panel.app.announcer.say(done);
  }

  async _act(action, target) {
    const app = this.panel.app;
    const sid = this.panel.session?.id;
    if (action.startsWith("mark-") || action === "unmark") {
      const card = [...app.selection].map((id) => app.state.get(id)).find((it) => it && it.type !== "frame");
      if (!card) {
        app.announcer.say(t("Select a card first."));
        return;
      }
      const kind = action === "unmark" ? null : action.slice("mark-".length);
      const done = kind ? (kind === "decision" ? t("Marked as decision.") : t("Marked as minority position.")) : t("Mark removed.");
      await this._send(P.MARK_CARD, { board_id: app.boardId, item_id: card.id, kind }, done);
      return;
    }
    if (action === "log") {
      const text = this.panel.panel.querySelector('[data-input="decision-text"]');
      const kind = this.panel.panel.querySelector('[data-input="decision-kind"]').value;
      if (!text.value.trim()) {
        app.announcer.say(t("Write the decision first."));
        text.focus();
        return;
      }
      await this._send(P.LOG_DECISION, { session_id: sid, kind, text: text.value }, t("Added to the log."));
      text.value = "";
      return;
    }
    if (action === "remove") {
      await this._send(P.REMOVE_MARK, { session_id: sid, mark_id: Number(target.dataset.markId) }, t("Removed."));
    }
  }
}
