"""Projects for organizers and conductors: the list, the record, boards, invites, conductors."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from workshop import ledger
from workshop.access import policy, service
from workshop.extensions import db
from workshop.models import Invite, InviteRole, Participant, User, UserRole, utcnow
from workshop.models.board import MAX_BOARD_TITLE_CHARS
from workshop.projects import service as projects
from workshop.projects.service import RECORD_FIELDS
from workshop.realtime.rights import RightsChange
from workshop.web.forms import (
    INSTRUMENT_LABELS,
    BoardImportForm,
    ConductorForm,
    EmptyForm,
    FreeBoardForm,
    InviteForm,
    ProjectForm,
)
from workshop.web.i18n import THIRD_SECTOR_TYPE_LABELS, board_label
from workshop.web.pages import live_lists
from workshop.web.security import get_project_or_abort, require_user

bp = Blueprint("projects", __name__, url_prefix="/projects")


def _project_form(**kwargs) -> ProjectForm:
    form = ProjectForm(**kwargs)
    form.third_sector_types.choices = [
        (code, str(label)) for code, label in THIRD_SECTOR_TYPE_LABELS.items()
    ]
    return form


def _record_from(form: ProjectForm) -> dict:
    # The form has no euro totals: the record's come from the co-funding ledger (workshop.ledger).
    return {name: getattr(form, name).data for name in RECORD_FIELDS if hasattr(form, name)}


@bp.get("/")
def list_projects():
    who = require_user()
    items = projects.visible_projects(db.session, who.user_id, who.is_organizer)
    return render_template(
        "projects/list.html", projects=items, can_create=policy.can_create_project(who)
    )


@bp.route("/new", methods=["GET", "POST"])
def create():
    who = require_user()
    if not policy.can_create_project(who):
        abort(403)
    form = _project_form()
    if form.validate_on_submit():
        creator = db.session.get(User, who.user_id)
        project = projects.create_project(db.session, _record_from(form), creator)
        db.session.commit()
        flash(_("Project created, with its four lab-session boards."), "info")
        return redirect(url_for("projects.show", project_id=project.id))
    return render_template("projects/form.html", form=form, project=None)


@bp.get("/<int:project_id>")
def show(project_id: int):
    project = get_project_or_abort(project_id)
    who = require_user()
    invites = list(
        db.session.scalars(
            sa.select(Invite)
            .where(Invite.project_id == project.id)
            .order_by(Invite.created_at.desc())
        )
    )
    participants = list(
        db.session.scalars(
            sa.select(Participant)
            .join(Invite)
            .where(Invite.project_id == project.id, Participant.removed_at.is_(None))
            .order_by(Participant.created_at)
        )
    )
    invite_form = InviteForm()
    invite_form.board_id.choices = [(0, _("All the project's boards"))] + [
        (b.id, board_label(b)) for b in project.boards
    ]
    conductor_form = ConductorForm()
    conductor_form.user_id.choices = [
        (u.id, f"{u.name} <{u.email}>")
        for u in db.session.scalars(
            sa.select(User).where(User.role == UserRole.CONDUCTOR, User.active).order_by(User.name)
        )
        if u.id not in {c.user_id for c in project.conductors}
    ]
    return render_template(
        "projects/show.html",
        project=project,
        invites=invites,
        participants=participants,
        invite_form=invite_form,
        board_form=FreeBoardForm(),
        import_form=BoardImportForm(),
        conductor_form=conductor_form,
        action_form=EmptyForm(),
        can_assign=who.is_organizer,
        format_join_code=service.format_join_code,
        now=utcnow(),
        ledger_summary=ledger.summary(db.session, project),
        **live_lists(project.id, project.boards),
        table_members=_table_members(project.id),
        table_record=_table_record(project.id),
        INSTRUMENT_LABELS=INSTRUMENT_LABELS,
    )


def _table_record(project_id: int) -> dict:
    """The table's meetings (from the labs) and the organisations present at them."""
    from workshop.projects.record import record_for_report

    return record_for_report(db.session.connection(), project_id)


def _table_members(project_id: int) -> list[str]:
    """The table's composition from the registry: the proposal's partners and engaged actors."""
    from workshop.boards import service as board_service
    from workshop.canvases.report_record import table_members

    items = board_service.project_board_items(db.session, project_id, "stakeholders")
    partners = [
        p for it in items.values() if it.type == "proposal" for p in it.fields.get("partners") or []
    ]
    actors = {k: v for k, v in items.items() if v.type == "actor"}
    return table_members(actors, partners, "it")


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
def edit(project_id: int):
    project = get_project_or_abort(project_id)
    form = _project_form(obj=project)
    if form.validate_on_submit():
        projects.apply_record(project, _record_from(form))
        db.session.commit()
        flash(_("Record saved."), "info")
        return redirect(url_for("projects.show", project_id=project.id))
    return render_template(
        "projects/form.html",
        form=form,
        project=project,
        ledger_summary=ledger.summary(db.session, project),
    )


@bp.post("/<int:project_id>/boards")
def add_board(project_id: int):
    project = get_project_or_abort(project_id)
    form = FreeBoardForm()
    if not form.validate_on_submit():
        flash(
            _("Give the board a title of at most %(max)d characters.", max=MAX_BOARD_TITLE_CHARS),
            "error",
        )
        return redirect(url_for("projects.show", project_id=project.id))
    board = projects.add_free_board(db.session, project, form.title.data)
    db.session.commit()
    return redirect(url_for("boards.show", board_id=board.id))


@bp.post("/<int:project_id>/invites")
def create_invite(project_id: int):
    project = get_project_or_abort(project_id)
    who = require_user()
    form = InviteForm()
    form.board_id.choices = [(0, "")] + [(b.id, "") for b in project.boards]
    if not form.validate_on_submit():
        abort(400)
    service.create_invite(
        db.session,
        project.id,
        who.user_id,
        board_id=form.board_id.data or None,
        role=InviteRole(form.role.data),
        label=form.label.data or "",
    )
    db.session.commit()
    flash(_("Invitation created: share its code or its link."), "info")
    return redirect(url_for("projects.show", project_id=project.id, _anchor="invites"))


@bp.post("/<int:project_id>/invites/<int:invite_id>/revoke")
def revoke_invite(project_id: int, invite_id: int):
    project = get_project_or_abort(project_id)
    invite = db.session.get(Invite, invite_id)
    if invite is None or invite.project_id != project.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    service.revoke_invite(db.session, invite, utcnow())
    db.session.commit()
    _disconnect_revoked(RightsChange.invite(invite.id))
    flash(_("Invitation revoked: whoever joined with it is out."), "info")
    return redirect(url_for("projects.show", project_id=project.id, _anchor="invites"))


@bp.post("/<int:project_id>/participants/<int:participant_id>/remove")
def remove_participant(project_id: int, participant_id: int):
    project = get_project_or_abort(project_id)
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.invite.project_id != project.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    service.remove_participant(db.session, participant, utcnow())
    db.session.commit()
    _disconnect_revoked(RightsChange.participant(participant.id))
    flash(_("%(name)s was removed from the project.", name=participant.display_name), "info")
    return redirect(url_for("projects.show", project_id=project.id, _anchor="participants"))


@bp.post("/<int:project_id>/conductors")
def assign_conductor(project_id: int):
    project = get_project_or_abort(project_id)
    who = require_user()
    if not who.is_organizer:
        abort(403)
    form = ConductorForm()
    form.user_id.choices = [
        (u.id, "")
        for u in db.session.scalars(sa.select(User).where(User.role == UserRole.CONDUCTOR))
    ]
    if not form.validate_on_submit():
        abort(400)
    projects.assign_conductor(db.session, project, db.session.get(User, form.user_id.data))
    db.session.commit()
    return redirect(url_for("projects.show", project_id=project.id, _anchor="conductors"))


@bp.post("/<int:project_id>/conductors/<int:user_id>/remove")
def unassign_conductor(project_id: int, user_id: int):
    project = get_project_or_abort(project_id)
    who = require_user()
    if not who.is_organizer:
        abort(403)
    if not EmptyForm().validate_on_submit():
        abort(400)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    projects.unassign_conductor(db.session, project, user)
    db.session.commit()
    _disconnect_revoked(RightsChange.user(user.id))
    return redirect(url_for("projects.show", project_id=project.id, _anchor="conductors"))


def _disconnect_revoked(change: RightsChange) -> None:
    """Rights were taken away: the open sockets concerned re-check theirs now, on every process."""
    from workshop.realtime import sessions as live_sessions

    live_sessions.rights_changed(change)
