"""Words every canvas shares: the template action and the inspector's generic labels."""

from __future__ import annotations

from flask_babel import gettext as _


def strings() -> dict[str, str]:
    return {
        "action.apply_template": _("Start from a template"),
    }
