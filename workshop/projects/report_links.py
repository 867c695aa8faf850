"""Public links to a social report: made by a project's managers, revoked by them, and found
by their token without any login (a page for giving results back to the community)."""

from __future__ import annotations

import secrets
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.models import Board, BoardKind, ReportLink, ReportState, utcnow

REPORT_LANGUAGES = ("it", "en")


class ReportLinkError(ValueError):
    pass


def create_link(session: Session, board: Board, created_by_id: int | None, lang: str) -> ReportLink:
    if board.kind != BoardKind.SOCIAL_REPORTING:
        raise ReportLinkError("only a social reporting board has a report to share")
    if lang not in REPORT_LANGUAGES:
        raise ReportLinkError("unknown language")
    link = ReportLink(
        board_id=board.id, token=secrets.token_urlsafe(32), lang=lang, created_by_id=created_by_id
    )
    session.add(link)
    session.flush()
    return link


def revoke_link(session: Session, link: ReportLink) -> None:
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        session.flush()


def links_of(session: Session, board_id: int) -> list[ReportLink]:
    return list(
        session.scalars(
            sa.select(ReportLink)
            .where(ReportLink.board_id == board_id)
            .order_by(ReportLink.id.desc())
        )
    )


def live_link(session: Session, token: str) -> ReportLink | None:
    """The live link with this token, or None (unknown, revoked, or not a token at all)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 64:
        return None
    link = session.scalar(sa.select(ReportLink).where(ReportLink.token == token))
    if link is None or link.revoked_at is not None:
        return None
    # Compared in constant time as well: the lookup is by index, this is for good measure.
    return link if secrets.compare_digest(link.token, token) else None


# --- the report's state: its period and its approval ------------------------------------------


def state_of(session: Session, board_id: int) -> ReportState | None:
    return session.get(ReportState, board_id)


def _state(session: Session, board: Board) -> ReportState:
    if board.kind != BoardKind.SOCIAL_REPORTING:
        raise ReportLinkError("only a social reporting board has a report")
    state = session.get(ReportState, board.id)
    if state is None:
        state = ReportState(board_id=board.id, approved_by_name="")
        session.add(state)
    return state


def set_period(session: Session, board: Board, start: date, end: date) -> ReportState:
    """The period the report covers. A new period makes an approved report a draft again: what
    was approved was another period."""
    if end < start:
        raise ReportLinkError("period_reversed")
    state = _state(session, board)
    if (state.period_from, state.period_to) != (start, end):
        state.period_from, state.period_to = start, end
        state.approved_at, state.approved_by_id, state.approved_by_name = None, None, ""
    session.flush()
    return state


def approve(session: Session, board: Board, user_id: int, user_name: str) -> ReportState:
    """Approve the report as it stands: it stops being a BOZZA. A report needs its period first."""
    state = _state(session, board)
    if state.period_from is None or state.period_to is None:
        raise ReportLinkError("period_missing")
    state.approved_at, state.approved_by_id, state.approved_by_name = utcnow(), user_id, user_name
    state.approved_seq = board.seq
    session.flush()
    return state


def is_approved(state: ReportState | None, board: Board) -> bool:
    """Approved, and the board unchanged since."""
    return bool(state and state.approved_at is not None and state.approved_seq == board.seq)


def reopen(session: Session, board: Board) -> ReportState:
    """Back to draft, to change it."""
    state = _state(session, board)
    state.approved_at, state.approved_by_id, state.approved_by_name = None, None, ""
    session.flush()
    return state
