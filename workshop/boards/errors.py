"""Typed refusals of the engine, each with a stable wire code from workshop.protocol."""

from __future__ import annotations

from workshop import protocol as P


class BoardError(Exception):
    """A change or request the engine refuses; nothing was applied."""

    code = P.INTERNAL

    def __init__(
        self, message: str = "", *, field: str | None = None, code: str | None = None
    ) -> None:
        super().__init__(message or self.code)
        self.message = message or self.code
        self.field = field
        if code is not None:
            self.code = code

    def to_wire(self) -> dict:
        error = {"code": self.code, "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        return error


class BadRequest(BoardError):
    code = P.BAD_REQUEST


class InvalidOp(BoardError):
    code = P.INVALID_OP


class TooLarge(BoardError):
    code = P.TOO_LARGE


class LimitReached(BoardError):
    code = P.LIMIT_REACHED


class NotFound(BoardError):
    code = P.NOT_FOUND


class ItemExists(BoardError):
    code = P.ITEM_EXISTS


class ItemDeleted(BoardError):
    code = P.ITEM_DELETED


class Forbidden(BoardError):
    code = P.FORBIDDEN


class BoardLocked(BoardError):
    code = P.BOARD_LOCKED


class Unavailable(BoardError):
    code = P.UNAVAILABLE
