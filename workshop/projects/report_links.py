"""Public links to a social report: made by a project's managers, revoked by them, and found
by their token without any login (a page for giving results back to the community)."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.models import Board, BoardKind, ReportLink, utcnow

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
