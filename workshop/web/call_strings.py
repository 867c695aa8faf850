"""The call panel's strings (static/js/board/call.js), merged into the board's strings."""

from __future__ import annotations

from flask_babel import gettext as _


def call_strings() -> dict[str, str]:
    return {
        "Call": _("Call"),
        "Camera": _("Camera"),
        "Could not join the call; try again.": _("Could not join the call; try again."),
        "Devices": _("Devices"),
        "Everyone's microphone is off.": _("Everyone's microphone is off."),
        "Give the floor": _("Give the floor"),
        "Hide videos": _("Hide videos"),
        "Join the call": _("Join the call"),
        "Leave the call": _("Leave the call"),
        "Many people are here: you see and hear the conductor, and speak when given the floor.": _(
            "Many people are here: you see and hear the conductor, and speak when given the floor."
        ),
        "Microphone": _("Microphone"),
        "Mute everyone": _("Mute everyone"),
        "Open this room's video call": _("Open this room's video call"),
        "People in the call": _("People in the call"),
        "Show videos": _("Show videos"),
        "Take the floor back": _("Take the floor back"),
        "That device could not be opened.": _("That device could not be opened."),
        "The browser did not allow the camera or the microphone: you can see and hear the others, "
        "they cannot see or hear you. The board works as before.": _(
            "The browser did not allow the camera or the microphone: you can see and hear the others, "
            "they cannot see or hear you. The board works as before."
        ),
        "The browser did not allow the camera: you are in the call with the microphone only. "
        "The board works as before.": _(
            "The browser did not allow the camera: you are in the call with the microphone only. "
            "The board works as before."
        ),
        "The conductor turned everyone's microphone off.": _(
            "The conductor turned everyone's microphone off."
        ),
        "This browser cannot use a camera here: you are in the call without camera or microphone. "
        "The board works as before.": _(
            "This browser cannot use a camera here: you are in the call without camera or microphone. "
            "The board works as before."
        ),
        "Turn camera off": _("Turn camera off"),
        "Turn camera on": _("Turn camera on"),
        "Turn microphone off": _("Turn microphone off"),
        "Turn microphone on": _("Turn microphone on"),
        "You are in another room now.": _("You are in another room now."),
        "You": _("You"),
        "camera off": _("camera off"),
        "microphone off": _("microphone off"),
        "%(name)s is speaking": _("%(name)s is speaking"),
    }
