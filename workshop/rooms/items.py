"""Items of a room's board as the rooms service reads them, and the ids of its own changes."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy.orm import Session

from workshop import protocol as P
from workshop.boards.errors import BadRequest, NotFound
from workshop.models import BoardItem

SERVER_CLIENT_ID = "rooms"  # client_id of the server's own changes (templates, harvests, locks)


def live_item(session: Session, board_id: int, item_id: Any) -> BoardItem:
    """A live item of the board. Raises BadRequest for a malformed id, NotFound otherwise."""
    if not isinstance(item_id, str) or not 0 < len(item_id) <= P.MAX_ITEM_ID_CHARS:
        raise BadRequest("item_id must be an item id", field="item_id")
    item = session.get(BoardItem, (board_id, item_id))
    if item is None or item.deleted_seq is not None:
        raise NotFound("no such item", field="item_id")
    return item


def new_id() -> str:
    return secrets.token_urlsafe(12)
