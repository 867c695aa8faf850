"""Serve the app with the board client's stand-in canvases registered
(tests/support/canvas_types.py): `python -m tests.support.canvas_server --host H --port P`,
like `python -m workshop`."""

from __future__ import annotations

import os

from workshop import __main__ as entry

if __name__ == "__main__":
    # Patch the standard library before the canvases import anything (main() patches again).
    entry._patch_for(
        os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet"), os.environ.get("DATABASE_URL", "")
    )
    from tests.support.canvas_types import ensure_registered

    ensure_registered()
    entry.main()
