"""The practice library over HTTP: materials (browse, filter, upload, edit, delete, attach to
projects and labs, download) and case histories (publish, read, unpublish).

Members are the account holders (workshop.access.policy.can_read_library); anonymous visitors
are sent to the login page and participants refused.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from workshop.access import policy
from workshop.boards.errors import BadRequest
from workshop.exports import board_json, diagram
from workshop.extensions import db
from workshop.library import cases, catalogue, files
from workshop.models import CaseBoard, Lab, Material, MaterialKind, Project, User
from workshop.projects.service import visible_projects
from workshop.web.board_strings import board_strings
from workshop.web.downloads import attachment_disposition, diagram_labels, download
from workshop.web.forms import EmptyForm
from workshop.web.i18n import BOARD_KIND_LABELS
from workshop.web.library_forms import (
    FIELD_MESSAGES,
    KIND_HINTS,
    KIND_LABELS,
    LANGUAGE_LABELS,
    AttachLabForm,
    AttachProjectForm,
    CaseForm,
    MaterialForm,
    bad_file_message,
    checked_upload,
    fields_from,
)
from workshop.web.security import get_project_or_abort, require_user

bp = Blueprint("library", __name__, url_prefix="/library")

LIBRARY_DIR_NAME = "library"  # under the instance directory
# Room in an upload's body for the form's other fields and the multipart framing: a
# description of 5,000 characters is at most 20 KB in UTF-8.
FORM_OVERHEAD_BYTES = 64 * 1024
UPLOAD_ENDPOINTS = {"library.new_material", "library.edit_material"}

CASE_SECTIONS = (
    ("context", _l("Context")),
    ("what_was_done", _l("What was done")),
    ("results", _l("Results")),
    ("lessons", _l("Lessons learned")),
)


@bp.url_value_preprocessor
def _allow_uploads(endpoint, values):
    """Uploads may be larger than the site's body limit. This runs before CSRFProtect reads the
    form (url value preprocessors come before every before_request function)."""
    if endpoint in UPLOAD_ENDPOINTS and request.method == "POST":
        request.max_content_length = files.MAX_MATERIAL_BYTES + FORM_OVERHEAD_BYTES


@bp.app_template_global()
def library_materials_of(target: str, target_id: int) -> list[Material]:
    """For the small includes on the project and lab pages."""
    if target == "project":
        return catalogue.materials_of_project(db.session, target_id)
    return catalogue.materials_of_lab(db.session, target_id)


@bp.app_template_global()
def library_case_of(project_id: int):
    return cases.case_of_project(db.session, project_id)


def _store() -> files.FileStore:
    return files.FileStore(Path(current_app.instance_path) / LIBRARY_DIR_NAME)


def _member():
    who = require_user()
    if not policy.can_read_library(who):
        abort(403)
    return who


def _material_or_404(material_id: int) -> Material:
    material = db.session.get(Material, material_id)
    if material is None:
        abort(404)
    return material


def _editable(material_id: int) -> Material:
    who = _member()
    material = _material_or_404(material_id)
    if not policy.can_edit_material(who, material.created_by_id):
        abort(403)
    return material


def _save_material(form: MaterialForm, material: Material | None, who) -> Material | None:
    """Validate and store; on any refusal put the reason on the form and store nothing."""
    if not form.validate_on_submit():
        return None
    try:
        fields = fields_from(form)
    except BadRequest as error:
        getattr(form, error.field).errors = [str(FIELD_MESSAGES[error.field])]
        return None
    try:
        upload = checked_upload(form)
    except files.BadFile as error:
        form.file.errors = [bad_file_message(error, form.file.data.filename)]
        return None
    store = _store()
    if material is None:
        if (upload is None) == (fields.url is None):
            form.file.errors = [_("Give either a file or a web address.")]
            return None
        material = catalogue.add_material(db.session, store, fields, upload, who.user_id)
        stale: list[str] = []
    else:
        if upload is not None and fields.url is not None:
            form.file.errors = [_("Give either a file or a web address.")]
            return None
        stale = catalogue.update_material(db.session, store, material, fields, upload)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        if upload is not None and material.stored_name:
            store.delete(material.stored_name)
        raise
    for name in stale:
        store.delete(name)  # the replaced file, once nothing points at it
    return material


# --- materials ----------------------------------------------------------------------------------


@bp.get("/")
def index():
    """The catalogue, filtered by kind, tag and text."""
    who = _member()
    text = catalogue.normalise_query(request.args.get("q"))
    kind_value = request.args.get("kind", "")
    kind = MaterialKind(kind_value) if kind_value in {k.value for k in MaterialKind} else None
    tag = " ".join(request.args.get("tag", "").split())[:40] or None
    return render_template(
        "library/index.html",
        materials=catalogue.find_materials(db.session, text, kind, tag),
        tags=catalogue.all_tags(db.session),
        query=text,
        kind=kind.value if kind else "",
        tag=tag or "",
        filtered=bool(text or kind or tag),
        may_add=policy.can_add_material(who),
        case_count=len(cases.published_cases(db.session)),
        KIND_LABELS=KIND_LABELS,
        KIND_HINTS=KIND_HINTS,
        LANGUAGE_LABELS=LANGUAGE_LABELS,
        FILE_TYPES=files.FILE_TYPES,
    )


@bp.route("/materials/new", methods=["GET", "POST"])
def new_material():
    who = _member()
    if not policy.can_add_material(who):
        abort(403)
    form = MaterialForm()
    material = _save_material(form, None, who)
    if material is not None:
        flash(_("Material added to the library."), "info")
        return redirect(url_for("library.material", material_id=material.id))
    return render_template("library/material_form.html", form=form, material=None)


@bp.get("/materials/<int:material_id>")
def material(material_id: int):
    who = _member()
    material = _material_or_404(material_id)
    manageable = visible_projects(db.session, who.user_id, who.is_organizer)
    attached = catalogue.projects_of(db.session, material.id, [p.id for p in manageable])
    attach_project = AttachProjectForm()
    attach_project.project_id.choices = [
        SelectChoice(p.id, p.title) for p in manageable if p.id not in {a.id for a in attached}
    ]
    labs = catalogue.labs_of(db.session, material.id)
    attach_lab = AttachLabForm()
    if policy.can_manage_labs(who):
        attach_lab.lab_id.choices = [
            SelectChoice(lab.id, lab.title)
            for lab in db.session.scalars(sa.select(Lab).order_by(Lab.title))
            if lab.id not in {x.id for x in labs}
        ]
    author = db.session.get(User, material.created_by_id) if material.created_by_id else None
    return render_template(
        "library/material.html",
        material=material,
        author=author,
        projects=attached,
        labs=labs,
        attach_project=attach_project,
        attach_lab=attach_lab,
        may_edit=policy.can_edit_material(who, material.created_by_id),
        may_manage_labs=policy.can_manage_labs(who),
        KIND_LABELS=KIND_LABELS,
        LANGUAGE_LABELS=LANGUAGE_LABELS,
        FILE_TYPES=files.FILE_TYPES,
    )


@bp.get("/materials/<int:material_id>/file")
def material_file(material_id: int):
    """The uploaded file, byte for byte, as an attachment under its original name."""
    _member()
    material = _material_or_404(material_id)
    if not material.is_file:
        abort(404)
    path = _store().path(material.stored_name)
    if not path.is_file():
        current_app.logger.error("library file missing for material %s", material.id)
        abort(404)
    mimetype = files.FILE_TYPES[material.file_type].mimetype
    response = send_file(path, mimetype=mimetype, conditional=True, max_age=0)
    response.headers["Content-Type"] = mimetype  # as written: send_file adds a second charset
    response.headers["Content-Disposition"] = attachment_disposition(material.file_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/materials/<int:material_id>/edit", methods=["GET", "POST"])
def edit_material(material_id: int):
    who = _member()
    material = _editable(material_id)
    form = MaterialForm(obj=material)
    if request.method == "GET":
        form.tags.data = ", ".join(material.tag_names)
        form.issued.data = (
            material.issued_on.isoformat()
            if material.issued_on
            else (str(material.issued_year) if material.issued_year else "")
        )
        form.kind.data = material.kind.value
    saved = _save_material(form, material, who)
    if saved is not None:
        flash(_("Material saved."), "info")
        return redirect(url_for("library.material", material_id=material.id))
    db.session.rollback()  # a refused edit leaves the material as it was
    return render_template(
        "library/material_form.html", form=form, material=db.session.get(Material, material_id)
    )


@bp.post("/materials/<int:material_id>/delete")
def delete_material(material_id: int):
    material = _editable(material_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    stale = catalogue.delete_material(db.session, material)
    db.session.commit()
    store = _store()
    for name in stale:
        store.delete(name)
    flash(_("Material deleted."), "info")
    return redirect(url_for("library.index"))


@bp.post("/materials/<int:material_id>/projects")
def attach_project(material_id: int):
    who = _member()
    material = _material_or_404(material_id)
    form = AttachProjectForm()
    # Any project that exists passes the form; whether this person may attach to it is policy's.
    form.project_id.choices = [
        SelectChoice(pid, "") for pid in db.session.scalars(sa.select(Project.id))
    ]
    if not form.validate_on_submit():
        abort(400)
    if not policy.can_manage_project(who, form.project_id.data):
        abort(403)
    catalogue.attach_to_project(db.session, material, form.project_id.data)
    db.session.commit()
    flash(_("Material attached to the project."), "info")
    return redirect(url_for("library.material", material_id=material.id))


@bp.post("/materials/<int:material_id>/projects/<int:project_id>/detach")
def detach_project(material_id: int, project_id: int):
    project = get_project_or_abort(project_id)
    material = _material_or_404(material_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not catalogue.detach_from_project(db.session, material, project.id):
        abort(404)
    db.session.commit()
    flash(_("Material detached from the project."), "info")
    return redirect(url_for("library.material", material_id=material.id))


@bp.post("/materials/<int:material_id>/labs")
def attach_lab(material_id: int):
    who = _member()
    if not policy.can_manage_labs(who):
        abort(403)
    material = _material_or_404(material_id)
    form = AttachLabForm()
    form.lab_id.choices = [
        SelectChoice(lab_id, "") for lab_id in db.session.scalars(sa.select(Lab.id))
    ]
    if not form.validate_on_submit():
        abort(400)
    catalogue.attach_to_lab(db.session, material, form.lab_id.data)
    db.session.commit()
    flash(_("Material attached to the lab."), "info")
    return redirect(url_for("library.material", material_id=material.id))


@bp.post("/materials/<int:material_id>/labs/<int:lab_id>/detach")
def detach_lab(material_id: int, lab_id: int):
    who = _member()
    if not policy.can_manage_labs(who):
        abort(403)
    material = _material_or_404(material_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not catalogue.detach_from_lab(db.session, material, lab_id):
        abort(404)
    db.session.commit()
    flash(_("Material detached from the lab."), "info")
    return redirect(url_for("library.material", material_id=material.id))


# --- case histories -----------------------------------------------------------------------------


@bp.get("/cases/")
def case_list():
    who = _member()
    publishable = [
        p
        for p in visible_projects(db.session, who.user_id, who.is_organizer)
        if policy.can_publish_case(who, p.id)
    ]
    return render_template(
        "library/cases.html", cases=cases.published_cases(db.session), publishable=publishable
    )


@bp.route("/cases/publish/<int:project_id>", methods=["GET", "POST"])
def publish_case(project_id: int):
    project = get_project_or_abort(project_id)
    who = _member()
    if not policy.can_publish_case(who, project.id):
        abort(403)
    existing = cases.case_of_project(db.session, project.id)
    form = CaseForm(obj=existing) if existing is not None else CaseForm(title=project.title)
    form.boards.choices = [
        SelectChoice(b.id, _board_name(b.kind.value, b.title)) for b in project.boards
    ]
    if request.method == "GET" and existing is not None:
        form.boards.data = [cb.board_id for cb in existing.boards if cb.board_id]
    if form.validate_on_submit():
        summary = cases.Summary(
            title=form.title.data,
            context=form.context.data or "",
            what_was_done=form.what_was_done.data or "",
            results=form.results.data or "",
            lessons=form.lessons.data or "",
        )
        try:
            case = cases.publish(db.session, project, summary, form.boards.data or [], who.user_id)
        except cases.NotFinished:
            db.session.rollback()
            flash(
                _(
                    "Only a finished project is shared as a case history: set its status to Closed in the record first."
                ),
                "error",
            )
        else:
            db.session.commit()
            flash(_("Case history published: every member of the library can read it."), "info")
            return redirect(url_for("library.case", case_id=case.id))
    return render_template(
        "library/case_form.html",
        form=form,
        project=project,
        existing=existing,
        finished=project.status.value == "closed",
    )


def _board_name(kind: str, title: str) -> str:
    return title or str(BOARD_KIND_LABELS[kind])


def _published(case_id: int):
    _member()
    case = cases.published_case(db.session, case_id)
    if case is None:
        abort(404)  # unpublished or never was: the same answer
    return case


@bp.get("/cases/<int:case_id>")
def case(case_id: int):
    who = _member()
    case = _published(case_id)
    strings = board_strings()
    return render_template(
        "library/case.html",
        case=case,
        sections=CASE_SECTIONS,
        boards=[
            (cb, _board_name(cb.kind, cb.title), cases.outline(cb.items)) for cb in case.boards
        ],
        type_label=lambda t: strings.get(f"type.{t}", t),
        may_unpublish=policy.can_publish_case(who, case.project_id),
    )


def _case_board(case_id: int, case_board_id: int) -> tuple[object, CaseBoard]:
    case = _published(case_id)
    frozen = db.session.get(CaseBoard, case_board_id)
    if frozen is None or frozen.case_id != case.id:
        abort(404)
    return case, frozen


@bp.get("/cases/<int:case_id>/boards/<int:case_board_id>.svg")
def case_board_svg(case_id: int, case_board_id: int):
    """A frozen board drawn: what it held when the case was published."""
    _case, frozen = _case_board(case_id, case_board_id)
    name = _board_name(frozen.kind, frozen.title)
    svg = diagram.board_svg(
        frozen.items,
        diagram_labels(),
        title=name,
    )
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["Cache-Control"] = "private, no-cache"  # an unpublished case must stop showing
    return response


@bp.get("/cases/<int:case_id>/boards/<int:case_board_id>.json")
def case_board_json(case_id: int, case_board_id: int):
    """A frozen board as JSON that imports into a project of one's own, to start from it."""
    import json

    _case, frozen = _case_board(case_id, case_board_id)
    name = _board_name(frozen.kind, frozen.title)
    body = json.dumps(
        board_json.export_board(frozen.kind, name, frozen.items), ensure_ascii=False, indent=1
    )
    return download(body, "application/json", f"case-{frozen.case_id}-board-{frozen.id}.json")


@bp.post("/cases/<int:case_id>/unpublish")
def unpublish_case(case_id: int):
    who = _member()
    case = _published(case_id)
    if not policy.can_publish_case(who, case.project_id):
        abort(403)
    if not EmptyForm().validate_on_submit():
        abort(400)
    cases.unpublish(db.session, case)
    db.session.commit()
    flash(_("Case history unpublished: nobody can read it any more."), "info")
    return redirect(url_for("library.case_list"))
