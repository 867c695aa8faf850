// The live session's "where am I" and its lab meeting (issue 14), beside rooms.js and
// conductor.js: the group chooser in the room bar (participants, while the conductor lets
// them choose), the join code big enough to read aloud (conductors), the lab meetings a
// session may belong to, what new groups start with, and the close dialog that asks whether
// the locks stay.
//
// Facts come from the server: the `room_state` payload (people present per room, the join code
// and link and the session's meeting for conductors) and, for what the page knows before any
// session is open, the `live-facts` data block of templates/boards/board.html (the project's
// meetings and join code, conductors only). The field names are the server's (docs/protocol.md);
// a missing fact hides its control rather than showing a guess.

import { t } from "./i18n.js";
import { PressGuard } from "./press_guard.js";

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The page's own facts (conductors): {meetings: [{id, title, date, label, today}], join: {code, link}}. */
export function pageFacts(doc = document) {
  try {
    return JSON.parse(doc.getElementById("live-facts")?.textContent ?? "{}") ?? {};
  } catch {
    return {};
  }
}

/** People on a room's board, the server's count: `present` of the room state (`live.room`) and
 * of each of the session's rooms (`live.session.rooms`), kept current by `present_changed`.
 * Null when the server sent none: a count we do not know is not shown as 0. */
export function presentIn(room) {
  return Number.isInteger(room?.present) ? room.present : null;
}

/** The join code and link {code, link} to read aloud: the server's (`live.join`, conductors
 * only), or before any session is open the page's (`live-facts`, the same fields). */
export function joinOf(live, facts = {}) {
  const join = live?.join ?? facts.join;
  return join?.code ? { code: join.code, link: join.link ?? "" } : null;
}

/** The session's meeting: the server's `session.meeting` {id, title, date}, with the page's
 * label ("12 marzo 2026 · Title") when the page lists it. */
export function meetingOf(live, facts = {}) {
  const meeting = live?.session?.meeting;
  if (!meeting) return null;
  return (facts.meetings ?? []).find((m) => m.id === meeting.id) ?? meeting;
}

/** Is choosing a group open for this person now? */
export function choosingOpen(live, conducts) {
  return Boolean(!conducts && live?.session?.choosing && groupsOf(live).length);
}

export function groupsOf(live) {
  return (live?.session?.rooms ?? []).filter((r) => !r.is_plenary);
}

// --- harvested items remember their group -------------------------------------------------------

/** The group a harvested item came from (the plenary's `room.harvested`, item id -> group name),
 * as a small chip on the item ("da: Gruppo 2"). Returns what the item's accessible name adds:
 * the same words, so the visible label is in the name. */
export function markOrigin(node, group) {
  let chip = node.querySelector(":scope > .item-origin");
  if (!group) {
    chip?.remove();
    return "";
  }
  const text = t("from: %(group)s", { group });
  if (!chip) {
    chip = el("span", "item-origin");
    chip.setAttribute("aria-hidden", "true"); // the item's name says it
    node.append(chip);
  }
  if (chip.textContent !== text) chip.textContent = text;
  return `, ${text}`;
}

// --- the participants' group chooser, in the room bar ---------------------------------------------

export class GroupChooser {
  /** `choose(roomId)` sends choose_room and resolves with the ack. */
  constructor(choose) {
    this.choose = choose;
    this.node = el("div", "live-groups");
    this.node.setAttribute("role", "group");
    this.label = el("span", "live-groups-label", t("Choose your group"));
    this.label.id = "live-groups-label";
    this.node.setAttribute("aria-labelledby", this.label.id);
    this.list = el("span", "live-groups-list");
    this.node.append(this.label, this.list);
    this.node.hidden = true;
    this.pressGuard = new PressGuard(this.node); // people arriving redraw the list mid-press
    this.node.addEventListener("click", async (event) => {
      const target = event.target.closest("[data-choose-room]");
      if (!target || target.disabled || target.getAttribute("aria-pressed") === "true") return;
      target.setAttribute("aria-busy", "true");
      await this.choose(Number(target.dataset.chooseRoom));
      target.removeAttribute("aria-busy");
    });
  }

  render(live, conducts) {
    if (this.pressGuard.hold(() => this.render(live, conducts))) return;
    const open = choosingOpen(live, conducts);
    this.node.hidden = !open;
    if (!open) return;
    const here = live.room?.id;
    const focused = this.node.contains(document.activeElement) ? document.activeElement.dataset.chooseRoom : null;
    this.list.replaceChildren(
      ...groupsOf(live).map((room) => {
        const count = presentIn(room);
        const b = el("button", "board-button live-group-button");
        b.type = "button";
        b.dataset.chooseRoom = String(room.id);
        b.setAttribute("aria-pressed", String(room.id === here));
        b.append(el("span", "live-group-name", room.name));
        // The visible words are the name ("Gruppo 1 2 presenti"): the space keeps them apart
        // for a screen reader; the flex column does not draw it.
        if (count !== null) b.append(" ", el("span", "live-group-count", t("%(count)s here", { count })));
        return b;
      }),
    );
    if (focused) this.list.querySelector(`[data-choose-room="${focused}"]`)?.focus();
  }
}

// --- the conductor's join code, big enough to read aloud ------------------------------------------

export class JoinCodeDialog {
  constructor(root) {
    this.dialog = el("dialog", "live-join-dialog");
    this.dialog.setAttribute("aria-labelledby", "live-join-title");
    const title = el("h2", "live-join-title", t("Code to join"));
    title.id = "live-join-title";
    this.code = el("p", "live-join-code");
    this.link = el("a", "live-join-link");
    this.hint = el("p", "live-join-hint", t("Participants open the link, or go to the join page and type the code."));
    const close = el("form");
    close.method = "dialog";
    const button = el("button", "board-button", t("Close"));
    button.type = "submit";
    close.append(button);
    this.dialog.append(title, this.code, this.link, this.hint, close);
    root.append(this.dialog);
  }

  open(join) {
    this.code.textContent = join.code || "—";
    this.link.textContent = join.link;
    this.link.href = join.link || "#";
    this.link.hidden = !join.link;
    if (!this.dialog.open) this.dialog.showModal();
  }
}

/** The small button of the room bar (or the conductor panel) that opens the join code. */
export function joinButton(join, onOpen) {
  const b = el("button", "board-button live-join-button");
  b.type = "button";
  b.dataset.liveJoin = "";
  b.append(el("span", "live-join-button-label", t("Code to join")), el("strong", "live-join-button-code", join.code));
  b.addEventListener("click", onOpen);
  return b;
}

// --- the conductor: meetings, what groups start with, closing --------------------------------------

/** The meeting select for "Open a live session": today's meetings first, then the rest. */
export function meetingSelect(facts) {
  const meetings = facts.meetings ?? [];
  if (!meetings.length) return null;
  const select = el("select");
  select.dataset.input = "meeting";
  select.append(new Option(t("No lab meeting"), ""));
  for (const m of meetings) select.append(new Option(m.today ? t("Today: %(meeting)s", { meeting: m.label }) : m.label, String(m.id)));
  const today = meetings.find((m) => m.today);
  select.value = today ? String(today.id) : "";
  return select;
}

/** The select of what each new group starts with: the plenary's frames and texts, or also a frame's cards. */
export function seedSelect(frames) {
  const select = el("select");
  select.dataset.input = "group-seed";
  select.append(new Option(t("The plenary's frames and texts"), ""));
  for (const frame of frames) {
    select.append(new Option(t("Also the cards in “%(frame)s”", { frame: frame.fields.title || t("untitled") }), frame.id));
  }
  return select;
}

/** The seed of create_groups from the select's value. */
export function seedOf(value) {
  return { frame_id: value ? value : null };
}

/** The frame lock button, with the selected frame's real state (pressed when locked). */
export function showFrameLock(b, app) {
  const frame = [...app.selection].map((id) => app.state.get(id)).find((it) => it?.type === "frame");
  if (!frame) {
    b.removeAttribute("aria-pressed");
    b.textContent = t("Lock or unlock the selected frame");
    return;
  }
  const locked = Boolean(frame.fields.locked);
  b.setAttribute("aria-pressed", String(locked));
  b.textContent = locked ? t("Unlock the selected frame") : t("Lock the selected frame");
}

/** Ask before closing: do the locks set in the session stay? Resolves {keepLocks} or null (cancelled). */
export function askClose(root) {
  return new Promise((resolve) => {
    const dialog = el("dialog", "live-close-dialog");
    dialog.setAttribute("aria-labelledby", "live-close-title");
    const title = el("h2", null, t("End the live session?"));
    title.id = "live-close-title";
    const text = el("p", null, t("Everyone goes back to the plenary and the session ends."));
    const fieldset = el("fieldset", "live-close-locks");
    fieldset.append(el("legend", null, t("Keep the locks?")));
    const choices = [
      ["lift", t("No: lift the locks set during the session"), true],
      ["keep", t("Yes: the board and frames stay locked")],
    ];
    for (const [value, label, checked] of choices) {
      const input = el("input");
      input.type = "radio";
      input.name = "live-close-locks";
      input.value = value;
      input.checked = Boolean(checked);
      const wrap = el("label", "live-close-choice");
      wrap.append(input, document.createTextNode(` ${label}`));
      fieldset.append(wrap);
    }
    const row = el("p", "live-close-actions");
    const end = el("button", "board-button board-button-danger", t("End the live session"));
    end.type = "button";
    const cancel = el("button", "board-button", t("Cancel"));
    cancel.type = "button";
    row.append(cancel, end);
    dialog.append(title, text, fieldset, row);
    root.append(dialog);
    const finish = (result) => {
      dialog.close();
      dialog.remove();
      resolve(result);
    };
    end.addEventListener("click", () => finish({ keepLocks: dialog.querySelector("input:checked")?.value === "keep" }));
    cancel.addEventListener("click", () => finish(null));
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      finish(null);
    });
    dialog.showModal();
    cancel.focus();
  });
}
