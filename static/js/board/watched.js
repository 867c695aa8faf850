// One of the project's other session boards, followed on the board's own socket (join_board
// with watch: true, no presence): project references name its items, the registry edits them.

import { t } from "./i18n.js";
import { CanvasSchema } from "./schema.js";
import { BoardConnection } from "./socket.js";
import { BoardState } from "./state.js";

/** One of the project's other boards, followed on our socket without presence. */
export class WatchedBoard {
  constructor(app, kind, boardId, rawSchema, onChange) {
    this.kind = kind;
    this.boardId = boardId;
    this.schema = new CanvasSchema(rawSchema);
    this.mayEdit = false;
    this.state = new BoardState({ onChange });
    this.state.isEdgeType = (type) => this.schema.isEdgeType(type);
    this.connection = new BoardConnection({
      boardId,
      state: this.state,
      socket: app.connection.socket,
      watch: true,
      on: {
        joined: (ack) => {
          this.mayEdit = Boolean(ack.can_edit) && !ack.board?.locked;
          onChange(new Set());
        },
        refused: () => app.toasts.show(t("You are not allowed to make this change."), { tone: "error" }),
      },
    });
  }

  commit(ops) {
    if (!this.mayEdit) return null;
    const entry = this.state.change(ops);
    this.connection.flush();
    return entry;
  }
}
