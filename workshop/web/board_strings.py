"""Every string the board page shows, translated for the reader.

The board's JavaScript holds no visible text of its own: templates/boards/board.html renders
this dict as JSON (`<script type="application/json" id="board-strings">`) and the client looks
strings up by key. Keys are the English msgids, except a few names looked up by item type,
shape or colour. Placeholders are gettext's `%(name)s`, filled in by the client.
"""

from __future__ import annotations

from flask_babel import get_translations
from flask_babel import gettext as _

from workshop.web.call_strings import call_strings
from workshop.web.canvas_strings import canvas_strings
from workshop.web.input_strings import input_strings
from workshop.web.live_strings import live_strings


def ngettext(singular: str, plural: str, n: int) -> str:
    """One form of a count's words, translated and left unfilled: the client fills it (tn()).
    flask_babel's ngettext would fill %(num)s and refuse the %(count)s and %(text)s here."""
    return get_translations().ngettext(singular, plural, n)


def board_strings() -> dict[str, str]:
    """Key -> translated string, for the board page of the current request's language."""
    strings = _engine_strings()
    strings.update(canvas_strings())
    strings.update(call_strings())
    strings.update(live_strings())
    strings.update(input_strings())
    return strings


def _engine_strings() -> dict[str, str]:
    return {
        # --- item types, shapes and colours (looked up by name) ---------------------------------
        "type.sticky": _("Sticky note"),
        "type.text": _("Text"),
        "type.shape": _("Shape"),
        "type.connector": _("Connector"),
        "type.frame": _("Frame"),
        "shape.rect": _("Rectangle"),
        "shape.ellipse": _("Ellipse"),
        "shape.diamond": _("Diamond"),
        "shape.triangle": _("Triangle"),
        "colour.yellow": _("Yellow"),
        "colour.orange": _("Orange"),
        "colour.red": _("Red"),
        "colour.pink": _("Pink"),
        "colour.purple": _("Purple"),
        "colour.blue": _("Blue"),
        "colour.teal": _("Teal"),
        "colour.green": _("Green"),
        "colour.grey": _("Grey"),
        "colour.white": _("White"),
        # --- accessible names of items --------------------------------------------------------
        "Sticky note by %(author)s: %(text)s": _("Sticky note by %(author)s: %(text)s"),
        "Sticky note: %(text)s": _("Sticky note: %(text)s"),
        "Text: %(text)s": _("Text: %(text)s"),
        "%(shape)s: %(text)s": _("%(shape)s: %(text)s"),
        "Frame: %(title)s": _("Frame: %(title)s"),
        "Locked frame: %(title)s": _("Locked frame: %(title)s"),
        "Connector from %(from)s to %(to)s": _("Connector from %(from)s to %(to)s"),
        "Item: %(type)s": _("Item: %(type)s"),
        "empty": _("empty"),
        "untitled": _("untitled"),
        "Locked": _("Locked"),
        # --- the page around the board --------------------------------------------------------
        "Board": _("Board"),
        "Tools": _("Tools"),
        "Select": _("Select"),
        "Hand: move the board": _("Hand: move the board"),
        "Sticky note": _("Sticky note"),
        "Text": _("Text"),
        "Shape": _("Shape"),
        "Frame": _("Frame"),
        "Connector": _("Connector"),
        "Colour": _("Colour"),
        "Edit text": _("Edit text"),
        "Bring to front": _("Bring to front"),
        "Send to back": _("Send to back"),
        "Delete": _("Delete"),
        "Undo": _("Undo"),
        "Redo": _("Redo"),
        "Zoom out": _("Zoom out"),
        "Zoom in": _("Zoom in"),
        "Fit the board in view": _("Fit the board in view"),
        "Zoom level": _("Zoom level"),
        "Keyboard shortcuts": _("Keyboard shortcuts"),
        "Close": _("Close"),
        "Connection": _("Connection"),
        "People on this board": _("People on this board"),
        "People on this board: %(count)s": _("People on this board: %(count)s"),
        "%(name)s (you)": _("%(name)s (you)"),
        "Loading the board…": _("Loading the board…"),
        # --- connection status ----------------------------------------------------------------
        "Connecting…": _("Connecting…"),
        "Online": _("Online"),
        "Reconnecting…": _("Reconnecting…"),
        "Offline": _("Offline"),
        "Disconnected": _("Disconnected"),
        "Unsent changes: %(count)s": _("Unsent changes: %(count)s"),
        "All changes saved": _("All changes saved"),
        # --- notices and refusals -------------------------------------------------------------
        "You are observing: you can look at the board but not change it.": _(
            "You are observing: you can look at the board but not change it."
        ),
        "The conductor has locked this board: you can look but not change it.": _(
            "The conductor has locked this board: you can look but not change it."
        ),
        "This board is locked for participants. As a conductor you can still change it.": _(
            "This board is locked for participants. As a conductor you can still change it."
        ),
        "The board or frame is locked: your change was not saved.": _(
            "The board or frame is locked: your change was not saved."
        ),
        "You are not allowed to make this change.": _("You are not allowed to make this change."),
        "Someone deleted this item in the meantime: your change was not saved.": _(
            "Someone deleted this item in the meantime: your change was not saved."
        ),
        "This item no longer exists: your change was not saved.": _(
            "This item no longer exists: your change was not saved."
        ),
        "The board is full: remove some items before adding new ones.": _(
            "The board is full: remove some items before adding new ones."
        ),
        "The text is too long: your change was not saved.": _(
            "The text is too long: your change was not saved."
        ),
        # --- the end of a session ---------------------------------------------------------------
        "Your session has ended": _("Your session has ended"),
        "You logged out in another window, or your invitation was withdrawn. Log in or join again to go on.": _(
            "You logged out in another window, or your invitation was withdrawn. Log in or join again to go on."
        ),
        "Log in": _("Log in"),
        "Join with a code": _("Join with a code"),
        "Tavolo has been updated": _("Tavolo has been updated"),
        "Reload the page to go on working.": _("Reload the page to go on working."),
        "Reload": _("Reload"),
        "You no longer have access to this board": _("You no longer have access to this board"),
        "Ask the person who runs the lab if you think this is a mistake.": _(
            "Ask the person who runs the lab if you think this is a mistake."
        ),
        "Back to the start": _("Back to the start"),
        # --- editing and announcements ----------------------------------------------------------
        "Edit the text. Enter saves, Shift+Enter starts a new line, Escape leaves.": _(
            "Edit the text. Enter saves, Shift+Enter starts a new line, Escape leaves."
        ),
        "Connecting: choose the item to connect to and press Enter, or Escape to stop.": _(
            "Connecting: choose the item to connect to and press Enter, or Escape to stop."
        ),
        "Connected.": _("Connected."),
        "Deleted: %(count)s": _("Deleted: %(count)s"),
        "Selected: %(count)s": _("Selected: %(count)s"),
        "Nothing to undo.": _("Nothing to undo."),
        "Nothing to redo.": _("Nothing to redo."),
        "Someone": _("Someone"),
        "an item": _("an item"),
        "%(name)s added %(what)s": _("%(name)s added %(what)s"),
        "%(name)s changed %(what)s": _("%(name)s changed %(what)s"),
        "%(name)s removed %(what)s": _("%(name)s removed %(what)s"),
        "%(name)s brought back %(what)s": _("%(name)s brought back %(what)s"),
        # --- keyboard and screen reader (keynav.js, a11y-tree.js, the announcer) ---------------
        "Go to the board": _("Go to the board"),
        "Board: the arrow keys move between cards, ? lists the keyboard shortcuts": _(
            "Board: the arrow keys move between cards, ? lists the keyboard shortcuts"
        ),
        "The board as a list": _("The board as a list"),
        "Cards in no frame": _("Cards in no frame"),
        "cause of: %(name)s": _("cause of: %(name)s"),
        "caused by: %(name)s": _("caused by: %(name)s"),
        "leads to: %(name)s": _("leads to: %(name)s"),
        "comes from: %(name)s": _("comes from: %(name)s"),
        "related to: %(name)s": _("related to: %(name)s"),
        "linked to: %(name)s": _("linked to: %(name)s"),
        "linked from: %(name)s": _("linked from: %(name)s"),
        "%(link)s to: %(name)s": _("%(link)s to: %(name)s"),
        "%(link)s from: %(name)s": _("%(link)s from: %(name)s"),
        "Selected": _("Selected"),
        "Not selected": _("Not selected"),
        "%(name)s added %(count)s items": _("%(name)s added %(count)s items"),
        "%(name)s changed %(count)s items": _("%(name)s changed %(count)s items"),
        "%(name)s moved %(what)s": _("%(name)s moved %(what)s"),
        "%(name)s moved %(count)s items": _("%(name)s moved %(count)s items"),
        "%(name)s removed %(count)s items": _("%(name)s removed %(count)s items"),
        "Go into the board, and out of it: the board is one stop": _(
            "Go into the board, and out of it: the board is one stop"
        ),
        "Go to the next or previous card, frame by frame (nothing selected)": _(
            "Go to the next or previous card, frame by frame (nothing selected)"
        ),
        "Home, End, Page Down, Page Up": _("Home, End, Page Down, Page Up"),
        "First card, last card, next frame, previous frame": _(
            "First card, last card, next frame, previous frame"
        ),
        "Space": _("Space"),
        "Select the card, or leave it (with Shift: add it to the selection)": _(
            "Select the card, or leave it (with Shift: add it to the selection)"
        ),
        "Leave editing, or the selection (the focus stays on the card)": _(
            "Leave editing, or the selection (the focus stays on the card)"
        ),
        "V, Shift+V": _("V, Shift+V"),
        "In a vote: vote for the card, take the vote back": _(
            "In a vote: vote for the card, take the vote back"
        ),
        "Raise or lower your hand": _("Raise or lower your hand"),
        "Say you are done, or take it back": _("Say you are done, or take it back"),
        # --- the shortcuts dialog (keys that read the same in every language are not here) -----
        "Key": _("Key"),
        "Action": _("Action"),
        "New sticky note in the middle of the view": _("New sticky note in the middle of the view"),
        "New text, shape or frame": _("New text, shape or frame"),
        "Tab, Shift+Tab": _("Tab, Shift+Tab"),
        "Move from item to item": _("Move from item to item"),
        "Enter": _("Enter"),
        "Edit the text of the item": _("Edit the text of the item"),
        "Escape": _("Escape"),
        "Leave editing, or the selection": _("Leave editing, or the selection"),
        "Arrow keys": _("Arrow keys"),
        "Move the selected items (with Shift: bigger steps)": _(
            "Move the selected items (with Shift: bigger steps)"
        ),
        "Alt+arrow keys": _("Alt+arrow keys"),
        "Make the selected item bigger or smaller": _("Make the selected item bigger or smaller"),
        "Delete, Backspace": _("Delete, Backspace"),
        "Delete the selected items": _("Delete the selected items"),
        "Connect the selected item: choose the other item, then Enter": _(
            "Connect the selected item: choose the other item, then Enter"
        ),
        "Bring to front, send to back": _("Bring to front, send to back"),
        "Undo your last change (never other people's)": _(
            "Undo your last change (never other people's)"
        ),
        "Ctrl+Shift+Z, Ctrl+Y": _("Ctrl+Shift+Z, Ctrl+Y"),
        "Redo what you undid": _("Redo what you undid"),
        "Select everything": _("Select everything"),
        "Zoom in, zoom out, fit the board in view": _("Zoom in, zoom out, fit the board in view"),
        "Show the whole board": _("Show the whole board"),
        "Space+drag, mouse wheel": _("Space+drag, mouse wheel"),
        "Move around the board": _("Move around the board"),
        "Ctrl+wheel, pinch": _("Ctrl+wheel, pinch"),
        "Zoom": _("Zoom"),
        "Double click": _("Double click"),
        "New sticky note there, or edit the item": _("New sticky note there, or edit the item"),
        "Show this help": _("Show this help"),
        # --- typed canvases: palette, inspector, actions, findings, stakeholder views ----------
        "%(type)s from %(from)s to %(to)s": _("%(type)s from %(from)s to %(to)s"),
        "%(type)s: %(text)s": _("%(type)s: %(text)s"),
        "(deleted item)": _("(deleted item)"),
        "(none)": _("(none)"),
        "Actions": _("Actions"),
        "Actors: %(count)s": _("Actors: %(count)s"),
        "Add a card": _("Add a card"),
        "Add: %(type)s": _("Add: %(type)s"),
        "Already on the board": _("Already on the board"),
        "As a risk": _("As a risk"),
        "As an assumption": _("As an assumption"),
        "No PESTEL factor or external SWOT item yet.": _(
            "No PESTEL factor or external SWOT item yet."
        ),
        "Picked on the selected outcome or causal link, if one is selected.": _(
            "Picked on the selected outcome or causal link, if one is selected."
        ),
        "Added: %(type)s": _("Added: %(type)s"),
        "Choose an item first.": _("Choose an item first."),
        "Connect with": _("Connect with"),
        "Done: %(name)s": _("Done: %(name)s"),
        "Export the registry (CSV)": _("Export the registry (CSV)"),
        "Findings: %(count)s": _("Findings: %(count)s"),
        "Import": _("Import"),
        "Import actors from a CSV file": _("Import actors from a CSV file"),
        "In scope": _("In scope"),
        "Interest": _("Interest"),
        "Items: %(count)s": _("Items: %(count)s"),
        "Method": _("Method"),
        "Needs rewording": _("Needs rewording"),
        "No actors yet.": _("No actors yet."),
        "No problems found.": _("No problems found."),
        "Nothing to change: %(name)s": _("Nothing to change: %(name)s"),
        "Power": _("Power"),
        "Read only": _("Read only"),
        "Registry of the actors": _("Registry of the actors"),
        "Running: %(name)s": _("Running: %(name)s"),
        "Salience of the actors": _("Salience of the actors"),
        "Saved: %(field)s": _("Saved: %(field)s"),
        "Show": _("Show"),
        "Show the fields of the selected card": _("Show the fields of the selected card"),
        "Templates": _("Templates"),
        "The value is out of range (%(min)s to %(max)s).": _(
            "The value is out of range (%(min)s to %(max)s)."
        ),
        "This field cannot be empty.": _("This field cannot be empty."),
        "This item lives on another board of the project: changes are saved there.": _(
            "This item lives on another board of the project: changes are saved there."
        ),
        "Three circles: power, legitimacy, urgency; the number of actors in each region.": _(
            "Three circles: power, legitimacy, urgency; the number of actors in each region."
        ),
        "Views": _("Views"),
        "Is the dot a thousands separator or the decimal point? Write 1234, or 1,234 with a comma for the decimals.": _(
            "Is the dot a thousands separator or the decimal point? Write 1234, or 1,234 with a comma for the decimals."
        ),
        "Write a number.": _("Write a number."),
        "Write a whole number.": _("Write a whole number."),
        "computed": _("computed"),
        "conductor": _("conductor"),
        # --- rooms and the conductor (static/js/board/rooms.js, conductor.js) -------------------
        "Phase: write": _("Phase: write"),
        "Phase: cluster": _("Phase: cluster"),
        "Phase: vote": _("Phase: vote"),
        "Phase: discuss": _("Phase: discuss"),
        "Only the conductor can do that.": _("Only the conductor can do that."),
        "Not in this phase of the activity.": _("Not in this phase of the activity."),
        "You have used all your votes.": _("You have used all your votes."),
        "Too fast: try again in a moment.": _("Too fast: try again in a moment."),
        "The server did not answer: try again.": _("The server did not answer: try again."),
        "That did not work.": _("That did not work."),
        "The live session has ended.": _("The live session has ended."),
        "The conductor brought everyone to this part of the board.": _(
            "The conductor brought everyone to this part of the board."
        ),
        "What everyone wrote is now visible.": _("What everyone wrote is now visible."),
        "Private writing: what you write now is visible only to you and the conductor.": _(
            "Private writing: what you write now is visible only to you and the conductor."
        ),
        "Anonymous: your name never appears to the other participants, only to whoever manages the project.": _(
            "Anonymous: your name never appears to the other participants, only to whoever manages the project."
        ),
        "The timer has started: %(time)s": _("The timer has started: %(time)s"),
        "Plenary": _("Plenary"),
        "Private writing, anonymous": _("Private writing, anonymous"),
        "Private writing": _("Private writing"),
        "Following the conductor's view": _("Following the conductor's view"),
        "Not following": _("Not following"),
        "Step out": _("Step out"),
        "Follow again": _("Follow again"),
        "Message from the conductor: %(text)s": _("Message from the conductor: %(text)s"),
        "You are back in the plenary.": _("You are back in the plenary."),
        "You are now in %(room)s.": _("You are now in %(room)s."),
        "Time left": _("Time left"),
        "Raise hand": _("Raise hand"),
        "I'm done": _("I'm done"),
        "Vote for the selected note": _("Vote for the selected note"),
        "Take back a vote": _("Take back a vote"),
        "Message from the conductor": _("Message from the conductor"),
        "Vote results": _("Vote results"),
        "Select a note first.": _("Select a note first."),
        "Votes left: %(count)s": _("Votes left: %(count)s"),
        # A count in words, in both forms: `<plural msgid>|one` and `|other`, picked by the
        # client's tn() with the page's language's plural rule ("1 voto", never "1 voti").
        "%(text)s: %(count)s votes|one": ngettext(
            "%(text)s: %(count)s vote", "%(text)s: %(count)s votes", 1
        ),
        "%(text)s: %(count)s votes|other": ngettext(
            "%(text)s: %(count)s vote", "%(text)s: %(count)s votes", 2
        ),
        "Time is up.": _("Time is up."),
        "Hands: %(hands)s · Done: %(done)s": _("Hands: %(hands)s · Done: %(done)s"),
        "Conductor": _("Conductor"),
        "Live session": _("Live session"),
        "Run this board live: groups, timer, messages, private writing and voting.": _(
            "Run this board live: groups, timer, messages, private writing and voting."
        ),
        "Open a live session": _("Open a live session"),
        "Rooms": _("Rooms"),
        "This room": _("This room"),
        "All rooms": _("All rooms"),
        "Controls apply to": _("Controls apply to"),
        "People: %(count)s": _("People: %(count)s"),
        "You are here": _("You are here"),
        "Open board": _("Open board"),
        "Open %(room)s": _("Open %(room)s"),
        "Select notes on this group's board, then bring them to the plenary.": _(
            "Select notes on this group's board, then bring them to the plenary."
        ),
        "Bring selected notes to the plenary": _("Bring selected notes to the plenary"),
        "Board of %(room)s: %(count)s items|one": ngettext(
            "Board of %(room)s: %(count)s item", "Board of %(room)s: %(count)s items", 1
        ),
        "Board of %(room)s: %(count)s items|other": ngettext(
            "Board of %(room)s: %(count)s item", "Board of %(room)s: %(count)s items", 2
        ),
        "Groups": _("Groups"),
        "One name per line": _("One name per line"),
        "Number of groups": _("Number of groups"),
        "Create groups": _("Create groups"),
        "Or group names": _("Or group names"),
        "Create named groups": _("Create named groups"),
        "Assign at random": _("Assign at random"),
        "Stop choosing": _("Stop choosing"),
        "Let participants choose": _("Let participants choose"),
        "Everyone back to plenary": _("Everyone back to plenary"),
        "Room of %(name)s": _("Room of %(name)s"),
        "Timer": _("Timer"),
        "Start": _("Start"),
        "Pause": _("Pause"),
        "Reset": _("Reset"),
        "Minutes": _("Minutes"),
        "Message": _("Message"),
        "Message to the participants": _("Message to the participants"),
        "Send message": _("Send message"),
        "Attention": _("Attention"),
        "Stop follow-me": _("Stop follow-me"),
        "Follow me": _("Follow me"),
        "Unlock the board": _("Unlock the board"),
        "Lock the board": _("Lock the board"),
        "Bring everyone here": _("Bring everyone here"),
        "Lock or unlock the selected frame": _("Lock or unlock the selected frame"),
        "Participants see only what they write themselves, every kind of card. You see everything.": _(
            "Participants see only what they write themselves, every kind of card. You see everything."
        ),
        "Reveal what everyone wrote": _("Reveal what everyone wrote"),
        "Anonymous: authors hidden from participants for good, visible only to whoever manages the project": _(
            "Anonymous: authors hidden from participants for good, visible only to whoever manages the project"
        ),
        "Start private writing": _("Start private writing"),
        "Phase": _("Phase"),
        "No phase": _("No phase"),
        "Votes per person": _("Votes per person"),
        "Set the phase": _("Set the phase"),
        "Signals": _("Signals"),
        "%(room)s: hands %(hands)s (%(who)s), done %(done)s": _(
            "%(room)s: hands %(hands)s (%(who)s), done %(done)s"
        ),
        "End": _("End"),
        "Download attendance (CSV)": _("Download attendance (CSV)"),
        "End the live session": _("End the live session"),
        "The live session is open.": _("The live session is open."),
        "Groups created.": _("Groups created."),
        "Done.": _("Done."),
        "Everyone is back in the plenary.": _("Everyone is back in the plenary."),
        "Select notes first.": _("Select notes first."),
        "Brought to the plenary: %(count)s": _("Brought to the plenary: %(count)s"),
        "The timer has started.": _("The timer has started."),
        "The timer is paused.": _("The timer is paused."),
        "The timer is reset.": _("The timer is reset."),
        "Message sent.": _("Message sent."),
        "Everyone was brought to your view.": _("Everyone was brought to your view."),
        "Select a frame first.": _("Select a frame first."),
        "Private writing has started.": _("Private writing has started."),
        "Moved.": _("Moved."),
    }
