"""The board's input strings (static/js/board/shortcuts.js, handles.js, card_menu.js,
input.js): typing hints, the card menu, and the words of a typed link, merged into the board's
strings. A link's words are looked up as `link.<edge type>` (`.joint` for a joint cause) and
read "<start card> ... <target card>"."""

from __future__ import annotations

from flask_babel import gettext as _


def input_strings() -> dict[str, str]:
    return {
        "To write, select a card first (click it, or Tab to it), or press N and then Enter for a new note.": _(
            "To write, select a card first (click it, or Tab to it), or press N and then Enter for a new note."
        ),
        "%(tool)s: press Enter to place it in the middle of the view, or click where you want it.": _(
            "%(tool)s: press Enter to place it in the middle of the view, or click where you want it."
        ),
        "Edit the text": _("Edit the text"),
        "Link to another card": _("Link to another card"),
        "Show the fields": _("Show the fields"),
        "Menu of %(name)s": _("Menu of %(name)s"),
        # the help ("?")
        "N, then Enter": _("N, then Enter"),
        "New sticky note in the middle of the view (N chooses the tool, Enter places it; or click)": _(
            "New sticky note in the middle of the view (N chooses the tool, Enter places it; or click)"
        ),
        "T, R, F, then Enter": _("T, R, F, then Enter"),
        "New text, shape or frame (the letter chooses the tool)": _(
            "New text, shape or frame (the letter chooses the tool)"
        ),
        "V, H": _("V, H"),
        "Select tool, hand tool": _("Select tool, hand tool"),
        "Any letter on the selected card": _("Any letter on the selected card"),
        "Start writing in it (letters are shortcuts only when no card is selected)": _(
            "Start writing in it (letters are shortcuts only when no card is selected)"
        ),
        "Connector tool: choose the first card, then the second": _(
            "Connector tool: choose the first card, then the second"
        ),
        "Shift+F10, right click, long press": _("Shift+F10, right click, long press"),
        "The card's menu: edit, link, fields, vote, delete": _(
            "The card's menu: edit, link, fields, vote, delete"
        ),
        "Drag from a dot on a card's side": _("Drag from a dot on a card's side"),
        "Link that card to the card you drop on": _("Link that card to the card you drop on"),
        "Two fingers": _("Two fingers"),
        "Move and zoom the board (pinch)": _("Move and zoom the board (pinch)"),
        # the words of a typed link
        "link.causal_link": _("%(from)s causes %(to)s"),
        "link.causal_link.joint": _("%(from)s and %(to)s are joint causes"),
        "link.means_end_link": _("%(from)s is a means to %(to)s"),
        "link.toc_link": _("%(from)s leads to %(to)s"),
    }
