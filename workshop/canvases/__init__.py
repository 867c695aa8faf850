"""The session canvases: what each lab session's board means.

Each module declares its item types (`workshop.boards.schema.register_item_type`), the rules
that keep its method consistent, its actions and its template (`workshop.boards.canvas`).
Importing this package registers them all; `create_app` does it before serving a board, and a
test that uses the engine without the app imports it too. Nothing here imports Flask.
"""

from __future__ import annotations

# They register on import.
from workshop.canvases import (
    common,  # noqa: F401
    context,  # noqa: F401  (session 1: context and problem analysis)
    context_templates,  # noqa: F401  (session 1's templates)
    report_draft,  # noqa: F401  (session 4: the report drafted from the boards)
    social_reporting,  # noqa: F401  (session 4)
    stakeholders,  # noqa: F401  (session 2: stakeholder mapping)
    theory_of_change,  # noqa: F401  (session 3)
)
