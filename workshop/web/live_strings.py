"""The live session's strings on the board page (issue 14), merged into the board's strings:
a plain sentence for every protocol error code (`error.<code>`, so no code ever reaches a
person), the reason a phase gives for the tools it turns off, the group chooser, the join code
and the meetings a session belongs to."""

from __future__ import annotations

from flask_babel import gettext as _


def live_strings() -> dict[str, str]:
    return {
        # --- every code of workshop/protocol.py ERROR_CODES (tests/unit/test_error_strings.py)
        "error.bad_request": _(
            "Something in the request was not right: reload the page and try again."
        ),
        "error.protocol_mismatch": _("Tavolo has been updated: reload the page to go on working."),
        "error.invalid_op": _("Some information is missing or not valid: nothing was saved."),
        "error.too_large": _("The text is too long: your change was not saved."),
        "error.limit_reached": _("The limit has been reached: nothing more can be added here."),
        "error.not_found": _("This no longer exists: someone may have deleted it."),
        "error.item_exists": _("This item already exists: reload the page."),
        "error.item_deleted": _(
            "Someone deleted this item in the meantime: your change was not saved."
        ),
        "error.unauthorized": _("Your session has ended: log in or join again."),
        "error.forbidden": _("You are not allowed to do this."),
        "error.not_joined": _("You are no longer connected to this board: reload the page."),
        "error.board_locked": _("The board or frame is locked: your change was not saved."),
        "error.rate_limited": _("Too fast: try again in a moment."),
        "error.unavailable": _("The server is not answering right now: try again in a moment."),
        "error.internal": _("Something went wrong on the server: nothing was changed. Try again."),
        "error.phase_forbids": _("Not in this phase of the activity."),
        # --- what each phase lets participants do, said where they look ---------------------------
        "Now we group the notes: you can move and edit them, new ones come in the next phase.": _(
            "Now we group the notes: you can move and edit them, new ones come in the next phase."
        ),
        "Now we vote: the board is read-only, use your votes.": _(
            "Now we vote: the board is read-only, use your votes."
        ),
        "Now we discuss: writing resumes in the next phase.": _(
            "Now we discuss: writing resumes in the next phase."
        ),
        # --- groups, the join code, meetings and closing (static/js/board/live.js) ------------
        "%(count)s here": _("%(count)s here"),
        "from: %(group)s": _("from: %(group)s"),  # a harvested item's group
        # --- decisions and dissent for the verbale (static/js/board/decisions.js) --------------
        "Decision": _("Decision"),
        "Minority position": _("Minority position"),
        "Next step": _("Next step"),
        "Decisions": _("Decisions"),
        "Select a card, then mark it for the verbale.": _(
            "Select a card, then mark it for the verbale."
        ),
        "Mark as decision": _("Mark as decision"),
        "Mark as minority position": _("Mark as minority position"),
        "Remove the mark": _("Remove the mark"),
        "Kind": _("Kind"),
        "In words": _("In words"),
        "Add to the log": _("Add to the log"),
        "Decision log": _("Decision log"),
        "Remove": _("Remove"),
        "Remove: %(text)s": _("Remove: %(text)s"),
        "Select a card first.": _("Select a card first."),
        "Marked as decision.": _("Marked as decision."),
        "Marked as minority position.": _("Marked as minority position."),
        "Mark removed.": _("Mark removed."),
        "Write the decision first.": _("Write the decision first."),
        "Added to the log.": _("Added to the log."),
        "Removed.": _("Removed."),
        "%(room)s: %(count)s people": _("%(room)s: %(count)s people"),
        "Also the cards in “%(frame)s”": _("Also the cards in “%(frame)s”"),
        "Cancel": _("Cancel"),
        "Choose your group": _("Choose your group"),
        "Code to join": _("Code to join"),
        "Each group starts with": _("Each group starts with"),
        "End the live session?": _("End the live session?"),
        "Everyone goes back to the plenary and the session ends.": _(
            "Everyone goes back to the plenary and the session ends."
        ),
        "Keep the locks?": _("Keep the locks?"),
        "Lab meeting": _("Lab meeting"),
        "Lab meeting: %(meeting)s": _("Lab meeting: %(meeting)s"),
        "No lab meeting": _("No lab meeting"),
        "No: lift the locks set during the session": _("No: lift the locks set during the session"),
        "Participants open the link, or go to the join page and type the code.": _(
            "Participants open the link, or go to the join page and type the code."
        ),
        "The plenary's frames and texts": _("The plenary's frames and texts"),
        "Today: %(meeting)s": _("Today: %(meeting)s"),
        "Yes: the board and frames stay locked": _("Yes: the board and frames stay locked"),
        "Lock the selected frame": _("Lock the selected frame"),
        "Unlock the selected frame": _("Unlock the selected frame"),
        # --- the first hint of an empty board (static/js/board/hint.js) -------------------------
        "Write your ideas on the empty board: add a «%(card)s» from the board's tools. "
        "Only you and the conductor see them until they are revealed.": _(
            "Write your ideas on the empty board: add a «%(card)s» from the board's tools. "
            "Only you and the conductor see them until they are revealed."
        ),
        "The board is empty: add the first «%(card)s» from the board's tools "
        "(or press N, then Enter, for a sticky note).": _(
            "The board is empty: add the first «%(card)s» from the board's tools "
            "(or press N, then Enter, for a sticky note)."
        ),
        "Now we write: add a sticky note from the board's tools "
        "(or press N, then Enter) and type your idea.": _(
            "Now we write: add a sticky note from the board's tools "
            "(or press N, then Enter) and type your idea."
        ),
        "The board is empty: add a sticky note from the board's tools "
        "(or press N, then Enter) and type your idea.": _(
            "The board is empty: add a sticky note from the board's tools "
            "(or press N, then Enter) and type your idea."
        ),
    }
